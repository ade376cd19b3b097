//! Import throughput: each sample, the web page and converter markdown fixtures, and a large concatenation of
//! the four samples repeated (a year's documents of many wards in one go). `cargo bench -p hoshin-import --bench import`; figures in docs/PERFORMANCE.md.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hoshin_import::{parse, Hints};

fn samples() -> Vec<(&'static str, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/samples");
    [
        "nishi-r6-plan.txt",
        "sumiyoshi-r6-yearend.txt",
        "abeno-r5-issue5-yearend.txt",
        "higashiyodogawa-plan20-summary.txt",
    ]
    .into_iter()
    .map(|name| (name, std::fs::read_to_string(dir.join(name)).unwrap()))
    .collect()
}

/// The web page and the converter markdown of fixtures/markup.
fn markup() -> Vec<(&'static str, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/markup");
    ["nishi-r6-plan.html", "sumiyoshi-r6-yearend.md"]
        .into_iter()
        .map(|name| (name, std::fs::read_to_string(dir.join(name)).unwrap()))
        .collect()
}

fn bench(c: &mut Criterion) {
    let samples = samples();
    let mut group = c.benchmark_group("import");
    for (name, text) in samples.iter().chain(&markup()) {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| b.iter(|| parse(std::hint::black_box(text), &Hints::default())));
    }
    // About 2 MB: the four samples 25 times over, read as one document.
    let large: String = samples.iter().map(|(_, text)| text.as_str()).collect::<Vec<_>>().join("\n").repeat(25);
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.sample_size(10);
    group.bench_function("concatenation", |b| b.iter(|| parse(std::hint::black_box(&large), &Hints::default())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
