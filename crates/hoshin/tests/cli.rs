//! The command line as users and other tools call it: the real binary, its output and exit codes.

#![allow(clippy::unwrap_used)] // tests and benches fail loudly on bad fixtures

use std::process::{Command, Output};

fn hoshin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoshin")).args(args).env_remove("HOSHIN_LANG").output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const SUMIYOSHI_1_1: [&str; 8] =
    ["target", "令和10年度末までに55％以上とする", "--actual", "43.9%", "--previous", "27.8%", "--fiscal-year", "2024"];

#[test]
fn target_prints_the_parsed_target_mark_and_explanation() {
    let output = hoshin(&SUMIYOSHI_1_1);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("目標: 令和10年度末までに55%以上\n"), "{text}");
    assert!(text.contains("判定: A (達成)"), "{text}");
    assert!(text.contains("令和5年度の実績 27.8% と比較: 目標に向けて改善"), "{text}");
}

#[test]
fn target_json_has_the_documented_keys() {
    let mut args = SUMIYOSHI_1_1.to_vec();
    args.push("--json");
    let output = hoshin(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["mark"], "A");
    assert_eq!(json["outcome"], "achieved");
    assert_eq!(json["fiscal_year"], 2024);
    assert_eq!(json["target"]["period"]["kind"], "by_deadline");
    assert_eq!(json["target"]["period"]["until"], 2028);
    assert_eq!(json["target"]["conditions"][0]["value"], "55");
    assert!(json["explanation"].as_array().unwrap().len() >= 4);
}

#[test]
fn judgments_for_each_rule_and_language() {
    // (args, expected mark in JSON)
    let cases: &[(&[&str], serde_json::Value)] = &[
        (
            &[
                "target",
                "令和10年度末までに55％以上",
                "--actual",
                "43.9%",
                "--fiscal-year",
                "2024",
                "--rule",
                "threshold",
            ],
            "B".into(),
        ),
        (
            &[
                "target",
                "令和10年度末まで毎年度20％以下とする",
                "--actual",
                "21.8%",
                "--previous",
                "23.7%",
                "--fiscal-year",
                "令和6年度",
            ],
            "B".into(),
        ),
        (
            &[
                "target",
                "③…を令和10年度末までに全12地域とする",
                "--actual",
                "６地域",
                "--previous",
                "６地域",
                "--fiscal-year",
                "R6",
            ],
            "B".into(),
        ),
        (
            &[
                "target",
                "6年度までに70%以上",
                "--actual",
                "52.5%",
                "--history",
                "2022=42.5%,2021=51.9%",
                "--fiscal-year",
                "2023",
                "--rule",
                "glide-path",
            ],
            "B".into(),
        ),
        (&["target", "前年度比5%増", "--actual", "42%", "--previous", "40%", "--fiscal-year", "2024"], "A".into()),
        (&["target", "前年度比5%増", "--actual", "42%", "--fiscal-year", "2024"], serde_json::Value::Null),
        (&["target", "48%以上"], serde_json::Value::Null),
    ];
    for (args, mark) in cases {
        let mut args = args.to_vec();
        args.push("--json");
        let output = hoshin(&args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(&json["mark"], mark, "{args:?}");
    }
    let output =
        hoshin(&["--lang", "en", "target", "令和10年度末までに55％以上", "--actual", "60%", "--fiscal-year", "2024"]);
    assert!(stdout(&output).contains("mark: A (achieved)"), "{}", stdout(&output));
}

#[test]
fn unreadable_input_exits_non_zero_with_the_reason() {
    let cases: &[(&[&str], &str)] = &[
        (&["target", "地域活動の活性化"], "the target cannot be read (not evaluable)"),
        (&["target", "6年度までに70%以上"], "names no era"),
        (
            &["target", "50%以上", "--actual", "たくさん", "--fiscal-year", "2024"],
            "--actual: 「たくさん」 is not a value",
        ),
        (&["target", "50%以上", "--actual", "40%"], "--actual needs --fiscal-year"),
        (&["target", "50%以上", "--fiscal-year", "来年"], "--fiscal-year"),
        (&["target", "50%以上", "--fiscal-year", "2024", "--history", "2023:40%"], "write YEAR=VALUE"),
    ];
    for (args, message) in cases {
        let output = hoshin(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
        assert!(stdout(&output).is_empty(), "{args:?}");
    }
    // Usage errors are clap's: exit code 2.
    assert_eq!(hoshin(&["target", "50%", "--rule", "luck"]).status.code(), Some(2));
}
