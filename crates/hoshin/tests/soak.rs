//! Soak: the real server (`hoshin demo`) under concurrent readers and editors for a bounded time, on SQLite
//! and, when `HOSHIN_TEST_POSTGRES_URL` names a server, on PostgreSQL. It must answer every request without
//! an error, lose and duplicate no write (every save an editor was told succeeded is exactly one `edit` entry
//! of the audit log, and the last one is what the working copy holds), and keep its memory flat.
//!
//! `HOSHIN_SOAK_SECONDS` sets the length of each run (default 20, what the test command runs);
//! `scripts/soak` runs it for ten minutes per engine and prints the figures for docs/PERFORMANCE.md.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EDITORS: usize = 4;
const READERS: usize = 6;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoshin_soak_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn hoshin(data: &Path, database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hoshin"));
    command
        .env("HOSHIN_DATA_DIR", data)
        .env("HOSHIN_DATABASE_URL", database)
        .env_remove("HOSHIN_CONFIG")
        .env("XDG_CONFIG_HOME", data);
    command
}

fn add_editor(data: &Path, database: &str, name: &str) {
    let mut child = hoshin(data, database)
        .args(["user", "add", name, "--role", "editor", "--organization", "大阪市/住吉区"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{name}-password-123").unwrap();
    assert!(child.wait().unwrap().success(), "hoshin user add {name}");
}

fn new_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn cookie(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(|value| value[name.len() + 1..].split(';').next().unwrap_or("").to_string())
}

fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    Some(page[start..start + page[start..].find('"')?].to_string())
}

fn sign_in(agent: &ureq::Agent, base: &str, name: &str) -> String {
    let mut page = agent.get(&format!("{base}/login")).call().unwrap();
    let login = cookie(&page, "hoshin_login").unwrap();
    let csrf = hidden(&page.body_mut().read_to_string().unwrap(), "csrf").unwrap();
    let password = format!("{name}-password-123");
    let response = agent
        .post(&format!("{base}/login"))
        .header("Cookie", &format!("hoshin_login={login}"))
        .send_form([("csrf", csrf.as_str()), ("name", name), ("password", password.as_str()), ("next", "/edit")])
        .unwrap();
    assert_eq!(response.status(), 303, "{name} signs in");
    cookie(&response, "hoshin_session").unwrap()
}

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

const EDITOR_POLICY: &str = "/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";

fn soak(engine: &str, database: &str, data: &Path) {
    let seconds: u64 = std::env::var("HOSHIN_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let pause =
        Duration::from_millis(std::env::var("HOSHIN_SOAK_PAUSE_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(100));
    let names: Vec<String> = (1..=EDITORS).map(|n| format!("soak{n}")).collect();
    for name in &names {
        add_editor(data, database, name);
    }
    let mut child = hoshin(data, database)
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let pid = child.id();
    let server = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line.trim().trim_end_matches('/').to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "hoshin demo printed 「{base}」");

    let agent = new_agent();
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
            let agent = new_agent();
            let session = sign_in(&agent, &base, &name);
            let path = format!("issues/{}/strategies/1", index + 1);
            let item = format!("{base}{EDITOR_POLICY}/item?path={}", path.replace('/', "%2F"));
            let mut saved = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let marker = format!("{name}-{n}");
                let mut page = match agent.get(&item).header("Cookie", &format!("hoshin_session={session}")).call() {
                    Ok(page) if page.status() == 200 => page,
                    Ok(page) => {
                        tally.error(format!("{name}: GET item {}", page.status()));
                        continue;
                    }
                    Err(error) => {
                        tally.error(format!("{name}: GET item {error}"));
                        continue;
                    }
                };
                let body = page.body_mut().read_to_string().unwrap_or_default();
                let (Some(csrf), Some(revision), Some(original)) =
                    (hidden(&body, "csrf"), hidden(&body, "revision"), hidden(&body, "original"))
                else {
                    tally.error(format!("{name}: the item form has no hidden fields"));
                    continue;
                };
                let bullets = format!("soak bullet {marker}");
                let response = agent
                    .post(&format!("{base}{EDITOR_POLICY}/item"))
                    .header("Cookie", &format!("hoshin_session={session}"))
                    .send_form([
                        ("csrf", csrf.as_str()),
                        ("revision", revision.as_str()),
                        ("original", original.as_str()),
                        ("path", path.as_str()),
                        ("heading", marker.as_str()),
                        ("bullets", bullets.as_str()),
                    ]);
                // A pause between saves (HOSHIN_SOAK_PAUSE_MS, default 100 ms): each save audits the whole document,
                // so saving flat out for ten minutes would write tens of gigabytes of audit log.
                std::thread::sleep(pause);
                match response {
                    Ok(response) if response.status() == 303 => {
                        tally.saves.fetch_add(1, Ordering::Relaxed);
                        saved.push(marker);
                    }
                    Ok(response) if response.status() == 409 => {
                        tally.conflicts.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(response) => tally.error(format!("{name}: save answered {}", response.status())),
                    Err(error) => tally.error(format!("{name}: save failed: {error}")),
                }
            }
            written.lock().unwrap().push((name, saved));
        }));
    }
    for reader in 0..READERS {
        let (base, pages, stop, tally) = (base.clone(), pages.clone(), stop.clone(), tally.clone());
        threads.push(std::thread::spawn(move || {
            let agent = new_agent();
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
    // The dump is read as it streams: every save audits the whole document twice, so a long run's audit log
    // is gigabytes.
    let mut child = hoshin(data, database).arg("dump").stdout(Stdio::piped()).spawn().unwrap();
    let written = written.lock().unwrap();
    let mut next: Vec<usize> = vec![0; written.len()];
    let mut copy: Option<String> = None;
    let mut table = String::new();
    let mut columns: Vec<String> = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(head) = line.strip_prefix("table ") {
            let mut words = head.split(' ');
            table = words.next().unwrap_or("").to_string();
            columns = words.map(str::to_string).collect();
            continue;
        }
        if line.starts_with("end") || !(table == "audit_log" || table == "working_copies") {
            continue;
        }
        let row: serde_json::Value = serde_json::from_str(&line).unwrap();
        let at = |name: &str| columns.iter().position(|column| column == name).unwrap();
        if table == "working_copies" {
            let document = row[at("document")].as_str().unwrap_or("");
            if document.contains("soak bullet") {
                assert!(copy.is_none(), "{engine}: one working copy was edited");
                copy = Some(document.to_string());
            }
            continue;
        }
        if row[at("action")] != "edit" {
            continue;
        }
        let Some(editor) = written.iter().position(|(name, _)| row[at("actor")] == name.as_str()) else { continue };
        let (name, saved) = &written[editor];
        let marker = saved.get(next[editor]).unwrap_or_else(|| {
            panic!("{engine}: the audit log holds more edits by {name} than the {} it was told of", saved.len())
        });
        let document = row[at("after")].as_str().unwrap();
        assert!(document.contains(&format!("\"{marker}\"")), "{engine}: {marker} is not the write audited in order");
        next[editor] += 1;
    }
    assert!(child.wait().unwrap().success(), "{engine}: hoshin dump");
    for ((name, saved), audited) in written.iter().zip(&next) {
        assert_eq!(
            *audited,
            saved.len(),
            "{engine}: {name} was told of {} saves; the audit log holds {audited}",
            saved.len()
        );
    }
    // The working copy holds each editor's last save.
    let copy = copy.unwrap_or_else(|| panic!("{engine}: no edited working copy"));
    for (name, saved) in written.iter() {
        if let Some(last) = saved.last() {
            assert!(copy.contains(&format!("\"{last}\"")), "{engine}: {name}'s last save {last} is lost");
        }
    }
}

#[test]
fn readers_and_editors_on_sqlite() {
    let data = temp_dir("sqlite");
    let database = format!("sqlite:{}", data.join("soak.db").display());
    soak("sqlite", &database, &data);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn readers_and_editors_on_postgres() {
    // The server scripts/test started, or a private one for this test process (as the storage tests do).
    let base = std::env::var("HOSHIN_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres");
        let output = Command::new(script).arg(std::process::id().to_string()).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    });
    let name = format!("hoshin_soak_{}", std::process::id());
    let created =
        Command::new("psql").args([base.as_str(), "-q", "-c", &format!("CREATE DATABASE {name}")]).output().unwrap();
    assert!(
        created.status.success(),
        "psql could not create the soak database on {base}: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    let (prefix, _) = base.rsplit_once('/').unwrap();
    let data = temp_dir("postgres");
    soak("postgres", &format!("{prefix}/{name}"), &data);
    let _ = std::fs::remove_dir_all(&data);
}
