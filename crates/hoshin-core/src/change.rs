//! The year-over-year change of a policy, as a reader would summarise it: issues added or removed or retitled,
//! indicators added, removed or reworded (matched across the years by lineage, so a reworded indicator is
//! one indicator), targets raised, lowered or re-set, and budgets changed. docs/ANALYSIS.md explains it.

use crate::lineage::{match_lineage, LineageKey};
use crate::model::{BudgetKind, Indicator, IssueId, PolicyContent, TargetText};
use crate::target::{Comparator, Condition};
use crate::text::{compact, Lang};
use crate::FiscalYear;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    IssueAdded { id: IssueId, title: String },
    IssueRemoved { id: IssueId, title: String },
    IssueRetitled { id: IssueId, before: String, after: String },
    IndicatorAdded { issue: IssueId, wording: String },
    IndicatorRemoved { issue: IssueId, wording: String },
    IndicatorReworded { issue: IssueId, before: String, after: String },
    TargetRaised { issue: IssueId, wording: String, before: String, after: String },
    TargetLowered { issue: IssueId, wording: String, before: String, after: String },
    TargetReset { issue: IssueId, wording: String, before: String, after: String },
    BudgetChanged { issue: IssueId, before: (FiscalYear, String), after: (FiscalYear, String), percent: Option<i64> },
}

impl ChangeKind {
    pub fn code(&self) -> &'static str {
        match self {
            ChangeKind::IssueAdded { .. } => "issue_added",
            ChangeKind::IssueRemoved { .. } => "issue_removed",
            ChangeKind::IssueRetitled { .. } => "issue_retitled",
            ChangeKind::IndicatorAdded { .. } => "indicator_added",
            ChangeKind::IndicatorRemoved { .. } => "indicator_removed",
            ChangeKind::IndicatorReworded { .. } => "indicator_reworded",
            ChangeKind::TargetRaised { .. } => "target_raised",
            ChangeKind::TargetLowered { .. } => "target_lowered",
            ChangeKind::TargetReset { .. } => "target_reset",
            ChangeKind::BudgetChanged { .. } => "budget_changed",
        }
    }

    /// One readable line.
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            ChangeKind::IssueAdded { id, title } => {
                if ja {
                    format!("経営課題{id}「{title}」が加わりました")
                } else {
                    format!("issue {id} 「{title}」 was added")
                }
            }
            ChangeKind::IssueRemoved { id, title } => {
                if ja {
                    format!("経営課題{id}「{title}」がなくなりました")
                } else {
                    format!("issue {id} 「{title}」 was removed")
                }
            }
            ChangeKind::IssueRetitled { id, before, after } => {
                if ja {
                    format!("経営課題{id}の名称が「{before}」から「{after}」に変わりました")
                } else {
                    format!("issue {id} was retitled from 「{before}」 to 「{after}」")
                }
            }
            ChangeKind::IndicatorAdded { issue, wording } => {
                if ja {
                    format!("経営課題{issue}に指標「{wording}」が加わりました")
                } else {
                    format!("issue {issue}: indicator 「{wording}」 was added")
                }
            }
            ChangeKind::IndicatorRemoved { issue, wording } => {
                if ja {
                    format!("経営課題{issue}の指標「{wording}」がなくなりました")
                } else {
                    format!("issue {issue}: indicator 「{wording}」 was removed")
                }
            }
            ChangeKind::IndicatorReworded { issue, before, after } => {
                if ja {
                    format!("経営課題{issue}の指標の文言が「{before}」から「{after}」に変わりました")
                } else {
                    format!("issue {issue}: an indicator was reworded from 「{before}」 to 「{after}」")
                }
            }
            ChangeKind::TargetRaised { issue, wording, before, after }
            | ChangeKind::TargetLowered { issue, wording, before, after }
            | ChangeKind::TargetReset { issue, wording, before, after } => {
                let (ja_word, en_word) = match self {
                    ChangeKind::TargetRaised { .. } => ("引き上げられました", "raised"),
                    ChangeKind::TargetLowered { .. } => ("引き下げられました", "lowered"),
                    _ => ("変わりました", "re-set"),
                };
                if ja {
                    format!("経営課題{issue}「{wording}」の目標が「{before}」から「{after}」に{ja_word}")
                } else {
                    format!("issue {issue} 「{wording}」: the target was {en_word} from 「{before}」 to 「{after}」")
                }
            }
            ChangeKind::BudgetChanged { issue, before, after, percent } => {
                let change = percent.map_or_else(String::new, |p| format!("（{p:+}%）"));
                if ja {
                    format!(
                        "経営課題{issue}の予算額: {} {} → {} {}{change}",
                        before.0.era_label(),
                        before.1,
                        after.0.era_label(),
                        after.1
                    )
                } else {
                    format!(
                        "issue {issue} budget: {} {} → {} {}{}",
                        before.0.label(lang),
                        before.1,
                        after.0.label(lang),
                        after.1,
                        percent.map_or_else(String::new, |p| format!(" ({p:+}%)"))
                    )
                }
            }
        }
    }
}

