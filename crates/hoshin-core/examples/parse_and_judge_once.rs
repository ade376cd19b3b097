//! The end-to-end workload of `benches/parse_and_judge.rs`, run a given number of times without a harness,
//! for counting instructions (`scripts/count-instructions`, which runs it under callgrind): unlike
//! wall-clock time, the count does not move with the machine's load.
//!
//! `cargo run --release -p hoshin-core --example parse_and_judge_once -- [end-to-end|parse] [ITERATIONS]`

#![allow(clippy::unwrap_used)] // a measuring tool over fixed data

use hoshin_core::{Era, ParseContext};

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
            corpus::parse_all(&corpus, context);
        } else {
            corpus::parse_and_judge(&corpus, context);
        }
    }
    println!("{} items", corpus.len());
}
