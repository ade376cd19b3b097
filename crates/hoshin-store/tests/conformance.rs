//! The storage conformance suite: every test runs on SQLite (a fresh file) and on PostgreSQL (a fresh
//! database), and both must behave the same. PostgreSQL comes from `HOSHIN_TEST_POSTGRES_URL` (set by
//! `scripts/test`) or is started here through `scripts/test-postgres`; it is never skipped.

#![allow(clippy::unwrap_used)] // tests fail loudly

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use hoshin_core::council::{MeetingKind, OpinionAuthor, OpinionSource, OpinionState, ResponseStatus, Term};
use hoshin_core::Role;
use hoshin_core::{
    FiscalYear, Indicator, IndicatorKind, Issue, IssueId, Organization, PolicyContent, Stage, TargetText, YearResult,
};
use hoshin_store::{
    CommonGroup, DatabaseUrl, EventKind, Meeting, Moderation, NewCouncilMember, NewImport, NewMeeting, NewOpinion,
    NewResponse, NewUser, OpinionFilter, PolicyKey, SearchFilter, Source, SqlStore, Store, StoreError, UserChange,
};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// A store on a fresh database, and a pool on the same database for checks behind the store's back.
type Harness = (Arc<dyn Store>, sqlx::AnyPool);

async fn harness(url: DatabaseUrl) -> Harness {
    let store = SqlStore::open(&url).await.unwrap();
    let pool = store.pool().clone();
    (Arc::new(store), pool)
}

async fn sqlite() -> Harness {
    harness(sqlite_url()).await
}

fn sqlite_url() -> DatabaseUrl {
    DatabaseUrl::Sqlite(std::env::temp_dir().join(format!("{}.db", unique("hoshin_test"))))
}

/// A fresh, empty database of the same engine as `store`.
async fn fresh_url_like(store: &Arc<dyn Store>) -> DatabaseUrl {
    match store.backend() {
        hoshin_store::Backend::Sqlite => sqlite_url(),
        hoshin_store::Backend::Postgres => postgres_url().await,
    }
}

fn postgres_base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("HOSHIN_TEST_POSTGRES_URL") {
            return url;
        }
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres");
        let output = std::process::Command::new("bash")
            .arg(&script)
            .arg(std::process::id().to_string())
            .output()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", script.display()));
        assert!(
            output.status.success(),
            "PostgreSQL could not be started for the tests:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    })
}

async fn postgres() -> Harness {
    harness(postgres_url().await).await
}

/// A new, empty PostgreSQL database.
async fn postgres_url() -> DatabaseUrl {
    let base = postgres_base_url();
    let name = unique("hoshin_test");
    let admin = open_admin(base).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    DatabaseUrl::Postgres(format!("{prefix}/{name}"))
}

async fn open_admin(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new().max_connections(1).connect(url).await.unwrap()
}

/// The number a `SELECT COUNT(*) AS n …` asks for, behind the store's back.
async fn count(pool: &sqlx::AnyPool, sql: &'static str) -> i64 {
    let row = sqlx::query(sql).fetch_one(pool).await.unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

/// For each working copy in policy order, 1 when it shares its base version's document (stored as NULL).
async fn shared_documents(pool: &sqlx::AnyPool) -> Vec<i64> {
    sqlx::query("SELECT CASE WHEN document IS NULL THEN 1 ELSE 0 END AS shared FROM working_copies ORDER BY policy_id")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| sqlx::Row::try_get(row, "shared").unwrap())
        .collect()
}

/// Declares each test once per backend.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test] async fn $name() { let (store, pool) = super::sqlite().await; super::$name(store, pool).await; })*
        }
        mod on_postgres {
            $(#[tokio::test] async fn $name() { let (store, pool) = super::postgres().await; super::$name(store, pool).await; })*
        }
    };
}

/// Declares a test that opens its database itself (from a fresh database's URL), once per backend.
macro_rules! on_fresh_databases {
    ($module:ident, $name:ident) => {
        mod $module {
            #[tokio::test]
            async fn on_sqlite() {
                super::$name(super::sqlite_url()).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                super::$name(super::postgres_url().await).await;
            }
        }
    };
}

conformance!(
    samples_round_trip_exactly,
    the_same_file_imported_twice_is_one_version,
    lineage_links_years_despite_drifted_wording,
    stale_writes_are_conflicts,
    publishing_and_importing_respect_the_working_copy,
    league_table_of_a_common_indicator,
    search_finds_two_character_words,
    every_change_is_in_the_append_only_audit_log,
    a_failed_import_writes_nothing,
    a_dump_loads_back_to_the_same_bytes,
    a_bad_dump_is_refused_with_its_line_and_writes_nothing,
    backup_while_in_use_and_restore,
    a_generated_data_set_links_years_and_compares_organizations,
    concurrent_writers_wait_their_turn,
    accounts_and_sessions,
    drafts_are_submitted_returned_and_published,
    the_overview_counts_marks_and_year_rows_list_every_indicator,
    the_council_loop_from_opinion_to_response,
    common_indicators_are_decided_by_a_person,
    reindex_builds_the_same_index_again,
);

/// The bundled samples as (file name, text).
fn samples() -> Vec<(String, String)> {
    hoshin_import::samples::SAMPLES
        .iter()
        .map(|sample| (sample.file_name.to_string(), sample.text.to_string()))
        .collect()
}

fn import_of(file_name: &str, text: &str) -> NewImport {
    // What a user importing the file would say with --city and --fiscal-year (the Higashiyodogawa summary
    // prints no year of its own).
    let hints = hoshin_import::samples::sample(file_name).map(|sample| sample.hints()).unwrap_or_default();
    let parsed = hoshin_import::parse(text, &hints);
    let policy = parsed.policy().unwrap_or_else(|| panic!("{file_name}: no organization or year"));
    NewImport {
        key: PolicyKey { organization: policy.organization, fiscal_year: policy.fiscal_year },
        stage: policy.stage,
        content: policy.content,
        era: parsed.era,
        source: Source::Import { file_name: file_name.into(), sha256: format!("sha-of-{file_name}") },
        author: "test".into(),
    }
}

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).unwrap()
}

fn ward(name: &str) -> Organization {
    Organization::new(name, Some("大阪市"))
}

/// A one-issue policy with the given indicators: (wording, target, actual).
fn policy(organization: Organization, year: i32, stage: Stage, indicators: &[(&str, &str, Option<&str>)]) -> NewImport {
    let mut issue = Issue::new(IssueId::Single(1), "地域コミュニティの活性化");
    issue.strategies.push(hoshin_core::BulletGroup {
        heading: None,
        bullets: vec!["町会への加入を促進し、防災訓練を支援する".into()],
        indicator_links: vec![],
    });
    for (number, (wording, target, actual)) in indicators.iter().enumerate() {
        let mut indicator = Indicator::new(IndicatorKind::Outcome, wording);
        indicator.number = Some(u32::try_from(number + 1).unwrap());
        let context = hoshin_core::ParseContext::for_year(fy(year));
        indicator.target = Some(TargetText::Parsed(hoshin_core::parse_target(target, context).unwrap()));
        if let Some(actual) = actual {
            indicator.results.push(YearResult {
                fiscal_year: fy(year),
                actual: Some(hoshin_core::parse_measure(actual).unwrap()),
                published_mark: None,
                year_target: None,
            });
        }
        issue.indicators.push(indicator);
    }
    let content = PolicyContent {
        title: Some(format!("令和{}年度 {} 運営方針", year - 2018, organization.name)),
        goal: Some("誰もが安心して暮らせるまち".into()),
        issues: vec![issue],
        ..Default::default()
    };
    NewImport {
        key: PolicyKey { organization, fiscal_year: fy(year) },
        stage,
        content,
        era: Some(hoshin_core::Era::Reiwa),
        source: Source::Import { file_name: format!("{year}.txt"), sha256: unique("sha") },
        author: "test".into(),
    }
}

async fn samples_round_trip_exactly(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    for (file_name, text) in samples() {
        let import = import_of(&file_name, &text);
        let imported = store.import(import.clone()).await.unwrap();
        assert!(imported.created);
        assert_eq!(imported.version.seq, 1);
        let stored = store.latest(&import.key).await.unwrap();
        assert_same(&stored.content, &import.content, &file_name);
        assert_eq!(stored.version.stage, import.stage);
        assert_eq!(stored.era, import.era);
        let by_id = store.version(imported.version.id).await.unwrap();
        assert_eq!(by_id.content, import.content);
        let working = store.working_copy(&import.key).await.unwrap();
        assert_eq!(working.content, import.content);
        assert!(!working.edited);
    }
    let policies = store.policies().await.unwrap();
    assert_eq!(policies.len(), 4);
    assert!(policies.iter().all(|policy| policy.versions == 1));
    store.check().await.unwrap();
    // Sumiyoshi FY2024: 14 outcome indicators, each one series with its FY2024 row and computed mark.
    let sumiyoshi = store.organization_series(&ward("住吉区")).await.unwrap();
    assert_eq!(sumiyoshi.len(), 14);
    let marked = sumiyoshi
        .iter()
        .filter_map(|series| series.points.iter().find(|point| point.fiscal_year == fy(2024)))
        .filter(|point| point.computed_mark.is_some() && point.published_mark.is_some())
        .count();
    assert_eq!(marked, 14);
    let missing = store.latest(&PolicyKey { organization: ward("北区"), fiscal_year: fy(2024) }).await;
    assert!(matches!(missing, Err(StoreError::NotFound(message)) if message.contains("北区")));
}

/// Compares two contents and shows only where they first differ.
fn assert_same(stored: &PolicyContent, imported: &PolicyContent, file_name: &str) {
    if stored == imported {
        return;
    }
    let (a, b) = (format!("{stored:?}"), format!("{imported:?}"));
    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let window = |text: &str| text.chars().skip(at.saturating_sub(150)).take(300).collect::<String>();
    panic!(
        "{file_name}: the stored content differs from the imported\nstored:   {}\nimported: {}",
        window(&a),
        window(&b)
    );
}

