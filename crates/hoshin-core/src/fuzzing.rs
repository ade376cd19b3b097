//! The fuzz targets of the domain core's parsers (`fuzz/`), as plain functions over bytes so that the test
//! suite replays their corpora on stable Rust (`crates/hoshin-import/tests/fuzz_corpus.rs`). Each reads the
//! bytes as text and checks what must hold for any input: no panic, and what parses comes back the same when
//! written out and read again. A broken invariant panics, which is how a fuzzer reports a finding.

#![allow(clippy::panic)]

use crate::text::{compact, Lang};
use crate::{
    judge, parse_fiscal_year, parse_measure, parse_money, parse_target, split_fiscal_year_prefix, Era, FiscalYear,
    Observation, ParseContext, Rule,
};

/// Fuzz input as text: invalid UTF-8 becomes U+FFFD, so that every input reaches the parser.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

const CONTEXTS: [Option<Era>; 3] = [None, Some(Era::Reiwa), Some(Era::Heisei)];

/// Fiscal years and dates: a year that reads comes back from its labels; a prefix leaves the rest of the text.
pub fn era(data: &[u8]) {
    let text = text(data);
    for context in CONTEXTS {
        if let Ok(year) = parse_fiscal_year(&text, context) {
            assert_reads_back(year);
        }
        let compacted = compact(&text);
        if let Some((year, rest)) = split_fiscal_year_prefix(&compacted, context) {
            assert!(compacted.ends_with(rest), "{text:?}: the rest {rest:?} is not the end of the text");
            assert_reads_back(year);
        }
    }
    if let Some(date) = crate::era::parse_date(&text) {
        assert!(crate::era::is_date(date), "{text:?} read as the date {date:?}, which does not exist");
    }
}

fn assert_reads_back(year: FiscalYear) {
    for label in [year.label(Lang::Ja), year.era_label(), year.short_label()] {
        assert_eq!(parse_fiscal_year(&label, None), Ok(year), "the label {label:?} of {year:?}");
    }
}

/// Money: an amount that reads is written back in each of Hoshin's forms and reads as the same yen.
pub fn money(data: &[u8]) {
    let text = text(data);
    let Ok(money) = parse_money(&text) else { return };
    assert_eq!(money.original, text.trim(), "the original text is kept");
    let Some(yen) = money.yen else { return };
    assert!(yen >= 0, "{text:?} read as a negative amount {yen}");
    for form in
        [crate::money::format_yen(yen), crate::money::format_yen_compact(yen), crate::money::format_yen_man_oku(yen)]
    {
        assert_eq!(parse_money(&form).map(|money| money.yen), Ok(Some(yen)), "{text:?} written as {form:?}");
    }
}

/// Measured values: the number and unit of a value that reads are written back and read as the same.
pub fn measure(data: &[u8]) {
    let text = text(data);
    let Ok(measure) = parse_measure(&text) else { return };
    assert_eq!(parse_measure(&measure.to_string()).as_ref(), Ok(&measure), "{text:?} reads again from its text");
    if let crate::Reading::Value(quantity) = &measure.reading {
        let written = quantity.to_string();
        let again = parse_measure(&written)
            .unwrap_or_else(|error| panic!("{text:?}: the value written as {written:?} does not read: {error}"));
        assert_eq!(again.reading, measure.reading, "{text:?} written as {written:?}");
    }
}

/// Targets and judgment. The first line is the target, the second the actual, the third the previous year's
/// actual. A target that reads renders in both languages, its Japanese rendering reads back to the same
/// meaning, and every rule judges it with an explanation.
pub fn target(data: &[u8]) {
    let text = text(data);
    let mut lines = text.splitn(3, '\n');
    let (target_text, actual, previous) =
        (lines.next().unwrap_or(""), lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    let Some(year) = FiscalYear::new(2024) else { return };
    let mut series = Vec::new();
    if let Ok(measure) = parse_measure(actual) {
        series.push(Observation { fiscal_year: year, actual: measure, year_target: None });
    }
    if let (Ok(measure), Some(before)) = (parse_measure(previous), year.previous()) {
        series.push(Observation { fiscal_year: before, actual: measure, year_target: None });
    }
    for era in CONTEXTS {
        let context = ParseContext { era };
        let Ok(target) = parse_target(target_text, context) else { continue };
        let (ja, en) = (target.render(Lang::Ja), target.render(Lang::En));
        assert!(!ja.is_empty() && !en.is_empty(), "{target_text:?} renders as nothing");
        let rendered = target.render_ja();
        let again = parse_target(&rendered, context)
            .unwrap_or_else(|error| panic!("{target_text:?} rendered as {rendered:?} does not read back: {error}"));
        assert_eq!(again.meaning(), target.meaning(), "{target_text:?} rendered as {rendered:?}");
        for rule in Rule::ALL {
            let judgment = judge(&target, &series, year, rule);
            assert!(!judgment.explanation(Lang::Ja).is_empty(), "{target_text:?}: no explanation");
            assert!(!judgment.explanation(Lang::En).is_empty(), "{target_text:?}: no English explanation");
        }
    }
}
