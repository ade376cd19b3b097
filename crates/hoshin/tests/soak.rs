//! Soak: the real server (`hoshin demo`) under concurrent readers and editors for a bounded time, on SQLite
//! and, when `HOSHIN_TEST_POSTGRES_URL` names a server, on PostgreSQL. It must answer every request without
//! an error, lose and duplicate no write (every save an editor was told succeeded is exactly one `edit` entry
//! of the audit log, and the last one is what the working copy holds), and keep its memory flat.
//!
//! `HOSHIN_SOAK_SECONDS` sets the length of each run (default 20, what the test command runs);
//! `scripts/soak` runs it for ten minutes per engine and prints the figures for docs/PERFORMANCE.md.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{add_user, agent, column, dump_rows, postgres_database, save, sign_in, start, temp_dir};

const EDITORS: usize = 4;
const READERS: usize = 6;

/// The server's resident memory in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[derive(Default)]
struct Tally {
    reads: AtomicUsize,
    saves: AtomicUsize,
    conflicts: AtomicUsize,
    errors: Mutex<Vec<String>>,
}

impl Tally {
    fn error(&self, what: String) {
        let mut errors = self.errors.lock().unwrap();
        if errors.len() < 20 {
            errors.push(what);
        }
    }
}

/// An editor's name and the markers of the saves it was told succeeded, in order.
type Saved = (String, Vec<String>);

