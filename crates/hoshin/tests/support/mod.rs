//! What the tests that run the real server share (`browser.rs`, `soak.rs`, `faults.rs`): a child process that
//! dies with the test, the binary on a data directory and database of the test's own, accounts made with the
//! CLI as an administrator would, the server started and its address read, an HTTP client that signs in and
//! saves as a browser does, PostgreSQL databases, and the dump read as it streams.

#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A child process killed when the test ends, however it ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fresh, empty directory for this test process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoshin_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with its data directory in `data`, on `database` (`None`: the embedded default in `data`),
/// and nothing from the caller's configuration.
pub fn hoshin(data: &Path, database: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hoshin"));
    command.env("HOSHIN_DATA_DIR", data).env_remove("HOSHIN_CONFIG").env("XDG_CONFIG_HOME", data);
    match database {
        Some(url) => command.env("HOSHIN_DATABASE_URL", url),
        None => command.env_remove("HOSHIN_DATABASE_URL"),
    };
    command
}

/// Creates an account with the CLI; its password is `NAME-password-123`.
pub fn add_user(data: &Path, database: Option<&str>, name: &str, role: &str, organization: &str) {
    let mut child = hoshin(data, database)
        .args(["user", "add", name, "--role", role, "--organization", organization])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{name}-password-123").unwrap();
    assert!(child.wait().unwrap().success(), "hoshin user add {name}");
}