fn threshold(indicator: &Indicator) -> Option<(Comparator, f64, String)> {
    let Some(TargetText::Parsed(target)) = &indicator.target else { return None };
    match target.conditions.as_slice() {
        [Condition::Absolute { comparator, value, .. }] => {
            Some((*comparator, value.value.to_f64(), value.unit.symbol().to_string()))
        }
        _ => None,
    }
}

fn target_change(issue: IssueId, before: &Indicator, after: &Indicator) -> Option<ChangeKind> {
    let (before_text, after_text) = (before.printed_target().to_string(), after.printed_target().to_string());
    if compact(&before_text) == compact(&after_text) {
        return None;
    }
    let wording = after.wording.clone();
    let kind = match (threshold(before), threshold(after)) {
        (Some((c1, v1, u1)), Some((c2, v2, u2))) if c1 == c2 && u1 == u2 && v1 != v2 => {
            let higher_is_better = matches!(c1, Comparator::AtLeast | Comparator::MoreThan);
            if (v2 > v1) == higher_is_better {
                ChangeKind::TargetRaised { issue, wording, before: before_text, after: after_text }
            } else {
                ChangeKind::TargetLowered { issue, wording, before: before_text, after: after_text }
            }
        }
        _ => ChangeKind::TargetReset { issue, wording, before: before_text, after: after_text },
    };
    Some(kind)
}