fn soak(engine: &str, database: &str, data: &Path) {
    let seconds: u64 = std::env::var("HOSHIN_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let pause =
        Duration::from_millis(std::env::var("HOSHIN_SOAK_PAUSE_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(100));
    let names: Vec<String> = (1..=EDITORS).map(|n| format!("soak{n}")).collect();
    for name in &names {
        add_user(data, Some(database), name, "editor", "大阪市/住吉区");
    }
    let (server, base) = start(data, Some(database), "demo");
    let pid = server.0.id();

    let agent = agent();
    let api: serde_json::Value =
        agent.get(&format!("{base}/api/v1/policies?limit=100")).call().unwrap().body_mut().read_json().unwrap();
    let mut pages: Vec<String> = vec![
        "/".into(),
        "/api/v1/policies".into(),
        "/search?q=%E5%9C%B0%E5%9F%9F".into(),
        "/compare".into(),
        "/data/2024/indicators.csv".into(),
    ];
    for policy in api["items"].as_array().or_else(|| api["policies"].as_array()).unwrap() {
        let href = policy["href"].as_str().unwrap().replace("/api/v1", "");
        pages.push(href.clone());
        pages.push(format!("/api/v1{href}"));
    }
    let series: serde_json::Value = agent
        .get(&format!("{base}/api/v1/organizations/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    for indicator in series["indicators"].as_array().unwrap().iter().take(6) {
        pages.push(indicator["href"].as_str().unwrap().replace("/api/v1", ""));
    }
    let pages = Arc::new(pages);

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    // Each editor writes numbered markers into the heading of its own issue's first strategy group.
    let written: Arc<Mutex<Vec<Saved>>> = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let (base, name, stop, tally, written) =
            (base.clone(), name.clone(), stop.clone(), tally.clone(), written.clone());
        threads.push(std::thread::spawn(move || {
            let agent = support::agent();
            let session = sign_in(&agent, &base, &name).unwrap();
            let mut saved = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let marker = format!("{name}-{n}");
                let outcome = save(&agent, &base, &session, index + 1, &marker);
                // A pause between saves (HOSHIN_SOAK_PAUSE_MS, default 100 ms): each save audits the whole document,
                // so saving flat out for ten minutes would write tens of gigabytes of audit log.
                std::thread::sleep(pause);
                match outcome {
                    Ok((303, _)) => {
                        tally.saves.fetch_add(1, Ordering::Relaxed);
                        saved.push(marker);
                    }
                    Ok((409, _)) => {
                        tally.conflicts.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((status, _)) => tally.error(format!("{name}: save answered {status}")),
                    Err(error) => tally.error(format!("{name}: save failed: {error}")),
                }
            }
            written.lock().unwrap().push((name, saved));
        }));
    }
    for reader in 0..READERS {
        let (base, pages, stop, tally) = (base.clone(), pages.clone(), stop.clone(), tally.clone());
        threads.push(std::thread::spawn(move || {
            let agent = support::agent();
            let mut n = reader;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let page = &pages[n % pages.len()];
                match agent.get(&format!("{base}{page}")).call() {
                    Ok(mut response) if response.status() == 200 => {
                        let _ = response.body_mut().read_to_vec();
                        tally.reads.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(response) => tally.error(format!("GET {page}: {}", response.status())),
                    Err(error) => tally.error(format!("GET {page}: {error}")),
                }
            }
        }));
    }

    // Memory, sampled every half second while the load runs.
    let start = Instant::now();
    let mut samples: Vec<u64> = Vec::new();
    while start.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_millis(500));
        if let Some(kib) = rss_kib(pid) {
            samples.push(kib);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    drop(server);

    let errors = tally.errors.lock().unwrap().clone();
    let (reads, saves, conflicts) = (
        tally.reads.load(Ordering::Relaxed),
        tally.saves.load(Ordering::Relaxed),
        tally.conflicts.load(Ordering::Relaxed),
    );
    let quarter = samples.len() / 4;
    let warm = samples[quarter..2 * quarter.max(1)].iter().copied().max().unwrap_or(0);
    let last = samples[samples.len() - quarter.max(1)..].iter().copied().max().unwrap_or(0);
    eprintln!(
        "soak {engine}: {elapsed:.0} s, {reads} reads ({:.0}/s), {saves} saves ({:.1}/s), {conflicts} conflicts, \
         {} errors; RSS after warm-up {} MiB, at the end {} MiB",
        reads as f64 / elapsed,
        saves as f64 / elapsed,
        errors.len(),
        warm / 1024,
        last / 1024
    );
    assert!(errors.is_empty(), "{engine}: errors under load: {errors:#?}");
    assert!(reads > 100 && saves > 10, "{engine}: the load ran ({reads} reads, {saves} saves)");
    // Each editor saves an item of its own: a refusal means the server gave up retrying under contention.
    assert!(conflicts * 50 <= saves, "{engine}: {conflicts} of {} saves refused", saves + conflicts);
    assert!(last <= warm + warm / 4 + 16 * 1024, "{engine}: memory grew from {warm} KiB to {last} KiB");

    // Every save the editors were told succeeded is one audit entry, and no other entry is theirs.
    // Every save an editor was told succeeded is one audit entry, in order, and no other entry is theirs.
    let written = written.lock().unwrap();
    let mut next: Vec<usize> = vec![0; written.len()];
    let mut edited: Vec<String> = Vec::new();
    dump_rows(data, Some(database), &["working_copies", "audit_log"], |table, columns, row| {
        if table == "working_copies" {
            let document = column(columns, &row, "document").as_str().unwrap_or("");
            if document.contains("bullet soak") {
                edited.push(document.to_string());
            }
            return;
        }
        if column(columns, &row, "action") != "edit" {
            return;
        }
        let actor = column(columns, &row, "actor");
        let Some(editor) = written.iter().position(|(name, _)| actor == name.as_str()) else { return };
        let (name, saved) = &written[editor];
        let marker = saved.get(next[editor]).unwrap_or_else(|| {
            panic!("{engine}: the audit log holds more edits by {name} than the {} it was told of", saved.len())
        });
        let document = column(columns, &row, "after").as_str().unwrap();
        assert!(document.contains(&format!("\"{marker}\"")), "{engine}: {marker} is not the write audited in order");
        next[editor] += 1;
    });
    for ((name, saved), audited) in written.iter().zip(&next) {
        assert_eq!(
            *audited,
            saved.len(),
            "{engine}: {name} was told of {} saves; the audit log holds {audited}",
            saved.len()
        );
    }
    // The working copy holds each editor's last save.
    assert_eq!(edited.len(), 1, "{engine}: one working copy was edited");
    for (name, saved) in written.iter() {
        if let Some(last) = saved.last() {
            assert!(edited[0].contains(&format!("\"{last}\"")), "{engine}: {name}'s last save {last} is lost");
        }
    }
}

#[test]
fn readers_and_editors_on_sqlite() {
    let data = temp_dir("soak_sqlite");
    let database = format!("sqlite:{}", data.join("soak.db").display());
    soak("sqlite", &database, &data);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn readers_and_editors_on_postgres() {
    let data = temp_dir("soak_postgres");
    soak("postgres", &postgres_database("hoshin_soak"), &data);
    let _ = std::fs::remove_dir_all(&data);
}