async fn the_same_file_imported_twice_is_one_version(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let (file_name, text) = samples().into_iter().find(|(name, _)| name.starts_with("nishi")).unwrap();
    let first = store.import(import_of(&file_name, &text)).await.unwrap();
    let second = store.import(import_of(&file_name, &text)).await.unwrap();
    assert!(first.created);
    assert!(!second.created);
    assert_eq!(second.version.id, first.version.id);
    let key = import_of(&file_name, &text).key;
    assert_eq!(store.versions(&key).await.unwrap().len(), 1);
    assert_eq!(store.audit_log(10).await.unwrap().len(), 1);
}

async fn lineage_links_years_despite_drifted_wording(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let nishi = ward("西区");
    let earlier = policy(
        nishi.clone(),
        2023,
        Stage::YearEnd,
        &[
            ("地域活動協議会を知っている区民の割合", "40%以上", Some("38.5%")),
            ("防災訓練の参加者数", "500人以上", Some("620人")),
        ],
    );
    let later = policy(
        nishi.clone(),
        2024,
        Stage::YearEnd,
        &[
            ("地域活動協議会を知っている区民アンケート回答者の割合", "42%以上", Some("43.1%")),
            ("防災訓練への参加者数", "600人以上", Some("580人")),
            ("空家の相談件数", "100件以上", None),
        ],
    );
    let first = store.import(earlier).await.unwrap();
    assert_eq!((first.continued_series, first.new_series), (0, 2));
    let second = store.import(later).await.unwrap();
    assert_eq!((second.continued_series, second.new_series), (2, 1));
    let series = store.organization_series(&nishi).await.unwrap();
    assert_eq!(series.len(), 3);
    let council = &series[0];
    assert_eq!(council.common_key.as_deref(), Some("community-council-awareness"));
    let years: Vec<i32> = council.points.iter().map(|point| point.fiscal_year.start_year()).collect();
    assert_eq!(years, [2023, 2024]);
    assert_eq!(council.points[0].actual.as_deref(), Some("38.5%"));
    assert_eq!(council.points[0].computed_mark.as_deref(), Some("B"));
    assert_eq!(council.points[1].wording, "地域活動協議会を知っている区民アンケート回答者の割合");
    assert_eq!(council.points[1].value, Some(43.1));
    assert_eq!(council.points[1].unit.as_deref(), Some("%"));
    assert_eq!(council.points[1].computed_mark.as_deref(), Some("A"));
    let drill = store.series(series[1].id).await.unwrap();
    assert_eq!(drill.points.len(), 2);
    assert_eq!(drill.points[1].computed_mark.as_deref(), Some("B"));
    assert!(matches!(store.series(999_999).await, Err(StoreError::NotFound(_))));
}

async fn stale_writes_are_conflicts(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let import = policy(ward("旭区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
    let key = import.key.clone();
    store.import(import).await.unwrap();
    let copy = store.working_copy(&key).await.unwrap();
    let mut alice = copy.content.clone();
    alice.goal = Some("アリスの目標".into());
    let mut bob = copy.content.clone();
    bob.goal = Some("ボブの目標".into());
    let revision = store.save_working_copy(&key, copy.revision, Stage::FirstDraft, &alice, "alice").await.unwrap();
    assert_eq!(revision, copy.revision + 1);
    // Bob read the same revision as Alice: his write is refused, Alice's stays.
    let stale = store.save_working_copy(&key, copy.revision, Stage::FirstDraft, &bob, "bob").await;
    assert!(matches!(stale, Err(StoreError::Conflict(message)) if message.contains("reload")));
    let now = store.working_copy(&key).await.unwrap();
    assert_eq!(now.content.goal.as_deref(), Some("アリスの目標"));
    assert_eq!(now.revision, revision);
    assert!(now.edited);
    assert!(matches!(store.publish(&key, copy.revision, "bob").await, Err(StoreError::Conflict(_))));
}

async fn publishing_and_importing_respect_the_working_copy(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let import = policy(ward("港区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
    let key = import.key.clone();
    store.import(import).await.unwrap();
    let copy = store.working_copy(&key).await.unwrap();
    let mut edited = copy.content.clone();
    edited.goal = Some("改めた目標".into());
    let revision = store.save_working_copy(&key, copy.revision, Stage::Draft, &edited, "editor").await.unwrap();
    // An import while edits are pending adds the version but leaves the edits alone.
    let mut newer = policy(ward("港区"), 2025, Stage::Draft, &[("区民の割合", "55%以上", None)]);
    newer.content.goal = Some("取り込んだ目標".into());
    let imported = store.import(newer).await.unwrap();
    assert!(imported.working_copy_kept);
    let copy = store.working_copy(&key).await.unwrap();
    assert_eq!(copy.content.goal.as_deref(), Some("改めた目標"));
    assert_eq!(copy.revision, revision + 1);
    let published = store.publish(&key, copy.revision, "editor").await.unwrap();
    assert_eq!(published.seq, 3);
    assert_eq!(published.stage, Stage::Draft);
    assert_eq!(published.source, Source::Editor);
    let versions = store.versions(&key).await.unwrap();
    let stages: Vec<Stage> = versions.iter().map(|version| version.stage).collect();
    assert_eq!(stages, [Stage::FirstDraft, Stage::Draft, Stage::Draft]);
    let latest = store.latest(&key).await.unwrap();
    assert_eq!(latest.content.goal.as_deref(), Some("改めた目標"));
    assert!(!store.working_copy(&key).await.unwrap().edited);
    // Published versions never change.
    assert_eq!(store.version(versions[1].id).await.unwrap().content.goal.as_deref(), Some("取り込んだ目標"));
    store.check().await.unwrap();
}

async fn league_table_of_a_common_indicator(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let wording = "地域活動協議会を知っている区民アンケート回答者の割合";
    for (name, actual) in [("北区", "41.2%"), ("都島区", "38%"), ("福島区", "41.2%"), ("此花区", "－")] {
        store.import(policy(ward(name), 2024, Stage::YearEnd, &[(wording, "40%以上", Some(actual))])).await.unwrap();
    }
    let table = store.league_table("community-council-awareness", fy(2024)).await.unwrap();
    let rows: Vec<(usize, &str, Option<f64>)> =
        table.iter().map(|row| (row.rank, row.organization.name.as_str(), row.point.value)).collect();
    assert_eq!(
        rows,
        [(1, "北区", Some(41.2)), (1, "福島区", Some(41.2)), (3, "都島区", Some(38.0)), (4, "此花区", None)]
    );
    assert_eq!(table[2].point.computed_mark.as_deref(), Some("B"));
    assert!(store.league_table("community-council-awareness", fy(2023)).await.unwrap().is_empty());
    // A row of the league table is the series' own point, to the last digit of its value and every field.
    let many_digits = "12.345678901234567%";
    store.import(policy(ward("西区"), 2024, Stage::YearEnd, &[(wording, "40%以上", Some(many_digits))])).await.unwrap();
    let table = store.league_table("community-council-awareness", fy(2024)).await.unwrap();
    let row = table.iter().find(|row| row.organization.name == "西区").unwrap();
    assert_eq!(row.point.value, Some(12.345_678_901_234_567));
    let series = store.series(row.series_id).await.unwrap();
    assert_eq!(series.points.iter().find(|point| point.fiscal_year == fy(2024)), Some(&row.point));
    assert_eq!(table.iter().map(|row| row.rank).collect::<Vec<_>>(), [1, 1, 3, 4, 5]);
}

async fn search_finds_two_character_words(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    for (file_name, text) in samples() {
        store.import(import_of(&file_name, &text)).await.unwrap();
    }
    let hits = store.search("防災", &SearchFilter::default(), 100).await.unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|hit| hit.snippet.contains("【防災】")));
    assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score));
    let names: std::collections::BTreeSet<&str> = hits.iter().map(|hit| hit.key.organization.name.as_str()).collect();
    assert!(names.contains("住吉区"), "{names:?}");
    // Two terms: both must occur in the field.
    let both = store.search("防災 地域", &SearchFilter::default(), 100).await.unwrap();
    assert!(!both.is_empty() && both.len() <= hits.len());
    // Full-width query text finds half-width text and the other way round.
    assert_eq!(
        store.search("ＮＰＯ", &SearchFilter::default(), 5).await.unwrap().len(),
        store.search("npo", &SearchFilter::default(), 5).await.unwrap().len()
    );
    assert!(store.search("存在しない語句", &SearchFilter::default(), 10).await.unwrap().is_empty());
    assert!(matches!(store.search("、。", &SearchFilter::default(), 10).await, Err(StoreError::Invalid(_))));
    // What the conformance cases return is the same on both backends: a fingerprint of the first hits.
    let fingerprint: Vec<String> =
        hits.iter().take(5).map(|hit| format!("{}:{}:{}", hit.key.organization.name, hit.field, hit.score)).collect();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/search-bousai.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fingerprint.join("\n") + "\n").unwrap();
    }
    let expected: Vec<String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_EXPECT=1 to record it", path.display()))
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(fingerprint, expected, "backend {:?}", store.backend());
}

