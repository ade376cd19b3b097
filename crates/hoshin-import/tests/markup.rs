//! Web pages and converter output (DOMAIN.md §7) read end to end: a ward's web page of Nishi's FY2024 policy
//! and converter markdown of Sumiyoshi's FY2024 year-end document (fixtures/markup, described in its
//! README) must read into exactly what the PDF text of the same documents reads into, with every line of the
//! file accounted for and the converter's repeated tables recognised once.

#![allow(clippy::unwrap_used)]

use hoshin_core::{IssueId, Stage};
use hoshin_import::{Format, Layout, LineUse, Parsed, Severity};

mod support;

use support::read;

fn lines_with(parsed: &Parsed, wanted: impl Fn(&LineUse) -> bool) -> Vec<usize> {
    parsed.coverage.lines.iter().filter(|(_, line_use)| wanted(line_use)).map(|(line, _)| *line).collect()
}

#[test]
fn golden_nishi_web_page() {
    support::check_golden("fixtures/markup/nishi-r6-plan.html");
}

#[test]
fn golden_sumiyoshi_converter_markdown() {
    support::check_golden("fixtures/markup/sumiyoshi-r6-yearend.md");
}

#[test]
fn a_ward_web_page_reads_as_its_pdf_text_does() {
    let (_, text) = read("fixtures/samples/nishi-r6-plan.txt");
    let (source, page) = read("fixtures/markup/nishi-r6-plan.html");
    assert_eq!((page.format, page.layout), (Format::Html, Layout::Common));
    assert_eq!(text.format, Format::Text);

    // The page has a dated note the PDF lacks; everything else is the same.
    assert_eq!(page.content.notes.len(), 1);
    let note = &page.content.notes[0];
    assert_eq!(note.text, "運営方針の進捗管理（中間振り返り）を実施しました（令和6年10月31日）");
    assert_eq!((note.date, note.stage), (Some((2024, 10, 31)), Some(Stage::MidYearReview)));
    assert_eq!(page.stage, Stage::MidYearReview);
    let mut content = page.content.clone();
    content.notes.clear();
    assert_eq!(content, text.content);
    assert_eq!(page.fiscal_year, text.fiscal_year);

    // The page says which city it belongs to (its header, title and footer name 大阪市西区); the PDF text does
    // not, and 西区 is a ward of eight cities.
    assert_eq!(page.organization.as_ref().unwrap().city.as_deref(), Some("大阪市"));
    assert_eq!(text.organization.as_ref().unwrap().city, None);

    // Every non-blank line is accounted for, the site's own furniture as such, and nothing is unassigned.
    let non_blank: Vec<usize> =
        source.split('\n').enumerate().filter(|(_, line)| !line.trim().is_empty()).map(|(i, _)| i + 1).collect();
    let mut covered: Vec<usize> = parsed_lines(&page);
    covered.dedup();
    assert_eq!(covered, non_blank);
    assert_eq!(page.coverage.unassigned().count(), 0, "{:?}", page.coverage.unassigned_text);
    let furniture = |what: &str| lines_with(&page, |line_use| *line_use == LineUse::Furniture(what.into()));
    let line_of = |needle: &str| source.split('\n').position(|line| line.contains(needle)).unwrap() + 1;
    assert_eq!(furniture("page title"), vec![line_of("<title>")]);
    assert!(furniture("script").contains(&line_of("gtag('js'")), "a script's text is not content");
    assert!(furniture("site navigation").contains(&line_of("くらし・手続き")));
    assert!(furniture("breadcrumbs").contains(&line_of("西区トップ")));
    assert_eq!(furniture("link to a file"), vec![line_of("R6unneihoushin.pdf")]);
    assert!(furniture("contact details").contains(&line_of("ファックス")));
    assert!(furniture("page footer").contains(&line_of("Copyright")));
    assert_eq!(furniture("page metadata"), vec![line_of("ページ番号"), line_of("更新日")]);

    // Diagnostics name lines of the web page: the stage comes from the note's line.
    let stage = page.diagnostics.iter().find(|d| d.message.contains("from the dated note")).unwrap();
    assert_eq!(stage.line, line_of("中間振り返り"));
    assert!(page.diagnostics.iter().all(|d| d.severity == Severity::Info), "{:?}", page.diagnostics);
    // A field's lines are the page's: the goal's cell runs over four lines of markup.
    let goal = lines_with(&page, |line_use| *line_use == LineUse::Field("goal".into()));
    assert_eq!(goal, (line_of("scope=\"row\">目標")..=line_of("区民がどこに行った時でも")).collect::<Vec<_>>());
}

