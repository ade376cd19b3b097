//! The database commands as users call them: import, dump/load, reindex, backup/restore, check, gen, and a writer
//! killed with SIGKILL in the middle of its imports.

#![allow(clippy::unwrap_used)] // tests fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoshin-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with its data directory in `dir` and no database URL from the caller's environment.
fn hoshin(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hoshin"));
    command
        .env("HOSHIN_DATA_DIR", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("HOSHIN_CONFIG")
        .env_remove("HOSHIN_DATABASE_URL")
        .env_remove("HOSHIN_LANG");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/samples")
}

#[test]
fn import_into_the_default_database_then_again() {
    let dir = temp_dir("import");
    let sumiyoshi = samples().join("sumiyoshi-r6-yearend.txt");
    let output = run(hoshin(&dir).arg("import").arg(&sumiyoshi));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("imported 住吉区 令和6年度（2024年度） 年度末評価 as version 1 (14 indicators"),
        "{stdout}"
    );
    // Diagnostics worth a look go to standard error with their line.
    assert!(
        text(&output.stderr).contains("sumiyoshi-r6-yearend.txt:366: warning: issue 4"),
        "{}",
        text(&output.stderr)
    );
    assert!(dir.join("data/hoshin.db").exists(), "the default database is hoshin.db in the data directory");
    let again = run(hoshin(&dir).arg("import").arg(&sumiyoshi));
    assert!(text(&again.stdout).contains("already holds this file as version 1; nothing changed"));
    // A document without its year fails alone, with what to do; the other file still imports.
    let output = run(hoshin(&dir)
        .args(["--lang", "en", "import"])
        .arg(samples().join("higashiyodogawa-plan20-summary.txt"))
        .arg(samples().join("nishi-r6-plan.txt")));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("does not say the fiscal year; give it with --fiscal-year N"), "{stderr}");
    assert!(stderr.contains("1 of 2 files not imported"), "{stderr}");
    assert!(
        text(&output.stdout).contains("imported 西区 FY2024 (Reiwa 6) final as version 1"),
        "{}",
        text(&output.stdout)
    );
    let check = run(hoshin(&dir).arg("check"));
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(text(&check.stdout).contains(": ok; 2 organizations, 2 policies, 2 versions"), "{}", text(&check.stdout));
    // A database URL Hoshin does not read is a usage error that says what to write.
    let bad = run(hoshin(&dir).args(["--database", "mysql://x", "check"]));
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("use sqlite:PATH or postgres://"), "{}", text(&bad.stderr));
}

