//! One indicator as printed — 「①区民意識調査で「…」と回答する割合を令和10年度末までに55％以上とする。」,
//! 「…の割合：48%以上」 — read into its number, wording, target, data source and footnotes; and the budget
//! rows of issues and initiatives (「４決算額 62百万円 ５予算額 63百万円 ６予算額 64百万円」).

use hoshin_core::text::{circled_number, normalize, original_prefix_len};
use hoshin_core::{
    parse_money, parse_target, Budget, BudgetKind, Indicator, IndicatorKind, ParseContext, TargetChange, TargetText,
};

use crate::header::YearContext;
use crate::source::Reader;

/// Surveys that outcome indicators name, most specific first.
const DATA_SOURCES: &[&str] = &[
    "市民局「区政に関する区民アンケート」",
    "区政に関する区民アンケート",
    "区民意識調査",
    "市民局アンケート",
    "区民モニターアンケート",
    "来庁者アンケート",
    "委員アンケート",
    "職員アンケート",
    "区民アンケート",
];

/// Reads an indicator sentence. The target stays as text with the reason when it cannot be read.
pub(crate) fn read_indicator(text: &str, kind: IndicatorKind, context: &YearContext) -> Indicator {
    let text = text.trim();
    let (number, body) = match text.chars().next().and_then(circled_number) {
        Some(number) => (Some(number), text[text.chars().next().map_or(0, char::len_utf8)..].trim_start()),
        None => (None, text),
    };
    // 「…とする。※子育て世帯＝…」: a footnote after the sentence, or in a paragraph of its own.
    let footnote = body.find("。※").map(|index| index + "。".len()).or_else(|| body.find("\n※"));
    let (main, notes) = match footnote {
        Some(split) => {
            let notes =
                body[split..].split('※').map(str::trim).filter(|note| !note.is_empty()).map(|note| format!("※{note}"));
            (body[..split].trim_end(), notes.collect())
        }
        None => (body, Vec::new()),
    };
    let mut indicator = Indicator::new(kind, main);
    indicator.number = number;
    indicator.notes = notes;
    let parse_context = ParseContext { era: context.era };
    match parse_target(main, parse_context) {
        Ok(target) => {
            let wording = match &target.subject {
                Some(subject) => main[..original_prefix_len(main, subject.chars().count())].trim().to_string(),
                None => String::new(),
            };
            indicator.wording = if wording.is_empty() { main.to_string() } else { wording };
            indicator.target_change = target.change_label;
            indicator.target = Some(TargetText::Parsed(target));
        }
        Err(_) => {
            let (wording, target) = split_at_colon(main);
            indicator.wording = wording.to_string();
            indicator.target_change = change_label(main);
            // The target is what follows the colon, read as the editor reads it, so that the policy is the same
            // when it comes back through its form. 「…割合：」 with nothing after the colon prints no target.
            indicator.target = (!target.is_empty()).then(|| match parse_target(target, parse_context) {
                Ok(target) => TargetText::Parsed(target),
                Err(reason) => TargetText::NotEvaluable { text: target.to_string(), reason },
            });
        }
    }
    let wording = normalize(&indicator.wording);
    // The sources are written in normal form (a test checks it).
    indicator.data_source =
        DATA_SOURCES.iter().find(|source| wording.contains(**source)).map(|source| (*source).to_string());
    indicator
}

/// Reports an indicator whose target could not be read; `what` names it (「issue 1: indicator ①」).
pub(crate) fn warn_if_not_evaluable(
    indicator: &Indicator,
    reader: &mut Reader,
    line: usize,
    what: impl std::fmt::Display,
) {
    match &indicator.target {
        Some(TargetText::NotEvaluable { reason, .. }) => {
            reader.warning(line, format!("{what}: target not evaluable: {reason}"));
        }
        None if indicator.kind == IndicatorKind::Outcome => {
            reader.warning(line, format!("{what}: the document prints no target"));
        }
        _ => {}
    }
}

/// The target as printed, without the wording before it: [`Indicator::printed_target`].
pub fn printed_target(indicator: &Indicator) -> &str {
    indicator.printed_target()
}

