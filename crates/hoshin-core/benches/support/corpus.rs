//! The parse-and-judge workload, shared by the benchmark and the instruction-count example
//! (`examples/parse_and_judge_once.rs`): every target sentence of the four samples, each as one indicator over
//! 20 fiscal years with synthetic actuals, 10^5 indicator-years in all.

#![allow(dead_code)] // the benchmark and the example each use their part

use std::hint::black_box;

use hoshin_core::{judge, parse_measure, parse_target, FiscalYear, Observation, ParseContext, Rule};

pub const ITEMS: usize = 100_000;

pub struct Item {
    pub text: String,
    pub year: FiscalYear,
    pub actual: String,
    pub previous: String,
}

/// The sample sentences (source, year, text), from the acceptance-test data.
fn sentences() -> Vec<String> {
    include_str!("../../tests/data/sample-targets.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split('\t').nth(2).map(str::to_string))
        .collect()
}

pub fn corpus() -> Vec<Item> {
    let sentences = sentences();
    // A small linear congruential generator: deterministic, no dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    (0..ITEMS)
        .map(|i| {
            // Items come in runs of 20: one indicator over FY2005–2024.
            let text = sentences[(i / 20) % sentences.len()].clone();
            let year = FiscalYear::new(2005 + (i % 20) as i32).unwrap();
            let value = next() % 1000;
            let previous = next() % 1000;
            Item {
                text,
                year,
                actual: format!("{}.{}%", value / 10, value % 10),
                previous: format!("{}.{}%", previous / 10, previous % 10),
            }
        })
        .collect()
}

/// Parses every item's target sentence.
pub fn parse_all(corpus: &[Item], context: ParseContext) {
    for item in corpus {
        black_box(parse_target(black_box(&item.text), context).ok());
    }
}

/// The real workload: every indicator-year of a city's documents restates its target sentence and prints one
/// actual; each is parsed and judged against the indicator's series of earlier actuals.
pub fn parse_and_judge(corpus: &[Item], context: ParseContext) {
    let mut series: Vec<Observation> = Vec::with_capacity(20);
    for (index, item) in corpus.iter().enumerate() {
        if index % 20 == 0 {
            series.clear();
        }
        let Ok(target) = parse_target(&item.text, context) else { continue };
        let Ok(actual) = parse_measure(&item.actual) else { continue };
        series.push(Observation { fiscal_year: item.year, actual, year_target: None });
        black_box(judge(&target, &series, item.year, Rule::MeetOrImprove));
    }
}