#[test]
fn dump_load_backup_restore() {
    let dir = temp_dir("dump");
    let db = |name: &str| format!("sqlite:{}", dir.join(name).display());
    let import = run(hoshin(&dir)
        .args(["--database", &db("a.db"), "import", "--fiscal-year", "2019"])
        .arg(samples().join("higashiyodogawa-plan20-summary.txt")));
    assert!(import.status.success(), "{}", text(&import.stderr));
    let dump = run(hoshin(&dir).args(["--database", &db("a.db"), "dump"]));
    assert!(dump.status.success(), "{}", text(&dump.stderr));
    assert!(dump.stdout.starts_with(b"hoshin-dump 1\nschema 6\n"));
    // load reads standard input into a new database; its dump is the same bytes.
    let mut load = hoshin(&dir)
        .args(["--database", &db("b.db"), "load"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut load.stdin.take().unwrap(), &dump.stdout).unwrap();
    let loaded = load.wait_with_output().unwrap();
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    // The load closed the database: its write-ahead log is checkpointed and gone, not left at its largest.
    assert!(!dir.join("b.db-wal").exists(), "load left its WAL behind");
    let again = run(hoshin(&dir).args(["--database", &db("b.db"), "dump"]));
    assert_eq!(again.stdout, dump.stdout);
    // reindex builds the search index again and says how big it is; the data is untouched.
    let reindex = run(hoshin(&dir).args(["--database", &db("b.db"), "reindex"]));
    assert!(reindex.status.success(), "{}", text(&reindex.stderr));
    let said = text(&reindex.stdout);
    assert!(said.starts_with(&format!("reindexed sqlite:{}: ", dir.join("b.db").display())), "{said}");
    assert!(said.contains(" search entries for 1 policy in "), "{said}");
    let entries: u64 = said.split(": ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap().parse().unwrap();
    assert!(entries > 10, "{said}");
    let again = run(hoshin(&dir).args(["--database", &db("b.db"), "dump"]));
    assert_eq!(again.stdout, dump.stdout);
    // backup, then restore over a database that holds data: refused without --yes, done with it.
    let backup = dir.join("a.backup");
    let output = run(hoshin(&dir).args(["--database", &db("a.db"), "backup"]).arg(&backup));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let refused = run(hoshin(&dir).args(["--database", &db("b.db"), "restore"]).arg(&backup));
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("restore would replace all of it"), "{}", text(&refused.stderr));
    let restored = run(hoshin(&dir).args(["--database", &db("b.db"), "restore", "--yes"]).arg(&backup));
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    let after = run(hoshin(&dir).args(["--database", &db("b.db"), "dump"]));
    assert_eq!(after.stdout, dump.stdout);
}

/// The crash test: a writer importing policy after policy is killed with SIGKILL; on restart the
/// database passes its integrity check and every policy is whole (a version, a working copy, its series rows
/// and exactly one audit entry per version).
#[test]
fn a_writer_killed_mid_import_leaves_no_partial_policy() {
    let dir = temp_dir("sigkill");
    for (round, wait_ms) in [(1u64, 700u64), (2, 1100), (3, 400)] {
        let mut writer = hoshin(&dir)
            .args(["gen", "--organizations", "5000", "--years", "1", "--seed"])
            .arg(round.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the writer has written policies (its WAL grows past the migrations), however slow the
        // machine, then a little more, different each round, so that the kill lands mid-import.
        let wal = dir.join("data").join("hoshin.db-wal");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::fs::metadata(&wal).map_or(0, |meta| meta.len()) < 2_000_000 {
            assert!(std::time::Instant::now() < deadline, "round {round}: the writer wrote nothing in 60 s");
            assert!(writer.try_wait().unwrap().is_none(), "round {round}: the writer finished before it was killed");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(wait_ms / 4));
        assert!(writer.try_wait().unwrap().is_none(), "round {round}: the writer finished before it was killed");
        writer.kill().unwrap(); // SIGKILL on Unix
        writer.wait().unwrap();
        let check = run(hoshin(&dir).arg("check"));
        assert!(check.status.success(), "round {round}: {}{}", text(&check.stdout), text(&check.stderr));
        let dump = text(&run(hoshin(&dir).arg("dump")).stdout);
        let rows = |table: &str| -> Vec<serde_json::Value> {
            let start = dump.find(&format!("\ntable {table} ")).unwrap();
            dump[start + 1..]
                .lines()
                .skip(1)
                .take_while(|line| !line.starts_with("end "))
                .map(|line| serde_json::from_str(line).unwrap())
                .collect()
        };
        let versions = rows("versions");
        let audit = rows("audit_log");
        let imports = audit.iter().filter(|entry| entry[3] == "import").count();
        assert!(!versions.is_empty(), "round {round}: nothing was imported before the kill");
        assert_eq!(imports, versions.len(), "round {round}: versions and import entries differ");
        assert_eq!(rows("working_copies").len(), rows("policies").len());
        // Each policy's latest version has its indicators in the series rows (a generated policy has at
        // least 8); earlier versions' rows were taken over by the later ones.
        let years = rows("indicator_years");
        let mut latest = std::collections::BTreeMap::new();
        for version in &versions {
            let (id, policy) = (version[0].as_i64().unwrap(), version[1].as_i64().unwrap());
            let entry = latest.entry(policy).or_insert(id);
            *entry = (*entry).max(id);
        }
        for id in latest.values() {
            let count = years.iter().filter(|row| row[2].as_i64() == Some(*id)).count();
            assert!(count >= 8, "round {round}: version {id} has {count} indicator rows");
        }
    }
}

#[test]
fn the_configuration_file_chooses_the_database_and_flags_win() {
    let dir = temp_dir("config");
    let config = dir.join("hoshin.toml");
    let chosen = dir.join("from-config.db");
    std::fs::write(&config, format!("database = \"sqlite:{}\"\nlisten = \"127.0.0.1:0\"\n", chosen.display())).unwrap();
    let output = run(hoshin(&dir).args(["--config", config.to_str().unwrap(), "migrate"]));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(chosen.exists(), "the database named in the configuration file was created");
    // A flag wins over the file.
    let flagged = dir.join("from-flag.db");
    let url = format!("sqlite:{}", flagged.display());
    let output = run(hoshin(&dir).args(["--config", config.to_str().unwrap(), "--database", &url, "migrate"]));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(flagged.exists());
    // The default file is read from the configuration directory, and a wrong key is named.
    std::fs::create_dir_all(dir.join("xdg/hoshin")).unwrap();
    std::fs::write(dir.join("xdg/hoshin/hoshin.toml"), "port = 80\n").unwrap();
    let output = run(hoshin(&dir).env("XDG_CONFIG_HOME", dir.join("xdg")).arg("check"));
    assert_eq!(output.status.code(), Some(1));
    let message = text(&output.stderr);
    assert!(message.contains("hoshin.toml") && message.contains("port") && message.contains("listen"), "{message}");
    // A listen address that is not one says how to write it.
    let output = run(hoshin(&dir).args(["--config", config.to_str().unwrap(), "serve", "--listen", "here"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("127.0.0.1:8470"), "{}", text(&output.stderr));
}

#[test]
fn export_sheet_and_csv_then_import_them_elsewhere_gives_the_same_policy() {
    let first = temp_dir("export-a");
    let second = temp_dir("export-b");
    for sample in ["sumiyoshi-r6-yearend.txt", "abeno-r5-issue5-yearend.txt"] {
        let output = run(hoshin(&first).arg("import").arg(samples().join(sample)));
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let sheet = first.join("sumiyoshi.xlsx");
    let csv = first.join("sumiyoshi.csv");
    let policy = ["--organization", "大阪市/住吉区", "--fiscal-year", "令和6年度"];
    let output = run(hoshin(&first).args(["export", "sheet"]).args(policy).arg("-o").arg(&sheet));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = run(hoshin(&first).args(["export", "csv"]).args(policy).args(["--stage", "year_end", "-o"]).arg(&csv));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&std::fs::read(&csv).unwrap()).starts_with("\u{FEFF}hoshin,key,value"));
    let pdf = first.join("sumiyoshi.pdf");
    let output = run(hoshin(&first).args(["export", "pdf"]).args(policy).arg("-o").arg(&pdf));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let layout = first.join("sumiyoshi-layout.xlsx");
    let output = run(hoshin(&first).args(["export", "layout"]).args(policy).arg("-o").arg(&layout));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(std::fs::read(&layout).unwrap().starts_with(b"PK"));
    // The workbook imports into another database as the same policy: its CSV export is byte for byte the same.
    let output = run(hoshin(&second).arg("import").arg(&sheet));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("imported 住吉区 令和6年度（2024年度） 年度末評価 as version 1"),
        "{}",
        text(&output.stdout)
    );
    let again = second.join("again.csv");
    let output = run(hoshin(&second).args(["export", "csv"]).args(policy).arg("-o").arg(&again));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&csv).unwrap());
    // So does the CSV.
    let third = temp_dir("export-c");
    let output = run(hoshin(&third).arg("import").arg(&csv));
    assert!(output.status.success(), "{}", text(&output.stderr));
    // A broken workbook says where, and nothing is imported; a policy that is not there is an error.
    let broken = text(&std::fs::read(&csv).unwrap()).replacen("令和10年度末までに55％以上", "がんばる", 1);
    let broken_path = third.join("broken.csv");
    std::fs::write(&broken_path, broken).unwrap();
    let output = run(hoshin(&temp_dir("export-d")).arg("import").arg(&broken_path));
    assert!(!output.status.success());
    let errors = text(&output.stderr);
    assert!(errors.contains("sheet 「indicators」 row ") && errors.contains(" column 「target」"), "{errors}");
    assert!(!errors.contains("out of place") && !errors.contains("no parent"), "one problem, not a cascade: {errors}");
    let output = run(hoshin(&first)
        .args(["export", "sheet", "--organization", "北区", "--fiscal-year", "2024", "-o"])
        .arg(&sheet));
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("北区"), "{}", text(&output.stderr));
}