/// Starts `hoshin COMMAND` (`demo` or `serve`) on a free port and returns it with its address.
pub fn start(data: &Path, database: Option<&str>, command: &str) -> (Running, String) {
    let mut child = hoshin(data, database)
        .args([command, "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address = line.trim().trim_end_matches('/').to_string();
    assert!(address.starts_with("http://127.0.0.1:"), "hoshin {command} printed 「{address}」");
    (Running(child), address)
}

/// Runs `hoshin check` and fails with its report unless the database is whole.
pub fn check(data: &Path, database: Option<&str>) {
    let output = hoshin(data, database).arg("check").output().unwrap();
    assert!(
        output.status.success(),
        "hoshin check: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An HTTP client that shows every status and follows no redirect.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub fn cookie(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .map(|value| value[name.len() + 1..].split(';').next().unwrap_or("").to_string())
}

/// The value of a hidden field of a page's form.
pub fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    Some(page[start..start + page[start..].find('"')?].to_string())
}

/// Signs in through the sign-in form: the session token, or the status and page of a refusal.
pub fn sign_in(agent: &ureq::Agent, base: &str, name: &str) -> Result<String, (u16, String)> {
    let mut page = agent.get(&format!("{base}/login")).call().map_err(|e| (0, e.to_string()))?;
    let login = cookie(&page, "hoshin_login").ok_or((0, "no login cookie".to_string()))?;
    let csrf = hidden(&page.body_mut().read_to_string().unwrap(), "csrf").unwrap();
    let password = format!("{name}-password-123");
    let mut response = agent
        .post(&format!("{base}/login"))
        .header("Cookie", &format!("hoshin_login={login}"))
        .send_form([("csrf", csrf.as_str()), ("name", name), ("password", password.as_str()), ("next", "/edit")])
        .map_err(|e| (0, e.to_string()))?;
    match cookie(&response, "hoshin_session") {
        Some(session) if response.status() == 303 => Ok(session),
        _ => Err((response.status().as_u16(), response.body_mut().read_to_string().unwrap_or_default())),
    }
}

pub const EDITOR_POLICY: &str = "/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";
pub const PUBLIC_POLICY: &str = "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";

/// Saves `marker` as the heading of issue `issue`'s first strategy group of Sumiyoshi FY2024, as the item
/// form does: the status and page (of the form when it could not be read, else of the save), or what went
/// wrong when the server could not be reached or sent the editor to sign in.
pub fn save(
    agent: &ureq::Agent,
    base: &str,
    session: &str,
    issue: usize,
    marker: &str,
) -> Result<(u16, String), String> {
    let path = format!("issues/{issue}/strategies/1");
    let item = format!("{base}{EDITOR_POLICY}/item?path={}", path.replace('/', "%2F"));
    let mut page =
        agent.get(&item).header("Cookie", &format!("hoshin_session={session}")).call().map_err(|e| e.to_string())?;
    let body = page.body_mut().read_to_string().map_err(|e| e.to_string())?;
    // A redirect is to the sign-in page: never an outcome of a save, whatever its status.
    if page.status().is_redirection() {
        return Err(format!("the item form redirected: {:?}", page.headers().get("location")));
    }
    if page.status() != 200 {
        return Ok((page.status().as_u16(), body));
    }
    let field = |name: &str| hidden(&body, name).ok_or(format!("no {name} on the item form"));
    let (csrf, revision, original) = (field("csrf")?, field("revision")?, field("original")?);
    let bullets = format!("bullet {marker}");
    let mut response = agent
        .post(&format!("{base}{EDITOR_POLICY}/item"))
        .header("Cookie", &format!("hoshin_session={session}"))
        .send_form([
            ("csrf", csrf.as_str()),
            ("revision", revision.as_str()),
            ("original", original.as_str()),
            ("path", path.as_str()),
            ("heading", marker),
            ("bullets", bullets.as_str()),
        ])
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    Ok((status, response.body_mut().read_to_string().unwrap_or_default()))
}

/// A private PostgreSQL server for this test process (`scripts/test-postgres`, stopped when it exits).
pub fn private_postgres() -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres");
    let output = Command::new(script).arg(std::process::id().to_string()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A new, empty database named `name` on the server `scripts/test` started (`HOSHIN_TEST_POSTGRES_URL`), else
/// on a private one.
pub fn postgres_database(name: &str) -> String {
    let base = std::env::var("HOSHIN_TEST_POSTGRES_URL").unwrap_or_else(|_| private_postgres());
    let name = format!("{name}_{}", std::process::id());
    let created =
        Command::new("psql").args([base.as_str(), "-q", "-c", &format!("CREATE DATABASE {name}")]).output().unwrap();
    assert!(
        created.status.success(),
        "psql could not create the database {name} on {base}: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

/// Reads `hoshin dump` as it streams (docs/DUMP.md), handing each row of the tables named to `row` with its
/// table and column names: a long run's audit log is gigabytes.
pub fn dump_rows(
    data: &Path,
    database: Option<&str>,
    tables: &[&str],
    mut row: impl FnMut(&str, &[String], serde_json::Value),
) {
    let mut child = hoshin(data, database).arg("dump").stdout(Stdio::piped()).spawn().unwrap();
    let (mut table, mut columns) = (String::new(), Vec::new());
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(head) = line.strip_prefix("table ") {
            let mut words = head.split(' ');
            table = words.next().unwrap_or("").to_string();
            columns = words.map(str::to_string).collect();
        } else if !line.starts_with("end") && tables.contains(&table.as_str()) {
            row(&table, &columns, serde_json::from_str(&line).unwrap());
        }
    }
    assert!(child.wait().unwrap().success(), "hoshin dump");
}

/// The column `name` of a dump row.
pub fn column<'a>(columns: &[String], row: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &row[columns.iter().position(|column| column == name).unwrap()]
}

/// The document of Sumiyoshi FY2024's working copy (the one that names its head, 橘).
pub fn working_copy(data: &Path, database: Option<&str>) -> String {
    let mut copy = None;
    dump_rows(data, database, &["working_copies"], |_, columns, row| {
        let document = column(columns, &row, "document").as_str().unwrap_or("");
        if document.contains("橘") {
            copy = Some(document.to_string());
        }
    });
    copy.expect("Sumiyoshi FY2024's working copy")
}

pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|line| line.starts_with("Uid:")).map(|line| line.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}
