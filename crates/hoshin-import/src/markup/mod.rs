//! Web pages and converter output (DOMAIN.md §7) made into the rows that the layout readers read.
//!
//! Plain text is read line by line, each line's cells apart at its tabs. A web page or converter markdown is
//! first flattened here: a table row becomes one row with its cells, a paragraph, heading or list item
//! becomes a row of one cell, and paragraphs inside a cell stay apart as `\n`. Every row remembers the source
//! lines its text came from, so that diagnostics and the coverage report name lines of the file the user
//! has. Page furniture that the markup itself marks (site navigation, headers and footers, scripts,
//! links to files) is reported as such rather than left for the layout readers.
//!
//! Converters repeat tables: a whole issue table nested inside a cell of an outer table, then the same rows
//! again, flat. [`repeats`] recognises a table that repeats an earlier one, keeps it once, and takes
//! whatever one rendering lost (an empty cell, a missing row) from the other.

mod html;
mod markdown;
pub(crate) mod repeats;

use hoshin_core::text::compact;

use crate::LineUse;

/// What kind of text a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain text, as PDF extraction gives it (tabs between table cells).
    Text,
    /// A web page.
    Html,
    /// Converter output: markdown with pipe tables, possibly with HTML tables inside their cells.
    Markdown,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }
}

/// One row for the layout readers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    /// The non-empty cells, trimmed; paragraphs within a cell are separated by `\n`.
    pub cells: Vec<String>,
    /// The first and last source lines (1-based) that the row's text came from.
    pub first: usize,
    pub last: usize,
    /// What the row is when the markup says so (site navigation, a repeated table row).
    pub preset: Option<LineUse>,
    /// The table rendering the row belongs to; `None` outside tables.
    pub table: Option<usize>,
}

impl Row {
    fn text_len(&self) -> usize {
        self.cells.iter().map(|cell| cell.chars().count()).sum()
    }
}

/// A flattened document.
#[derive(Debug, Default)]
pub(crate) struct Flat {
    pub rows: Vec<Row>,
    /// Non-blank source lines that hold text of no row (tags, table rules, scripts, comments), with what
    /// they hold.
    pub markup: Vec<(usize, LineUse)>,
    /// Tables recognised as repeats of earlier ones and merged into them.
    pub merges: Vec<repeats::Merge>,
}

/// Recognises the format of a decoded document.
///
/// Markdown when it has a pipe table (a `|---|` rule line) or at least two `#` headings; a web page when it
/// starts like one (`<!DOCTYPE html>`, `<html>`) or most of its lines are tags; plain text otherwise. Plain
/// text from converters may hold a stray `<p>` or `<ul>` inside a cell: that does not make it a web page.
pub fn detect(text: &str) -> Format {
    let mut non_blank = 0usize;
    let mut tag_lines = 0usize;
    let mut headings = 0usize;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        non_blank += 1;
        if markdown::is_rule_row(line) {
            return Format::Markdown;
        }
        if markdown::heading_level(line).is_some() {
            headings += 1;
        }
        if line.starts_with('<') && line[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            tag_lines += 1;
        }
    }
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = start.chars().take(200).collect::<String>().to_ascii_lowercase();
    let html_start = head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with("<?xml") && head.contains("<html"))
        || (head.starts_with("<!--") && head.contains("<html"));
    if html_start || (non_blank >= 3 && tag_lines * 2 > non_blank) {
        Format::Html
    } else if headings >= 2 {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// Flattens a web page or converter markdown (not plain text, which the source reader takes as it is).
pub(crate) fn flatten(text: &str, format: Format) -> Flat {
    let mut flat = match format {
        Format::Html => html::flatten(text, 0, 0).0,
        Format::Markdown => markdown::flatten(text),
        Format::Text => Flat::default(),
    };
    let (dropped, merges) = repeats::merge(&mut flat.rows);
    flat.markup.extend(dropped);
    flat.merges = merges;
    // A cell of nothing but spaces (「&nbsp;」) is no cell, and a row of such cells no row: its lines are markup.
    for row in &mut flat.rows {
        // A visible ASCII character, kana or ideograph is text as it stands; only other cells are normalised.
        let plainly_text =
            |cell: &str| cell.chars().any(|c| matches!(c as u32, 0x21..=0x7E | 0x3041..=0x30FE | 0x4E00..=0x9FFF));
        row.cells.retain(|cell| plainly_text(cell) || !compact(cell).is_empty());
    }
    flat.rows.retain(|row| !row.cells.is_empty());
    // Lines that hold text of no row but lie inside one's span (a cell over several lines) belong to it;
    // the others are markup.
    let mut covered = vec![false; text.split('\n').count() + 2];
    for row in &flat.rows {
        for line in row.first..=row.last {
            if let Some(slot) = covered.get_mut(line) {
                *slot = true;
            }
        }
    }
    let mut markup = std::mem::take(&mut flat.markup);
    markup.retain(|(line, _)| !covered.get(*line).copied().unwrap_or(false));
    markup.sort_by_key(|(line, _)| *line);
    markup.dedup_by_key(|(line, _)| *line);
    // Any other non-blank line is markup too (an end tag, an attribute over several lines).
    let mut listed = vec![false; covered.len()];
    for (line, _) in &markup {
        if let Some(slot) = listed.get_mut(*line) {
            *slot = true;
        }
    }
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        if !line.trim().is_empty() && !covered[number] && !listed[number] {
            markup.push((number, LineUse::Furniture("markup".into())));
        }
    }
    markup.sort_by_key(|(line, _)| *line);
    flat.markup = markup;
    flat
}

/// A cell's text with its paragraphs trimmed and empty ones dropped.
pub(crate) fn tidy(text: &str) -> String {
    text.split('\n').map(str::trim).filter(|paragraph| !paragraph.is_empty()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(detect("<!DOCTYPE html>\n<html><body><p>令和6年度 西区運営方針</p></body></html>"), Format::Html);
        assert_eq!(detect("<table>\n<tr><td>目標</td></tr>\n</table>\n"), Format::Html);
        assert_eq!(detect("# 令和6年度 住吉区運営方針\n\n| 目標 | すみよいまち |\n|---|---|\n"), Format::Markdown);
        assert_eq!(detect("# 令和6年度\n本文\n## 経営課題1\n"), Format::Markdown);
        // Converter text with a stray tag in a cell stays plain text.
        assert_eq!(detect("課題認識\n<p>課題</p> <p>本文</p>\n主な戦略\n・…\nアウトカム指標\n"), Format::Text);
        assert_eq!(detect("令和6年度 西区運営方針\n\n目標\t「誰もが誇りに思える西区」\n"), Format::Text);
    }

    #[test]
    fn tidies_paragraphs() {
        assert_eq!(tidy(" a \n\n b\n"), "a\nb");
    }
}