/// Where a plain web server would look for `href` inside `root`: the decoded path, `index.html` for a
/// directory.
fn served_file(root: &Path, href: &str) -> PathBuf {
    let path = href.split(['#', '?']).next().unwrap_or("");
    let mut bytes = Vec::new();
    let raw = path.as_bytes();
    let mut at = 0;
    while at < raw.len() {
        if raw[at] == b'%' && at + 2 < raw.len() {
            if let Ok(byte) = u8::from_str_radix(&path[at + 1..at + 3], 16) {
                bytes.push(byte);
                at += 3;
                continue;
            }
        }
        bytes.push(raw[at]);
        at += 1;
    }
    let decoded = String::from_utf8(bytes).unwrap();
    let file = root.join(decoded.trim_start_matches('/'));
    if decoded.ends_with('/') || file.is_dir() {
        file.join("index.html")
    } else {
        file
    }
}

#[test]
fn the_static_site_and_the_open_data_package_are_complete() {
    let dir = temp_dir("site");
    for sample in ["sumiyoshi-r6-yearend.txt", "nishi-r6-plan.txt"] {
        let output = run(hoshin(&dir).arg("import").arg(samples().join(sample)));
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let site = dir.join("site");
    let output = run(hoshin(&dir).args(["export", "site"]).arg(&site));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("pages"), "{}", text(&output.stdout));
    for file in [
        "index.html",
        "en/index.html",
        "policies/大阪市/住吉区/2024/index.html",
        "policies/大阪市/住吉区/2024/policy_version-1.pdf",
        "data/2024/indicators.csv",
        "council/大阪市/住吉区/index.html",
        "static/hoshin.css",
    ] {
        assert!(site.join(file).is_file(), "{file} is in the static site");
    }
    // Every link of every page reaches a file, as a plain web server would look it up.
    let mut pages = vec![site.clone()];
    let mut checked = 0;
    while let Some(path) = pages.pop() {
        if path.is_dir() {
            pages.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
            continue;
        }
        if path.extension().and_then(|ext| ext.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(&path).unwrap();
        for attribute in ["href=\"/", "src=\"/"] {
            for part in html.split(attribute).skip(1) {
                let href = format!("/{}", part.split('"').next().unwrap());
                // What needs a server is not copied (search, forms, sign-in and the staff pages).
                let skip = ["/search", "/login", "/edit", "/opinion-box", "/inbox", "/account", "/admin"];
                let bare = href.strip_prefix("/en").unwrap_or(&href);
                if href.starts_with("//")
                    || skip.iter().any(|prefix| bare.starts_with(prefix))
                    || href.contains("/diff")
                {
                    continue;
                }
                let target = served_file(&site, &href.replace("&amp;", "&"));
                assert!(target.is_file(), "{}: the link {href} finds no file ({})", path.display(), target.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "{checked} links checked");

    // The open-data package of a year.
    let package = dir.join("open-data");
    let output = run(hoshin(&dir).args(["export", "open-data", "--fiscal-year", "令和6年度"]).arg(&package));
    assert!(output.status.success(), "{}", text(&output.stderr));
    for file in ["indicators.csv", "indicators.json", "dictionary.csv", "LICENSE.txt", "README.txt"] {
        assert!(package.join(file).is_file(), "{file}");
    }
    assert!(text(&std::fs::read(package.join("dictionary.csv")).unwrap()).contains("published_mark"));
    let output = run(hoshin(&dir).args(["export", "open-data", "--fiscal-year", "1999"]).arg(&package));
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("no indicators for fiscal year 1999"), "{}", text(&output.stderr));
}

#[test]
fn audit_prints_one_finding_per_line_with_the_item_and_the_values() {
    let dir = temp_dir("audit");
    for sample in ["abeno-r5-issue5-yearend.txt", "sumiyoshi-r6-yearend.txt"] {
        let output = run(hoshin(&dir).arg("import").arg(samples().join(sample)));
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let output = run(hoshin(&dir).args(["audit"]));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.lines().any(|line| line
            == "大阪市/阿倍野区 2023 [mark_differs] 経営課題5 戦略5-1 指標1: 令和3年度の区の評価Bと判定Aが異なります（実績 51.9%、目標 6年度までに70%以上）"),
        "{stdout}"
    );
    assert!(text(&output.stderr).contains("findings"));
    // Narrowed to one organization and year; a policy that is not there is an error.
    let output = run(hoshin(&dir).args(["audit", "--organization", "住吉区", "--fiscal-year", "2024"]));
    assert!(output.status.success());
    assert!(!text(&output.stdout).contains("阿倍野区"));
    let output = run(hoshin(&dir).args(["audit", "--organization", "北区"]));
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("no published policy matches"));
    let output = run(hoshin(&dir).args(["--lang", "en", "audit", "--organization", "阿倍野区"]));
    assert!(text(&output.stdout).contains("published mark B but computed A"), "{}", text(&output.stdout));
}
