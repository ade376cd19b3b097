//! Acceptance tests on the four real sample documents: every target they print parses (or is reported as not
//! evaluable with a reason), and every published mark agrees with the mark computed by the default rule —
//! or the disagreement is listed in `data/sample-marks.tsv` with its reason and the rule that explains it.

#![allow(clippy::unwrap_used)] // tests and benches fail loudly on bad fixtures

use std::path::{Path, PathBuf};

use hoshin_core::{
    check_mark, judge, parse_measure, parse_target, FiscalYear, Lang, Mark, MarkCheck, Observation, ParseContext, Rule,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Compares `actual` with the golden file `name`; `UPDATE_EXPECT=1` rewrites it instead.
fn check_golden(name: &str, actual: &str) {
    let path = data(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {}:\n  expected: {:?}\n  actual:   {:?}\nrerun with UPDATE_EXPECT=1 and review the diff",
            path.display(),
            first_difference + 1,
            expected.lines().nth(first_difference),
            actual.lines().nth(first_difference)
        );
    }
}

fn rows(name: &str) -> Vec<(usize, Vec<String>)> {
    std::fs::read_to_string(data(name))
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| (index + 1, line.split('\t').map(str::to_string).collect()))
        .collect()
}

#[test]
fn every_target_in_the_samples_reads_or_says_why_not() {
    let mut out = String::new();
    let mut parsed = 0;
    let mut unreadable = 0;
    for (_, columns) in rows("sample-targets.txt") {
        let [source, year, text] = &columns[..] else { panic!("three columns expected: {columns:?}") };
        let year = FiscalYear::new(year.parse().unwrap()).unwrap();
        out.push_str(&format!("[{source}] {text}\n"));
        match parse_target(text, ParseContext::for_year(year)) {
            Ok(target) => {
                parsed += 1;
                if let Some(subject) = &target.subject {
                    out.push_str(&format!("  subject: {subject}\n"));
                }
                out.push_str(&format!("  period:  {}\n", target.period.describe(Lang::En)));
                out.push_str(&format!("  ja:      {}\n", target.render(Lang::Ja)));
                out.push_str(&format!("  en:      {}\n", target.render(Lang::En)));
                if target.each {
                    out.push_str("  each:    yes\n");
                }
                if let Some(change) = target.change_label {
                    out.push_str(&format!("  change:  {}\n", change.label_ja()));
                }
                // The canonical rendering reads back to the same target.
                let again = parse_target(&target.render_ja(), ParseContext::for_year(year)).unwrap();
                assert_eq!(again.meaning(), target.meaning(), "{text}");
            }
            Err(error) => {
                unreadable += 1;
                out.push_str(&format!("  not evaluable: {error}\n"));
            }
        }
    }
    check_golden("sample-targets.expected", &out);
    // The one unreadable line is Higashiyodogawa's indicator whose target the PDF text lost.
    assert_eq!((parsed, unreadable), (66, 1));
}

#[test]
fn published_marks_agree_with_the_default_rule_or_the_difference_is_documented() {
    let mut agreed = 0;
    let mut documented = 0;
    for (line, columns) in rows("sample-marks.tsv") {
        let [sample, issue, number, _kind, document_year, judged_year, text, actual, previous, published, year_target, known] =
            &columns[..]
        else {
            panic!("line {line}: twelve columns expected, got {}", columns.len())
        };
        let context = ParseContext::for_year(FiscalYear::new(document_year.parse().unwrap()).unwrap());
        let year = FiscalYear::new(judged_year.parse().unwrap()).unwrap();
        let target = parse_target(text, context).unwrap_or_else(|e| panic!("line {line}: {e}"));
        let mut series = vec![Observation {
            fiscal_year: year,
            actual: parse_measure(actual).unwrap(),
            year_target: (!year_target.is_empty()).then(|| parse_target(year_target, context).unwrap()),
        }];
        if !previous.is_empty() {
            series.push(Observation {
                fiscal_year: year.previous().unwrap(),
                actual: parse_measure(previous).unwrap(),
                year_target: None,
            });
        }
        let published = Mark::parse(published).unwrap_or_else(|| panic!("line {line}: mark {published:?}"));
        let judgment = judge(&target, &series, year, Rule::default());
        let explanation = judgment.explanation(Lang::En).join("\n    ");
        let label = format!("line {line}: {sample} {issue}{number} FY{}", year.start_year());
        if known.is_empty() {
            assert_eq!(
                check_mark(Some(published), &judgment),
                MarkCheck::Agrees(published),
                "{label}\n    {explanation}"
            );
            agreed += 1;
        } else {
            // A documented difference must still be a difference, and the named rule must explain the mark.
            assert!(
                matches!(check_mark(Some(published), &judgment), MarkCheck::Differs { .. }),
                "{label}: no longer differs"
            );
            let rule_name = known.split(':').next().unwrap();
            let rule = Rule::from_name(rule_name).unwrap_or_else(|| panic!("{label}: unknown rule {rule_name}"));
            let alternative = judge(&target, &series, year, rule);
            assert_eq!(alternative.mark(), Some(published), "{label} under {rule}");
            documented += 1;
        }
    }
    // Sumiyoshi's 14 outcome indicators and Abeno's 18 marks (6 indicators × 3 years).
    assert_eq!(agreed + documented, 32);
    assert_eq!(documented, 4);
}

#[test]
fn sumiyoshi_marks_are_also_explained_by_the_glide_path() {
    // DOMAIN.md §4: a linear glide path from the baseline explains the same Sumiyoshi cases.
    for (line, columns) in rows("sample-marks.tsv") {
        if columns[0] != "sumiyoshi" {
            continue;
        }
        let year = FiscalYear::new(columns[5].parse().unwrap()).unwrap();
        let target = parse_target(&columns[6], ParseContext::for_year(year)).unwrap();
        let mut series =
            vec![Observation { fiscal_year: year, actual: parse_measure(&columns[7]).unwrap(), year_target: None }];
        series.push(Observation {
            fiscal_year: year.previous().unwrap(),
            actual: parse_measure(&columns[8]).unwrap(),
            year_target: None,
        });
        let judgment = judge(&target, &series, year, Rule::GlidePath);
        assert_eq!(
            judgment.mark(),
            Mark::parse(&columns[9]),
            "line {line}: {}",
            judgment.explanation(Lang::En).join("; ")
        );
    }
}
