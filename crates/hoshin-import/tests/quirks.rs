//! The quirks of published documents (DOMAIN.md §7), each on a small document of our own.

#![allow(clippy::unwrap_used)]

use hoshin_core::{IssueId, Stage, TargetText};
use hoshin_import::{parse, Hints, LineUse, Parsed, Severity};

fn read(text: &str) -> Parsed {
    parse(text, &Hints::default())
}

/// A minimal common-format document around the given issue body.
fn document(title: &str, issue_body: &str) -> String {
    format!("{title}\n（所属長：大阪 太郎）\n目標 よいまち\n使命\n・安全\n重点的に取り組む経営課題\n経営課題１ 安全なまち\n{issue_body}\n")
}

fn messages(parsed: &Parsed, severity: Severity) -> Vec<String> {
    parsed.diagnostics.iter().filter(|d| d.severity == severity).map(|d| d.message.clone()).collect()
}

#[test]
fn impossible_heisei_years_and_era_less_budgets() {
    let parsed = read(&document(
        "平成33年度 住吉区運営方針",
        "31決算額 1百万円 32予算額 2百万円 33予算額 3百万円\n課題認識\n・課題",
    ));
    assert_eq!(parsed.fiscal_year.unwrap().start_year(), 2021);
    let years: Vec<i32> = parsed.content.issues[0].budgets.iter().map(|b| b.fiscal_year.start_year()).collect();
    assert_eq!(years, vec![2019, 2020, 2021]);
}

#[test]
fn full_width_digits_ideographic_spaces_and_kangxi_radicals() {
    let parsed = read(&document(
        "令和６年度　住吉区運営方針",
        "課題認識\n・課題\n主な戦略（課題解決の⽅策）\n・戦略\nアウトカム指標\n①区民の割合を令和１０年度末までに５５％以上とする。",
    ));
    assert_eq!(parsed.fiscal_year.unwrap().start_year(), 2024);
    let issue = &parsed.content.issues[0];
    assert_eq!(issue.strategies[0].bullets, vec!["戦略"], "the Kangxi radical ⽅ matches 方 in the label");
    let target = issue.indicators[0].target.as_ref().unwrap().target().unwrap();
    assert_eq!(target.render_ja(), "令和10年度末までに55%以上");
    assert_eq!(target.original, "区民の割合を令和１０年度末までに５５％以上とする。", "the original text is kept");
}

#[test]
fn money_in_every_written_form() {
    let parsed = read(&document(
        "令和6年度 住吉区運営方針",
        "4決算額 6千2百万円 5予算額 1,976千円 6予算額 1億461万円\n課題認識\n・課題",
    ));
    let yen: Vec<Option<i64>> = parsed.content.issues[0].budgets.iter().map(|b| b.amount.yen).collect();
    assert_eq!(yen, vec![Some(62_000_000), Some(1_976_000), Some(104_610_000)]);
    assert_eq!(parsed.content.issues[0].budgets[0].amount.original, "6千2百万円");
}

#[test]
fn a_dash_in_the_previous_column_is_no_value_and_a_dash_mark_is_not_achieved() {
    let parsed = read(&document(
        "令和6年度 住吉区運営方針",
        "課題認識\n・課題\nアウトカム指標\n①区民の割合を令和10年度末までに55％以上とする。\n②職員の割合を令和10年度末までに60％以上とする。\n６年度実績と達成状況 ※A：達成 B：未達成 前年度実績\n①43.9% A －\n②50.0% B 52.0%",
    ));
    let indicators = &parsed.content.issues[0].indicators;
    assert!(indicators[0].previous_actual.as_ref().unwrap().is_no_value());
    assert!(indicators[0].observations(parsed.fiscal_year.unwrap()).len() == 1, "「－」 is not an observation");
    assert_eq!(indicators[1].previous_actual.as_ref().unwrap().original, "52.0%");
    assert_eq!(parsed.stage, Stage::YearEnd, "results make it the year-end version");
}

#[test]
fn handout_labels_with_circled_numbers_are_furniture() {
    let parsed = read(&document("令和6年度 住吉区運営方針", "配付資料⑦-１\n課題認識\n・課題"));
    let line = parsed
        .coverage
        .lines
        .iter()
        .find(|(_, use_)| matches!(use_, LineUse::Furniture(what) if what == "handout label"));
    assert!(line.is_some(), "{:?}", parsed.coverage);
    assert!(parsed.content.issues[0].indicators.is_empty());
}

