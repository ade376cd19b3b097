//! The document audit: what a careful reader of a published policy would flag, found by rule and named with
//! the item and the values. docs/ANALYSIS.md explains each rule with an example from the samples.
//!
//! - the ward's published mark differs from the mark the default rule computes;
//! - a budget that does not carry over: the FY N document's FY N−1 budget against the FY N−1 document's own
//!   FY N−1 budget (given the previous year's policy);
//! - an indicator no strategy points to, and a strategy that points to no indicator (only in issues whose
//!   strategies link indicators at all — 「（アウトカム指標①）」);
//! - year-end fields left empty in a year-end evaluation (actual, mark, self-evaluation, future policy);
//! - an impossible value: a share above 100 % or below 0 %;
//! - a target that cannot be evaluated.

use crate::judgment::Mark;
use crate::model::{BudgetKind, Indicator, PolicyContent, Stage, TargetText};
use crate::number::Number;
use crate::quantity::Unit;
use crate::rollover::{checklist, Lack, Part};
use crate::text::{circled, Lang};
use crate::FiscalYear;

/// One finding: the item it is about (an item path, `""` for the policy) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    /// The item as a reader finds it: 「経営課題1 指標①」.
    pub item: String,
    pub kind: FindingKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    MarkDiffers { year: FiscalYear, published: Mark, computed: Mark, actual: String, target: String },
    BudgetChanged { year: FiscalYear, this_document: String, that_document: String },
    BudgetDropped { year: FiscalYear, that_document: String },
    IndicatorUnlinked,
    StrategyUnlinked { heading: String },
    Missing(Lack),
    ImpossibleValue { year: FiscalYear, value: String },
    TargetNotEvaluable { text: String, reason: String },
}

impl FindingKind {
    /// A short stable code, for files and filters.
    pub fn code(&self) -> &'static str {
        match self {
            FindingKind::MarkDiffers { .. } => "mark_differs",
            FindingKind::BudgetChanged { .. } => "budget_changed",
            FindingKind::BudgetDropped { .. } => "budget_dropped",
            FindingKind::IndicatorUnlinked => "indicator_unlinked",
            FindingKind::StrategyUnlinked { .. } => "strategy_unlinked",
            FindingKind::Missing(_) => "year_end_missing",
            FindingKind::ImpossibleValue { .. } => "impossible_value",
            FindingKind::TargetNotEvaluable { .. } => "target_not_evaluable",
        }
    }

    /// The kinds in the order reports list them, with their labels.
    pub const CODES: [&'static str; 8] = [
        "mark_differs",
        "budget_changed",
        "budget_dropped",
        "indicator_unlinked",
        "strategy_unlinked",
        "year_end_missing",
        "impossible_value",
        "target_not_evaluable",
    ];

    pub fn label(code: &str, lang: Lang) -> &'static str {
        match (code, lang) {
            ("mark_differs", Lang::Ja) => "区の評価と判定の違い",
            ("budget_changed", Lang::Ja) => "前年度の文書と異なる予算",
            ("budget_dropped", Lang::Ja) => "引き継がれない予算",
            ("indicator_unlinked", Lang::Ja) => "戦略と結びつかない指標",
            ("strategy_unlinked", Lang::Ja) => "指標と結びつかない戦略",
            ("year_end_missing", Lang::Ja) => "年度末評価の未記入",
            ("impossible_value", Lang::Ja) => "ありえない値",
            ("target_not_evaluable", Lang::Ja) => "判定できない目標",
            ("mark_differs", _) => "published and computed marks differ",
            ("budget_changed", _) => "budget differs from last year's document",
            ("budget_dropped", _) => "budget not carried over",
            ("indicator_unlinked", _) => "indicator no strategy points to",
            ("strategy_unlinked", _) => "strategy that points to no indicator",
            ("year_end_missing", _) => "year-end field left empty",
            ("impossible_value", _) => "impossible value",
            ("target_not_evaluable", _) => "target that cannot be judged",
            _ => "",
        }
    }
}