async fn the_overview_counts_marks_and_year_rows_list_every_indicator(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    for (file_name, text) in samples() {
        store.import(import_of(&file_name, &text)).await.unwrap();
    }
    let overview = store.overview().await.unwrap();
    let rows: Vec<(&str, i32, Option<Stage>)> = overview
        .iter()
        .map(|row| {
            (
                row.summary.key.organization.name.as_str(),
                row.summary.key.fiscal_year.start_year(),
                row.summary.latest_stage,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("住吉区", 2024, Some(Stage::YearEnd)),
            ("東淀川区", 2019, Some(Stage::Final)),
            ("西区", 2024, Some(Stage::Final)),
            ("阿倍野区", 2023, Some(Stage::YearEnd)),
        ]
    );
    // Sumiyoshi FY2024: 14 outcome indicators, each with a published mark (DOMAIN.md §3's core case).
    let sumiyoshi = &overview[0];
    assert_eq!(sumiyoshi.indicators, 14);
    assert_eq!(sumiyoshi.published_a + sumiyoshi.published_b, 14);
    assert!(sumiyoshi.published_a > 0 && sumiyoshi.published_b > 0);
    assert!(sumiyoshi.computed_a + sumiyoshi.computed_b > 0);
    // A plan has no marks yet.
    let nishi = &overview[2];
    assert!(nishi.indicators > 0);
    assert_eq!((nishi.published_a, nishi.published_b, nishi.computed_a, nishi.computed_b), (0, 0, 0, 0));

    let years: Vec<i32> = store.fiscal_years().await.unwrap().iter().map(|year| year.start_year()).collect();
    assert!(years.contains(&2019) && years.contains(&2023) && years.contains(&2024), "{years:?}");
    assert!(years.windows(2).all(|pair| pair[0] < pair[1]));

    let year_rows = store.year_rows(fy(2024)).await.unwrap();
    let sumiyoshi_rows = year_rows.iter().filter(|row| row.organization.name == "住吉区").count();
    assert_eq!(sumiyoshi_rows, 14);
    assert!(year_rows.iter().all(|row| row.point.fiscal_year == fy(2024)));
    assert!(year_rows.iter().any(|row| row.common_key.is_some()));
    // The survey each value comes from is kept for comparisons.
    assert!(year_rows.iter().any(|row| row
        .point
        .data_source
        .as_deref()
        .is_some_and(|source| source.contains("アンケート"))));

    // Search narrowed to one organization and to one year.
    let all = store.search("地域", &SearchFilter::default(), 1000).await.unwrap();
    let only_sumiyoshi = SearchFilter { organization: Some(ward("住吉区")), fiscal_year: None };
    let sumiyoshi_hits = store.search("地域", &only_sumiyoshi, 1000).await.unwrap();
    assert!(!sumiyoshi_hits.is_empty() && sumiyoshi_hits.len() < all.len());
    assert!(sumiyoshi_hits.iter().all(|hit| hit.key.organization.name == "住吉区"));
    let only_2023 = SearchFilter { organization: None, fiscal_year: Some(fy(2023)) };
    let hits_2023 = store.search("地域", &only_2023, 1000).await.unwrap();
    assert!(!hits_2023.is_empty() && hits_2023.iter().all(|hit| hit.key.fiscal_year == fy(2023)));
    let both = SearchFilter { organization: Some(ward("住吉区")), fiscal_year: Some(fy(2023)) };
    assert!(store.search("地域", &both, 1000).await.unwrap().is_empty());
}

async fn every_change_is_in_the_append_only_audit_log(store: Arc<dyn Store>, pool: sqlx::AnyPool) {
    let empty = store.generation().await.unwrap();
    let import = policy(ward("鶴見区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
    let key = import.key.clone();
    store.import(import).await.unwrap();
    let imported = store.generation().await.unwrap();
    let copy = store.working_copy(&key).await.unwrap();
    let mut edited = copy.content.clone();
    edited.goal = Some("新しい目標".into());
    let revision = store.save_working_copy(&key, copy.revision, Stage::Draft, &edited, "mayor").await.unwrap();
    let saved = store.generation().await.unwrap();
    store.publish(&key, revision, "mayor").await.unwrap();
    // Every change moves the generation readers cache by; reading does not.
    let published = store.generation().await.unwrap();
    assert!(empty != imported && imported != saved && saved != published, "{empty} {imported} {saved} {published}");
    store.policies().await.unwrap();
    assert_eq!(store.generation().await.unwrap(), published);
    let log = store.audit_log(10).await.unwrap();
    let actions: Vec<(&str, &str)> = log.iter().map(|entry| (entry.action.as_str(), entry.actor.as_str())).collect();
    assert_eq!(actions, [("publish", "mayor"), ("edit", "mayor"), ("import", "test")]);
    let edit = &log[1];
    assert_eq!(edit.entity, "policy:大阪市/鶴見区/2025");
    assert!(edit.before.as_deref().unwrap().contains("誰もが安心して暮らせるまち"));
    assert!(edit.after.as_deref().unwrap().contains("新しい目標"));
    assert!(log[0].at >= log[2].at);
    // Tampering is refused by the database itself.
    let update = sqlx::query("UPDATE audit_log SET actor = 'someone else'").execute(&pool).await;
    assert!(update.is_err(), "the audit log accepted an UPDATE");
    assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err(), "the audit log accepted a DELETE");
    assert_eq!(store.audit_log(10).await.unwrap().len(), 3);
}

/// Injects a failure into the last step of an import (the search index) through a trigger installed behind the
/// store's back: the whole import must roll back.
async fn a_failed_import_writes_nothing(store: Arc<dyn Store>, pool: sqlx::AnyPool) {
    let statements: &[&str] = match store.backend() {
        hoshin_store::Backend::Sqlite => &["CREATE TRIGGER inject BEFORE INSERT ON search_entries \
             WHEN NEW.normalized LIKE '%injected-fault%' BEGIN SELECT RAISE(ABORT, 'injected fault'); END"],
        hoshin_store::Backend::Postgres => &[
            "CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.normalized LIKE '%injected-fault%' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END; $$",
            "CREATE TRIGGER inject BEFORE INSERT ON search_entries FOR EACH ROW EXECUTE FUNCTION inject()",
        ],
    };
    for statement in statements {
        sqlx::query(*statement).execute(&pool).await.unwrap();
    }
    let good = policy(ward("大正区"), 2024, Stage::YearEnd, &[("区民の割合", "50%以上", Some("51%"))]);
    store.import(good.clone()).await.unwrap();
    let before = dump_text(&store).await;
    let mut bad = policy(ward("浪速区"), 2024, Stage::YearEnd, &[("区民の割合", "50%以上", Some("48%"))]);
    bad.content.goal = Some("INJECTED-FAULT".into());
    let error = store.import(bad.clone()).await.unwrap_err();
    assert!(error.to_string().contains("injected fault"), "{error}");
    // A second version of an existing policy fails the same way and leaves the first alone.
    let mut again = good.clone();
    again.source = Source::Import { file_name: "again.txt".into(), sha256: unique("sha") };
    again.content.goal = Some("INJECTED-FAULT".into());
    assert!(store.import(again).await.is_err());
    assert_eq!(dump_text(&store).await, before, "a failed import left rows behind");
    assert!(matches!(store.latest(&bad.key).await, Err(StoreError::NotFound(_))));
    store.check().await.unwrap();
}

async fn dump_text(store: &Arc<dyn Store>) -> String {
    let mut out = Vec::new();
    store.dump(&mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

/// Imports the samples, edits and publishes, so that every table has rows.
async fn fill(store: &Arc<dyn Store>) {
    for (file_name, text) in samples() {
        store.import(import_of(&file_name, &text)).await.unwrap();
    }
    let import = policy(ward("西成区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
    let key = import.key.clone();
    store.import(import).await.unwrap();
    let copy = store.working_copy(&key).await.unwrap();
    let mut edited = copy.content.clone();
    edited.goal = Some("「引用」と \\ バックスラッシュ\n改行".into());
    let revision = store.save_working_copy(&key, copy.revision, Stage::Draft, &edited, "editor").await.unwrap();
    store.publish(&key, revision, "editor").await.unwrap();
    // An account, and next year's draft submitted for approval.
    let user = NewUser {
        name: "nishinari-editor".into(),
        display_name: Some("西成 太郎".into()),
        role: Role::Editor,
        organization: Some(ward("西成区")),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    store.create_user(&user, "admin").await.unwrap();
    let next = PolicyKey { organization: ward("西成区"), fiscal_year: fy(2026) };
    let draft = store.create_draft(&next, Stage::FirstDraft, &edited, "nishinari-editor").await.unwrap();
    store.submit(&next, draft.revision, Stage::FirstDraft, "nishinari-editor").await.unwrap();
    // The council loop: a member, a meeting, an opinion answered and reflected, one from the opinion box
    // moderated and one pending, a rating and a feedback answer, an inbox read.
    let member = store
        .add_council_member(
            &NewCouncilMember {
                organization: ward("西成区"),
                name: "委員 一郎".into(),
                term: Term::new(2024).unwrap(),
                user: None,
            },
            "admin",
        )
        .await
        .unwrap();
    let meeting = store
        .add_meeting(
            &NewMeeting {
                organization: ward("西成区"),
                held_on: (2025, 1, 20),
                kind: MeetingKind::Plenary,
                title: "第3回区政会議".into(),
                agenda: Some("運営方針（案）について".into()),
                minutes_url: None,
            },
            "admin",
        )
        .await
        .unwrap();
    let opinion = store
        .add_opinion(&member_opinion(&key, member.id, Some(meeting.id), "issues/1"), "nishinari-editor")
        .await
        .unwrap();
    let landed = store.versions(&key).await.unwrap().last().unwrap().id;
    store
        .respond_to_opinion(
            opinion.id,
            &NewResponse {
                status: ResponseStatus::Reflected,
                text: "戦略に反映しました".into(),
                reflected_version_id: Some(landed),
            },
            "nishinari-editor",
        )
        .await
        .unwrap();
    let boxed = store.add_opinion(&box_opinion(&key, "電話 06-1234-5678 まで"), "").await.unwrap();
    store
        .moderate_opinion(boxed.id, &Moderation::Publish("電話 ＊＊＊ まで".into()), "nishinari-editor")
        .await
        .unwrap();
    store.add_opinion(&box_opinion(&key, "まだ確認前の意見"), "").await.unwrap();
    store.rate_results(member.id, fy(2025), "1", 4, Some("よく取り組んだ"), "委員 一郎").await.unwrap();
    store.answer_feedback(member.id, fy(2025), true, "委員 一郎").await.unwrap();
    let user = store.user("nishinari-editor").await.unwrap();
    store.mark_inbox_seen(user.id, "2025-02-01T00:00:00.000Z").await.unwrap();
    // A common indicator decided by a person.
    let sumiyoshi = store.organization_series(&ward("住吉区")).await.unwrap()[0].id;
    let nishinari = store.organization_series(&ward("西成区")).await.unwrap()[0].id;
    let group = CommonGroup {
        key: "group-fill".into(),
        wording: "区民の割合".into(),
        confirmed: true,
        members: vec![sumiyoshi, nishinari],
        decided_by: String::new(),
        decided_at: String::new(),
    };
    store.decide_common_group(&group, "admin").await.unwrap();
}

fn member_opinion(key: &PolicyKey, member_id: i64, meeting_id: Option<i64>, item: &str) -> NewOpinion {
    NewOpinion {
        key: key.clone(),
        item_path: item.into(),
        author: OpinionAuthor::Member,
        member_id: Some(member_id),
        source: if meeting_id.is_some() { OpinionSource::Meeting } else { OpinionSource::Hearing },
        meeting_id,
        text: "地域の担い手の育成を戦略に加えてほしい。".into(),
        contact: None,
    }
}

fn box_opinion(key: &PolicyKey, text: &str) -> NewOpinion {
    NewOpinion {
        key: key.clone(),
        item_path: String::new(),
        author: OpinionAuthor::Citizen,
        member_id: None,
        source: OpinionSource::OpinionBox,
        meeting_id: None,
        text: text.into(),
        contact: Some("citizen@example.jp".into()),
    }
}

async fn the_council_loop_from_opinion_to_response(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let import = policy(ward("西成区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
    let key = import.key.clone();
    store.import(import).await.unwrap();
    store.import(policy(ward("北区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)])).await.unwrap();
    let member = NewCouncilMember {
        organization: ward("西成区"),
        name: "委員 一郎".into(),
        term: Term::new(2024).unwrap(),
        user: None,
    };
    let member = store.add_council_member(&member, "admin").await.unwrap();
    let other = NewCouncilMember {
        organization: ward("北区"),
        name: "委員 花子".into(),
        term: Term::new(2024).unwrap(),
        user: None,
    };
    let other = store.add_council_member(&other, "admin").await.unwrap();
    assert_eq!(store.council_members(&ward("西成区")).await.unwrap(), vec![member.clone()]);
    // A member account links only to a council-member account of the same ward.
    let editor = NewUser {
        name: "nishinari-editor".into(),
        display_name: None,
        role: Role::Editor,
        organization: Some(ward("西成区")),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    store.create_user(&editor, "admin").await.unwrap();
    let linked = NewCouncilMember {
        organization: ward("西成区"),
        name: "x".into(),
        term: Term::new(2024).unwrap(),
        user: Some("nishinari-editor".into()),
    };
    assert!(matches!(store.add_council_member(&linked, "admin").await, Err(StoreError::Invalid(_))));
    let member_account = NewUser { name: "nishinari-member".into(), role: Role::CouncilMember, ..editor.clone() };
    store.create_user(&member_account, "admin").await.unwrap();
    let with_account =
        NewCouncilMember { user: Some("nishinari-member".into()), name: "委員 二郎".into(), ..linked };
    let with_account = store.add_council_member(&with_account, "admin").await.unwrap();
    assert_eq!(store.council_member_of("nishinari-member").await.unwrap().map(|m| m.id), Some(with_account.id));
    assert_eq!(store.council_member_of("nishinari-editor").await.unwrap(), None);

    // An opinion at a meeting is public at once and tied to the version it was about.
    let meeting = NewMeeting {
        organization: ward("西成区"),
        held_on: (2025, 1, 20),
        kind: MeetingKind::Subcommittee,
        title: "第1回部会".into(),
        agenda: None,
        minutes_url: Some("https://example.jp/minutes.pdf".into()),
    };
    let meeting = store.add_meeting(&meeting, "nishinari-editor").await.unwrap();
    assert_eq!(meeting.held_on, "2025-01-20");
    assert!(matches!(
        store.add_meeting(&NewMeeting { held_on: (2025, 2, 30), ..meeting_clone(&meeting) }, "x").await,
        Err(StoreError::Invalid(_))
    ));
    let opinion = store
        .add_opinion(&member_opinion(&key, member.id, Some(meeting.id), "issues/1"), "nishinari-editor")
        .await
        .unwrap();
    assert_eq!(opinion.state, OpinionState::Published);
    let about = store.versions(&key).await.unwrap().last().unwrap().id;
    assert_eq!(opinion.version.map(|v| (v.id, v.stage)), Some((about, Stage::FirstDraft)));
    assert_eq!(opinion.member, Some((member.id, "委員 一郎".to_string())));
    assert_eq!(opinion.meeting.as_ref().map(|m| m.1.as_str()), Some("2025-01-20"));

    // Refusals: another ward's member, an item that is no path, empty text, a meeting without the source.
    assert!(matches!(
        store.add_opinion(&member_opinion(&key, other.id, None, "issues/1"), "x").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.add_opinion(&member_opinion(&key, member.id, None, "issues/x"), "x").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(store.add_opinion(&box_opinion(&key, "  "), "").await, Err(StoreError::Invalid(_))));
    let missing = PolicyKey { organization: ward("西成区"), fiscal_year: fy(2030) };
    assert!(matches!(store.add_opinion(&box_opinion(&missing, "意見"), "").await, Err(StoreError::NotFound(_))));

    // The opinion box waits for moderation; its contact is kept for staff; it cannot be answered before.
    let boxed = store.add_opinion(&box_opinion(&key, "連絡は 06-1234-5678 へ。公園を増やして"), "").await.unwrap();
    assert_eq!(boxed.state, OpinionState::Pending);
    assert_eq!(boxed.contact.as_deref(), Some("citizen@example.jp"));
    let answer =
        NewResponse { status: ResponseStatus::Considered, text: "検討します".into(), reflected_version_id: None };
    assert!(matches!(store.respond_to_opinion(boxed.id, &answer, "x").await, Err(StoreError::Invalid(_))));
    let public = store.council_events(Some(&ward("西成区")), false, 50).await.unwrap();
    assert!(!public.iter().any(|event| event.id == boxed.id && matches!(event.kind, EventKind::Opinion(_))));
    let staff = store.council_events(Some(&ward("西成区")), true, 50).await.unwrap();
    assert!(staff.iter().any(|event| event.id == boxed.id && event.kind == EventKind::Opinion(OpinionState::Pending)));
    let moderated = store
        .moderate_opinion(boxed.id, &Moderation::Publish("連絡は ＊＊＊ へ。公園を増やして".into()), "nishinari-editor")
        .await
        .unwrap();
    assert_eq!(
        (moderated.state, moderated.text.as_str()),
        (OpinionState::Published, "連絡は ＊＊＊ へ。公園を増やして")
    );
    assert!(matches!(store.moderate_opinion(boxed.id, &Moderation::Reject, "x").await, Err(StoreError::Conflict(_))));

    // Responses: recorded, replaced, and a version of another ward is refused.
    let north = store.versions(&PolicyKey { organization: ward("北区"), fiscal_year: fy(2025) }).await.unwrap()[0].id;
    let wrong = NewResponse { reflected_version_id: Some(north), ..answer.clone() };
    assert!(matches!(store.respond_to_opinion(opinion.id, &wrong, "x").await, Err(StoreError::Invalid(_))));
    store.respond_to_opinion(opinion.id, &answer, "nishinari-editor").await.unwrap();
    let reflected = NewResponse {
        status: ResponseStatus::Reflected,
        text: "戦略に反映しました".into(),
        reflected_version_id: Some(about),
    };
    let answered = store.respond_to_opinion(opinion.id, &reflected, "nishinari-editor").await.unwrap();
    let response = answered.response.unwrap();
    assert_eq!((response.status, response.reflected_in.map(|v| v.id)), (ResponseStatus::Reflected, Some(about)));

    // Listing: by organization, year and state, newest first.
    let listed = store
        .opinions(&OpinionFilter {
            organization: Some(ward("西成区")),
            fiscal_year: Some(fy(2025)),
            state: Some(OpinionState::Published),
        })
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|o| o.id).collect::<Vec<_>>(), vec![boxed.id, opinion.id]);
    assert!(store
        .opinions(&OpinionFilter { organization: Some(ward("北区")), ..Default::default() })
        .await
        .unwrap()
        .is_empty());
    let events = store.council_events(Some(&ward("西成区")), false, 50).await.unwrap();
    assert!(matches!(events[0].kind, EventKind::Response(ResponseStatus::Reflected)));
    assert!(events.iter().any(|event| event.kind == EventKind::Version(Stage::FirstDraft)));
    assert!(events.windows(2).all(|pair| pair[0].at >= pair[1].at));

    // Ratings and feedback answers are replaced, not duplicated.
    store.rate_results(member.id, fy(2024), "1", 3, None, "委員 一郎").await.unwrap();
    store.rate_results(member.id, fy(2024), "1", 5, Some("よく取り組んだ"), "委員 一郎").await.unwrap();
    store.rate_results(with_account.id, fy(2024), "1", 2, None, "nishinari-member").await.unwrap();
    assert!(matches!(store.rate_results(member.id, fy(2024), "1", 6, None, "x").await, Err(StoreError::Invalid(_))));
    let ratings = store.council_ratings(&ward("西成区"), fy(2024)).await.unwrap();
    assert_eq!(ratings.iter().map(|r| r.score).collect::<Vec<_>>(), vec![5, 2]);
    store.answer_feedback(member.id, fy(2024), false, "委員 一郎").await.unwrap();
    store.answer_feedback(member.id, fy(2024), true, "委員 一郎").await.unwrap();
    let feedback = store.council_feedback(&ward("西成区"), fy(2024)).await.unwrap();
    assert_eq!(feedback.iter().map(|f| f.answer).collect::<Vec<_>>(), vec![true]);

    // The inbox remembers what was seen.
    let user = store.user("nishinari-editor").await.unwrap();
    assert_eq!(store.inbox_seen(user.id).await.unwrap(), None);
    store.mark_inbox_seen(user.id, &events[0].at).await.unwrap();
    assert_eq!(store.inbox_seen(user.id).await.unwrap(), Some(events[0].at.clone()));
    // Every write is audited.
    let log = store.audit_log(100).await.unwrap();
    for action in [
        "add-council-member",
        "add-meeting",
        "add-opinion",
        "moderate-opinion",
        "respond-to-opinion",
        "rate-results",
        "answer-feedback",
    ] {
        assert!(log.iter().any(|entry| entry.action == action), "{action} is audited");
    }
    assert!(
        !log.iter().any(|entry| entry.after.as_deref().unwrap_or("").contains("citizen@example.jp")),
        "contacts stay out of the log"
    );
}

async fn common_indicators_are_decided_by_a_person(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    for ward_name in ["西成区", "北区", "旭区"] {
        let import =
            policy(ward(ward_name), 2024, Stage::YearEnd, &[("子育てサロンの利用者の満足度", "80%以上", Some("75%"))]);
        store.import(import).await.unwrap();
    }
    let series_of = |name: &'static str| {
        let store = store.clone();
        async move { store.organization_series(&ward(name)).await.unwrap()[0].id }
    };
    let (nishinari, kita, asahi) = (series_of("西成区").await, series_of("北区").await, series_of("旭区").await);
    let group = CommonGroup {
        key: format!("group-{nishinari}"),
        wording: "子育てサロンの利用者の満足度".into(),
        confirmed: true,
        members: vec![nishinari, kita],
        decided_by: String::new(),
        decided_at: String::new(),
    };
    store.decide_common_group(&group, "admin").await.unwrap();
    // The members now compare with each other.
    let league = store.league_table(&group.key, fy(2024)).await.unwrap();
    assert_eq!(league.len(), 2);
    // A key is decided once; a member of a confirmed group joins no other.
    assert!(matches!(store.decide_common_group(&group, "admin").await, Err(StoreError::Conflict(_))));
    let again = CommonGroup { key: "group-x".into(), members: vec![kita, asahi], ..group.clone() };
    assert!(matches!(store.decide_common_group(&again, "admin").await, Err(StoreError::Conflict(_))));
    // A rejection is remembered and changes no series.
    let rejected =
        CommonGroup { key: format!("group-{asahi}"), confirmed: false, members: vec![asahi, kita], ..group.clone() };
    store.decide_common_group(&rejected, "admin").await.unwrap();
    let groups = store.common_groups().await.unwrap();
    assert_eq!(
        groups.iter().map(|g| (g.key.clone(), g.confirmed)).collect::<Vec<_>>(),
        vec![(group.key.clone(), true), (rejected.key.clone(), false)]
    );
    assert_eq!(groups[0].members, vec![nishinari, kita]);
    assert_eq!(store.organization_series(&ward("旭区")).await.unwrap()[0].common_key, None);
    let single = CommonGroup { key: "group-y".into(), members: vec![asahi], ..group };
    assert!(matches!(store.decide_common_group(&single, "admin").await, Err(StoreError::Invalid(_))));
}

fn meeting_clone(meeting: &Meeting) -> NewMeeting {
    NewMeeting {
        organization: meeting.organization.clone(),
        held_on: (2025, 1, 1),
        kind: meeting.kind,
        title: meeting.title.clone(),
        agenda: meeting.agenda.clone(),
        minutes_url: meeting.minutes_url.clone(),
    }
}

async fn a_dump_loads_back_to_the_same_bytes(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    fill(&store).await;
    let first = dump_text(&store).await;
    assert!(first.starts_with("hoshin-dump 1\nschema 6\ntable organizations id city name kind\n"), "{}", &first[..80]);
    assert!(first.ends_with("end audit_log 20\nend\n"), "{}", &first[first.len() - 80..]);
    for table in [
        "council_members 1",
        "council_meetings 1",
        "opinions 3",
        "opinion_responses 1",
        "council_ratings 1",
        "council_feedback 1",
        "inbox_seen 1",
        "common_groups 1",
    ] {
        assert!(first.contains(&format!("\nend {table}\n")), "{table}");
    }
    assert_eq!(dump_text(&store).await, first, "two dumps of the same data differ");
    let copy = SqlStore::open(&fresh_url_like(&store).await).await.unwrap();
    let stats = copy.load(&mut first.as_bytes()).await.unwrap();
    assert_eq!(stats.rows[0], ("organizations", 5));
    let copy: Arc<dyn Store> = Arc::new(copy);
    assert_eq!(dump_text(&copy).await, first);
    // The derived search index was rebuilt, and new ids continue after the loaded ones.
    assert_eq!(
        copy.search("防災", &SearchFilter::default(), 100).await.unwrap(),
        store.search("防災", &SearchFilter::default(), 100).await.unwrap()
    );
    let new = copy.import(policy(ward("北区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)])).await;
    assert!(new.unwrap().version.id > store.versions(&import_of_key("nishi")).await.unwrap()[0].id);
    // Loading twice is refused: load reads into an empty database only.
    let again = copy.load(&mut first.as_bytes()).await;
    assert!(matches!(&again, Err(StoreError::Invalid(message)) if message.contains("empty")), "{again:?}");
}

fn import_of_key(prefix: &str) -> PolicyKey {
    let (file_name, text) = samples().into_iter().find(|(name, _)| name.starts_with(prefix)).unwrap();
    import_of(&file_name, &text).key
}

async fn a_bad_dump_is_refused_with_its_line_and_writes_nothing(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let source: Arc<dyn Store> = Arc::new(SqlStore::open(&sqlite_url()).await.unwrap());
    fill(&source).await;
    let good = dump_text(&source).await;
    let lines: Vec<&str> = good.lines().collect();
    let cut = lines[..lines.len() / 2].join("\n") + "\n";
    let edited = good.replacen("\"住吉区\"", "\"住吉区\",99", 1);
    let wrong_type = good.replacen("[1,\"大阪市\"", "[\"one\",\"大阪市\"", 1);
    let cases: [(&str, &str, &str); 4] = [
        (&cut, "cut", "ends early"),
        (&edited, "extra value", "has 5 values"),
        (&wrong_type, "wrong type", "organizations.id must be integer"),
        ("SQLite format 3\n", "not a dump", "not a Hoshin dump"),
    ];
    for (text, what, expected) in cases {
        let error = store.load(&mut text.as_bytes()).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains("dump line ") && message.contains(expected), "{what}: {message}");
        assert_eq!(store.policies().await.unwrap().len(), 0, "{what}: a refused load wrote rows");
    }
    // Rows that read as rows but not as data: a version's document the core cannot read, a version of a policy
    // the dump does not hold, a working copy based on a version it does not hold, a policy without its working
    // copy. Each is refused before anything is committed.
    let first_row = |text: &str, table: &str, edit: &dyn Fn(&mut Vec<serde_json::Value>)| -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let at = lines.iter().position(|line| line.starts_with(&format!("table {table} "))).unwrap() + 1;
        let mut row: Vec<serde_json::Value> = serde_json::from_str(&lines[at]).unwrap();
        edit(&mut row);
        lines[at] = serde_json::Value::Array(row).to_string();
        lines.join("\n") + "\n"
    };
    let unreadable = first_row(&good, "versions", &|row| row[9] = r#"{"format":1,"issues":7}"#.into());
    let lost_policy = first_row(&good, "versions", &|row| row[1] = 999.into());
    let lost_base = first_row(&good, "working_copies", &|row| row[1] = 999.into());
    // SQLite checks each row's references as it is inserted, and names its lines; PostgreSQL checks them all at
    // the end of the load (its foreign keys are made again then), and names the table and the constraint.
    let lost_reference = match store.backend() {
        hoshin_store::Backend::Sqlite => "dump lines ",
        hoshin_store::Backend::Postgres => {
            "refer to rows it does not hold: insert or update on table \"working_copies\""
        }
    };
    // The message names the line of the version (1-based: the line after the table's own).
    let versions_line = good.lines().position(|line| line.starts_with("table versions ")).unwrap() + 2;
    let unreadable_at = format!("dump line {versions_line}: version 1: the document does not read");
    let cases: [(&str, &str, &str); 3] = [
        (&unreadable, "unreadable document", &unreadable_at),
        (&lost_policy, "version of no policy", "which the dump does not hold"),
        (&lost_base, "working copy of no version", lost_reference),
    ];
    for (text, what, expected) in cases {
        let error = store.load(&mut text.as_bytes()).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{what}: {message}");
        assert_eq!(store.policies().await.unwrap().len(), 0, "{what}: a refused load wrote rows");
    }
    let mut lines: Vec<&str> = good.lines().collect();
    let at = lines.iter().position(|line| line.starts_with("table working_copies ")).unwrap() + 1;
    lines.remove(at);
    let end = lines.iter().position(|line| line.starts_with("end working_copies ")).unwrap();
    let count: usize = lines[end]["end working_copies ".len()..].parse().unwrap();
    let declared = format!("end working_copies {}", count - 1);
    lines[end] = &declared;
    let orphan = lines.join("\n") + "\n";
    let error = store.load(&mut orphan.as_bytes()).await.unwrap_err();
    assert!(error.to_string().contains("1 policies without a working copy"), "{error}");
    assert_eq!(store.policies().await.unwrap().len(), 0, "a load without a working copy wrote rows");
    assert!(store.audit_log(10).await.unwrap().is_empty());
    store.load(&mut good.as_bytes()).await.unwrap();
    assert_eq!(dump_text(&store).await, good);
    store.check().await.unwrap();
}

async fn backup_while_in_use_and_restore(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    fill(&store).await;
    // The writer's organization exists before: the backup may then differ from `before` in policies only,
    // whichever writes it catches.
    store.import(policy(ward("生野区"), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)])).await.unwrap();
    let before = dump_text(&store).await;
    let dir = std::env::temp_dir().join(unique("hoshin_backup"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("backup");
    // Writers keep writing while the backup is taken: the backup holds a consistent state, before or after
    // each of them.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for year in 2026..2031 {
                let import = policy(ward("生野区"), year, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
                store.import(import).await.unwrap();
            }
        })
    };
    store.backup(&file).await.unwrap();
    writer.await.unwrap();
    let refused = store.backup(&file).await;
    assert!(matches!(&refused, Err(StoreError::Invalid(message)) if message.contains("already exists")), "{refused:?}");
    let after_writes = dump_text(&store).await;
    // Restore into a new database of the same engine, and into the other engine.
    for target in [fresh_url_like(&store).await, sqlite_url(), postgres_url().await] {
        let stats = hoshin_store::restore(&target, &file).await.unwrap();
        let restored: Arc<dyn Store> = Arc::new(SqlStore::open(&target).await.unwrap());
        restored.check().await.unwrap();
        let text = dump_text(&restored).await;
        let policies = restored.policies().await.unwrap().len();
        assert!((6..=11).contains(&policies), "{policies} policies");
        assert_eq!(stats.rows[2], ("policies", policies as u64));
        assert!(text.starts_with(&before[..before.find("table policies").unwrap()]));
        // Restoring over a database with other data replaces it.
        restored.import(policy(ward("東成区"), 2030, Stage::FirstDraft, &[("割合", "1%以上", None)])).await.unwrap();
        hoshin_store::restore(&target, &file).await.unwrap();
        let again: Arc<dyn Store> = Arc::new(SqlStore::open(&target).await.unwrap());
        assert_eq!(dump_text(&again).await, text);
    }
    assert_ne!(after_writes, before);
    let not_a_backup = dir.join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    let error = hoshin_store::restore(&sqlite_url(), &not_a_backup).await.unwrap_err();
    assert!(error.to_string().contains("neither an SQLite database nor a Hoshin dump"), "{error}");
}

/// A database whose search entries are gone (as after SQLite migration 0007, which changes how grams are
/// indexed and empties them) gets them back, the same, when it is next opened; a reindexed policy replaces
/// its rows in the contentless gram index.
#[tokio::test]
async fn search_entries_are_rebuilt_when_a_database_opens_without_them() {
    let url = sqlite_url();
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&url).await.unwrap());
    for (file_name, text) in samples() {
        store.import(import_of(&file_name, &text)).await.unwrap();
    }
    let before = store.search("防災 地域", &SearchFilter::default(), 50).await.unwrap();
    assert!(!before.is_empty());
    let pool = SqlStore::open(&url).await.unwrap().pool().clone();
    sqlx::query("INSERT INTO search_grams (search_grams) VALUES ('delete-all')").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM search_entries").execute(&pool).await.unwrap();
    assert!(store.search("防災 地域", &SearchFilter::default(), 50).await.unwrap().is_empty());
    drop(store);
    let reopened: Arc<dyn Store> = Arc::new(SqlStore::open(&url).await.unwrap());
    assert_eq!(reopened.search("防災 地域", &SearchFilter::default(), 50).await.unwrap(), before);
    // Importing a sample again reindexes its policy: its old rows leave the gram index, the hits stay the same.
    let (file_name, text) = samples().into_iter().next().unwrap();
    let mut again = import_of(&file_name, &text);
    again.source = hoshin_store::Source::Editor;
    reopened.import(again).await.unwrap();
    // The same fields of the same policies, now in the new version.
    let found = |hits: Vec<hoshin_store::SearchHit>| -> Vec<(String, String, u32, String)> {
        hits.into_iter().map(|hit| (hit.key.organization.name, hit.field, hit.score, hit.snippet)).collect()
    };
    assert_eq!(found(reopened.search("防災 地域", &SearchFilter::default(), 50).await.unwrap()), found(before));
    let (entries, grams): (i64, i64) = {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM search_entries) AS entries, (SELECT COUNT(*) FROM search_grams) AS grams",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        (sqlx::Row::try_get(&row, "entries").unwrap(), sqlx::Row::try_get(&row, "grams").unwrap())
    };
    assert_eq!(entries, grams, "every entry has one row in the gram index, no more");
    reopened.check().await.unwrap();
}

/// `reindex` throws the search index away and builds it again: an index that lost entries behind the store's
/// back gives the same hits as before afterwards, the data is untouched, and on SQLite the gram index holds
/// one row per entry (no grams of the thrown-away entries stay behind).
async fn reindex_builds_the_same_index_again(store: Arc<dyn Store>, pool: sqlx::AnyPool) {
    for (file_name, text) in samples() {
        store.import(import_of(&file_name, &text)).await.unwrap();
    }
    let queries = ["防災", "地域 見守り", "区政会議", "子"];
    let mut before = Vec::new();
    for query in queries {
        let hits = store.search(query, &SearchFilter::default(), 100).await.unwrap();
        assert!(!hits.is_empty(), "{query}");
        before.push(hits);
    }
    const ENTRIES: &str = "SELECT COUNT(*) AS n FROM search_entries";
    let entries = count(&pool, ENTRIES).await;
    let dump = dump_text(&store).await;
    // Entries lost behind the store's back: the first half of every policy's.
    sqlx::query("DELETE FROM search_entries WHERE position < 20").execute(&pool).await.unwrap();
    assert_ne!(store.search("防災", &SearchFilter::default(), 100).await.unwrap(), before[0]);
    assert_eq!(store.reindex().await.unwrap(), u64::try_from(entries).unwrap());
    for (query, hits) in queries.iter().zip(&before) {
        assert_eq!(&store.search(query, &SearchFilter::default(), 100).await.unwrap(), hits, "{query}");
    }
    assert_eq!(count(&pool, ENTRIES).await, entries);
    assert_eq!(dump_text(&store).await, dump, "reindex changes no data");
    if store.backend() == hoshin_store::Backend::Sqlite {
        assert_eq!(count(&pool, "SELECT COUNT(*) AS n FROM search_grams").await, entries);
    } else {
        let gin = "SELECT COUNT(*) AS n FROM pg_indexes WHERE indexname = 'search_entries_grams'";
        assert_eq!(count(&pool, gin).await, 1, "the GIN index is back");
    }
    store.check().await.unwrap();
}

/// More matches than a search ranks (3,000): both engines take the candidates of the newest years first and
/// rank them the same, and what they return is what a brute-force pass over every policy's fields gives.
#[tokio::test]
async fn a_search_with_more_matches_than_candidates_ranks_the_newest_on_both_engines() {
    use hoshin_store::search::{self, Query};
    use hoshin_store::synth;
    const CANDIDATES: usize = 3_000;
    let spec = synth::Spec::new(40, 5);
    let sqlite: Arc<dyn Store> = Arc::new(SqlStore::open(&sqlite_url()).await.unwrap());
    let postgres: Arc<dyn Store> = Arc::new(SqlStore::open(&postgres_url().await).await.unwrap());
    let mut keys = Vec::new();
    for year in spec.first_year()..=spec.last_year {
        for import in synth::year(&spec, fy(year)) {
            keys.push(import.key.clone());
            sqlite.import(import.clone()).await.unwrap();
            postgres.import(import).await.unwrap();
        }
    }
    type Found = (String, i32, String, u32, String);
    let found = |hits: Vec<hoshin_store::SearchHit>| -> Vec<Found> {
        hits.into_iter()
            .map(|hit| {
                let year = hit.key.fiscal_year.start_year();
                (hit.key.organization.name, year, hit.field, hit.score, hit.snippet)
            })
            .collect()
    };
    // Terms of one or two characters: for them, holding the grams is holding the term.
    for text in ["の", "地域", "防災 地域"] {
        let query = Query::parse(text).unwrap();
        // (year, city, name, position) → the hit, for every field that holds every term.
        let mut candidates = Vec::new();
        for key in &keys {
            let content = sqlite.latest(key).await.unwrap().content;
            for (position, field) in search::fields(&content).into_iter().enumerate() {
                let normalized = search::normalized(&field.text);
                let Some(occurrences) = query.occurrences(&normalized) else { continue };
                let score = u32::try_from(occurrences).unwrap() * search::field_weight(&field.path);
                let order = (
                    std::cmp::Reverse(key.fiscal_year),
                    key.organization.city.clone(),
                    key.organization.name.clone(),
                    position,
                );
                let hit = (
                    key.organization.name.clone(),
                    key.fiscal_year.start_year(),
                    field.path,
                    score,
                    query.snippet(&normalized, 80),
                );
                candidates.push((order, hit));
            }
        }
        if text == "の" {
            assert!(
                candidates.len() > 2 * CANDIDATES,
                "{} fields hold 「の」: too few to test the cap",
                candidates.len()
            );
        }
        candidates.sort_by(|a, b| a.0.cmp(&b.0));
        candidates.truncate(CANDIDATES);
        candidates.sort_by(|(a_order, a), (b_order, b)| b.3.cmp(&a.3).then(a_order.cmp(b_order)));
        let expected: Vec<Found> = candidates.into_iter().take(50).map(|(_, hit)| hit).collect();
        let from_sqlite = found(sqlite.search(text, &SearchFilter::default(), 50).await.unwrap());
        let from_postgres = found(postgres.search(text, &SearchFilter::default(), 50).await.unwrap());
        assert_eq!(from_sqlite, expected, "SQLite, 「{text}」");
        assert_eq!(from_postgres, expected, "PostgreSQL, 「{text}」");
    }
    // A year's filter asks for that year only.
    let year = fy(spec.last_year - 1);
    let filter = SearchFilter { organization: None, fiscal_year: Some(year) };
    let hits = sqlite.search("の", &filter, 50).await.unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|hit| hit.key.fiscal_year == year));
    assert_eq!(found(hits), found(postgres.search("の", &filter, 50).await.unwrap()));
}

/// The dump is the same bytes from either engine: SQLite → PostgreSQL → SQLite.
#[tokio::test]
async fn a_database_moves_between_engines_losslessly() {
    let sqlite: Arc<dyn Store> = Arc::new(SqlStore::open(&sqlite_url()).await.unwrap());
    fill(&sqlite).await;
    let original = dump_text(&sqlite).await;
    let postgres: Arc<dyn Store> = Arc::new(SqlStore::open(&postgres_url().await).await.unwrap());
    postgres.load(&mut original.as_bytes()).await.unwrap();
    let from_postgres = dump_text(&postgres).await;
    assert_eq!(from_postgres, original, "PostgreSQL's dump differs from SQLite's");
    let back: Arc<dyn Store> = Arc::new(SqlStore::open(&sqlite_url()).await.unwrap());
    back.load(&mut from_postgres.as_bytes()).await.unwrap();
    assert_eq!(dump_text(&back).await, original);
    assert_eq!(
        postgres.search("防災 地域", &SearchFilter::default(), 50).await.unwrap(),
        sqlite.search("防災 地域", &SearchFilter::default(), 50).await.unwrap()
    );
}

async fn a_generated_data_set_links_years_and_compares_organizations(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    use hoshin_store::synth;
    let spec = synth::Spec::new(5, 4);
    for year in spec.first_year()..=spec.last_year {
        for (index, import) in synth::year(&spec, fy(year)).into_iter().enumerate() {
            let expected = import.content.clone();
            let key = import.key.clone();
            let imported = store.import(import).await.unwrap();
            // Every indicator continues its series after the first year, even where the wording drifted.
            if year > spec.first_year() {
                assert_eq!(imported.new_series, 0, "organization {index}, {year}");
            }
            assert_same(&store.latest(&key).await.unwrap().content, &expected, &format!("generated {index} {year}"));
        }
    }
    let table = store.league_table("community-council-awareness", fy(2023)).await.unwrap();
    assert_eq!(table.len(), 5);
    assert!(table.iter().all(|row| row.point.value.is_some() && row.point.published_mark.is_some()));
    let series = store.organization_series(&synth::organization(0)).await.unwrap();
    assert!(
        series.iter().all(|series| series.points.len() == 4),
        "{:?}",
        series.iter().map(|s| s.points.len()).collect::<Vec<_>>()
    );
}

/// Many writers at once: imports of different policies all succeed; edits of the same policy either succeed
/// or are conflicts, never database errors, and no write is lost.
async fn concurrent_writers_wait_their_turn(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let names = ["北区", "都島区", "福島区", "此花区", "中央区", "西区", "港区", "大正区"];
    let imports = names.iter().map(|name| {
        let store = store.clone();
        let import = policy(ward(name), 2025, Stage::FirstDraft, &[("区民の割合", "50%以上", None)]);
        tokio::spawn(async move { store.import(import).await })
    });
    for handle in imports.collect::<Vec<_>>() {
        handle.await.unwrap().unwrap();
    }
    let key = PolicyKey { organization: ward("北区"), fiscal_year: fy(2025) };
    let editors = (0..8).map(|editor| {
        let store = store.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let mut saved = 0;
            for round in 0..5 {
                loop {
                    let copy = store.working_copy(&key).await.unwrap();
                    let mut content = copy.content.clone();
                    content.mission.push(format!("editor {editor} round {round}"));
                    match store.save_working_copy(&key, copy.revision, Stage::Draft, &content, "e").await {
                        Ok(_) => {
                            saved += 1;
                            break;
                        }
                        Err(StoreError::Conflict(_)) => continue,
                        Err(other) => panic!("editor {editor}: {other}"),
                    }
                }
            }
            saved
        })
    });
    let mut saved = 0;
    for handle in editors.collect::<Vec<_>>() {
        saved += handle.await.unwrap();
    }
    assert_eq!(saved, 40);
    // Every save re-read the copy first, so every line is there exactly once.
    let copy = store.working_copy(&key).await.unwrap();
    assert_eq!(copy.content.mission.len(), 40);
    assert_eq!(store.policies().await.unwrap().len(), 8);
    let edits = store.audit_log(100).await.unwrap().iter().filter(|entry| entry.action == "edit").count();
    assert_eq!(edits, 40);
}

async fn accounts_and_sessions(store: Arc<dyn Store>, pool: sqlx::AnyPool) {
    let editor = |name: &str| NewUser {
        name: name.into(),
        display_name: None,
        role: Role::Editor,
        organization: Some(ward("住吉区")),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    let user = store.create_user(&editor("sumiyoshi"), "admin").await.unwrap();
    assert_eq!((user.role, user.organization.clone(), user.disabled), (Role::Editor, Some(ward("住吉区")), false));
    assert!(matches!(store.create_user(&editor("sumiyoshi"), "admin").await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.create_user(&editor("with space"), "admin").await, Err(StoreError::Invalid(_))));
    let no_organization = NewUser { organization: None, ..editor("lost") };
    assert!(matches!(store.create_user(&no_organization, "admin").await, Err(StoreError::Invalid(_))));
    let (found, hash) = store.login_record("sumiyoshi").await.unwrap();
    assert_eq!((found, hash.as_str()), (user.clone(), "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
    assert!(matches!(store.login_record("nobody").await, Err(StoreError::NotFound(_))));

    // Sessions: found by token hash, touched, ended one by one or all at once.
    store.create_session("hash-1", user.id, "csrf-1", 1_000).await.unwrap();
    store.create_session("hash-2", user.id, "csrf-2", 1_000).await.unwrap();
    let session = store.session("hash-1").await.unwrap().unwrap();
    assert_eq!(
        (session.user.name.as_str(), session.csrf_token.as_str(), session.last_seen_at),
        ("sumiyoshi", "csrf-1", 1_000)
    );
    store.touch_session("hash-1", 2_000).await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap().unwrap().last_seen_at, 2_000);
    assert_eq!(store.delete_stale_sessions(1_500).await.unwrap(), 1, "hash-2 was last seen before 1500");
    store.delete_session("hash-1").await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), None);

    // A new password or disabling the account ends its sessions.
    store.create_session("hash-3", user.id, "csrf-3", 3_000).await.unwrap();
    store.update_user("sumiyoshi", &UserChange::Password("$argon2id$new".into()), "admin").await.unwrap();
    assert_eq!(store.session("hash-3").await.unwrap(), None);
    assert_eq!(store.login_record("sumiyoshi").await.unwrap().1, "$argon2id$new");
    store.create_session("hash-4", user.id, "csrf-4", 3_000).await.unwrap();
    let disabled = store.update_user("sumiyoshi", &UserChange::Disabled(true), "admin").await.unwrap();
    assert!(disabled.disabled);
    assert_eq!(store.session("hash-4").await.unwrap(), None);
    let approver = UserChange::Role { role: Role::Approver, organization: Some(ward("北区")) };
    let changed = store.update_user("sumiyoshi", &approver, "admin").await.unwrap();
    assert_eq!((changed.role, changed.organization), (Role::Approver, Some(ward("北区"))));
    assert_eq!(store.users().await.unwrap().len(), 1);

    // The audit log records every change to the account and never a password hash.
    let log = store.audit_log(100).await.unwrap();
    let actions: Vec<&str> =
        log.iter().filter(|entry| entry.entity == "user:sumiyoshi").map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["set-role", "disable-user", "set-password", "create-user"]);
    let text: String =
        sqlx::query_scalar::<_, String>("SELECT COALESCE(before, '') || COALESCE(after, '') FROM audit_log")
            .fetch_all(&pool)
            .await
            .unwrap()
            .concat();
    assert!(!text.contains("argon2"), "a password hash reached the audit log");
}

async fn drafts_are_submitted_returned_and_published(store: Arc<dyn Store>, _pool: sqlx::AnyPool) {
    let import = policy(ward("住吉区"), 2024, Stage::YearEnd, &[("区民の割合", "50%以上", Some("55%"))]);
    let previous = import.content.clone();
    store.import(import).await.unwrap();
    let key = PolicyKey { organization: ward("住吉区"), fiscal_year: fy(2025) };
    let next = hoshin_core::rollover::roll_over(&previous, fy(2024));
    let draft = store.create_draft(&key, Stage::FirstDraft, &next, "editor").await.unwrap();
    assert_eq!((draft.content.clone(), draft.base_version, draft.submitted.clone()), (next.clone(), None, None));
    assert!(matches!(store.create_draft(&key, Stage::FirstDraft, &next, "editor").await, Err(StoreError::Conflict(_))));
    // An unpublished draft is for the editors only: not in the overview, no latest version.
    let published: Vec<i32> =
        store.overview().await.unwrap().iter().map(|o| o.summary.key.fiscal_year.start_year()).collect();
    assert_eq!(published, [2024]);
    assert!(matches!(store.latest(&key).await, Err(StoreError::NotFound(_))));
    let drafts = store.drafts().await.unwrap();
    let listed = drafts.iter().find(|d| d.key == key).unwrap();
    assert_eq!((listed.versions, listed.stage, listed.edited), (0, Stage::FirstDraft, true));

    // Submitting names the revision read; a stale one is a conflict.
    assert!(matches!(
        store.submit(&key, draft.revision + 5, Stage::FirstDraft, "editor").await,
        Err(StoreError::Conflict(_))
    ));
    let revision = store.submit(&key, draft.revision, Stage::FirstDraft, "editor").await.unwrap();
    let copy = store.working_copy(&key).await.unwrap();
    assert_eq!(copy.submitted.as_ref().map(|s| s.by.as_str()), Some("editor"));
    let revision = store.withdraw(&key, revision, Some("課題2の目標値を見直してください"), "mayor").await.unwrap();
    let copy = store.working_copy(&key).await.unwrap();
    assert_eq!((copy.submitted, copy.review_note.as_deref()), (None, Some("課題2の目標値を見直してください")));
    let revision = store.submit(&key, revision, Stage::FirstDraft, "editor").await.unwrap();
    let version = store.publish(&key, revision, "mayor").await.unwrap();
    assert_eq!((version.seq, version.stage), (1, Stage::FirstDraft));
    let copy = store.working_copy(&key).await.unwrap();
    assert_eq!((copy.submitted, copy.review_note, copy.edited), (None, None, false));
    assert_eq!(store.latest(&key).await.unwrap().content, next);
    let actions: Vec<String> =
        store.policy_audit(&key, 10).await.unwrap().into_iter().map(|entry| entry.action).collect();
    assert_eq!(actions, ["publish", "submit", "withdraw", "submit", "create-draft"]);
    store.check().await.unwrap();
}

on_fresh_databases!(upgrade_0009, working_copies_from_before_0009_read_the_same);

/// A database from before migration 0009, where every working copy held its document, upgrades in place when
/// it is opened: an unedited working copy then shares its base version's document (stored as NULL), an edited
/// one and a new draft without a version keep their own, and each reads and dumps as it did.
async fn working_copies_from_before_0009_read_the_same(url: DatabaseUrl) {
    let (connect, mut before) = match &url {
        DatabaseUrl::Sqlite(path) => {
            (format!("sqlite://{}?mode=rwc", path.display()), sqlx::migrate!("migrations/sqlite"))
        }
        DatabaseUrl::Postgres(url) => (url.clone(), sqlx::migrate!("migrations/postgres")),
    };
    before.migrations =
        std::borrow::Cow::Owned(before.migrations.iter().filter(|migration| migration.version < 9).cloned().collect());
    let pool = open_admin(&connect).await;
    before.run(&pool).await.unwrap();
    let content = |year: i32, goal: &str| {
        let mut import = policy(ward("住吉区"), year, Stage::YearEnd, &[("区民の割合", "50%以上", Some("51%"))]);
        import.content.goal = Some(goal.into());
        import.content
    };
    let document = |year: i32, goal: &str| hoshin_store::document::to_json(&content(year, goal), None);
    let published = document(2024, "公開したまま");
    let base = document(2025, "公開した目標");
    let edited = document(2025, "編集中の目標");
    let draft = document(2026, "新しい素案");
    let statements: [(&str, Vec<&str>); 4] = [
        ("INSERT INTO organizations (id, city, name, kind) VALUES (1, '大阪市', '住吉区', 'ward')", vec![]),
        ("INSERT INTO policies (id, organization_id, fiscal_year, revision) VALUES (1, 1, 2024, 1), (2, 1, 2025, 2), (3, 1, 2026, 1)", vec![]),
        (
            "INSERT INTO versions (id, policy_id, seq, stage, created_at, author, source_kind, source_name, source_hash, \
             document) VALUES (1, 1, 1, 'year_end', '2026-01-01T00:00:00.000Z', 'test', 'editor', NULL, NULL, $1), \
             (2, 2, 1, 'year_end', '2026-01-01T00:00:00.000Z', 'test', 'editor', NULL, NULL, $2)",
            vec![&published, &base],
        ),
        (
            "INSERT INTO working_copies (policy_id, base_version_id, stage, updated_at, author, edited, document) VALUES \
             (1, 1, 'year_end', '2026-01-01T00:00:00.000Z', 'test', 0, $1), \
             (2, 2, 'year_end', '2026-01-02T00:00:00.000Z', 'test', 1, $2), \
             (3, NULL, 'first_draft', '2026-01-03T00:00:00.000Z', 'test', 1, $3)",
            vec![&published, &edited, &draft],
        ),
    ];
    for (sql, values) in statements {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
        for value in values {
            query = query.bind(value.to_string());
        }
        query.execute(&pool).await.unwrap();
    }
    if matches!(url, DatabaseUrl::Postgres(_)) {
        for table in ["organizations", "policies", "versions"] {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap();
        }
    }
    pool.close().await;

    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&url).await.unwrap());
    store.check().await.unwrap();
    let key = |year: i32| PolicyKey { organization: ward("住吉区"), fiscal_year: fy(year) };
    for (year, goal, was_edited) in
        [(2024, "公開したまま", false), (2025, "編集中の目標", true), (2026, "新しい素案", true)]
    {
        let copy = store.working_copy(&key(year)).await.unwrap();
        assert_eq!(copy.content, content(year, goal), "{year}");
        assert_eq!(copy.edited, was_edited, "{year}");
    }
    let pool = SqlStore::open(&url).await.unwrap().pool().clone();
    assert_eq!(
        shared_documents(&pool).await,
        [1, 0, 0],
        "only the unedited working copy shares its base version's document"
    );
    // The dump still gives every working copy its document.
    let dump = dump_text(&store).await;
    let rows: Vec<serde_json::Value> = dump
        .lines()
        .skip_while(|line| !line.starts_with("table working_copies "))
        .skip(1)
        .take_while(|line| !line.starts_with("end "))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let documents: Vec<&str> = rows.iter().map(|row| row[6].as_str().unwrap()).collect();
    assert_eq!(documents, [published.as_str(), edited.as_str(), draft.as_str()]);
    // Publishing the edited copy makes it share the new version's document.
    let revision = store.working_copy(&key(2025)).await.unwrap().revision;
    store.publish(&key(2025), revision, "test").await.unwrap();
    assert_eq!(shared_documents(&pool).await, [1, 1, 0]);
    assert_eq!(store.working_copy(&key(2025)).await.unwrap().content, content(2025, "編集中の目標"));
    // A load stores working copies the same way: those that are their base version's document share it (the
    // load compares digests of the documents), the others keep their own; the dump reads back the same.
    let dump = dump_text(&store).await;
    let copy = SqlStore::open(&fresh_url_like(&store).await).await.unwrap();
    copy.load(&mut dump.as_bytes()).await.unwrap();
    assert_eq!(shared_documents(copy.pool()).await, [1, 1, 0]);
    let copy: Arc<dyn Store> = Arc::new(copy);
    assert_eq!(dump_text(&copy).await, dump);
}

