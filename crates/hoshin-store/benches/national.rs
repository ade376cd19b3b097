//! Storage at national scale (issue #4): 1,741 organizations × 10 years of synthetic policies
//! (hoshin_store::synth) on SQLite and on PostgreSQL — the import rate, the bulk-load rate of a dump, and the
//! latency of one indicator's series, a league table and a full-text query.
//!
//! Run: `cargo bench -p hoshin-store --bench national` (figures in docs/PERFORMANCE.md). Scale and engines
//! through HOSHIN_BENCH_ORGANIZATIONS (1741), HOSHIN_BENCH_YEARS (10) and HOSHIN_BENCH_ENGINES
//! (sqlite,postgres). After the load it builds the search index again (`reindex`), to show what the index
//! alone costs. PostgreSQL comes from HOSHIN_TEST_POSTGRES_URL or is started by scripts/test-postgres.

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

/// A dump's value as a field of COPY's CSV format: NULL unquoted and empty, text always quoted.
fn csv_field(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::String(text) => {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// What PostgreSQL itself needs at the least, on this machine, for what a load does — the floor under any
/// loader, Hoshin's included:
/// - the dump's rows given to COPY as CSV (converted beforehand, not timed), in one transaction, into the schema
///   without foreign keys and without the search index: no document read, no search entry, no check;
/// - building the search index's GIN over the loaded entries, alone.
async fn postgres_floor(loaded_url: &str, dump_path: &std::path::Path, budget: f64) {
    use sqlx::Connection;
    // The GIN alone, over the entries the load wrote (rolled back: the database stays as it was).
    let mut connection = sqlx::PgConnection::connect(loaded_url).await.unwrap();
    let mut tx = connection.begin().await.unwrap();
    sqlx::query("DROP INDEX search_entries_grams").execute(&mut *tx).await.unwrap();
    sqlx::query("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut *tx).await.unwrap();
    let started = Instant::now();
    sqlx::query("CREATE INDEX search_entries_grams ON search_entries USING GIN (grams)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let gin_time = started.elapsed().as_secs_f64();
    tx.rollback().await.unwrap();
    connection.close().await.unwrap();

    // The rows as COPY takes them; a working copy's document is NULL when it is its base version's (as Hoshin
    // stores it).
    let text = std::fs::read_to_string(dump_path).unwrap();
    let mut tables: Vec<(String, String, String)> = Vec::new();
    let mut documents: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("table ") {
            let mut words = rest.split(' ');
            let name = words.next().unwrap().to_string();
            let columns: Vec<&str> = words.collect();
            tables.push((name, columns.join(", "), String::new()));
        } else if line.starts_with('[') {
            let mut row: Vec<serde_json::Value> = serde_json::from_str(line).unwrap();
            let (name, _, data) = tables.last_mut().unwrap();
            if name == "versions" {
                documents.insert(row[0].as_i64().unwrap(), row[9].as_str().unwrap().to_string());
            }
            if name == "working_copies"
                && row[1].as_i64().and_then(|base| documents.get(&base)).map(String::as_str) == row[6].as_str()
            {
                row[6] = serde_json::Value::Null;
            }
            for (index, value) in row.iter().enumerate() {
                if index > 0 {
                    data.push(',');
                }
                csv_field(value, data);
            }
            data.push('\n');
        }
    }
    drop(documents);
    let url = fresh("postgres", "floor").await;
    SqlStore::open(&url).await.unwrap().close().await;
    let DatabaseUrl::Postgres(url) = url else { unreachable!() };
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    let drops: Vec<String> = sqlx::query_scalar(
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) FROM pg_constraint \
         WHERE contype = 'f'",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    for drop in drops {
        sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&mut connection).await.unwrap();
    }
    sqlx::query("DROP INDEX search_entries_grams").execute(&mut connection).await.unwrap();
    sqlx::query("SET default_toast_compression = 'lz4'").execute(&mut connection).await.unwrap();
    let started = Instant::now();
    let mut tx = connection.begin().await.unwrap();
    for (name, columns, data) in &tables {
        if data.is_empty() {
            continue;
        }
        let mut copy = tx.copy_in_raw(&format!("COPY {name} ({columns}) FROM STDIN (FORMAT csv)")).await.unwrap();
        copy.send(data.as_bytes()).await.unwrap();
        copy.finish().await.unwrap();
    }
    tx.commit().await.unwrap();
    let copy_time = started.elapsed().as_secs_f64();
    connection.close().await.unwrap();
    println!(
        "postgres: floor: COPY of the dump's rows, without foreign keys or search index, in {copy_time:.2} s; \
         the search index's GIN alone in {gin_time:.2} s; together {:.2} s against the load's budget of {budget:.2} s",
        copy_time + gin_time
    );
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
    println!(
        "{engine}: dump {:.0} MB in {dump_time:.1} s; load (with search rebuild and check) in {load_time:.1} s: \
         {:.0} indicator-years/s",
        size as f64 / 1e6,
        counts.indicator_years as f64 / load_time
    );

    // The load has just written a gigabyte that the kernel is still writing out; what follows is timed on a
    // machine at rest, not against that write-back.
    let _ = std::process::Command::new("sync").status();

    // The search index alone: what the load spends on it, measured by building it again over the loaded data.
    let started = Instant::now();
    let entries = loaded.reindex().await.unwrap();
    let reindex_time = started.elapsed().as_secs_f64();
    let budget = counts.indicator_years as f64 / 50_000.0;
    println!(
        "{engine}: search index alone (reindex, {entries} entries) in {reindex_time:.2} s; the load's whole budget at \
         50,000 indicator-years/s is {budget:.2} s"
    );
    loaded.close().await;
    drop(loaded);
    let _ = std::process::Command::new("sync").status();
    if let DatabaseUrl::Postgres(url) = &load_url {
        postgres_floor(url, &dump_path, budget).await;
    }
    let _ = std::fs::remove_file(&dump_path);

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