impl Finding {
    /// One line naming the item and the values.
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        let what = match &self.kind {
            FindingKind::MarkDiffers { year, published, computed, actual, target } => {
                if ja {
                    format!(
                        "{}の区の評価{}と判定{}が異なります（実績 {actual}、目標 {target}）",
                        year.era_label(),
                        published.letter(),
                        computed.letter()
                    )
                } else {
                    format!(
                        "{}: published mark {} but computed {} (actual {actual}, target {target})",
                        year.label(lang),
                        published.letter(),
                        computed.letter()
                    )
                }
            }
            FindingKind::BudgetChanged { year, this_document, that_document } => {
                if ja {
                    format!(
                        "{}の予算額が前年度の文書（{that_document}）と異なります（{this_document}）",
                        year.era_label()
                    )
                } else {
                    format!(
                        "the budget of {} is {this_document} here but {that_document} in last year's document",
                        year.label(lang)
                    )
                }
            }
            FindingKind::BudgetDropped { year, that_document } => {
                if ja {
                    format!("前年度の文書にあった{}の予算額（{that_document}）がありません", year.era_label())
                } else {
                    format!(
                        "last year's document gives a budget of {that_document} for {}; this one none",
                        year.label(lang)
                    )
                }
            }
            FindingKind::IndicatorUnlinked => (if ja {
                "どの戦略からも指されていない指標です"
            } else {
                "no strategy points to this indicator"
            })
            .into(),
            FindingKind::StrategyUnlinked { heading } => {
                if ja {
                    format!("戦略「{heading}」はどの指標も指していません")
                } else {
                    format!("the strategy 「{heading}」 points to no indicator")
                }
            }
            FindingKind::Missing(lack) => lack.message(lang),
            FindingKind::ImpossibleValue { year, value } => {
                if ja {
                    format!("{}の実績「{value}」は割合としてありえない値です", year.era_label())
                } else {
                    format!("the actual 「{value}」 of {} is impossible for a share", year.label(lang))
                }
            }
            FindingKind::TargetNotEvaluable { text, reason } => {
                if ja {
                    format!("目標「{text}」を判定できません（{reason}）")
                } else {
                    format!("the target 「{text}」 cannot be judged ({reason})")
                }
            }
        };
        format!("{}: {what}", self.item)
    }
}

fn indicator_name(issue: &str, position: usize, indicator: &Indicator) -> String {
    let number = indicator.number.unwrap_or(position as u32 + 1);
    let shown = circled(number);
    format!("経営課題{issue} 指標{shown}")
}