fn parsed_lines(parsed: &Parsed) -> Vec<usize> {
    parsed.coverage.lines.iter().map(|(line, _)| *line).collect()
}

#[test]
fn converter_markdown_with_repeated_tables_reads_as_the_pdf_text_does() {
    let (_, text) = read("fixtures/samples/sumiyoshi-r6-yearend.txt");
    let (source, markdown) = read("fixtures/markup/sumiyoshi-r6-yearend.md");
    assert_eq!((markdown.format, markdown.layout), (Format::Markdown, Layout::Common));
    assert_eq!(markdown.content, text.content);
    assert_eq!((markdown.stage, markdown.fiscal_year), (text.stage, text.fiscal_year));
    assert_eq!(markdown.organization, text.organization);

    let line_of = |needle: &str| source.split('\n').position(|line| line.contains(needle)).unwrap() + 1;
    let issue_line = |n: &str| line_of(&format!("| 経営課題{n}　"));
    // Issue 1: the nested table lost ③'s previous value; the flat rows have it, and it is taken from there.
    let issue1 = issue_line("１");
    let flat_third = line_of("| ③６地域 | B | ６地域 |");
    let said =
        |line: usize, text: &str| markdown.diagnostics.iter().any(|d| d.line == line && d.message.contains(text));
    assert!(said(issue1 + 2, &format!("repeats the one at line {issue1}")));
    assert!(said(flat_third, &format!("cells missing from the same row at line {issue1}")));
    let third = markdown.content.issues[0].indicators.iter().find(|i| i.number == Some(3)).unwrap();
    assert_eq!(third.previous_actual.as_ref().unwrap().original, "６地域");
    // Issue 2 is rendered three times: nested, flat, and flat again in a table of its own.
    let issue2 = issue_line("２");
    let repeats: Vec<usize> = markdown
        .diagnostics
        .iter()
        .filter(|d| d.message.contains(&format!("repeats the one at line {issue2}")))
        .map(|d| d.line)
        .collect();
    assert_eq!(repeats.len(), 2, "{:?}", markdown.diagnostics);
    // Issue 4's nested table lost its strategies row: the flat rendering's row is kept in its place, with a
    // warning to check it.
    let strategies4 = source
        .split('\n')
        .enumerate()
        .filter(|(_, line)| line.starts_with("| 主な戦略"))
        .map(|(index, _)| index + 1)
        .last()
        .unwrap();
    let warning = markdown.diagnostics.iter().find(|d| d.severity == Severity::Warning).unwrap();
    assert_eq!(warning.line, strategies4);
    assert!(warning.message.contains("only one rendering"));
    assert_eq!(markdown.diagnostics.iter().filter(|d| d.severity != Severity::Info).count(), 1);
    let issue4 = markdown.content.issues.iter().find(|issue| issue.id == IssueId::Single(4)).unwrap();
    assert_eq!(issue4.strategies, text.content.issues[3].strategies);

    // Every row of a repeated rendering is a repeat of the row it repeats; nothing is unassigned.
    assert_eq!(markdown.coverage.unassigned().count(), 0);
    let repeated = lines_with(&markdown, |line_use| matches!(line_use, LineUse::Repeat { .. }));
    assert!(repeated.contains(&(issue1 + 2)) && repeated.contains(&(issue2 + 2)));
    assert!(!repeated.contains(&flat_third), "the row whose cells were taken is read, not a repeat");
    assert!(
        lines_with(&markdown, |line_use| *line_use == LineUse::Furniture("table rule".into())).contains(&(issue1 + 1))
    );
}
