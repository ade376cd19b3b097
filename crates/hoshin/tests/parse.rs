//! `hoshin parse` as other tools call it: the documented JSON keys and CSV columns on the real samples, and
//! what happens with input that is not a policy.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/samples").join(name).display().to_string()
}

fn hoshin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoshin")).args(args).env_remove("HOSHIN_LANG").output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn json_has_the_documented_top_level_keys() {
    let output = hoshin(&["parse", &sample("sumiyoshi-r6-yearend.txt"), "--json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for key in ["organization", "city", "fiscal_year", "stage", "head", "issues", "diagnostics", "coverage"] {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(json["organization"], "住吉区");
    assert_eq!(json["city"], "大阪市");
    assert_eq!(json["fiscal_year"], 2024);
    assert_eq!(json["stage"], "year_end");
    assert_eq!(json["head"], "橘 隆義");
    assert_eq!(json["issues"].as_array().unwrap().len(), 4);
    assert_eq!(json["coverage"]["unassigned"].as_array().unwrap().len(), 0);
    let first = &json["issues"][0]["indicators"][0];
    assert_eq!(first["results"][0]["actual"], "43.9%");
    assert_eq!(first["results"][0]["mark"], "A");
    assert_eq!(first["results"][0]["computed_mark"], "A");
    assert_eq!(first["results"][0]["check"], "agrees");
    assert_eq!(first["previous_actual"], "27.8%");
    assert_eq!(json["issues"][0]["budgets"][0]["yen"], 62_000_000);
}

#[test]
fn nishi_has_no_city_and_says_why() {
    let output = hoshin(&["parse", &sample("nishi-r6-plan.txt"), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["organization"], "西区");
    assert!(json["city"].is_null(), "西区 is also a ward of other cities");
    assert_eq!(json["stage"], "final");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(diagnostics.iter().any(|d| d["message"].as_str().unwrap().contains("--city")));
    let with_city = hoshin(&["parse", &sample("nishi-r6-plan.txt"), "--json", "--city", "大阪市"]);
    let json: serde_json::Value = serde_json::from_slice(&with_city.stdout).unwrap();
    assert_eq!(json["city"], "大阪市");
}

#[test]
fn indicators_csv_has_the_documented_columns() {
    let output = hoshin(&["parse", &sample("sumiyoshi-r6-yearend.txt"), "--indicators"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let csv = text(&output.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "issue,number,indicator,target,actual,mark,previous,computed_mark");
    assert_eq!(lines.len(), 15, "a header and 14 indicators");
    assert!(lines[1].starts_with("1,1,区民意識調査で「住んでいる地域において"), "{}", lines[1]);
    assert!(lines[1].ends_with(",令和10年度末までに55％以上とする。,43.9%,A,27.8%,A"), "{}", lines[1]);
    assert!(lines[5].ends_with(",82.8%,A,,A"), "a printed 「－」 is an empty previous: {}", lines[5]);
    assert!(lines[9].ends_with(",21.8%,B,23.7%,B"), "{}", lines[9]);
}

#[test]
fn indicators_csv_quotes_commas_and_flags_differences() {
    let output = hoshin(&["parse", &sample("higashiyodogawa-plan20-summary.txt"), "--indicators"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(",\"12,000世帯以上\","));
    // Abeno marks outcome indicators against the final target; meet-or-improve computes A for an improvement.
    let output = hoshin(&["parse", &sample("abeno-r5-issue5-yearend.txt"), "--indicators"]);
    let csv = text(&output.stdout);
    assert!(
        csv.contains("区政情報の効果的な発信ができていると思う区民の割合,6年度までに70%以上,52.5%,B,42.5%,A"),
        "{csv}"
    );
    let output = hoshin(&["parse", &sample("abeno-r5-issue5-yearend.txt"), "--indicators", "--rule", "threshold"]);
    let csv = text(&output.stdout);
    assert!(
        csv.contains("区政情報の効果的な発信ができていると思う区民の割合,6年度までに70%以上,52.5%,B,42.5%,B"),
        "{csv}"
    );
}

#[test]
fn outline_is_the_default() {
    let output = hoshin(&["parse", &sample("nishi-r6-plan.txt")]);
    assert!(output.status.success());
    let outline = text(&output.stdout);
    assert!(outline.starts_with("layout: common\norganization: 西区"), "{outline}");
    assert!(outline.contains("coverage: 35 lines"), "{outline}");
}

#[test]
fn shift_jis_files_are_decoded() {
    let dir = tempdir();
    let source = std::fs::read_to_string(sample("nishi-r6-plan.txt")).unwrap();
    let (encoded, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&source);
    assert!(!unmappable);
    let path = dir.join("nishi-sjis.txt");
    std::fs::write(&path, &encoded).unwrap();
    let from_sjis = hoshin(&["parse", path.to_str().unwrap(), "--indicators"]);
    let from_utf8 = hoshin(&["parse", &sample("nishi-r6-plan.txt"), "--indicators"]);
    assert!(from_sjis.status.success(), "{}", text(&from_sjis.stderr));
    assert_eq!(from_sjis.stdout, from_utf8.stdout);
}

#[test]
fn bad_input_exits_non_zero_with_a_message() {
    let dir = tempdir();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("empty.txt", Vec::new(), "the file is empty"),
        ("binary.bin", vec![0x89, b'P', b'N', b'G', 0, 0, 1, 2], "binary"),
        ("recipe.txt", "カレーの作り方\n玉ねぎを炒める\n".as_bytes().to_vec(), "not an operating policy"),
        ("large.txt", vec![b'a'; 20 * 1024 * 1024 + 1], "20 MB"),
    ];
    for (name, bytes, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = hoshin(&["parse", path.to_str().unwrap(), "--json"]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with("error: ") && stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: the message names the file: {stderr}");
        assert!(output.stdout.is_empty(), "{name}: nothing on standard output");
    }
    let missing = hoshin(&["parse", dir.join("missing.txt").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hoshin-parse-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A real PDF (Japanese text in a CID font, made with ReportLab from lines of the Sumiyoshi sample) read
/// through `pdftotext`, which `scripts/test` installs (poppler-utils, poppler-data) when it is missing.
#[test]
fn pdf_files_are_read_through_pdftotext() {
    let pdf = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sumiyoshi-excerpt.pdf");
    let output = hoshin(&["parse", pdf.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["organization"], "住吉区");
    assert_eq!(json["fiscal_year"], 2024);
    assert_eq!(json["head"], "橘 隆義");
    assert_eq!(json["issues"][0]["budgets"][2]["yen"], 64_000_000);
    let indicator = &json["issues"][0]["indicators"][0];
    assert_eq!(indicator["results"][0]["actual"], "43.9%");
    assert_eq!(indicator["results"][0]["mark"], "A");
    assert_eq!(indicator["previous_actual"], "27.8%");
    assert_eq!(json["coverage"]["unassigned"].as_array().unwrap().len(), 0);
}

#[test]
fn a_broken_pdf_is_refused_with_a_message() {
    let dir = tempdir();
    let path = dir.join("broken.pdf");
    std::fs::write(&path, b"%PDF-1.4\nthis is not really a pdf\n").unwrap();
    let output = hoshin(&["parse", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("broken.pdf") && (stderr.contains("pdftotext") || stderr.contains("no text")), "{stderr}");
}

fn markup(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/markup").join(name).display().to_string()
}

#[test]
fn web_pages_and_converter_markdown_are_detected_and_read_whole() {
    // The page's dated note 「進捗管理（中間振り返り）を実施しました」 is the latest stage it shows.
    for (file, format, organization, stage, indicators) in [
        ("nishi-r6-plan.html", "html", "西区", "mid_year_review", 10),
        ("sumiyoshi-r6-yearend.md", "markdown", "住吉区", "year_end", 14),
    ] {
        let output = hoshin(&["parse", &markup(file), "--json"]);
        assert!(output.status.success(), "{file}: {}", text(&output.stderr));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["format"], format, "{file}");
        assert_eq!(json["organization"], organization, "{file}");
        assert_eq!(json["fiscal_year"], 2024, "{file}");
        assert_eq!(json["stage"], stage, "{file}");
        assert_eq!(json["coverage"]["unassigned"].as_array().unwrap().len(), 0, "{file}: {}", json["coverage"]);
        let csv = hoshin(&["parse", &markup(file), "--indicators"]);
        assert_eq!(text(&csv.stdout).lines().count(), indicators + 1, "{file}: a header and one row per indicator");
    }
    // The repeated tables of the markdown are read once: the year-end rows are the text sample's.
    let from_markdown = text(&hoshin(&["parse", &markup("sumiyoshi-r6-yearend.md"), "--indicators"]).stdout);
    let from_text = text(&hoshin(&["parse", &sample("sumiyoshi-r6-yearend.txt"), "--indicators"]).stdout);
    assert_eq!(from_markdown, from_text);
}
