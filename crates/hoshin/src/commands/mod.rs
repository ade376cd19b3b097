//! One module per subcommand: argument types and the function that runs it.

pub mod audit;
pub mod db;
pub mod export;
pub mod gen;
pub mod import;
pub mod parse;
pub mod serve;
pub mod target;
pub mod user;

/// An `--organization` flag: 大阪市/住吉区, or a name alone for one of 大阪市's wards.
pub fn organization_flag(text: &str) -> hoshin_core::Organization {
    let text = text.trim();
    match text.split_once('/') {
        Some((city, name)) => {
            hoshin_core::Organization::new(name.trim(), Some(city.trim()).filter(|city| !city.is_empty()))
        }
        None => hoshin_core::Organization::new(text, Some("大阪市")),
    }
}

/// A `--fiscal-year` flag: 2024, 令和6年度 or R6.
pub fn fiscal_year_flag(text: &str) -> Result<hoshin_core::FiscalYear, crate::UserError> {
    hoshin_core::parse_fiscal_year(text, None)
        .ok()
        .or_else(|| text.trim().parse().ok().and_then(hoshin_core::FiscalYear::new))
        .ok_or_else(|| crate::UserError(format!("--fiscal-year {text}: write 2024, 令和6年度 or R6")))
}

/// A `--stage` flag: a code (year_end) or the Japanese label (年度末評価).
pub fn stage_flag(code: &str) -> Result<hoshin_core::Stage, crate::UserError> {
    use hoshin_core::Stage;
    Stage::from_code(code).or_else(|| Stage::from_label_ja(code)).ok_or_else(|| {
        let codes: Vec<&str> = Stage::ALL.iter().map(|stage| stage.code()).collect();
        crate::UserError(format!("--stage {code}: not a stage; use one of {}", codes.join(", ")))
    })
}