on_fresh_databases!(rebuild_once, two_servers_opening_at_once_rebuild_the_index_once);

/// Two servers that open a database whose search entries a migration emptied, at the same moment, rebuild the
/// index once between them: the second finds it rebuilt, rather than adding every entry a second time.
async fn two_servers_opening_at_once_rebuild_the_index_once(url: DatabaseUrl) {
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&url).await.unwrap());
    for (file_name, text) in samples() {
        store.import(import_of(&file_name, &text)).await.unwrap();
    }
    let before = store.search("防災 地域", &SearchFilter::default(), 50).await.unwrap();
    let pool = SqlStore::open(&url).await.unwrap().pool().clone();
    let entries = || count(&pool, "SELECT COUNT(*) AS n FROM search_entries");
    let indexed = entries().await;
    assert!(indexed > 20, "{indexed} entries");
    if store.backend() == hoshin_store::Backend::Sqlite {
        sqlx::query("INSERT INTO search_grams (search_grams) VALUES ('delete-all')").execute(&pool).await.unwrap();
    }
    sqlx::query("DELETE FROM search_entries").execute(&pool).await.unwrap();
    store.close().await;
    let (first, second) = tokio::join!(SqlStore::open(&url), SqlStore::open(&url));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(entries().await, indexed, "the index was rebuilt more than once");
    assert_eq!(first.search("防災 地域", &SearchFilter::default(), 50).await.unwrap(), before);
    assert_eq!(second.search("防災 地域", &SearchFilter::default(), 50).await.unwrap(), before);
    first.check().await.unwrap();
}

