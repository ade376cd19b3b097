//! One import workload of `benches/import.rs`, run a given number of times without a harness, for counting
//! instructions (`scripts/count-instructions`, which runs it under callgrind): unlike wall-clock time, the
//! count does not move with the machine's load.
//!
//! `cargo run --release -p hoshin-import --example import_once -- INPUT [ITERATIONS]`, where INPUT is a sample
//! or fixture file name, or `concatenation`. Prints the input's size in bytes.

#![allow(clippy::unwrap_used)] // a measuring tool over fixed data

use hoshin_import::{parse, Hints};

#[path = "../benches/support/inputs.rs"]
mod inputs;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "concatenation".to_string());
    let iterations: usize = args.next().map_or(1, |n| n.parse().expect("ITERATIONS is a number"));
    let samples = inputs::samples();
    let input = if name == "concatenation" {
        inputs::concatenation(&samples)
    } else {
        let all: Vec<_> = samples.iter().cloned().chain(inputs::markup()).collect();
        let Some((_, text)) = all.into_iter().find(|(file, _)| *file == name) else {
            eprintln!("no input named {name}: give a file of fixtures/samples or fixtures/markup, or concatenation");
            std::process::exit(2);
        };
        text
    };
    for _ in 0..iterations {
        std::hint::black_box(parse(std::hint::black_box(&input), &Hints::default()));
    }
    println!("{}", input.len());
}