/// What changed from the policy of `before_year` to the one of `after_year`.
pub fn compare(
    before: &PolicyContent,
    before_year: FiscalYear,
    after: &PolicyContent,
    after_year: FiscalYear,
) -> Vec<ChangeKind> {
    let mut out = Vec::new();
    for issue in &after.issues {
        match before.issues.iter().find(|old| old.id == issue.id) {
            None => out.push(ChangeKind::IssueAdded { id: issue.id, title: issue.title.clone() }),
            Some(old) if compact(&old.title) != compact(&issue.title) => out.push(ChangeKind::IssueRetitled {
                id: issue.id,
                before: old.title.clone(),
                after: issue.title.clone(),
            }),
            Some(_) => {}
        }
    }
    for old in &before.issues {
        if !after.issues.iter().any(|issue| issue.id == old.id) {
            out.push(ChangeKind::IssueRemoved { id: old.id, title: old.title.clone() });
        }
    }
    // Indicators across all issues, matched by lineage: an indicator may move between issues.
    let earlier: Vec<(IssueId, &Indicator)> =
        before.issues.iter().flat_map(|issue| issue.indicators.iter().map(move |i| (issue.id, i))).collect();
    let current: Vec<(IssueId, &Indicator)> =
        after.issues.iter().flat_map(|issue| issue.indicators.iter().map(move |i| (issue.id, i))).collect();
    fn key<'a>((issue, indicator): &(IssueId, &'a Indicator)) -> LineageKey<'a> {
        LineageKey { issue: Some(*issue), number: indicator.number, wording: &indicator.wording }
    }
    let earlier_keys: Vec<LineageKey<'_>> = earlier.iter().map(key).collect();
    let current_keys: Vec<LineageKey<'_>> = current.iter().map(key).collect();
    let matches = match_lineage(&earlier_keys, &current_keys);
    let mut matched_earlier = vec![false; earlier.len()];
    for ((issue, indicator), found) in current.iter().zip(&matches) {
        match found {
            None => out.push(ChangeKind::IndicatorAdded { issue: *issue, wording: indicator.wording.clone() }),
            Some(found) => {
                matched_earlier[found.earlier] = true;
                let (_, old) = earlier[found.earlier];
                if compact(&old.wording) != compact(&indicator.wording) {
                    out.push(ChangeKind::IndicatorReworded {
                        issue: *issue,
                        before: old.wording.clone(),
                        after: indicator.wording.clone(),
                    });
                }
                out.extend(target_change(*issue, old, indicator));
            }
        }
    }
    for ((issue, old), matched) in earlier.iter().zip(matched_earlier) {
        if !matched {
            out.push(ChangeKind::IndicatorRemoved { issue: *issue, wording: old.wording.clone() });
        }
    }
    // Each year's own budget: FY N's 予算額 in the FY N document against FY N−1's in the FY N−1 document.
    for issue in &after.issues {
        let Some(old) = before.issues.iter().find(|old| old.id == issue.id) else { continue };
        let planned = |budgets: &[crate::Budget], year: FiscalYear| {
            budgets.iter().find(|b| b.kind == BudgetKind::Planned && b.fiscal_year == year).map(|b| b.amount.clone())
        };
        if let (Some(now), Some(then)) = (planned(&issue.budgets, after_year), planned(&old.budgets, before_year)) {
            if now.yen != then.yen {
                let percent = match (now.yen, then.yen) {
                    (Some(now), Some(then)) if then != 0 => {
                        Some(((now - then) as f64 / then as f64 * 100.0).round() as i64)
                    }
                    _ => None,
                };
                out.push(ChangeKind::BudgetChanged {
                    issue: issue.id,
                    before: (before_year, then.original),
                    after: (after_year, now.original),
                    percent,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{Budget, Issue};
    use crate::{parse_money, parse_target, IndicatorKind, ParseContext};

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).unwrap()
    }

    fn indicator(wording: &str, target: &str) -> Indicator {
        let mut indicator = Indicator::new(IndicatorKind::Outcome, wording);
        indicator.target = Some(TargetText::Parsed(parse_target(target, ParseContext::default()).unwrap()));
        indicator
    }

    #[test]
    fn a_years_changes_read_like_a_summary() {
        let mut first = Issue::new(IssueId::Single(1), "地域コミュニティ");
        first.indicators.push(indicator("地域活動に参加できると感じる区民の割合", "50%以上"));
        first.indicators.push(indicator("防災訓練の参加者数", "100人以上"));
        first.budgets.push(Budget {
            fiscal_year: fy(2023),
            kind: BudgetKind::Planned,
            amount: parse_money("80百万円").unwrap(),
        });
        let gone = Issue::new(IssueId::Single(2), "広報");
        let before = PolicyContent { issues: vec![first.clone(), gone], ..PolicyContent::default() };
        let mut next = first.clone();
        next.title = "豊かな地域コミュニティ".into();
        next.indicators[0] = indicator("地域活動に気軽に参加できると感じる区民の割合", "55%以上");
        next.indicators[1] = indicator("防災訓練の参加者数", "80人以上");
        next.indicators.push(indicator("子育てサロンの利用者数", "200人以上"));
        next.budgets =
            vec![Budget {
                fiscal_year: fy(2024), kind: BudgetKind::Planned, amount: parse_money("88百万円").unwrap()
            }];
        let after = PolicyContent {
            issues: vec![next, Issue::new(IssueId::Single(3), "子育て")],
            ..PolicyContent::default()
        };
        let changes = compare(&before, fy(2023), &after, fy(2024));
        let messages: Vec<String> = changes.iter().map(|change| change.message(Lang::Ja)).collect();
        let expected = [
            "経営課題1の名称が「地域コミュニティ」から「豊かな地域コミュニティ」に変わりました",
            "経営課題3「子育て」が加わりました",
            "経営課題2「広報」がなくなりました",
            "経営課題1の指標の文言が「地域活動に参加できると感じる区民の割合」から「地域活動に気軽に参加できると感じる区民の割合」に変わりました",
            "経営課題1「地域活動に気軽に参加できると感じる区民の割合」の目標が「50%以上」から「55%以上」に引き上げられました",
            "経営課題1「防災訓練の参加者数」の目標が「100人以上」から「80人以上」に引き下げられました",
            "経営課題1に指標「子育てサロンの利用者数」が加わりました",
            "経営課題1の予算額: 令和5年度 80百万円 → 令和6年度 88百万円（+10%）",
        ];
        for line in expected {
            assert!(messages.iter().any(|m| m == line), "missing 「{line}」 in {messages:#?}");
        }
        assert_eq!(messages.len(), expected.len(), "{messages:#?}");
    }
}
