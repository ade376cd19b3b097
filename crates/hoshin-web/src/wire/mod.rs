//! JSON shapes printed by the command line. The core's types are not the wire format: these are, and other
//! tools rely on their keys (documented in README.md).

pub mod policy;

use hoshin_core::{Change, Comparator, Condition, Judgment, Lang, Outcome, Period, Rule, Target};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct JudgmentJson {
    pub target: TargetJson,
    /// The fiscal year judged (Gregorian start year), or null when none was given.
    pub fiscal_year: Option<i32>,
    pub rule: &'static str,
    /// "A", "B", or null when not evaluable.
    pub mark: Option<&'static str>,
    /// "achieved", "not_achieved" or "not_evaluable".
    pub outcome: &'static str,
    pub not_evaluable_reason: Option<String>,
    pub explanation: Vec<String>,
}

impl JudgmentJson {
    pub fn new(target: &Target, judgment: Option<&Judgment<'_>>, rule: Rule, lang: Lang) -> JudgmentJson {
        let (outcome, reason) = match judgment.map(|judgment| &judgment.outcome) {
            Some(Outcome::Achieved) => ("achieved", None),
            Some(Outcome::NotAchieved) => ("not_achieved", None),
            Some(Outcome::NotEvaluable(reason)) => ("not_evaluable", Some(reason.reason(lang))),
            None => (
                "not_evaluable",
                Some(match lang {
                    Lang::Ja => "判定する年度が指定されていません".to_string(),
                    Lang::En => "no fiscal year to judge was given".to_string(),
                }),
            ),
        };
        JudgmentJson {
            target: TargetJson::new(target),
            fiscal_year: judgment.map(|judgment| judgment.fiscal_year.start_year()),
            rule: rule.name(),
            mark: judgment.and_then(Judgment::mark).map(|mark| mark.letter()),
            outcome,
            not_evaluable_reason: reason,
            explanation: judgment.map(|judgment| judgment.explanation(lang)).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TargetJson {
    /// The text as written.
    pub text: String,
    pub subject: Option<String>,
    /// Canonical renderings.
    pub ja: String,
    pub en: String,
    pub period: PeriodJson,
    pub conditions: Vec<ConditionJson>,
    pub each: bool,
    /// "raised" (目標値UP), "reset" (目標値修正), "new" (新規指標) or null.
    pub change_label: Option<&'static str>,
}

impl TargetJson {
    pub fn new(target: &Target) -> TargetJson {
        TargetJson {
            text: target.original.clone(),
            subject: target.subject.clone(),
            ja: target.render_ja(),
            en: target.render_en(),
            period: PeriodJson::new(target.period),
            conditions: target.conditions.iter().map(ConditionJson::new).collect(),
            each: target.each,
            change_label: target.change_label.map(|change| match change {
                hoshin_core::TargetChange::Raised => "raised",
                hoshin_core::TargetChange::Reset => "reset",
                hoshin_core::TargetChange::New => "new",
            }),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PeriodJson {
    /// "single_year", "by_deadline", "every_year" or "cumulative".
    pub kind: &'static str,
    /// The deadline, the last year of an every-year target, or the end of a cumulative range.
    pub until: Option<i32>,
    /// The first year of a cumulative range.
    pub from: Option<i32>,
}

impl PeriodJson {
    fn new(period: Period) -> PeriodJson {
        match period {
            Period::SingleYear => PeriodJson { kind: "single_year", until: None, from: None },
            Period::ByDeadline(year) => PeriodJson { kind: "by_deadline", until: Some(year.start_year()), from: None },
            Period::EveryYear { until } => {
                PeriodJson { kind: "every_year", until: until.map(hoshin_core::FiscalYear::start_year), from: None }
            }
            Period::Cumulative { from, to } => {
                PeriodJson { kind: "cumulative", until: Some(to.start_year()), from: Some(from.start_year()) }
            }
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ConditionJson {
    /// "absolute" or "relative".
    pub kind: &'static str,
    pub label: Option<String>,
    /// "at_least", "at_most", "more_than", "less_than" (absolute conditions).
    pub comparator: Option<&'static str>,
    pub comparator_written: Option<bool>,
    /// The value as a decimal string, and its unit as written.
    pub value: Option<String>,
    pub unit: Option<String>,
    pub all: Option<bool>,
    /// Relative conditions: "no_worse", "increase", "decrease", "increase_by_percent", "increase_by_points",
    /// "decrease_by_percent", "decrease_by_points", "no_higher"; with `amount` where it has one.
    pub change: Option<&'static str>,
    pub amount: Option<String>,
}

impl ConditionJson {
    fn new(condition: &Condition) -> ConditionJson {
        match condition {
            Condition::Absolute { label, comparator, comparator_written, value, all, .. } => ConditionJson {
                kind: "absolute",
                label: label.clone(),
                comparator: Some(match comparator {
                    Comparator::AtLeast => "at_least",
                    Comparator::AtMost => "at_most",
                    Comparator::MoreThan => "more_than",
                    Comparator::LessThan => "less_than",
                }),
                comparator_written: Some(*comparator_written),
                value: Some(value.value.to_string()),
                unit: Some(value.unit.symbol().to_string()),
                all: Some(*all),
                change: None,
                amount: None,
            },
            Condition::Relative { label, change, .. } => {
                let (name, amount) = match change {
                    Change::NoWorse => ("no_worse", None),
                    Change::NoHigher => ("no_higher", None),
                    Change::Increase => ("increase", None),
                    Change::Decrease => ("decrease", None),
                    Change::IncreaseByPercent(p) => ("increase_by_percent", Some(p.to_string())),
                    Change::IncreaseByPoints(p) => ("increase_by_points", Some(p.to_string())),
                    Change::DecreaseByPercent(p) => ("decrease_by_percent", Some(p.to_string())),
                    Change::DecreaseByPoints(p) => ("decrease_by_points", Some(p.to_string())),
                };
                ConditionJson {
                    kind: "relative",
                    label: label.clone(),
                    comparator: None,
                    comparator_written: None,
                    value: None,
                    unit: None,
                    all: None,
                    change: Some(name),
                    amount,
                }
            }
        }
    }
}
