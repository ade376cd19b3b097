//! Faults under the real server (`hoshin demo`): the server killed with SIGKILL while editors save, the
//! database's disk filling up, and PostgreSQL restarted under the server. Each leaves the data consistent
//! (`hoshin check`, and every save an editor was told succeeded is kept), the server says what is wrong
//! while the fault lasts, and it works again once the fault is gone.
//!
//! The full-disk test mounts a small tmpfs for the database, which needs root; when the tests do not run as
//! root, it runs itself again inside a user and mount namespace (`unshare`), where it is root.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{
    add_user, agent, check, private_postgres, running_as_root, save, sign_in, start, temp_dir, working_copy,
    PUBLIC_POLICY,
};

fn add_editor(data: &Path, database: &str, name: &str) {
    add_user(data, Some(database), name, "editor", "大阪市/住吉区");
}

#[test]
fn a_server_killed_while_editors_save_keeps_every_acknowledged_save() {
    let data = temp_dir("kill");
    let database = format!("sqlite:{}", data.join("hoshin.db").display());
    for name in ["kill1", "kill2"] {
        add_editor(&data, &database, name);
    }
    let (server, base) = start(&data, Some(&database), "demo");
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<(usize, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for (index, name) in ["kill1", "kill2"].into_iter().enumerate() {
        let (base, stop, acknowledged) = (base.clone(), stop.clone(), acknowledged.clone());
        threads.push(std::thread::spawn(move || {
            let agent = agent();
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

    check(&data, Some(&database));
    let copy = working_copy(&data, Some(&database));
    for issue in [1, 2] {
        let number = |marker: &str| -> usize { marker.rsplit('-').next().unwrap().parse().unwrap() };
        let last = acknowledged.iter().rev().find(|(i, _)| *i == issue).map(|(_, marker)| number(marker)).unwrap();
        // The copy holds the editor's last acknowledged save, or the next one: each editor has one save in
        // flight at a time, and the kill may fall after its commit but before its answer reached the editor.
        let prefix = format!("\"kill{issue}-");
        let held: Vec<usize> = copy
            .match_indices(&prefix)
            .filter_map(|(at, _)| copy[at + prefix.len()..].split('"').next()?.parse().ok())
            .collect();
        assert!(
            held == [last] || held == [last + 1],
            "issue {issue}: the last acknowledged save is kill{issue}-{last}; the copy holds {held:?}"
        );
    }
    // The server starts again on the same database and saving works.
    let (_server, base) = start(&data, Some(&database), "demo");
    let agent = agent();
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
    let (_server, base) = start(&data, Some(&database), "demo");
    let agent = agent();
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
    check(&data, Some(&database));
    let copy = working_copy(&data, Some(&database));
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
    drop(start(&data, Some(&database), "demo"));
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
    let (_server, base) = start(&view, Some(&view_database), "serve");
    let agent = agent();
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
    check(&data, Some(&database));
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

#[test]
fn postgres_stopped_and_started_under_the_server() {
    // A private server: stopping the one the other tests share would fail them.
    let url = private_postgres();
    let port = url.rsplit_once(':').unwrap().1.split('/').next().unwrap().to_string();
    let data_dir = postgres_data_dir(&port);
    let data = temp_dir("postgres");
    add_editor(&data, &url, "pg1");
    let (_server, base) = start(&data, Some(&url), "demo");
    let agent = agent();
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
    check(&data, Some(&url));
    let copy = working_copy(&data, Some(&url));
    assert!(copy.contains("\"after-start\"") && !copy.contains("while-down"));
    let _ = std::fs::remove_dir_all(&data);
}
