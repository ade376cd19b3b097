//! Export → import is the identity: a property test over policies built the way the editor builds them
//! (through the items' forms), with text that tries the edges of the sheets — commas, quotes, line breaks,
//! formula characters, full-width digits.

#![allow(clippy::unwrap_used)]

use hoshin_core::canonical::{from_sheets, to_sheets, Header};
use hoshin_core::edit::{self, Collection, EditContext, FormValues, ItemPath};
use hoshin_core::{FiscalYear, Organization, PolicyContent, Stage};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "区民",
    "地域",
    "防災",
    "=SUM(A1)",
    "+1",
    "-3",
    "@x",
    "「引用」",
    "\"quote\"",
    "a,b",
    "１２３",
    "改\n行",
    "・",
    "〜",
    "%",
    "①",
    " ",
    "\t",
];
const TARGETS: &[&str] = &["", "令和8年度までに75%以上", "毎年度3件以上", "前年度比5ポイント増", "60%以上"];
const ACTUALS: &[&str] = &["", "62.5%", "3件", "－", "6地域", "0.5ポイント"];
const MARKS: &[&str] = &["", "A", "B", "○", "—"];
const AMOUNTS: &[&str] = &["85百万円", "1,976千円", "— 円", "6千2百万円"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..6).prop_map(|pieces| pieces.concat())
}

#[derive(Debug, Clone)]
struct IndicatorSpec {
    wording: String,
    target: &'static str,
    results: Vec<(i32, &'static str, &'static str, String)>,
    notes: String,
}

#[derive(Debug, Clone)]
struct IssueSpec {
    title: String,
    summary: String,
    budgets: Vec<(i32, &'static str)>,
    bullets: Vec<String>,
    indicators: Vec<IndicatorSpec>,
}

fn indicator() -> impl Strategy<Value = IndicatorSpec> {
    (
        text(),
        prop::sample::select(TARGETS),
        prop::collection::vec(
            (2021..2026i32, prop::sample::select(ACTUALS), prop::sample::select(MARKS), text()),
            0..3,
        ),
        text(),
    )
        .prop_map(|(wording, target, results, notes)| IndicatorSpec { wording, target, results, notes })
}

fn issue() -> impl Strategy<Value = IssueSpec> {
    (
        text(),
        text(),
        prop::collection::vec((2022..2026i32, prop::sample::select(AMOUNTS)), 0..3),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(indicator(), 0..3),
    )
        .prop_map(|(title, summary, budgets, bullets, indicators)| IssueSpec {
            title,
            summary,
            budgets,
            bullets,
            indicators,
        })
}

/// Builds the policy through the forms, skipping what a form refuses (as the editor would not save it).
fn build(goal: &str, issues: &[IssueSpec]) -> PolicyContent {
    let context = EditContext { restoring: true, ..EditContext::new(FiscalYear::new(2024).unwrap()) };
    let mut content = PolicyContent::default();
    let root = ItemPath::root();
    let mut policy = edit::item(&content, &root).unwrap();
    let mut values = FormValues::from_fields(&policy.fields());
    values.set("goal", goal);
    if policy.apply(&values, context).is_ok() {
        edit::replace(&mut content, &root, policy).unwrap();
    }
    for spec in issues {
        let mut item = edit::new_item(&content, &root, Collection::Issues).unwrap();
        let mut values = FormValues::from_fields(&item.fields());
        values.set("title", spec.title.as_str());
        values.set("summary", spec.summary.as_str());
        for (row, (year, amount)) in spec.budgets.iter().enumerate() {
            values.set(format!("budgets.{row}.year"), year.to_string());
            values.set(format!("budgets.{row}.kind"), "planned");
            values.set(format!("budgets.{row}.amount"), *amount);
        }
        if item.apply(&values, context).is_err() {
            continue;
        }
        let path = edit::insert(&mut content, &root, Collection::Issues, item).unwrap();
        for bullets in &spec.bullets {
            let mut group = edit::new_item(&content, &path, Collection::Strategies).unwrap();
            let mut values = FormValues::from_fields(&group.fields());
            values.set("bullets", bullets.as_str());
            if group.apply(&values, context).is_ok() {
                edit::insert(&mut content, &path, Collection::Strategies, group).unwrap();
            }
        }
        for spec in &spec.indicators {
            let mut indicator = edit::new_item(&content, &path, Collection::Indicators).unwrap();
            let mut values = FormValues::from_fields(&indicator.fields());
            values.set("wording", spec.wording.as_str());
            values.set("target", spec.target);
            values.set("notes", spec.notes.as_str());
            for (row, (year, actual, mark, reason)) in spec.results.iter().enumerate() {
                values.set(format!("results.{row}.year"), year.to_string());
                values.set(format!("results.{row}.actual"), *actual);
                values.set(format!("results.{row}.mark"), *mark);
                values.set(format!("results.{row}.reason"), reason.as_str());
            }
            if indicator.apply(&values, context).is_ok() {
                edit::insert(&mut content, &path, Collection::Indicators, indicator).unwrap();
            }
        }
    }
    content
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_is_the_identity(goal in text(), issues in prop::collection::vec(issue(), 0..4)) {
        let content = build(&goal, &issues);
        let header = Header {
            organization: Organization::new("住吉区", Some("大阪市")),
            fiscal_year: FiscalYear::new(2024).unwrap(),
            stage: Stage::FirstDraft,
            era: None,
        };
        let sheets = to_sheets(&header, &content);
        let (back_header, back) = from_sheets(&sheets).unwrap();
        prop_assert_eq!(back_header, header);
        prop_assert_eq!(back, content);
    }
}

#[test]
fn the_generator_builds_issues_indicators_and_results() {
    let spec = IssueSpec {
        title: "地域=SUM(A1)".into(),
        summary: "a,b \"quote\"\n改行".into(),
        budgets: vec![(2024, "85百万円")],
        bullets: vec!["・防災\n・地域".into()],
        indicators: vec![IndicatorSpec {
            wording: "+1 区民の割合".into(),
            target: "令和8年度までに75%以上",
            results: vec![(2023, "62.5%", "A", String::new()), (2024, "－", "—", "@x".into())],
            notes: "①注".into(),
        }],
    };
    let content = build("-3 目標", &[spec]);
    let indicator = &content.issues[0].indicators[0];
    assert_eq!(indicator.results.len(), 2);
    assert_eq!(content.issues[0].budgets.len(), 1);
    assert_eq!(content.issues[0].strategies.len(), 1);
    let header = Header {
        organization: Organization::new("住吉区", Some("大阪市")),
        fiscal_year: FiscalYear::new(2024).unwrap(),
        stage: Stage::FirstDraft,
        era: None,
    };
    assert_eq!(from_sheets(&to_sheets(&header, &content)).unwrap().1, content);
}