/// Audits the policy of `fiscal_year` published as `stage`; `previous` is last year's policy, when there is
/// one, for the budgets.
pub fn audit(
    content: &PolicyContent,
    fiscal_year: FiscalYear,
    stage: Stage,
    previous: Option<&PolicyContent>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, issue) in content.issues.iter().enumerate() {
        let base = format!("issues/{}", i + 1);
        let issue_name = format!("経営課題{}", issue.id);
        let id = issue.id.to_string();
        // Marks, values and targets of every indicator of the issue.
        let mut indicators: Vec<(String, String, &Indicator)> = issue
            .indicators
            .iter()
            .enumerate()
            .map(|(at, indicator)| {
                (format!("{base}/indicators/{}", at + 1), indicator_name(&id, at, indicator), indicator)
            })
            .collect();
        for (s, strategy) in issue.detailed_strategies.iter().enumerate() {
            for (at, indicator) in strategy.outcome_indicators.iter().enumerate() {
                let path = format!("{base}/detailed_strategies/{}/outcome_indicators/{}", s + 1, at + 1);
                indicators.push((path, format!("{issue_name} 戦略{} 指標{}", strategy.id, at + 1), indicator));
            }
        }
        for (path, item, indicator) in &indicators {
            for result in &indicator.results {
                let year = result.fiscal_year;
                if let (Some(published), Some(computed)) =
                    (result.published_mark.as_ref().map(|mark| mark.mark), indicator.computed_mark(year))
                {
                    if published != computed {
                        out.push(Finding {
                            path: path.clone(),
                            item: item.clone(),
                            kind: FindingKind::MarkDiffers {
                                year,
                                published,
                                computed,
                                actual: result.actual.as_ref().map(|m| m.original.clone()).unwrap_or_default(),
                                target: indicator.printed_target().to_string(),
                            },
                        });
                    }
                }
                if let Some(quantity) = result.actual.as_ref().and_then(|actual| actual.quantity()) {
                    let hundred = Number::from_integer(100);
                    if quantity.unit == Unit::Percent && (quantity.value > hundred || quantity.value.is_negative()) {
                        out.push(Finding {
                            path: path.clone(),
                            item: item.clone(),
                            kind: FindingKind::ImpossibleValue {
                                year,
                                value: result.actual.as_ref().map(|m| m.original.clone()).unwrap_or_default(),
                            },
                        });
                    }
                }
            }
            if let Some(TargetText::NotEvaluable { text, reason }) = &indicator.target {
                out.push(Finding {
                    path: path.clone(),
                    item: item.clone(),
                    kind: FindingKind::TargetNotEvaluable { text: text.clone(), reason: reason.to_string() },
                });
            }
        }
        // Strategy → indicator links, where the issue's strategies link indicators at all.
        if issue.strategies.iter().any(|group| !group.indicator_links.is_empty()) {
            for (at, indicator) in issue.indicators.iter().enumerate() {
                let number = indicator.number.unwrap_or(at as u32 + 1);
                if !issue.strategies.iter().any(|group| group.indicator_links.contains(&number)) {
                    out.push(Finding {
                        path: format!("{base}/indicators/{}", at + 1),
                        item: indicator_name(&id, at, indicator),
                        kind: FindingKind::IndicatorUnlinked,
                    });
                }
            }
            for (at, group) in issue.strategies.iter().enumerate() {
                if group.indicator_links.is_empty() {
                    out.push(Finding {
                        path: format!("{base}/strategies/{}", at + 1),
                        item: format!("{issue_name} 戦略{}", at + 1),
                        kind: FindingKind::StrategyUnlinked {
                            heading: group
                                .heading
                                .clone()
                                .unwrap_or_else(|| group.bullets.first().cloned().unwrap_or_default()),
                        },
                    });
                }
            }
        }
        // Budgets against last year's document.
        let last_year = fiscal_year.previous();
        if let (Some(previous), Some(last_year)) = (previous, last_year) {
            if let Some(before) = previous.issues.iter().find(|other| other.id == issue.id) {
                let planned = |budgets: &[crate::Budget]| {
                    budgets
                        .iter()
                        .find(|budget| budget.kind == BudgetKind::Planned && budget.fiscal_year == last_year)
                        .map(|budget| budget.amount.clone())
                };
                match (planned(&issue.budgets), planned(&before.budgets)) {
                    (Some(now), Some(then)) if now.yen != then.yen => out.push(Finding {
                        path: base.clone(),
                        item: issue_name.clone(),
                        kind: FindingKind::BudgetChanged {
                            year: last_year,
                            this_document: now.original,
                            that_document: then.original,
                        },
                    }),
                    (None, Some(then)) if !issue.budgets.is_empty() => out.push(Finding {
                        path: base.clone(),
                        item: issue_name.clone(),
                        kind: FindingKind::BudgetDropped { year: last_year, that_document: then.original },
                    }),
                    _ => {}
                }
            }
        }
    }
    // Year-end fields left empty: the checklist's actuals and evaluation for a year-end evaluation.
    if stage == Stage::YearEnd {
        for missing in checklist(content, fiscal_year, stage) {
            if matches!(missing.what.part(), Part::Actuals | Part::Evaluation) {
                let item = crate::edit::ItemPath::parse(&missing.path)
                    .and_then(|path| crate::edit::item(content, &path))
                    .map(|item| {
                        let (code, text) = item.summary();
                        let kind = item.kind().label(Lang::Ja);
                        match code {
                            Some(code) => format!("{kind} {code} {text}"),
                            None => format!("{kind} {text}"),
                        }
                    })
                    .unwrap_or_default();
                out.push(Finding { path: missing.path, item, kind: FindingKind::Missing(missing.what) });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{Budget, BulletGroup, Issue, IssueId, PublishedMark, YearResult};
    use crate::{parse_measure, parse_money, parse_target, IndicatorKind, ParseContext};

    fn year() -> FiscalYear {
        FiscalYear::new(2024).unwrap()
    }

    fn indicator(number: u32, target: &str, actual: &str, mark: Option<Mark>) -> Indicator {
        let mut indicator = Indicator::new(IndicatorKind::Outcome, "区民の割合");
        indicator.number = Some(number);
        indicator.target = Some(match parse_target(target, ParseContext { era: crate::Era::of(year()) }) {
            Ok(parsed) => TargetText::Parsed(parsed),
            Err(reason) => TargetText::NotEvaluable { text: target.into(), reason },
        });
        indicator.results.push(YearResult {
            fiscal_year: year(),
            actual: Some(parse_measure(actual).unwrap()),
            published_mark: mark.map(|mark| PublishedMark {
                mark,
                original: mark.letter().into(),
                shared_with: Vec::new(),
                reason: None,
            }),
            year_target: None,
        });
        indicator
    }

    fn budget(year: i32, text: &str) -> Budget {
        Budget {
            fiscal_year: FiscalYear::new(year).unwrap(),
            kind: BudgetKind::Planned,
            amount: parse_money(text).unwrap(),
        }
    }

    #[test]
    fn each_rule_names_the_item_and_the_values() {
        let mut issue = Issue::new(IssueId::Single(1), "地域");
        issue.indicators.push(indicator(1, "60%以上", "50%", Some(Mark::Achieved)));
        issue.indicators.push(indicator(2, "がんばる", "120%", None));
        issue.strategies.push(BulletGroup {
            heading: Some("防災".into()),
            bullets: vec!["訓練".into()],
            indicator_links: vec![1],
        });
        issue.strategies.push(BulletGroup {
            heading: Some("広報".into()),
            bullets: vec!["発信".into()],
            indicator_links: vec![],
        });
        issue.budgets.push(budget(2023, "85百万円"));
        let content = PolicyContent { issues: vec![issue.clone()], ..PolicyContent::default() };
        let mut before = issue.clone();
        before.budgets = vec![budget(2023, "80百万円")];
        let previous = PolicyContent { issues: vec![before], ..PolicyContent::default() };
        let findings = audit(&content, year(), Stage::YearEnd, Some(&previous));
        let codes: Vec<&str> = findings.iter().map(|finding| finding.kind.code()).collect();
        for code in [
            "mark_differs",
            "impossible_value",
            "target_not_evaluable",
            "indicator_unlinked",
            "strategy_unlinked",
            "budget_changed",
            "year_end_missing",
        ] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        let messages: Vec<String> = findings.iter().map(|finding| finding.message(Lang::Ja)).collect();
        assert!(
            messages
                .iter()
                .any(|m| m == "経営課題1 指標①: 令和6年度の区の評価Aと判定Bが異なります（実績 50%、目標 60%以上）"),
            "{messages:#?}"
        );
        assert!(messages.iter().any(|m| m.contains("120%") && m.contains("ありえない")));
        assert!(messages.iter().any(|m| m.contains("80百万円") && m.contains("85百万円")));
        // A plan is not audited for year-end fields.
        let plan = audit(&content, year(), Stage::Draft, None);
        assert!(!plan.iter().any(|finding| finding.kind.code() == "year_end_missing"));
    }
}