#[test]
fn label_variants_and_typos() {
    let parsed = read(
        "令和6年度 住吉区運営方針\n目標(何をめざすのか) よいまち\n重点的に取り組む経営課題\n経営課題１ 安全\n課題認識\n・課題\nアウトカム指数\n①区民の割合：50%以上\n自己評価（運営方針全体の定性自己評価）\n【経営課題１】\n・よくできた\n今後の方針\n【経営課題１】\n・続ける\n",
    );
    assert_eq!(parsed.content.goal.as_deref(), Some("よいまち"));
    let issue = &parsed.content.issues[0];
    assert_eq!(issue.indicators.len(), 1, "アウトカム指数 is アウトカム指標 misspelt");
    assert_eq!(issue.self_evaluation.as_deref(), Some("よくできた"));
    assert_eq!(issue.future_policy.as_deref(), Some("続ける"));
    assert_eq!(parsed.coverage.unassigned().count(), 0);
}

#[test]
fn another_citys_ward_is_not_taken_for_osaka() {
    let parsed = read(&document("令和6年度 西区運営方針", "課題認識\n・横浜市西区の課題。横浜市と連携する"));
    assert_eq!(parsed.organization.as_ref().unwrap().city.as_deref(), Some("横浜市"));
    let parsed = read(&document("令和6年度 鶴見区運営方針", "課題認識\n・課題"));
    assert_eq!(parsed.organization.as_ref().unwrap().city, None, "鶴見区 is also Yokohama's");
    assert!(messages(&parsed, Severity::Warning).iter().any(|m| m.contains("横浜市")));
    let parsed = read(&document("令和6年度 天王寺区運営方針", "課題認識\n・課題"));
    assert_eq!(parsed.organization.as_ref().unwrap().city.as_deref(), Some("大阪市"));
}

#[test]
fn stage_from_title_suffix_and_dated_notes() {
    let parsed = read(&document("令和7年度 住吉区運営方針（素案）", "課題認識\n・課題"));
    assert_eq!(parsed.stage, Stage::FirstDraft);
    let parsed = read(&document("令和7年度 住吉区運営方針(案)", "課題認識\n・課題"));
    assert_eq!(parsed.stage, Stage::Draft);
    let parsed =
        read(&document("令和6年度 住吉区運営方針", "課題認識\n・課題\n運営方針の一部を改定しました（令和6年9月1日）"));
    assert_eq!(parsed.stage, Stage::Revision);
    assert_eq!(parsed.content.notes[0].date, Some((2024, 9, 1)));
}

#[test]
fn an_unreadable_target_keeps_its_text_and_says_why() {
    let parsed = read(&document("令和6年度 住吉区運営方針", "課題認識\n・課題\nアウトカム指標\n①区民の満足度を高める"));
    let indicator = &parsed.content.issues[0].indicators[0];
    assert!(matches!(&indicator.target, Some(TargetText::NotEvaluable { text, .. }) if text.contains("満足度")));
    assert!(messages(&parsed, Severity::Warning).iter().any(|m| m.contains("not evaluable")));
}

#[test]
fn an_issue_body_before_its_heading_is_bound_to_it() {
    let parsed = read(
        "令和6年度 住吉区運営方針\n重点的に取り組む経営課題\n経営課題１ 一\n課題認識\n・一の課題\n課題認識\n・二の課題\n経営課題２ 二\n４決算額 1百万円\n",
    );
    let ids: Vec<IssueId> = parsed.content.issues.iter().map(|issue| issue.id).collect();
    assert_eq!(ids, vec![IssueId::Single(1), IssueId::Single(2)]);
    assert_eq!(parsed.content.issues[1].problem_recognition[0].bullets, vec!["二の課題"]);
    assert_eq!(parsed.content.issues[1].budgets.len(), 1);
}

#[test]
fn cells_that_fit_no_row_are_errors_not_guesses() {
    let parsed = read(&document(
        "令和6年度 住吉区運営方針",
        "課題認識\n・課題\nアウトカム指標\n①区民の割合：50%以上\n６年度実績と達成状況 ※A：達成 B：未達成 前年度実績\n①43.9%\nA 3件",
    ));
    let errors = messages(&parsed, Severity::Error);
    assert!(errors.iter().any(|m| m.contains("A 3件")), "{errors:?}");
    assert!(errors.iter().any(|m| m.contains("no year-end cell fits") || m.contains("no mark")), "{errors:?}");
}

#[test]
fn a_title_broken_at_its_wide_space() {
    let parsed =
        read("令和６年度\n住吉区運営方針\n重点的に取り組む経営課題\n経営課題１\n安全なまち\n課題認識\n・課題\n");
    assert_eq!(parsed.organization.as_ref().unwrap().name, "住吉区");
    assert_eq!(parsed.fiscal_year.unwrap().start_year(), 2024);
    assert_eq!(parsed.content.issues[0].title, "安全なまち", "an issue title on the line after its number");
    assert_eq!(parsed.coverage.unassigned().count(), 0);
}
