//! Storage at national scale (issue #4): 1,741 organizations × 10 years of synthetic policies
//! (hoshin_store::synth) on SQLite and on PostgreSQL — the import rate, the bulk-load rate of a dump, and the
//! latency of one indicator's series, a league table and a full-text query.
//!
//! Run: `cargo bench -p hoshin-store --bench national` (figures in docs/PERFORMANCE.md). Scale and engines
//! through HOSHIN_BENCH_ORGANIZATIONS (1741), HOSHIN_BENCH_YEARS (10) and HOSHIN_BENCH_ENGINES
//! (sqlite,postgres). PostgreSQL comes from HOSHIN_TEST_POSTGRES_URL or is started by scripts/test-postgres.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark fails loudly and prints its figures

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hoshin_core::{FiscalYear, COMMON_INDICATORS};
use hoshin_store::synth::{self, Spec};
use hoshin_store::{DatabaseUrl, SearchFilter, SqlStore, Store};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn postgres_base_url() -> String {
    if let Ok(url) = std::env::var("HOSHIN_TEST_POSTGRES_URL") {
        return url;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres");
    let output = std::process::Command::new("bash").arg(&script).arg(std::process::id().to_string()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

async fn fresh(engine: &str, name: &str) -> DatabaseUrl {
    match engine {
        "sqlite" => {
            let path = std::env::temp_dir().join(format!("hoshin-bench-{name}-{}.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            DatabaseUrl::Sqlite(path)
        }
        _ => {
            let base = postgres_base_url();
            sqlx::any::install_default_drivers();
            let admin = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&base).await.unwrap();
            let db = format!("hoshin_bench_{name}_{}", std::process::id());
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}"))).execute(&admin).await;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&admin).await.unwrap();
            admin.close().await;
            let (prefix, _) = base.rsplit_once('/').unwrap();
            DatabaseUrl::Postgres(format!("{prefix}/{db}"))
        }
    }
}

/// p50, p99 and max of a set of durations, in milliseconds.
fn percentiles(mut times: Vec<Duration>) -> (f64, f64, f64) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    (at(0.5), at(0.99), at(1.0))
}

async fn bench(engine: &str, spec: Spec) {
    let import_url = fresh(engine, "import").await;
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&import_url).await.unwrap());
    let jobs = if engine == "sqlite" { 1 } else { 8 };
    let started = Instant::now();
    for year in spec.first_year()..=spec.last_year {
        let imports = synth::year(&spec, FiscalYear::new(year).unwrap());
        hoshin_store::import_concurrently(&store, imports, jobs).await.unwrap();
    }
    let import_time = started.elapsed().as_secs_f64();
    let counts = store.counts().await.unwrap();
    println!(
        "{engine}: import {} policies, {} indicator-years in {import_time:.1} s: {:.0} indicator-years/s, {:.0} policies/s",
        counts.policies,
        counts.indicator_years,
        counts.indicator_years as f64 / import_time,
        counts.policies as f64 / import_time
    );

    let dump_path = std::env::temp_dir().join(format!("hoshin-bench-{engine}-{}.dump", std::process::id()));
    let started = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&dump_path).unwrap());
        store.dump(&mut out).await.unwrap();
    }
    let dump_time = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&dump_path).unwrap().len();
    let load_url = fresh(engine, "load").await;
    let loaded: Arc<dyn Store> = Arc::new(SqlStore::open(&load_url).await.unwrap());
    let started = Instant::now();
    let mut input = std::io::BufReader::new(std::fs::File::open(&dump_path).unwrap());
    loaded.load(&mut input).await.unwrap();
    let load_time = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&dump_path);
    println!(
        "{engine}: dump {:.0} MB in {dump_time:.1} s; load (with search rebuild and check) in {load_time:.1} s: \
         {:.0} indicator-years/s",
        size as f64 / 1e6,
        counts.indicator_years as f64 / load_time
    );

    // The load has just written a gigabyte that the kernel is still writing out; queries are timed on a
    // machine at rest, not against that write-back.
    drop(loaded);
    let _ = std::process::Command::new("sync").status();

    // Queries, spread over the data set with a fixed stride.
    let series_ids: Vec<i64> = {
        let mut ids = Vec::new();
        for index in (0..spec.organizations).step_by((spec.organizations / 50).max(1)) {
            for series in store.organization_series(&synth::organization(index)).await.unwrap().iter().take(4) {
                ids.push(series.id);
            }
        }
        ids
    };
    let mut times = Vec::new();
    for id in series_ids.iter().cycle().take(400) {
        let started = Instant::now();
        let series = store.series(*id).await.unwrap();
        times.push(started.elapsed());
        assert!(!series.points.is_empty());
    }
    let (p50, p99, max) = percentiles(times);
    println!("{engine}: one indicator's series: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms (400 queries)");

    let mut times = Vec::new();
    let mut rows = 0;
    for round in 0..200 {
        let common = &COMMON_INDICATORS[round % COMMON_INDICATORS.len()];
        let year = FiscalYear::new(spec.first_year() + (round % spec.years) as i32).unwrap();
        let started = Instant::now();
        let table = store.league_table(common.key, year).await.unwrap();
        times.push(started.elapsed());
        rows = rows.max(table.len());
    }
    let (p50, p99, max) = percentiles(times);
    println!(
        "{engine}: league table of a common indicator ({rows} organizations): p50 {p50:.2} ms, p99 {p99:.2} ms, \
         max {max:.2} ms (200 queries)"
    );

    let queries = [
        "防災",
        "子育て 相談",
        "地域活動協議会",
        "見守り",
        "区政会議 フィードバック",
        "分別",
        "健康講座",
        "存在しない語",
    ];
    let mut times = Vec::new();
    for round in 0..160 {
        let started = Instant::now();
        store.search(queries[round % queries.len()], &SearchFilter::default(), 20).await.unwrap();
        times.push(started.elapsed());
    }
    let (p50, p99, max) = percentiles(times);
    println!("{engine}: full-text search, 20 hits: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms (160 queries)");
    // The national databases take about a gigabyte on SQLite; the PostgreSQL server goes with this process.
    for url in [import_url, load_url] {
        if let DatabaseUrl::Sqlite(path) = url {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and must not run at scale.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let spec = Spec {
        organizations: env_or("HOSHIN_BENCH_ORGANIZATIONS", 1741),
        years: env_or("HOSHIN_BENCH_YEARS", 10),
        last_year: 2024,
        seed: 1,
    };
    let engines = std::env::var("HOSHIN_BENCH_ENGINES").unwrap_or_else(|_| "sqlite,postgres".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    println!("national scale: {} organizations × {} years", spec.organizations, spec.years);
    for engine in engines.split(',').map(str::trim) {
        runtime.block_on(bench(engine, spec));
    }
}
