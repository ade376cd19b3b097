//! The difference between two published stages of a policy: the document as labelled fields (the search
//! index's fields, plus budgets and year-end results), compared field by field and, within a field, line by
//! line. Pure functions; the policy page's `…/diff` shows the result.

use hoshin_core::{BudgetKind, Indicator, PolicyContent};
use hoshin_store::search;

use crate::i18n::Words;

/// One field of a document: where it is and its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocField {
    /// `goal`, `issues/2/strategies`, `issues/1/indicators/3/results` …: also the anchor on the policy page.
    pub path: String,
    pub lines: Vec<String>,
}

/// A line of a changed field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Same(String),
    Added(String),
    Removed(String),
}

/// How a field changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDiff {
    pub path: String,
    pub change: Change,
    pub lines: Vec<Line>,
}

impl Change {
    /// The word the pages show for the change.
    pub fn word(self, words: &Words) -> &'static str {
        match self {
            Change::Added => words.diff_added,
            Change::Removed => words.diff_removed,
            Change::Changed => words.diff_changed,
        }
    }
}

impl FieldDiff {
    /// The field's label, read from the document that holds it: the earlier one for a removed field.
    pub fn label(&self, before: &PolicyContent, after: &PolicyContent, words: &Words) -> String {
        field_label(if self.change == Change::Removed { before } else { after }, &self.path, words)
    }
}

/// The fields of a document in document order.
pub fn fields(content: &PolicyContent) -> Vec<DocField> {
    let mut out = Vec::new();
    for field in search::fields(content) {
        let extra = extra_after(content, &field.path);
        out.push(DocField { path: field.path, lines: field.text.lines().map(str::to_string).collect() });
        out.extend(extra);
    }
    out
}

/// Budgets after an issue's title, results after an indicator.
fn extra_after(content: &PolicyContent, path: &str) -> Option<DocField> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["issues", n, "title"] => {
            let issue = content.issues.get(n.parse::<usize>().ok()?.checked_sub(1)?)?;
            let lines: Vec<String> = issue
                .budgets
                .iter()
                .map(|budget| {
                    let kind = match budget.kind {
                        BudgetKind::Settled => "決算",
                        BudgetKind::Planned => "予算",
                    };
                    format!("{} {kind} {}", budget.fiscal_year.era_label(), budget.amount.original)
                })
                .collect();
            (!lines.is_empty()).then(|| DocField { path: format!("issues/{n}/budgets"), lines })
        }
        ["issues", n, "indicators", m] => {
            let issue = content.issues.get(n.parse::<usize>().ok()?.checked_sub(1)?)?;
            let indicator = issue.indicators.get(m.parse::<usize>().ok()?.checked_sub(1)?)?;
            let lines = result_lines(indicator);
            (!lines.is_empty()).then(|| DocField { path: format!("{path}/results"), lines })
        }
        _ => None,
    }
}

fn result_lines(indicator: &Indicator) -> Vec<String> {
    let mut lines: Vec<String> = indicator
        .results
        .iter()
        .map(|result| {
            let mut line = format!("{}:", result.fiscal_year.era_label());
            if let Some(actual) = &result.actual {
                line.push_str(&format!(" 実績 {}", actual.original));
            }
            if let Some(mark) = &result.published_mark {
                line.push_str(&format!(" 評価 {}", mark.original));
            }
            line
        })
        .collect();
    if let Some(previous) = &indicator.previous_actual {
        lines.push(format!("前年度実績 {}", previous.original));
    }
    lines
}

/// What changed from `before` to `after`, in the order of `after` (removed fields where they were).
pub fn diff(before: &PolicyContent, after: &PolicyContent) -> Vec<FieldDiff> {
    let before = fields(before);
    let after = fields(after);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut before_index = 0;
    for field in &after {
        seen.insert(field.path.clone());
        // Fields only in `before` that come before this one's position in `before`.
        if let Some(position) = before.iter().position(|old| old.path == field.path) {
            for old in &before[before_index..position] {
                if !after.iter().any(|new| new.path == old.path) {
                    out.push(removed(old));
                }
            }
            before_index = before_index.max(position + 1);
            let old = &before[position];
            if old.lines != field.lines {
                out.push(FieldDiff {
                    path: field.path.clone(),
                    change: Change::Changed,
                    lines: lines(&old.lines, &field.lines),
                });
            }
        } else {
            out.push(FieldDiff {
                path: field.path.clone(),
                change: Change::Added,
                lines: field.lines.iter().cloned().map(Line::Added).collect(),
            });
        }
    }
    for old in &before[before_index.min(before.len())..] {
        if !seen.contains(&old.path) {
            out.push(removed(old));
        }
    }
    out
}

fn removed(field: &DocField) -> FieldDiff {
    FieldDiff {
        path: field.path.clone(),
        change: Change::Removed,
        lines: field.lines.iter().cloned().map(Line::Removed).collect(),
    }
}

