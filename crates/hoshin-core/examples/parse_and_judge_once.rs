//! The end-to-end workload of `benches/parse_and_judge.rs`, run a given number of times without a harness,
//! for counting instructions (`scripts/count-instructions`, which runs it under callgrind): unlike
//! wall-clock time, the count does not move with the machine's load.
//!
//! `cargo run --release -p hoshin-core --example parse_and_judge_once -- [end-to-end|parse] [ITERATIONS]`

#![allow(clippy::unwrap_used)] // a measuring tool over fixed data

use std::hint::black_box;

use hoshin_core::{judge, parse_measure, parse_target, Era, Observation, ParseContext, Rule};

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_else(|| "end-to-end".to_string());
    let iterations: usize = args.next().map_or(1, |n| n.parse().expect("ITERATIONS is a number"));
    let corpus = corpus::corpus();
    let context = ParseContext { era: Some(Era::Reiwa) };
    for _ in 0..iterations {
        if workload == "parse" {
            for item in &corpus {
                black_box(parse_target(black_box(&item.text), context).ok());
            }
            continue;
        }
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
    println!("{} items", corpus.len());
}
