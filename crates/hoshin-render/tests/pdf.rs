//! The common-format PDF of every sample: typeset with a real Japanese font; the text extracted back from
//! the PDF (Poppler's pdftotext) holds every field of the policy; the pages rendered to PNG are kept in
//! target/pdf-pages for a person to look at; the layout's markup is golden (`UPDATE_EXPECT=1` rewrites).

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use hoshin_core::canonical::{to_sheets, Header};
use hoshin_core::PolicyContent;
use hoshin_import::samples::SAMPLES;
use hoshin_render::pdf::{markup, render_pdf, Fonts};

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load().expect("a Japanese font (scripts/test installs fonts-noto-cjk)"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn samples() -> Vec<(String, Header, PolicyContent)> {
    SAMPLES
        .iter()
        .map(|sample| {
            let (header, content) = sample.parse().canonical_policy().unwrap();
            (sample.file_name.trim_end_matches(".txt").to_string(), header, content)
        })
        .collect()
}

/// Text without any whitespace, as the comparison sees it: a PDF breaks lines wherever a cell is full.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_field_of_every_sample_is_in_the_pdf_text() {
    let pages = root().join("target/pdf-pages");
    std::fs::create_dir_all(&pages).unwrap();
    for (name, header, content) in samples() {
        let pdf = render_pdf(&header, &content, fonts()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{name}");
        let path = pages.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        let output = Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&path).arg("-").output().unwrap();
        assert!(output.status.success(), "pdftotext: {}", String::from_utf8_lossy(&output.stderr));
        let raw = String::from_utf8(output.stdout).unwrap();
        // The stage is in the running header, and pages are numbered 「n / N」.
        let running = format!(
            "{} {}運営方針 {}",
            header.fiscal_year.label(hoshin_core::Lang::Ja),
            header.organization.name,
            header.stage.label(hoshin_core::Lang::Ja)
        );
        let pages_count = raw.matches(&running).count();
        assert!(pages_count >= 1, "{name}: the running header 「{running}」 on every page");
        assert!(raw.contains(&format!("1 / {pages_count}")), "{name}: page numbers");
        // The body without the running header and footer, which a page break puts inside a long text.
        let body: Vec<&str> = raw
            .lines()
            .filter(|line| {
                line.trim() != running
                    && !line
                        .trim()
                        .split_once(" / ")
                        .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
            })
            .collect();
        let mut text = squeeze(&body.join("\n"));
        // A table's header row repeats on each page it runs onto; only its first print is the layout's.
        for title in ["アウトカム指標", "プロセス指標", "単年度の目標", "目標"] {
            let repeated = format!("{title}目標実績区の評価判定");
            if let Some(first) = text.find(&repeated) {
                let rest = text.split_off(first + repeated.len());
                text.push_str(&rest.replace(&repeated, ""));
            }
        }
        // Every value of every field of every item, as the canonical form lists them.
        let mut missing = Vec::new();
        for sheet in to_sheets(&header, &content).iter().filter(|sheet| sheet.name != "hoshin") {
            let Some(((_, head), rows)) = sheet.rows.split_first() else { continue };
            for (_, cells) in rows {
                for (column, cell) in head.iter().zip(cells).skip(1) {
                    // Codes and flags are not printed as such (kinds, check marks, change codes).
                    if matches!(
                        column.as_str(),
                        "kind"
                            | "not_evaluable"
                            | "reform_plan"
                            | "target_change"
                            | "indicator_links"
                            | "number"
                            | "id"
                            | "shared_with"
                            | "year"
                    ) {
                        continue;
                    }
                    // The target is printed without the wording before it, as the form prints it.
                    let cell = if column == "target" {
                        let wording = head.iter().position(|c| c == "wording").map_or("", |at| cells[at].as_str());
                        cell.strip_prefix(wording)
                            .unwrap_or(cell)
                            .trim_start_matches(['を', 'が', 'は', '：', ':', '、'])
                    } else {
                        cell.as_str()
                    };
                    for line in cell.lines().filter(|line| !line.trim().is_empty()) {
                        if !text.contains(&squeeze(line)) {
                            missing.push(format!("{}:{column}: {line}", sheet.name));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{name}: not in the PDF text:\n{}", missing.join("\n"));
        // Pages as pictures, for a person to look at.
        let _ = Command::new("pdftoppm").args(["-r", "50", "-png"]).arg(&path).arg(pages.join(&name)).status();
    }
}

#[test]
fn the_layout_markup_is_golden() {
    for (name, header, content) in samples() {
        let actual = markup(&header, &content);
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.typ"));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(expected == actual, "{} differs: rerun with UPDATE_EXPECT=1 and review the diff", path.display());
    }
}

#[test]
fn text_that_looks_like_markup_is_printed_as_written() {
    let (_, header, mut content) = samples().remove(3);
    content.goal = Some("#set page(width: 1mm) *太字* $x$ \\ \"引用\" <tag> @ref".into());
    let pdf = render_pdf(&header, &content, fonts()).unwrap();
    let path = root().join("target/pdf-pages/markup-injection.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let output = Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&path).arg("-").output().unwrap();
    let text = squeeze(&String::from_utf8(output.stdout).unwrap());
    assert!(text.contains(&squeeze("#set page(width: 1mm) *太字* $x$ \\ \"引用\" <tag> @ref")), "{text}");
}