/// A line diff by longest common subsequence. Very long fields that differ are shown as replaced whole.
pub fn lines(before: &[String], after: &[String]) -> Vec<Line> {
    let (n, m) = (before.len(), after.len());
    if n * m > 4_000_000 {
        return before.iter().cloned().map(Line::Removed).chain(after.iter().cloned().map(Line::Added)).collect();
    }
    // lengths[i][j]: the LCS of before[i..] and after[j..].
    let mut lengths = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i][j] = if before[i] == after[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n && j < m {
        if before[i] == after[j] {
            out.push(Line::Same(before[i].clone()));
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            out.push(Line::Removed(before[i].clone()));
            i += 1;
        } else {
            out.push(Line::Added(after[j].clone()));
            j += 1;
        }
    }
    out.extend(before[i..].iter().cloned().map(Line::Removed));
    out.extend(after[j..].iter().cloned().map(Line::Added));
    out
}

/// A field path as a reader names it: 「経営課題1 主な戦略」, 「Management issue 1-(2): Outcome indicator 3」.
pub fn field_label(content: &PolicyContent, path: &str, words: &Words) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let simple = |part: &str| -> String {
        match part {
            "title" => if words.lang_code == "ja" { "表題" } else { "Title" }.to_string(),
            "goal" => words.goal.into(),
            "mission" => words.mission.into(),
            "approach" => words.approach.into(),
            "summary" => words.summary.into(),
            "problem_recognition" => words.problem_recognition.into(),
            "strategies" => words.strategies.into(),
            "desired_state" => words.desired_state.into(),
            "self_evaluation" => words.self_evaluation.into(),
            "future_policy" => words.future_policy.into(),
            "budgets" => words.budgets.into(),
            "results" => words.actual.into(),
            other => other.to_string(),
        }
    };
    let issue_name = |n: &str| -> String {
        let id = n
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|index| content.issues.get(index))
            .map_or_else(|| n.to_string(), |issue| issue.id.to_string());
        if words.lang_code == "ja" {
            format!("{}{id}", words.issue)
        } else {
            format!("{} {id}", words.issue)
        }
    };
    let mut out: Vec<String> = Vec::new();
    let mut rest = parts.as_slice();
    while !rest.is_empty() {
        match rest {
            ["issues", n, tail @ ..] => {
                out.push(issue_name(n));
                rest = tail;
            }
            ["indicators", m, tail @ ..] => {
                out.push(format!("{} {m}", words.outcome_indicators));
                rest = tail;
            }
            ["detailed_strategies", m, tail @ ..] => {
                out.push(format!("{} {m}", words.detailed_strategies));
                rest = tail;
            }
            ["initiatives", m, tail @ ..] => {
                out.push(format!("{} {m}", words.initiatives));
                rest = tail;
            }
            ["reform_plan", m, tail @ ..] => {
                out.push(format!("{} {m}", words.reform_plan));
                rest = tail;
            }
            [part, tail @ ..] => {
                out.push(simple(part));
                rest = tail;
            }
            [] => break,
        }
    }
    out.join(" / ")
}

/// The anchor of a field on the policy page.
pub fn anchor(path: &str) -> String {
    path.replace('/', "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoshin_core::{Issue, IssueId};

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|line| line.to_string()).collect()
    }

    #[test]
    fn line_diff_keeps_common_lines() {
        let before = strings(&["a", "b", "c", "d"]);
        let after = strings(&["a", "c", "x", "d"]);
        assert_eq!(
            lines(&before, &after),
            vec![
                Line::Same("a".into()),
                Line::Removed("b".into()),
                Line::Same("c".into()),
                Line::Added("x".into()),
                Line::Same("d".into()),
            ]
        );
        assert_eq!(lines(&[], &strings(&["a"])), vec![Line::Added("a".into())]);
    }

    #[test]
    fn fields_added_changed_and_removed() {
        let mut before = PolicyContent { goal: Some("安全なまち".into()), ..Default::default() };
        before.mission = vec!["区民の安全".into()];
        let mut issue = Issue::new(IssueId::Single(1), "防災");
        issue.future_policy = Some("続ける".into());
        before.issues.push(issue.clone());
        let mut after = before.clone();
        after.goal = Some("安全で住みよいまち".into());
        after.mission.clear();
        after.issues[0].self_evaluation = Some("順調".into());
        let changes: Vec<(String, Change)> =
            diff(&before, &after).into_iter().map(|change| (change.path, change.change)).collect();
        assert_eq!(
            changes,
            vec![
                ("goal".into(), Change::Changed),
                ("mission".into(), Change::Removed),
                ("issues/1/self_evaluation".into(), Change::Added),
            ]
        );
        assert!(diff(&after, &after).is_empty());
    }

    #[test]
    fn field_labels_name_the_issue_as_printed() {
        let mut content = PolicyContent::default();
        content.issues.push(Issue::new(IssueId::TwoLevel(1, 2), "x"));
        assert_eq!(field_label(&content, "issues/1/strategies", &crate::i18n::JA), "経営課題1-(2) / 主な戦略");
        assert_eq!(
            field_label(&content, "issues/1/indicators/3/results", &crate::i18n::EN),
            "Management issue 1-(2) / Outcome indicators 3 / Actual"
        );
        assert_eq!(field_label(&content, "goal", &crate::i18n::JA), "区の目標");
        assert_eq!(anchor("issues/1/strategies"), "issues-1-strategies");
    }
}
