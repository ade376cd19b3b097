//! `hoshin target TEXT [--actual V] [--previous V] [--fiscal-year N] [--rule R] [--json]`: parse a target,
//! judge an actual against it and print the explanation.

use std::io::Write;

use anyhow::Result;
use hoshin_core::{
    judge, parse_fiscal_year, parse_measure, parse_target, FiscalYear, Lang, Observation, ParseContext, Rule, Target,
};

use crate::UserError;
use hoshin_web::wire::JudgmentJson;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The target as written, or a whole indicator sentence ending in one
    /// (「令和10年度末までに55％以上とする」).
    pub text: String,

    /// The actual of the fiscal year judged (「43.9%」, 「6地域」, 「☆☆」).
    #[arg(long)]
    pub actual: Option<String>,

    /// The previous year's actual (「27.8%」; 「－」 for none).
    #[arg(long)]
    pub previous: Option<String>,

    /// Earlier actuals, as YEAR=VALUE pairs separated by commas (`2022=40%,2023=42%`).
    #[arg(long, value_delimiter = ',')]
    pub history: Vec<String>,

    /// The fiscal year judged: 2024, 令和6年度 or R6. Era-less years in the target are read in its era.
    #[arg(long)]
    pub fiscal_year: Option<String>,

    /// The judging rule for intermediate years of multi-year targets.
    #[arg(long, default_value = "meet-or-improve", value_parser = ["threshold", "meet-or-improve", "glide-path", "progress-rate"])]
    pub rule: String,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn read_year(text: &str) -> Result<FiscalYear, UserError> {
    let trimmed = text.trim();
    if let Ok(year) = trimmed.parse::<i32>() {
        return FiscalYear::new(year).ok_or_else(|| UserError(format!("--fiscal-year {year}: outside 1900–2200")));
    }
    parse_fiscal_year(trimmed, None).map_err(|error| UserError(format!("--fiscal-year: {error}")))
}

fn read_measure(flag: &str, text: &str) -> Result<hoshin_core::Measure, UserError> {
    parse_measure(text).map_err(|error| UserError(format!("{flag}: {error}")))
}

pub fn run(args: &Args, lang: Lang) -> Result<()> {
    let fiscal_year = args.fiscal_year.as_deref().map(read_year).transpose()?;
    let context = fiscal_year.map(ParseContext::for_year).unwrap_or_default();
    let target = parse_target(&args.text, context)
        .map_err(|error| UserError(format!("the target cannot be read (not evaluable): {error}")))?;
    let rule = Rule::from_name(&args.rule).unwrap_or_default();

    let mut series = Vec::new();
    if let Some(actual) = &args.actual {
        let year =
            fiscal_year.ok_or_else(|| UserError("--actual needs --fiscal-year: the year the actual is for".into()))?;
        series.push(Observation { fiscal_year: year, actual: read_measure("--actual", actual)?, year_target: None });
    }
    if let Some(previous) = &args.previous {
        let year = fiscal_year
            .and_then(FiscalYear::previous)
            .ok_or_else(|| UserError("--previous needs --fiscal-year".into()))?;
        series.push(Observation {
            fiscal_year: year,
            actual: read_measure("--previous", previous)?,
            year_target: None,
        });
    }
    for pair in &args.history {
        let (year, value) = pair
            .split_once('=')
            .ok_or_else(|| UserError(format!("--history {pair:?}: write YEAR=VALUE, e.g. 2022=40%")))?;
        let year = read_year(year)?;
        if series.iter().any(|observation| observation.fiscal_year == year) {
            return Err(UserError(format!("--history: FY{} is given twice", year.start_year())).into());
        }
        series.push(Observation { fiscal_year: year, actual: read_measure("--history", value)?, year_target: None });
    }

    let judgment = fiscal_year.map(|year| judge(&target, &series, year, rule));
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = JudgmentJson::new(&target, judgment.as_ref(), rule, lang);
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &target, judgment.as_ref(), lang)?;
    }
    Ok(())
}

fn print_text(
    out: &mut impl Write,
    target: &Target,
    judgment: Option<&hoshin_core::Judgment<'_>>,
    lang: Lang,
) -> Result<()> {
    let (target_label, subject_label, period_label, mark_label, none) = match lang {
        Lang::Ja => ("目標", "対象", "期間", "判定", "判定不能"),
        Lang::En => ("target", "subject", "period", "mark", "not evaluable"),
    };
    writeln!(out, "{target_label}: {}", target.render(lang))?;
    if let Some(subject) = &target.subject {
        writeln!(out, "{subject_label}: {subject}")?;
    }
    writeln!(out, "{period_label}: {}", target.period.describe(lang))?;
    if let Some(judgment) = judgment {
        let mark = judgment.mark().map_or(none.to_string(), |mark| format!("{} ({})", mark.letter(), mark.label(lang)));
        writeln!(out, "{mark_label}: {mark}")?;
        for line in judgment.explanation(lang) {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}