/// PostgreSQL connections send what they write at once (TCP_NODELAY, vendor/README.md). Without it, the end of
/// a COPY, written just after its data, waits for the server's delayed acknowledgement: 40 ms on Linux, for
/// about every other COPY of a load. Forty COPYs of 70 KB each take a few milliseconds apiece here; with
/// Nagle's algorithm on, a dozen or more of them took over 35 ms.
#[tokio::test]
async fn postgres_connections_do_not_wait_for_delayed_acknowledgements() {
    use sqlx::Connection;
    let DatabaseUrl::Postgres(url) = postgres_url().await else { unreachable!() };
    // Over TCP, as a server's database usually is (a Unix socket has no Nagle's algorithm).
    assert!(url.contains("127.0.0.1"), "{url}");
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE copied (line TEXT)").execute(&mut connection).await.unwrap();
    let data: String =
        (0..1_000).map(|n| format!("line {n:04} of seventy bytes, more or less, to fill a segment\n")).collect();
    let mut slow = 0;
    for _ in 0..40 {
        let started = std::time::Instant::now();
        let mut copy = connection.copy_in_raw("COPY copied (line) FROM STDIN").await.unwrap();
        copy.send(data.as_bytes()).await.unwrap();
        copy.finish().await.unwrap();
        if started.elapsed() >= std::time::Duration::from_millis(35) {
            slow += 1;
        }
    }
    assert!(slow < 5, "{slow} of 40 COPYs took 35 ms or more: the connection waits for delayed acknowledgements");
}
