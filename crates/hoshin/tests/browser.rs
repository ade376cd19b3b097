//! End to end in a real browser: `hoshin demo` on a fresh embedded database, driven through headless Chromium
//! by ChromeDriver (W3C WebDriver). A reader opens the home page, goes to Sumiyoshi FY2024, opens an outcome
//! indicator, finds the chart drawn and the values and marks of the document, searches, and switches to
//! English. Screenshots of each step are kept in `target/e2e-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/test installs them); without them the test fails
//! with what to install, it never skips.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{add_user, start, Running};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn find_program(names: &[&str]) -> PathBuf {
    for name in names {
        for dir in std::env::var("PATH").unwrap_or_default().split(':').chain(["/usr/bin", "/usr/lib/chromium"]) {
            let path = Path::new(dir).join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!("{} not found: install Debian's chromium and chromium-driver (scripts/test does)", names.join(" or "));
}

struct Driver {
    agent: ureq::Agent,
    base: String,
    session: String,
    screenshots: PathBuf,
}

impl Driver {
    fn start(profile: &Path, screenshots: PathBuf) -> (Running, Driver) {
        let chromedriver = find_program(&["chromedriver"]);
        let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let running = Running(child);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--disable-quic", "--window-size=1280,1600", "--lang=ja",
                        format!("--user-data-dir={}", profile.display()),
                    ]
                }
            }}
        });
        let mut response = agent.post(&format!("{base}/session")).send_json(&capabilities).unwrap();
        let body: Value = response.body_mut().read_json().unwrap();
        let session =
            body["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no browser session: {body}")).to_string();
        std::fs::create_dir_all(&screenshots).unwrap();
        (running, Driver { agent, base, session, screenshots })
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_command(method, path, body).unwrap_or_else(|error| panic!("WebDriver {method} {path}: {error}"))
    }

    /// A WebDriver command whose failure the caller handles, such as a script run while a page is loading.
    fn try_command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call().unwrap(),
            ("DELETE", _) => self.agent.delete(&url).call().unwrap(),
            (_, body) => self.agent.post(&url).send_json(body.unwrap_or_else(|| json!({}))).unwrap(),
        };
        let status = response.status();
        let value: Value = response.body_mut().read_json().unwrap();
        if status.is_success() {
            Ok(value["value"].clone())
        } else {
            Err(value)
        }
    }

    fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.command("GET", "/url", None).as_str().unwrap().to_string()
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.command("POST", "/elements", Some(json!({ "using": "css selector", "value": css })));
        found.as_array().unwrap().iter().map(|element| element[ELEMENT].as_str().unwrap().to_string()).collect()
    }

    /// The first element matching `css`, waiting up to ten seconds for it.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(first) = self.find_all(css).into_iter().next() {
                return first;
            }
            assert!(Instant::now() < deadline, "no element 「{css}」 on {}", self.url());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, element: &str) -> String {
        self.command("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or("").to_string()
    }

    fn click(&self, element: &str) {
        self.command("POST", &format!("/element/{element}/click"), None);
    }

    fn clear(&self, element: &str) {
        self.command("POST", &format!("/element/{element}/clear"), None);
    }

    fn type_text(&self, element: &str, text: &str) {
        self.command("POST", &format!("/element/{element}/value"), Some(json!({ "text": text })));
    }

    fn script(&self, script: &str) -> Value {
        self.command("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    /// Runs `action`, which leads to another page, and waits until that new page has loaded and its URL
    /// satisfies `done`. The old page is marked first, so a URL that already satisfies `done` (a form that
    /// posts back to the page it came from) cannot end the wait before the browser has left.
    fn leave(&self, action: impl FnOnce(&Self), done: impl Fn(&str) -> bool) {
        self.script("window.hoshinLeaving = true;");
        action(self);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let check = json!({
                "script": "return window.hoshinLeaving === undefined && document.readyState === 'complete';",
                "args": [],
            });
            let arrived = self.try_command("POST", "/execute/sync", Some(check)) == Ok(Value::Bool(true));
            if arrived && done(&self.url()) {
                return;
            }
            assert!(Instant::now() < deadline, "still at {}", self.url());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks a link or button that leads to another page and waits for it, as [`Driver::leave`].
    fn click_through(&self, element: &str, done: impl Fn(&str) -> bool) {
        self.leave(|browser| browser.click(element), done);
    }

    fn screenshot(&self, name: &str) {
        let data = self.command("GET", "/screenshot", None);
        let bytes = base64_decode(data.as_str().unwrap());
        assert!(bytes.starts_with(b"\x89PNG"), "a screenshot is a PNG");
        std::fs::write(self.screenshots.join(format!("{name}.png")), bytes).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.agent.delete(&format!("{}/session/{}", self.base, self.session)).call();
    }
}

/// Standard base64, as WebDriver sends screenshots.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// What the Sumiyoshi FY2024 document itself says of its first outcome indicator: wording, actual, mark.
fn first_sumiyoshi_indicator() -> (String, String, String) {
    let parsed = hoshin_import::samples::sample("sumiyoshi").unwrap().parse();
    let indicator = &parsed.content.issues[0].indicators[0];
    let year = parsed.fiscal_year.unwrap();
    let result = indicator.result(year).unwrap();
    (
        indicator.wording.clone(),
        result.actual.as_ref().unwrap().original.clone(),
        result.published_mark.as_ref().unwrap().mark.letter().to_string(),
    )
}

#[test]
fn a_reader_browses_the_demo_in_chromium() {
    let temp = std::env::temp_dir().join(format!("hoshin-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let screenshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    let (_server, address) = start(&temp.join("data"), None, "demo");
    let (_chromedriver, browser) = Driver::start(&temp.join("profile"), screenshots);

    // The home page: the matrix of organizations and years.
    browser.goto(&format!("{address}/"));
    assert_eq!(browser.script("return document.documentElement.lang"), "ja");
    assert_eq!(browser.text(&browser.find("h1")), "区の運営方針");
    browser.screenshot("1-home");

    // To Sumiyoshi FY2024 through the matrix.
    let sumiyoshi_row = browser
        .find_all("table.matrix tbody tr")
        .into_iter()
        .find(|row| browser.text(row).contains("住吉区"))
        .expect("a row for 住吉区");
    let cell_link = browser.command(
        "POST",
        &format!("/element/{sumiyoshi_row}/element"),
        Some(json!({ "using": "css selector", "value": "td a[href*='/2024']" })),
    );
    browser.click_through(cell_link[ELEMENT].as_str().unwrap(), |url| url.ends_with("/2024"));
    let heading = browser.text(&browser.find("h1"));
    assert!(heading.contains("住吉区") && heading.contains("令和6年度"), "{heading}");
    assert_eq!(browser.find_all("tr[id^='issues-']").len(), 14, "Sumiyoshi FY2024 has 14 outcome indicators");
    browser.screenshot("2-sumiyoshi-2024");

    // An outcome indicator: the chart is drawn and the values and the mark are the document's.
    let (wording, actual, mark) = first_sumiyoshi_indicator();
    let link = browser
        .find_all("tr[id^='issues-'] a[href^='/indicators/']")
        .into_iter()
        .find(|link| browser.text(link) == wording)
        .unwrap_or_else(|| panic!("a link to 「{wording}」"));
    browser.click_through(&link, |url| url.contains("/indicators/"));
    let circles = browser.script("return document.querySelectorAll('svg.chart circle').length").as_u64().unwrap();
    assert!(circles >= 1, "the chart has its points");
    let drawn = browser
        .script("var b = document.querySelector('svg.chart').getBoundingClientRect(); return b.width * b.height;");
    assert!(drawn.as_f64().unwrap() > 10_000.0, "the chart is laid out on the page");
    let row = browser
        .find_all("#values tbody tr")
        .into_iter()
        .find(|row| browser.text(row).contains("2024"))
        .expect("a row for FY2024");
    let row_text = browser.text(&row);
    assert!(row_text.contains(&actual), "the FY2024 row 「{row_text}」 shows the actual {actual}");
    assert!(row_text.contains(&mark), "the FY2024 row 「{row_text}」 shows the mark {mark}");
    browser.screenshot("3-indicator");

    // Search from the header.
    let search_box = browser.find("#site-search");
    browser.leave(|browser| browser.type_text(&search_box, "防災\u{E007}"), |url| url.contains("/search?q="));
    let highlighted = browser.find_all(".hit mark");
    assert!(!highlighted.is_empty(), "the hits are highlighted");
    assert_eq!(browser.text(&highlighted[0]), "防災");
    browser.screenshot("4-search");

    // Switch to English on the same page.
    browser.click_through(&browser.find("#language-switch"), |url| url.contains("/en/search"));
    assert_eq!(browser.script("return document.documentElement.lang"), "en");
    assert_eq!(browser.text(&browser.find("h1")), "Search");
    assert!(!browser.find_all(".hit mark").is_empty(), "the same hits in English");
    browser.screenshot("5-english");

    // On a phone: the page fits the screen's width (wide tables scroll inside their own box).
    browser.command("POST", "/window/rect", Some(json!({ "width": 390, "height": 844 })));
    browser.goto(&format!("{address}/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024"));
    browser.find("h1");
    let overflow = browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assert!(overflow.as_i64().unwrap() <= 0, "the page is {overflow} px wider than a phone's screen");
    browser.screenshot("6-phone");

    let _ = std::fs::remove_dir_all(&temp);
}

fn sign_in(browser: &Driver, address: &str, name: &str) {
    browser.goto(&format!("{address}/login"));
    browser.type_text(&browser.find("#name"), name);
    let password = browser.find("#password");
    browser.leave(
        |browser| browser.type_text(&password, &format!("{name}-password-123\u{E007}")),
        |url| url.ends_with("/edit"),
    );
}

fn sign_out(browser: &Driver) {
    browser.click_through(&browser.find(".workbar button[type=submit]"), |url| !url.contains("/edit"));
}

/// Opens an item's form from the editor's outline, replaces fields, saves, and waits for the editor.
fn edit_fields(browser: &Driver, path: &str, fields: &[(&str, &str)]) {
    browser.click_through(&browser.find(&format!("a[href$='/item?path={path}']")), |url| url.contains("/item?path="));
    for (field, text) in fields {
        let input = browser.find(&format!("[name='{field}']"));
        browser.clear(&input);
        browser.type_text(&input, text);
    }
    browser.click_through(&browser.find("#save"), |url| url.contains("saved=1"));
}

#[test]
fn staff_draft_approve_publish_and_enter_actuals_in_chromium() {
    let temp = std::env::temp_dir().join(format!("hoshin-e2e-staff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let data = temp.join("data");
    add_user(&data, None, "sumiyoshi-editor", "editor", "大阪市/住吉区");
    add_user(&data, None, "sumiyoshi-mayor", "approver", "大阪市/住吉区");
    let screenshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    let (_server, address) = start(&data, None, "demo");
    let (_chromedriver, browser) = Driver::start(&temp.join("profile"), screenshots);
    let public_2025 = format!("{address}/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2025");

    // The editor starts FY2025's first draft from FY2024 by roll-over.
    sign_in(&browser, &address, "sumiyoshi-editor");
    let row = browser
        .find_all("table.drafts tbody tr")
        .into_iter()
        .find(|row| browser.text(row).contains("住吉区"))
        .expect("a row for 住吉区");
    let roll_over = browser.command(
        "POST",
        &format!("/element/{row}/element"),
        Some(json!({ "using": "css selector", "value": "button" })),
    );
    browser.click_through(roll_over[ELEMENT].as_str().unwrap(), |url| url.ends_with("/2025"));
    browser.screenshot("7-roll-over");

    // A target: the script shows how it reads while typing; saving stores it.
    browser
        .click_through(&browser.find("a[href$='/item?path=issues/1/indicators/1']"), |url| url.contains("/item?path="));
    let target = browser.find("[name='target']");
    browser.clear(&target);
    browser.type_text(&target, "令和8年度までに75%以上");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = browser.text(&browser.find("output[for='f-target']"));
        if shown.contains("75") {
            break;
        }
        assert!(Instant::now() < deadline, "the target's reading is not shown while typing: 「{shown}」");
        std::thread::sleep(Duration::from_millis(100));
    }
    browser.screenshot("8-target");
    browser.click_through(&browser.find("#save"), |url| url.contains("saved=1"));
    // A budget in its written form.
    browser.click_through(&browser.find("a[href$='/item?path=issues/1']"), |url| url.contains("/item?path="));
    let blank_year = browser
        .find_all("input[name^='budgets.'][name$='.year']")
        .into_iter()
        .find(|input| browser.command("GET", &format!("/element/{input}/property/value"), None).as_str() == Some(""));
    let blank_year = blank_year.expect("a blank budget row");
    let name = browser.command("GET", &format!("/element/{blank_year}/attribute/name"), None);
    let row = name.as_str().unwrap().split('.').nth(1).unwrap().to_string();
    browser.type_text(&blank_year, "令和7年度");
    browser.type_text(&browser.find(&format!("[name='budgets.{row}.amount']")), "85百万円");
    browser.click_through(&browser.find("#save"), |url| url.contains("saved=1"));
    // The editor submits the first draft; the public site does not show it yet.
    browser.click_through(&browser.find("#submit"), |url| url.contains("saved=1"));
    assert!(browser.text(&browser.find("#state")).contains("承認待ち"));
    sign_out(&browser);
    browser.goto(&public_2025);
    assert!(
        browser.text(&browser.find("h1")).contains("見つかりません")
            || browser.find_all("tr[id^='issues-']").is_empty()
    );

    // The mayor approves and publishes; the public site shows the new target and budget.
    sign_in(&browser, &address, "sumiyoshi-mayor");
    browser.goto(&format!("{address}/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2025"));
    browser.click_through(&browser.find("#publish"), |url| url.contains("saved=1"));
    sign_out(&browser);
    browser.goto(&public_2025);
    let page = browser.text(&browser.find("main"));
    assert!(page.contains("令和8年度までに75%以上"), "the published target is public");
    assert!(page.contains("85百万円"), "the published budget is public");
    browser.screenshot("9-published");

    // Year-end: the editor enters an actual for FY2024 and submits the year-end evaluation; the mayor
    // publishes it.
    sign_in(&browser, &address, "sumiyoshi-editor");
    browser.goto(&format!("{address}/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024"));
    edit_fields(
        &browser,
        "issues/1/indicators/1",
        &[("results.0.actual", "99.9%"), ("results.0.reason", "区民アンケートの再集計による")],
    );
    edit_fields(&browser, "issues/1", &[("self_evaluation", "防災訓練の参加者が増え、目標を上回った。")]);
    // More actuals in bulk: a pasted table, previewed with its judgment, then saved.
    browser.click_through(&browser.find("#bulk-actuals"), |url| url.ends_with("/actuals"));
    browser.type_text(&browser.find("#sheet-text"), "課題番号,指標番号,実績値\n2,1,83.5%\n");
    browser.click_through(&browser.find("#check"), |url| url.ends_with("/actuals"));
    let summary = browser.text(&browser.find("#summary"));
    assert!(summary.contains("変更される指標 1件"), "the preview: 「{summary}」");
    let change = browser.text(&browser.find("table.bulk-changes tbody tr"));
    assert!(change.contains("82.8%") && change.contains("83.5%"), "before and after: 「{change}」");
    browser.screenshot("10-bulk-preview");
    browser.click_through(&browser.find("#apply"), |url| url.contains("saved=1"));
    browser.click_through(&browser.find("#submit"), |url| url.contains("saved=1"));
    sign_out(&browser);
    sign_in(&browser, &address, "sumiyoshi-mayor");
    browser.goto(&format!("{address}/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024"));
    browser.click_through(&browser.find("#publish"), |url| url.contains("saved=1"));
    browser.goto(&format!("{address}/policies/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024"));
    let page = browser.text(&browser.find("main"));
    assert!(page.contains("防災訓練の参加者が増え、目標を上回った。"), "the self-evaluation is public");
    assert!(page.contains("99.9%"), "the entered actual is public");
    assert!(page.contains("83.5%"), "the actual entered in bulk is public");
    browser.screenshot("11-year-end");

    let _ = std::fs::remove_dir_all(&temp);
}

/// Chooses the option of a `<select>` whose text contains `text`.
fn choose(browser: &Driver, select: &str, text: &str) {
    let option = browser
        .find_all(&format!("{select} option"))
        .into_iter()
        .find(|option| browser.text(option).contains(text))
        .unwrap_or_else(|| panic!("no option 「{text}」 in {select}"));
    browser.click(&option);
}

#[test]
fn a_council_opinion_is_answered_reflected_and_public_in_chromium() {
    let temp = std::env::temp_dir().join(format!("hoshin-e2e-council-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let data = temp.join("data");
    add_user(&data, None, "sumiyoshi-editor", "editor", "大阪市/住吉区");
    add_user(&data, None, "sumiyoshi-mayor", "approver", "大阪市/住吉区");
    add_user(&data, None, "sumiyoshi-member", "council_member", "大阪市/住吉区");
    let screenshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    let (_server, address) = start(&data, None, "demo");
    let (_chromedriver, browser) = Driver::start(&temp.join("profile"), screenshots);
    let policy = format!("{address}/edit/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA/2024");

    // The ward registers the member's account on its council.
    sign_in(&browser, &address, "sumiyoshi-editor");
    browser.goto(&policy);
    browser.click_through(&browser.find("#council-records"), |url| url.ends_with("/council"));
    browser.type_text(&browser.find("#member-name"), "住吉 花子");
    browser.type_text(&browser.find("#member-user"), "sumiyoshi-member");
    let add = browser.find("#members button[type=submit]");
    browser.click_through(&add, |url| url.contains("saved=1"));
    sign_out(&browser);

    // The member reads the draft and gives an opinion on the first issue.
    sign_in(&browser, &address, "sumiyoshi-member");
    browser.goto(&policy);
    browser.click_through(&browser.find("a[href$='/opinion?path=issues/1']"), |url| url.contains("/opinion?path="));
    browser.type_text(&browser.find("#text"), "防災訓練に若い世代が参加しやすい工夫を加えてほしい。");
    browser.click_through(&browser.find("#give-opinion"), |url| url.contains("saved=1"));
    browser.screenshot("12-member-opinion");
    sign_out(&browser);

    // The ward reflects it in the policy, the mayor publishes the new version.
    sign_in(&browser, &address, "sumiyoshi-editor");
    browser.goto(&policy);
    edit_fields(&browser, "issues/1", &[("future_policy", "若い世代が参加しやすい防災訓練を企画する。")]);
    browser.click_through(&browser.find("#submit"), |url| url.contains("saved=1"));
    sign_out(&browser);
    sign_in(&browser, &address, "sumiyoshi-mayor");
    browser.goto(&policy);
    browser.click_through(&browser.find("#publish"), |url| url.contains("saved=1"));
    sign_out(&browser);

    // The ward answers the opinion and names the version it landed in.
    sign_in(&browser, &address, "sumiyoshi-editor");
    browser.goto(&format!("{policy}/council"));
    let status = browser.find("#opinions select[name=status]");
    browser.click(&status);
    choose(&browser, "#opinions select[name=status]", "反映");
    browser.type_text(&browser.find("#opinions textarea[name=text]"), "今後の方針に反映しました。");
    let versions = browser.find_all("#opinions select[name=version] option");
    browser.click(versions.last().expect("a version to choose"));
    browser.click_through(&browser.find("#opinions form button[type=submit]"), |url| url.contains("saved=1"));
    sign_out(&browser);

    // The public ledger shows the chain: the opinion, the response and the version it landed in.
    browser.goto(&format!("{address}/council/%E5%A4%A7%E9%98%AA%E5%B8%82/%E4%BD%8F%E5%90%89%E5%8C%BA?year=2024"));
    let ledger = browser.text(&browser.find("ol.ledger"));
    assert!(ledger.contains("防災訓練に若い世代が参加しやすい工夫を加えてほしい。"), "{ledger}");
    assert!(ledger.contains("反映") && ledger.contains("今後の方針に反映しました。"), "{ledger}");
    assert!(ledger.contains("住吉 花子"), "{ledger}");
    browser.screenshot("13-ledger");
    let landed = browser.find("ol.ledger .response a");
    browser.click_through(&landed, |url| url.contains("version="));
    let page = browser.text(&browser.find("main"));
    assert!(page.contains("若い世代が参加しやすい防災訓練を企画する。"), "the version it landed in holds the change");
    let _ = std::fs::remove_dir_all(&temp);
}
