//! Import throughput: each sample, the web page and converter markdown fixtures, and a large concatenation of
//! the four samples repeated (a year's documents of many wards in one go). `cargo bench -p hoshin-import --bench import`; figures in docs/PERFORMANCE.md.

#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hoshin_import::{parse, Hints};

#[path = "support/inputs.rs"]
mod inputs;
use inputs::{concatenation, markup, samples};

fn bench(c: &mut Criterion) {
    let samples = samples();
    let mut group = c.benchmark_group("import");
    for (name, text) in samples.iter().chain(&markup()) {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| b.iter(|| parse(std::hint::black_box(text), &Hints::default())));
    }
    let large = concatenation(&samples);
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.sample_size(10);
    group.bench_function("concatenation", |b| b.iter(|| parse(std::hint::black_box(&large), &Hints::default())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
