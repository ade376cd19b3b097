//! Faults under the real server (`hoshin demo`): the server killed with SIGKILL while editors save, the
//! database's disk filling up, and PostgreSQL restarted under the server. Each leaves the data consistent
//! (`hoshin check`, and every save an editor was told succeeded is kept), the server says what is wrong
//! while the fault lasts, and it works again once the fault is gone.
//!
//! The full-disk test mounts a small tmpfs for the database, which needs root; when the tests do not run as
//! root, it runs itself again inside a user and mount namespace (`unshare`), where it is root.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoshin_faults_{name}_{}", std::process::id()));
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

/// Starts `hoshin demo` on `listen` (port 0: a free port).
fn serve(data: &Path, database: &str, listen: &str) -> (Running, String) {
    start(data, database, "demo", listen)
}

/// Starts `hoshin COMMAND` (`demo` or `serve`) and waits for its address.
fn start(data: &Path, database: &str, command: &str, listen: &str) -> (Running, String) {
    let mut child = hoshin(data, database)
        .args([command, "--listen", listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line.trim().trim_end_matches('/').to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "hoshin demo printed 「{base}」");
    (Running(child), base)
}

fn check(data: &Path, database: &str) {
    let output = hoshin(data, database).arg("check").output().unwrap();
    assert!(
        output.status.success(),
        "hoshin check: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
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

fn sign_in(agent: &ureq::Agent, base: &str, name: &str) -> Result<String, (u16, String)> {
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

const EDITOR_POLICY: &str = "/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";
const PUBLIC_POLICY: &str = "/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024";

/// Saves `marker` as the heading of issue `issue`'s first strategy group: the status and the page.
fn save(agent: &ureq::Agent, base: &str, session: &str, issue: usize, marker: &str) -> Result<(u16, String), String> {
    let path = format!("issues/{issue}/strategies/1");
    let item = format!("{base}{EDITOR_POLICY}/item?path={}", path.replace('/', "%2F"));
    let mut page =
        agent.get(&item).header("Cookie", &format!("hoshin_session={session}")).call().map_err(|e| e.to_string())?;
    let body = page.body_mut().read_to_string().map_err(|e| e.to_string())?;
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

/// The working copy of Sumiyoshi FY2024 as the dump holds it.
fn working_copy(data: &Path, database: &str) -> String {
    let dump = hoshin(data, database).arg("dump").output().unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let dump = String::from_utf8(dump.stdout).unwrap();
    let start = dump.find("\ntable working_copies ").unwrap() + 1;
    let mut lines = dump[start..].lines();
    let columns: Vec<&str> = lines.next().unwrap().split(' ').skip(2).collect();
    let document = columns.iter().position(|column| *column == "document").unwrap();
    lines
        .take_while(|line| !line.starts_with("end working_copies"))
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter_map(|row| row[document].as_str().map(str::to_string))
        .find(|copy| copy.contains("橘"))
        .unwrap()
}

#[test]
fn a_server_killed_while_editors_save_keeps_every_acknowledged_save() {
    let data = temp_dir("kill");
    let database = format!("sqlite:{}", data.join("hoshin.db").display());
    for name in ["kill1", "kill2"] {
        add_editor(&data, &database, name);
    }
    let (server, base) = serve(&data, &database, "127.0.0.1:0");
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<(usize, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for (index, name) in ["kill1", "kill2"].into_iter().enumerate() {
        let (base, stop, acknowledged) = (base.clone(), stop.clone(), acknowledged.clone());
        threads.push(std::thread::spawn(move || {
            let agent = new_agent();
            let session = sign_in(&agent, &base, name).unwrap();
            let mut n = 0;
            // Until the server dies: a failed connection ends the loop.
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let marker = format!("{name}-{n}");
                match save(&agent, &base, &session, index + 1, &marker) {
                    Ok((303, _)) => acknowledged.lock().unwrap().push((index + 1, marker)),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(3));
    // SIGKILL: no shutdown, no flush, in the middle of whatever the server was writing.
    let mut server = server;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 5, "the editors saved before the kill ({})", acknowledged.len());

    check(&data, &database);
    let copy = working_copy(&data, &database);
    for issue in [1, 2] {
        let last = acknowledged.iter().rev().find(|(i, _)| *i == issue).map(|(_, marker)| marker.clone()).unwrap();
        assert!(copy.contains(&format!("\"{last}\"")), "the last acknowledged save of issue {issue}, {last}, is kept");
    }
    // The server starts again on the same database and saving works.
    let (_server, base) = serve(&data, &database, "127.0.0.1:0");
    let agent = new_agent();
    let session = sign_in(&agent, &base, "kill1").unwrap();
    assert_eq!(save(&agent, &base, &session, 1, "after-restart").unwrap().0, 303);
    let _ = std::fs::remove_dir_all(&data);
}

/// Runs the test body as root: directly when the tests run as root, else again inside a user and mount
/// namespace where this process is root. Returns false when the caller must not run the body itself.
fn as_root(test: &str) -> bool {
    if running_as_root() {
        return true;
    }
    let status = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .status()
        .expect("unshare runs (util-linux)");
    assert!(status.success(), "{test} inside a user namespace");
    false
}

#[test]
fn a_full_disk_refuses_writes_clearly_keeps_reads_and_recovers() {
    if !as_root("a_full_disk_refuses_writes_clearly_keeps_reads_and_recovers") {
        return;
    }
    let data = temp_dir("disk");
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=12m", "tmpfs"]).arg(&data).status().unwrap();
    assert!(mounted.success(), "mount a 12 MB tmpfs for the database");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(data.clone());
    let database = format!("sqlite:{}", data.join("hoshin.db").display());
    add_editor(&data, &database, "disk1");
    let (_server, base) = serve(&data, &database, "127.0.0.1:0");
    let agent = new_agent();
    let session = sign_in(&agent, &base, "disk1").unwrap();
    assert_eq!(save(&agent, &base, &session, 1, "before-full").unwrap().0, 303);

    // Fill the disk.
    let filler = data.join("filler");
    {
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
    }
    // A save is refused with a message that says what is wrong, in the page's language; nothing is written.
    let (status, page) = save(&agent, &base, &session, 1, "while-full").unwrap();
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("ディスクがいっぱい"), "the page says the disk is full: {page}");
    // Signing in needs a write too: refused the same way.
    let (status, page) = sign_in(&agent, &base, "disk1").unwrap_err();
    assert_eq!(status, 503);
    assert!(page.contains("ディスクがいっぱい"), "{page}");
    // Reading works as before.
    for path in ["/", PUBLIC_POLICY, "/api/v1/policies", "/search?q=%E5%9C%B0%E5%9F%9F"] {
        let mut response = agent.get(&format!("{base}{path}")).call().unwrap();
        assert_eq!(response.status(), 200, "{path} while the disk is full");
        let _ = response.body_mut().read_to_vec();
    }

    // Free the space: saving works again, and the database is whole.
    std::fs::remove_file(&filler).unwrap();
    let (status, page) = save(&agent, &base, &session, 1, "after-free").unwrap();
    assert_eq!(status, 303, "{page}");
    check(&data, &database);
    let copy = working_copy(&data, &database);
    assert!(copy.contains("\"after-free\"") && !copy.contains("while-full"));
}

#[test]
fn a_read_only_database_is_read_refuses_writes_clearly_and_recovers() {
    if !as_root("a_read_only_database_is_read_refuses_writes_clearly_and_recovers") {
        return;
    }
    // The database as `hoshin demo` leaves it, then the same directory through a read-only bind mount.
    let data = temp_dir("readonly");
    let database = format!("sqlite:{}", data.join("hoshin.db").display());
    add_editor(&data, &database, "ro1");
    drop(serve(&data, &database, "127.0.0.1:0"));
    let view = temp_dir("readonly_view");
    let mount = |args: &[&str]| {
        let status = Command::new("mount").args(args).status().unwrap();
        assert!(status.success(), "mount {args:?}");
    };
    let (data_arg, view_arg) = (data.display().to_string(), view.display().to_string());
    mount(&["--bind", &data_arg, &view_arg]);
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(view.clone());
    mount(&["-o", "remount,bind,ro", &view_arg]);
    let view_database = format!("sqlite:{}", view.join("hoshin.db").display());
    let (_server, base) = start(&view, &view_database, "serve", "127.0.0.1:0");
    let agent = new_agent();
    // Reading works; signing in (a write) is refused with a message that says why.
    for path in ["/", PUBLIC_POLICY, "/api/v1/policies"] {
        let mut response = agent.get(&format!("{base}{path}")).call().unwrap();
        assert_eq!(response.status(), 200, "{path} on a read-only database");
        let _ = response.body_mut().read_to_vec();
    }
    let (status, page) = sign_in(&agent, &base, "ro1").unwrap_err();
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("読み取り専用"), "the page says the database is read-only: {page}");

    // Writable again: the server writes again once its connections are renewed, without a restart.
    mount(&["-o", "remount,bind,rw", &view_arg]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let session = loop {
        match sign_in(&agent, &base, "ro1") {
            Ok(session) => break session,
            Err(error) => assert!(Instant::now() < deadline, "no recovery: {error:?}"),
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(save(&agent, &base, &session, 1, "after-writable").unwrap().0, 303);
    check(&data, &database);
}

/// The data directory of the private PostgreSQL server on `port` that scripts/test-postgres started.
fn postgres_data_dir(port: &str) -> PathBuf {
    for entry in std::fs::read_dir("/tmp").unwrap().flatten() {
        let path = entry.path();
        if !path.file_name().unwrap().to_string_lossy().starts_with("hoshin-pg.") {
            continue;
        }
        let pid_file = path.join("data/postmaster.pid");
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            if pid.lines().nth(3) == Some(port) {
                return path.join("data");
            }
        }
    }
    panic!("no PostgreSQL data directory for port {port}");
}

/// Stops or starts the private PostgreSQL server as scripts/test-postgres runs it (as the postgres user when
/// the tests run as root, on the same port and socket directory).
fn pg_ctl(data_dir: &Path, action: &str, port: &str) {
    let bindir = Command::new("pg_config").arg("--bindir").output().ok().filter(|o| o.status.success());
    let bindir = match bindir {
        Some(output) => PathBuf::from(String::from_utf8(output.stdout).unwrap().trim()),
        None => {
            let mut dirs: Vec<PathBuf> =
                std::fs::read_dir("/usr/lib/postgresql").unwrap().flatten().map(|e| e.path().join("bin")).collect();
            dirs.sort();
            dirs.pop().unwrap()
        }
    };
    let mut command = if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(bindir.join("pg_ctl"));
        command
    } else {
        Command::new(bindir.join("pg_ctl"))
    };
    let dir = data_dir.parent().unwrap();
    command.arg("-D").arg(data_dir).args(["-w", "-m", "fast"]);
    if action == "start" {
        command.arg("-l").arg(dir.join("server.log")).arg("-o").arg(format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c synchronous_commit=off",
            dir.display()
        ));
    }
    let status = command.arg(action).stdout(Stdio::null()).status().unwrap();
    assert!(status.success(), "pg_ctl {action}");
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|line| line.starts_with("Uid:")).map(|line| line.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn postgres_stopped_and_started_under_the_server() {
    // A private server: stopping the one the other tests share would fail them.
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres");
    let output = Command::new(script).arg(std::process::id().to_string()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let url = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let port = url.rsplit_once(':').unwrap().1.split('/').next().unwrap().to_string();
    let data_dir = postgres_data_dir(&port);
    let data = temp_dir("postgres");
    add_editor(&data, &url, "pg1");
    let (_server, base) = serve(&data, &url, "127.0.0.1:0");
    let agent = new_agent();
    let session = sign_in(&agent, &base, "pg1").unwrap();
    assert_eq!(save(&agent, &base, &session, 1, "before-stop").unwrap().0, 303);

    pg_ctl(&data_dir, "stop", &port);
    // While the database is down: a clear 503, never a hang or a 500.
    let (status, page) = save(&agent, &base, &session, 1, "while-down").unwrap();
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("データベースに接続できません"), "{page}");
    let mut response = agent.get(&format!("{base}/api/v1/policies?limit=3")).call().unwrap();
    let cached_or_down = response.status();
    let body = response.body_mut().read_to_string().unwrap();
    assert!(cached_or_down == 200 || body.contains("database_unreachable"), "{cached_or_down} {body}");

    pg_ctl(&data_dir, "start", &port);
    // The pool reconnects: within a few seconds everything works again.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match save(&agent, &base, &session, 1, "after-start") {
            Ok((303, _)) => break,
            other => assert!(Instant::now() < deadline, "the server did not recover: {other:?}"),
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    check(&data, &url);
    let copy = working_copy(&data, &url);
    assert!(copy.contains("\"after-start\"") && !copy.contains("while-down"));
    let _ = std::fs::remove_dir_all(&data);
}
