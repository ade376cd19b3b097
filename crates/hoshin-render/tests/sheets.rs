//! The canonical workbook and CSV of every sample read back to exactly the same policy, through real files:
//! xlsx written here and read by calamine, CSV written with its guards and read back.

#![allow(clippy::unwrap_used)]

use hoshin_core::canonical::{to_sheets, Header};
use hoshin_core::PolicyContent;
use hoshin_import::canonical::{canonical_csv_rows, read_canonical};
use hoshin_import::samples::SAMPLES;
use hoshin_import::table::write_csv;
use hoshin_render::sheet::write_xlsx;

fn policies() -> Vec<(String, Header, PolicyContent)> {
    let mut out: Vec<_> = SAMPLES
        .iter()
        .map(|sample| {
            let (header, content) = sample.parse().canonical_policy().unwrap();
            (sample.file_name.to_string(), header, content)
        })
        .collect();
    // Text a spreadsheet would take for formulas, and the characters CSV must quote.
    let (_, header, mut content) = out[3].clone();
    content.goal = Some("=HYPERLINK(\"https://evil.example\",\"x\")".into());
    content.issues[0].title = "+1, \"引用\"\n二行目".into();
    content.issues[0].indicators[0].wording = "@SUM(A1) -3".into();
    out.push(("formulas".into(), header, content));
    out
}

#[test]
fn every_sample_round_trips_through_xlsx() {
    for (name, header, content) in policies() {
        let bytes = write_xlsx(&to_sheets(&header, &content)).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{name}: an xlsx file");
        let read = read_canonical(&bytes).expect("a canonical workbook");
        let (back_header, back) =
            read.unwrap_or_else(|error| panic!("{name}: {:?}", error.messages(hoshin_core::Lang::En)));
        assert_eq!(back_header, header, "{name}");
        assert_eq!(back, content, "{name}: the workbook reads back to another policy");
    }
}

#[test]
fn every_sample_round_trips_through_csv_with_formulas_neutralised() {
    for (name, header, content) in policies() {
        let csv = write_csv(&canonical_csv_rows(&to_sheets(&header, &content)));
        if name == "formulas" {
            assert!(csv.contains("'=HYPERLINK("), "formula-like cells are guarded in CSV");
            assert!(csv.contains("'@SUM(A1) -3"));
        }
        let (back_header, back) = read_canonical(csv.as_bytes()).expect("a canonical CSV").unwrap();
        assert_eq!(back_header, header, "{name}");
        assert_eq!(back, content, "{name}: the CSV reads back to another policy");
    }
}

#[test]
fn other_files_are_not_canonical_and_broken_ones_say_where() {
    assert!(read_canonical("課題番号,実績値\n1,50%\n".as_bytes()).is_none());
    let (_, header, content) = policies().remove(3);
    let mut sheets = to_sheets(&header, &content);
    let indicators = sheets.iter_mut().find(|sheet| sheet.name == "indicators").unwrap();
    let target = indicators.rows[0].1.iter().position(|c| c == "target").unwrap();
    indicators.rows[1].1[target] = "がんばる".into();
    let error = read_canonical(&write_xlsx(&sheets).unwrap()).unwrap().unwrap_err();
    let messages = error.messages(hoshin_core::Lang::Ja);
    assert!(messages.iter().any(|m| m.starts_with("シート「indicators」2行目「target」列")), "{messages:?}");
}
