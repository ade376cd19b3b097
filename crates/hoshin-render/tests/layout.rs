//! The common-format workbook of every sample, read back cell by cell and held golden
//! (`UPDATE_EXPECT=1` rewrites `tests/golden/*.layout.txt`): what a person sees in each sheet, row by row.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use hoshin_import::samples::SAMPLES;
use hoshin_import::table::read_workbook_sheets;
use hoshin_render::layout::write_layout;

#[test]
fn the_layout_workbook_of_every_sample_is_golden() {
    for sample in &SAMPLES {
        let (header, content) = sample.parse().canonical_policy().unwrap();
        let bytes = write_layout(&header, &content).unwrap();
        let mut actual = String::new();
        for (name, rows) in read_workbook_sheets(&bytes).unwrap() {
            actual.push_str(&format!("== {name}\n"));
            for row in rows.iter().filter(|row| !row.is_blank()) {
                let cells: Vec<String> = row.cells.iter().map(|cell| cell.replace('\n', "⏎")).collect();
                actual.push_str(&format!("{:>3}: {}\n", row.number, cells.join(" | ").trim_end_matches(" | ")));
            }
        }
        let name = sample.file_name.trim_end_matches(".txt");
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.layout.txt"));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(expected == actual, "{} differs: rerun with UPDATE_EXPECT=1 and review the diff", path.display());
        // Every issue has its sheet, and the outcome indicators are there with their marks.
        for issue in &content.issues {
            assert!(actual.contains(&format!("== 経営課題{}", issue.id)), "{name}: issue {}", issue.id);
        }
    }
}
