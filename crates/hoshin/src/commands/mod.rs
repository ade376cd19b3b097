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
