//! Parsing and judging at city scale: 24 wards × 20 years of indicators, about 10^5 indicator-years, built
//! from every target sentence of the four sample documents with synthetic actuals.
//!
//! Run: `cargo bench -p hoshin-core --bench parse_and_judge` (figures in docs/PERFORMANCE.md).

#![allow(clippy::unwrap_used)] // tests and benches fail loudly on bad fixtures

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hoshin_core::{judge, parse_measure, parse_target, Era, Measure, Observation, ParseContext, Rule};

#[path = "support/corpus.rs"]
mod corpus;
use corpus::{corpus, ITEMS};

fn benches(c: &mut Criterion) {
    let corpus = corpus();
    let context = ParseContext { era: Some(Era::Reiwa) };
    let measures: Vec<(Measure, Measure)> = corpus
        .iter()
        .map(|item| (parse_measure(&item.actual).unwrap(), parse_measure(&item.previous).unwrap()))
        .collect();
    let targets: Vec<_> = corpus.iter().map(|item| parse_target(&item.text, context).ok()).collect();

    let mut group = c.benchmark_group("targets");
    group.sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(ITEMS as u64));

    group.bench_function("parse 10^5 indicator sentences", |b| b.iter(|| corpus::parse_all(&corpus, context)));

    group.bench_function("judge 10^5 indicator-years", |b| {
        b.iter(|| {
            for ((item, target), (actual, previous)) in corpus.iter().zip(&targets).zip(&measures) {
                let Some(target) = target else { continue };
                let series = [
                    Observation { fiscal_year: item.year, actual: actual.clone(), year_target: None },
                    Observation {
                        fiscal_year: item.year.previous().unwrap(),
                        actual: previous.clone(),
                        year_target: None,
                    },
                ];
                black_box(judge(target, &series, item.year, Rule::MeetOrImprove));
            }
        })
    });

    group.bench_function("parse target and actual, judge: 10^5 indicator-years", |b| {
        b.iter(|| corpus::parse_and_judge(&corpus, context))
    });
    group.finish();
}

criterion_group!(parse_and_judge, benches);
criterion_main!(parse_and_judge);
