//! The fuzz targets of the importers (`fuzz/`), as plain functions over bytes so that the test suite replays
//! their corpora on stable Rust (`tests/fuzz_corpus.rs`). Each checks what must hold for any input: no panic,
//! every line accounted for, and what is read comes back the same when written out and read again. A broken
//! invariant panics, which is how a fuzzer reports a finding. [`TARGETS`] lists every target, the domain
//! core's parsers (`hoshin_core::fuzzing`) included.

#![allow(clippy::panic)]

use std::collections::HashSet;
use std::sync::OnceLock;

use hoshin_core::canonical::{from_sheets, to_sheets, Header};
use hoshin_core::text::compact;
use hoshin_core::{FiscalYear, PolicyContent};

use crate::canonical::{canonical_csv_rows, read_canonical};
use crate::table::{read_file, read_text, write_csv};
use crate::{decode, parse, Format, Hints};

/// A fuzz target: the name of its file in `fuzz/fuzz_targets/` and of its corpus in `fuzz/corpus/`, and what
/// it runs on each input.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target.
pub const TARGETS: &[Target] = &[
    ("era", hoshin_core::fuzzing::era),
    ("money", hoshin_core::fuzzing::money),
    ("measure", hoshin_core::fuzzing::measure),
    ("target", hoshin_core::fuzzing::target),
    ("import", import),
    ("table", table),
    ("canonical", canonical),
    ("actuals", actuals),
];

/// For the fuzzers, whose panic hook aborts on every panic: a panic inside the workbook reader (`calamine`) is
/// caught by [`crate::table`] and refused as a damaged file, so only a panic anywhere else is a finding. The
/// targets call this before each input; it installs the hook once.
pub fn abort_on_panics_outside_the_workbook_reader() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.location().is_some_and(|location| location.file().contains("/calamine-")) {
                return;
            }
            default(info);
            std::process::abort();
        }));
    });
}

/// A document's bytes: decoded as the importer decodes a file (or, when they are not text it reads, taken as
/// UTF-8 with replacement characters so that the parser still sees them), then parsed and checked.
pub fn import(data: &[u8]) {
    let text = match decode(data) {
        Ok((text, _)) => text,
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    check_parse(&text, &Hints::default());
}

/// Parses `text` and checks the result: diagnostics and coverage name lines of the text; plain text has at
/// most one coverage entry per non-blank line, and every non-blank line of a web page or markdown file is
/// covered, markup and all; the policy read survives its canonical form unchanged.
pub fn check_parse(text: &str, hints: &Hints) {
    let parsed = parse(text, hints);
    let lines = text.split('\n').count().max(1);
    for diagnostic in &parsed.diagnostics {
        assert!(diagnostic.line >= 1 && diagnostic.line <= lines, "{diagnostic:?} in a text of {lines} lines");
    }
    for (line, _) in &parsed.coverage.lines {
        assert!(*line >= 1 && *line <= lines, "coverage of line {line} in a text of {lines} lines");
    }
    if parsed.format == Format::Text {
        let non_blank = text.split('\n').filter(|line| !compact(line).is_empty()).count();
        assert!(parsed.coverage.lines.len() <= non_blank + 1, "more coverage entries than lines");
    } else {
        let covered: HashSet<usize> = parsed.coverage.lines.iter().map(|(line, _)| *line).collect();
        for (index, line) in text.split('\n').enumerate() {
            if !compact(line).is_empty() {
                assert!(covered.contains(&(index + 1)), "line {} {line:?} is not in the coverage", index + 1);
            }
        }
    }
    if let Some((header, content)) = parsed.canonical_policy() {
        assert_canonical_round_trip("the policy read", &header, &content);
    }
}

/// The canonical sheets of a policy read back as the same policy; `what` names it in a failure.
pub fn assert_canonical_round_trip(what: &str, header: &Header, content: &PolicyContent) {
    let sheets = to_sheets(header, content);
    match from_sheets(&sheets) {
        Ok((read_header, read_content)) => {
            assert_eq!(&read_header, header, "{what}: the header changes through the canonical sheets");
            assert_same(content, &read_content, &format!("{what}: the policy changes through the canonical sheets"));
        }
        Err(problems) => panic!("{what}: the canonical sheets do not read back: {problems:?}"),
    }
}

/// Asserts that `after` equals `before`, showing where they first differ (a whole policy is too long to read).
fn assert_same<T: PartialEq + std::fmt::Debug>(before: &T, after: &T, what: &str) {
    if before == after {
        return;
    }
    let (before, after) = (format!("{before:?}"), format!("{after:?}"));
    let common = before.char_indices().zip(after.chars()).find(|((_, a), b)| a != b).map_or(0, |((at, _), _)| at);
    let start = before[..common].char_indices().rev().nth(150).map_or(0, |(at, _)| at);
    let excerpt = |text: &str| text[start..].chars().take(400).collect::<String>();
    panic!("{what}:\n before: …{}\n after:  …{}", excerpt(&before), excerpt(&after));
}

/// A table file (CSV, tab-separated text or a workbook): the rows read are written as CSV and read back the same.
pub fn table(data: &[u8]) {
    let Ok(rows) = read_file(data) else { return };
    let cells: Vec<Vec<String>> = rows.iter().map(|row| row.cells.clone()).collect();
    if cells.iter().all(|row| row.iter().all(String::is_empty)) {
        return;
    }
    let csv = write_csv(&cells);
    let again = read_text(&csv).unwrap_or_else(|error| panic!("the CSV written does not read: {error:?}\n{csv:?}"));
    let again: Vec<Vec<String>> = again.into_iter().map(|row| row.cells).collect();
    assert_eq!(again, cells, "the rows change through CSV:\n{csv:?}");
}

/// A policy in its canonical form (workbook or CSV): what reads is written as canonical CSV and reads back
/// the same.
pub fn canonical(data: &[u8]) {
    let Some(Ok((header, content))) = read_canonical(data) else { return };
    assert_canonical_round_trip("the canonical file", &header, &content);
    let csv = write_csv(&canonical_csv_rows(&to_sheets(&header, &content)));
    match read_canonical(csv.as_bytes()) {
        Some(Ok(read)) => assert_same(&(header, content), &read, "the policy changes through canonical CSV"),
        other => panic!("the canonical CSV written does not read back: {other:?}"),
    }
}

/// A bulk actuals sheet against the Sumiyoshi year-end sample: planning never panics, and a sheet that can be
/// written changes nothing when it is planned again against the policy it produced.
pub fn actuals(data: &[u8]) {
    let Some((content, fiscal_year)) = sumiyoshi() else { return };
    let Ok(rows) = read_file(data) else { return };
    let rows: Vec<(usize, Vec<String>)> = rows.into_iter().map(|row| (row.number, row.cells)).collect();
    let plan = hoshin_core::actuals::plan(content, *fiscal_year, &rows);
    if plan.is_writable() {
        let again = hoshin_core::actuals::plan(&plan.content, *fiscal_year, &rows);
        assert!(again.changes.is_empty(), "a sheet planned twice changes the policy again: {:?}", again.changes);
    }
}

fn sumiyoshi() -> Option<&'static (PolicyContent, FiscalYear)> {
    static POLICY: OnceLock<Option<(PolicyContent, FiscalYear)>> = OnceLock::new();
    POLICY
        .get_or_init(|| {
            let sample = crate::samples::SAMPLES.iter().find(|sample| sample.file_name.starts_with("sumiyoshi"))?;
            let policy = sample.parse().policy()?;
            Some((policy.content, policy.fiscal_year))
        })
        .as_ref()
}