/// Indicators printed side by side in one cell whose list tags were lost (「…割合：57%以上 地域で…割合：80%以上」):
/// split after a target's end (以上, 以下…) where a space and another sentence with its own target follow.
pub(crate) fn split_side_by_side(text: &str, context: &YearContext) -> Vec<String> {
    const ENDS: [&str; 7] = ["以上", "以下", "未満", "以内", "とする。", "とする", "増"];
    let parse_context = ParseContext { era: context.era };
    let mut parts = Vec::new();
    let mut rest = text.trim();
    'outer: loop {
        for (index, c) in rest.char_indices() {
            if !c.is_whitespace() {
                continue;
            }
            let before = rest[..index].trim_end();
            let after = rest[index..].trim_start();
            if ENDS.iter().any(|end| before.ends_with(end))
                && after.chars().count() >= 8
                && parse_target(before, parse_context).is_ok()
                && parse_target(after, parse_context).is_ok()
            {
                parts.push(before.to_string());
                rest = after;
                continue 'outer;
            }
        }
        break;
    }
    parts.push(rest.to_string());
    parts
}

/// 「…の割合：」 + target: the wording and the target text at the last full-width or ASCII colon.
fn split_at_colon(text: &str) -> (&str, &str) {
    match text.rfind(['：', ':']) {
        Some(index) => {
            let colon_len = text[index..].chars().next().map_or(1, char::len_utf8);
            (text[..index].trim(), text[index + colon_len..].trim())
        }
        None => (text, text),
    }
}

fn change_label(text: &str) -> Option<TargetChange> {
    let compacted = hoshin_core::text::compact(text);
    [("目標値UP", TargetChange::Raised), ("目標値修正", TargetChange::Reset), ("新規指標", TargetChange::New)]
        .into_iter()
        .find(|(word, _)| compacted.ends_with(word))
        .map(|(_, change)| change)
}

/// A budget row: 「４決算額 62百万円 ５予算額 63百万円 ６予算額 64百万円」, 「3決算額\t4,588,000 円\t…」. Returns
/// the budgets and the problems found (an amount or a year that could not be read), or `None` when the text
/// has no budget label.
pub(crate) fn read_budgets(text: &str, context: &YearContext) -> Option<(Vec<Budget>, Vec<String>)> {
    let mut labels: Vec<(usize, usize, BudgetKind)> = Vec::new();
    for (word, kind) in [("決算額", BudgetKind::Settled), ("予算額", BudgetKind::Planned)] {
        labels.extend(text.match_indices(word).map(|(index, _)| (index, index + word.len(), kind)));
    }
    if labels.is_empty() {
        return None;
    }
    labels.sort_by_key(|(start, _, _)| *start);
    let year_starts: Vec<usize> = labels.iter().map(|(start, _, _)| year_prefix_start(&text[..*start])).collect();
    let mut budgets = Vec::new();
    let mut problems = Vec::new();
    for (index, (start, end, kind)) in labels.iter().enumerate() {
        let year_text: String = text[year_starts[index]..*start].split_whitespace().collect();
        let amount_end = year_starts.get(index + 1).copied().unwrap_or(text.len());
        let amount_text = text[*end..amount_end].trim();
        let label = &text[*start..*end];
        let Some(fiscal_year) = context.year(&hoshin_core::text::compact(&format!("{year_text}年度"))) else {
            problems.push(format!("「{year_text}{label}」: no fiscal year before the label"));
            continue;
        };
        match parse_money(amount_text) {
            Ok(amount) => budgets.push(Budget { fiscal_year, kind: *kind, amount }),
            Err(error) => problems.push(format!("{year_text}{label}: {error}")),
        }
    }
    Some((budgets, problems))
}

/// Where the year before a budget label starts: 「４」, 「令和4年度」, 「R4」, with spaces allowed.
fn year_prefix_start(before: &str) -> usize {
    let mut start = before.len();
    let mut rest = before.trim_end();
    if let Some(stripped) = rest.strip_suffix("年度") {
        rest = stripped;
    }
    let mut seen_digit = false;
    for (index, c) in rest.char_indices().rev() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '元' {
            seen_digit = true;
            start = index;
        } else {
            break;
        }
    }
    if !seen_digit {
        return before.len();
    }
    let head = &before[..start];
    for era in ["令和", "平成", "R", "H", "Ｒ", "Ｈ"] {
        if head.ends_with(era) {
            return start - era.len();
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoshin_core::{Era, FiscalYear};

    fn context() -> YearContext {
        YearContext { fiscal_year: FiscalYear::new(2024), era: Some(Era::Reiwa) }
    }

    #[test]
    fn data_sources_are_in_normal_form() {
        for source in DATA_SOURCES {
            assert_eq!(normalize(source), *source);
        }
    }

    #[test]
    fn reads_circled_sentences_with_footnotes() {
        let read = read_indicator(
            "①区民意識調査で「子育てに関する悩みの相談先を知っている」と回答する子育て世帯※の割合を令和10年度末までに70％以上とする。※子育て世帯＝「就学前」と回答した回答者",
            IndicatorKind::Outcome,
            &context(),
        );
        let indicator = read;
        assert_eq!(indicator.number, Some(1));
        assert_eq!(
            indicator.wording,
            "区民意識調査で「子育てに関する悩みの相談先を知っている」と回答する子育て世帯※の割合"
        );
        assert_eq!(printed_target(&indicator), "令和10年度末までに70％以上とする。");
        assert_eq!(indicator.notes, vec!["※子育て世帯＝「就学前」と回答した回答者"]);
        assert_eq!(indicator.data_source.as_deref(), Some("区民意識調査"));
        assert!(matches!(indicator.target, Some(TargetText::Parsed(_))));
    }

    #[test]
    fn reads_colon_targets_keeps_unreadable_ones_and_an_empty_one_is_none() {
        let read = read_indicator(
            "地域活動協議会を知っている区民アンケート回答者の割合：40%以上",
            IndicatorKind::Outcome,
            &context(),
        );
        assert_eq!(read.wording, "地域活動協議会を知っている区民アンケート回答者の割合");
        assert_eq!(printed_target(&read), "40%以上");
        let read = read_indicator(
            "区役所が様々な機会を通じて区民の意見やニーズを把握していると感じる区民の割合：",
            IndicatorKind::Outcome,
            &context(),
        );
        // Nothing after the colon: the document prints no target.
        assert_eq!(read.target, None);
        assert_eq!(read.wording, "区役所が様々な機会を通じて区民の意見やニーズを把握していると感じる区民の割合");
        let read = read_indicator("区民の満足度：前年並み", IndicatorKind::Outcome, &context());
        assert!(matches!(&read.target, Some(TargetText::NotEvaluable { text, .. }) if text == "前年並み"));
        assert_eq!(read.wording, "区民の満足度");
    }

    #[test]
    fn splits_indicators_printed_side_by_side() {
        let parts = split_side_by_side(
            "家庭や地域で防災対策を講じている区民アンケート回答者の割合：57%以上 地域で安心して暮らせる感覚を抱いているアンケート回答者の割合：80%以上",
            &context(),
        );
        assert_eq!(parts.len(), 2);
        assert!(parts[1].starts_with("地域で安心して"));
        assert_eq!(split_side_by_side("受験率100% かつ 理解度全員95点以上", &context()).len(), 1);
        assert_eq!(split_side_by_side("コンビニでの証明書発行割合 40%以上", &context()).len(), 1);
    }

    #[test]
    fn reads_budget_rows() {
        let (budgets, problems) =
            read_budgets("４決算額 62百万円 ５予算額 63百万円 ６予算額 64百万円", &context()).unwrap();
        assert!(problems.is_empty());
        let read: Vec<(i32, BudgetKind, Option<i64>)> =
            budgets.iter().map(|b| (b.fiscal_year.start_year(), b.kind, b.amount.yen)).collect();
        assert_eq!(
            read,
            vec![
                (2022, BudgetKind::Settled, Some(62_000_000)),
                (2023, BudgetKind::Planned, Some(63_000_000)),
                (2024, BudgetKind::Planned, Some(64_000_000)),
            ]
        );
        let (budgets, _) =
            read_budgets("4 決算額\t213百万円\t5 予算額\t242百万円\t6 予算額\t283百万円", &context()).unwrap();
        assert_eq!(budgets[2].amount.yen, Some(283_000_000));
        let (budgets, _) = read_budgets("3決算額\t— 円\t4予算額\t— 円\t5予算額\t— 円", &context()).unwrap();
        assert_eq!(budgets.len(), 3);
        assert_eq!(budgets[0].amount.yen, None);
        let (_, problems) = read_budgets("決算額 62百万円", &context()).unwrap();
        assert_eq!(problems.len(), 1);
        assert!(read_budgets("予算の範囲で", &context()).is_none());
    }
}
