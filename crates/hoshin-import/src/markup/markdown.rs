//! Converter markdown flattened into rows: pipe tables (whose cells may hold `<br>`, lists or a whole HTML
//! table), HTML blocks, headings, lists, quotes, emphasis, links and images.

use super::{html, tidy, Flat, Row};
use crate::bullets::starts_with_marker;
use crate::LineUse;

/// A pipe table's rule line under its header: `|---|:---:|`.
pub(crate) fn is_rule_row(line: &str) -> bool {
    let line = line.trim();
    if !line.contains('|') || !line.contains('-') {
        return false;
    }
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').all(|cell| {
        let cell = cell.trim();
        let dashes = cell.strip_prefix(':').unwrap_or(cell);
        let dashes = dashes.strip_suffix(':').unwrap_or(dashes);
        !dashes.is_empty() && dashes.chars().all(|c| c == '-')
    })
}

/// The level of an ATX heading (`## 経営課題1`).
pub(crate) fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let rest = &line[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some(hashes)
}

/// A thematic break: `---`, `***`, `___` (spaces allowed between).
fn is_thematic_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3 && ["-", "*", "_"].iter().any(|mark| compact.chars().all(|c| c.to_string() == *mark))
}

const HTML_BLOCKS: &[&str] = &[
    "<table",
    "<div",
    "<ul",
    "<ol",
    "<dl",
    "<section",
    "<article",
    "<p>",
    "<p ",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<blockquote",
    "<pre",
    "<details",
    "<figure",
    "<!--",
    "<center",
    "<main",
    "<header",
    "<footer",
    "<nav",
];

fn starts_html_block(line: &str) -> bool {
    let lower = line.trim_start().to_ascii_lowercase();
    HTML_BLOCKS.iter().any(|tag| lower.starts_with(tag))
}

pub(crate) fn flatten(text: &str) -> Flat {
    let lines: Vec<&str> = text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect();
    let mut flat = Flat::default();
    let mut next_table = 0usize;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            index += 1;
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // A fenced block: its lines are text as they are.
            let fence = &trimmed[..3];
            flat.markup.push((number, LineUse::Furniture("markup".into())));
            index += 1;
            while index < lines.len() && !lines[index].trim().starts_with(fence) {
                if !lines[index].trim().is_empty() {
                    flat.rows.push(text_row(vec![lines[index].trim().to_string()], index + 1, None));
                }
                index += 1;
            }
            if index < lines.len() {
                flat.markup.push((index + 1, LineUse::Furniture("markup".into())));
            }
            index += 1;
            continue;
        }
        let table_starts = trimmed.contains('|')
            && (is_rule_row(trimmed) || lines.get(index + 1).is_some_and(|next| is_rule_row(next)));
        if table_starts {
            let table = next_table;
            next_table += 1;
            while index < lines.len() && lines[index].contains('|') {
                let row_line = lines[index];
                if is_rule_row(row_line) {
                    flat.markup.push((index + 1, LineUse::Furniture("table rule".into())));
                } else {
                    next_table = table_row(row_line, index + 1, table, next_table, &mut flat.rows);
                }
                index += 1;
            }
            continue;
        }
        if starts_html_block(trimmed) {
            let start = index;
            let mut block: Vec<&str> = Vec::new();
            while index < lines.len() {
                let open = block.iter().map(|line| count_tag(line, "<table")).sum::<usize>();
                let closed = block.iter().map(|line| count_tag(line, "</table")).sum::<usize>();
                if lines[index].trim().is_empty() && open <= closed {
                    break;
                }
                block.push(lines[index]);
                index += 1;
            }
            let (fragment, next) = html::flatten(&block.join("\n"), start, next_table);
            next_table = next;
            flat.rows.extend(fragment.rows.into_iter().map(|mut row| {
                row.cells = row.cells.iter().map(|cell| inline(cell)).filter(|cell| !cell.is_empty()).collect();
                row
            }));
            flat.markup.extend(fragment.markup);
            continue;
        }
        index += 1;
        if is_thematic_break(trimmed) {
            flat.markup.push((number, LineUse::Furniture("rule".into())));
            continue;
        }
        match text_line(line) {
            Some((cells, preset)) => flat.rows.push(text_row(cells, number, preset)),
            None => flat.markup.push((number, LineUse::Furniture("image".into()))),
        }
    }
    flat
}

fn count_tag(line: &str, tag: &str) -> usize {
    line.to_ascii_lowercase().matches(tag).count()
}

fn text_row(cells: Vec<String>, number: usize, preset: Option<LineUse>) -> Row {
    Row { cells, first: number, last: number, preset, table: None }
}

/// A line outside tables: its cells (tab-separated, as converters leave them) and what it is when the
/// markup says; `None` for a line that is only an image.
fn text_line(line: &str) -> Option<(Vec<String>, Option<LineUse>)> {
    let mut text = line.trim();
    if let Some(level) = heading_level(text) {
        text = text[level..].trim().trim_end_matches('#').trim();
    }
    while let Some(rest) = text.strip_prefix('>') {
        text = rest.trim_start();
    }
    let mut bullet = false;
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = text.strip_prefix(marker) {
            text = rest.trim_start();
            bullet = true;
        }
    }
    if is_only_image(text) {
        return None;
    }
    let preset = is_file_link(text).then(|| LineUse::Furniture("link to a file".into()));
    let mut cells: Vec<String> = text.split('\t').map(cell).filter(|cell| !cell.is_empty()).collect();
    if bullet {
        if let Some(first) = cells.first_mut() {
            if !starts_with_marker(first) {
                first.insert(0, '・');
            }
        }
    }
    Some((cells, preset))
}

/// Reads one table line into rows: the cells as a row of `table`, except that a cell holding an HTML table
/// ends the row there and gives the nested table's rows. Returns the next free table number.
fn table_row(line: &str, number: usize, table: usize, mut next_table: usize, rows: &mut Vec<Row>) -> usize {
    let mut cells: Vec<String> = Vec::new();
    let flush = |cells: &mut Vec<String>, rows: &mut Vec<Row>| {
        let taken: Vec<String> = std::mem::take(cells).into_iter().filter(|cell| !cell.is_empty()).collect();
        if !taken.is_empty() {
            rows.push(Row { cells: taken, first: number, last: number, preset: None, table: Some(table) });
        }
    };
    for raw in split_cells(line) {
        if raw.to_ascii_lowercase().contains("<table") {
            flush(&mut cells, rows);
            let (nested, next) = html::fragment_rows(&raw.replace("\\|", "|"), number, next_table);
            next_table = next;
            rows.extend(nested.into_iter().map(|mut row| {
                row.cells = row.cells.iter().map(|cell| inline(cell)).filter(|cell| !cell.is_empty()).collect();
                row.first = number;
                row.last = number;
                row
            }));
        } else {
            cells.push(cell(&raw));
        }
    }
    flush(&mut cells, rows);
    next_table
}

/// The cells of a pipe-table line, split at unescaped pipes outside tags, outer pipes removed.
fn split_cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut in_tag = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push_str("\\|");
                chars.next();
            }
            '<' => {
                in_tag = chars.peek().is_some_and(|next| next.is_ascii_alphabetic() || *next == '/' || *next == '!');
                current.push(c);
            }
            '>' => {
                in_tag = false;
                current.push(c);
            }
            '|' if !in_tag => cells.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        cells.push(current);
    }
    cells
}

/// A cell's text: HTML in it read as HTML, markdown inline markup removed.
fn cell(raw: &str) -> String {
    let raw = raw.trim().replace("\\|", "|");
    let text = if raw.contains('<') || raw.contains('&') { html::cell_text(&raw) } else { raw };
    tidy(&inline(&text))
}

/// Removes inline markdown: images, links (their text stays), emphasis, code spans and escapes.
pub(crate) fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|next| next.is_ascii_punctuation()) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if (c == '[' || (c == '!' && chars.get(i + 1) == Some(&'['))) && link_end(&chars, i).is_some() {
            let (text_start, text_end, end) = link_end(&chars, i).unwrap_or((i, i, i + 1));
            if c == '[' {
                out.extend(&chars[text_start..text_end]);
            }
            i = end;
            continue;
        }
        if (c == '*' || c == '_') && chars.get(i + 1) == Some(&c) {
            i += 2;
            continue;
        }
        if c == '`' {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// For a link or image starting at `start` (`[text](url)` or `![alt](url)`): where its text starts and
/// ends and where the whole ends.
fn link_end(chars: &[char], start: usize) -> Option<(usize, usize, usize)> {
    let open = if chars[start] == '!' { start + 1 } else { start };
    let close = open + chars[open..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 1 + chars[close + 1..].iter().position(|&c| c == ')')?;
    Some((open + 1, close, end + 1))
}

fn is_only_image(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    text.starts_with("![")
        && link_end(&chars, 0).is_some_and(|(_, _, end)| chars[end..].iter().all(|c| c.is_whitespace()))
}

/// A line that is a link to a file, perhaps with its size: 「[令和6年度西区運営方針](x.pdf)（PDF形式, 1MB）」.
fn is_file_link(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    if !text.starts_with('[') {
        return false;
    }
    let Some((_, close, end)) = link_end(&chars, 0) else { return false };
    let url: String = chars[close + 2..end - 1].iter().collect::<String>().to_ascii_lowercase();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let rest = chars[end..].iter().filter(|c| !c.is_whitespace()).count();
    [".pdf", ".xls", ".xlsx", ".doc", ".docx", ".csv", ".zip"].iter().any(|suffix| path.ends_with(suffix)) && rest <= 30
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(flat: &Flat) -> Vec<Vec<&str>> {
        flat.rows.iter().map(|row| row.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn rules_and_headings() {
        assert!(is_rule_row("|---|:---:|"));
        assert!(is_rule_row("| --- | --- |"));
        assert!(is_rule_row("---|---"));
        assert!(!is_rule_row("---"));
        assert!(!is_rule_row("| 目標 | すみよい |"));
        assert_eq!(heading_level("## 経営課題1"), Some(2));
        assert_eq!(heading_level("#1"), None);
    }

    #[test]
    fn pipe_tables_with_html_cells() {
        let text = "# 令和６年度　住吉区運営方針\n\n| 目標 | すみよいまち **”えーとこ住吉”** の実現 |\n|---|---|\n\
                    | 使命 | 地域<br>支援 \\| 取組 |\n| 課題 | <table><tr><td>課題認識</td><td>・a</td></tr></table> |\n\n\
                    - 町会\n- ・防災\n![図](x.png)\n[令和6年度住吉区運営方針](a/b.pdf)（PDF形式, 1MB）\n";
        let flat = flatten(text);
        assert_eq!(
            cells(&flat),
            vec![
                vec!["令和６年度　住吉区運営方針"],
                vec!["目標", "すみよいまち ”えーとこ住吉” の実現"],
                vec!["使命", "地域\n支援 | 取組"],
                vec!["課題"],
                vec!["課題認識", "・a"],
                vec!["・町会"],
                vec!["・防災"],
                vec!["令和6年度住吉区運営方針（PDF形式, 1MB）"],
            ]
        );
        let tables: Vec<Option<usize>> = flat.rows.iter().map(|row| row.table).collect();
        assert_eq!(tables, vec![None, Some(0), Some(0), Some(0), Some(1), None, None, None]);
        assert!(flat.markup.contains(&(4, LineUse::Furniture("table rule".into()))));
        assert!(flat.markup.contains(&(10, LineUse::Furniture("image".into()))));
        assert_eq!(flat.rows[7].preset, Some(LineUse::Furniture("link to a file".into())));
        assert_eq!((flat.rows[4].first, flat.rows[4].table), (6, Some(1)));
    }

    #[test]
    fn html_blocks_keep_their_line_numbers() {
        let text = "前文\n\n<table>\n<tr><td>目標</td>\n<td>すみよいまち</td></tr>\n\n<tr><td>使命</td><td>支援</td></tr>\n</table>\n後文\n";
        let flat = flatten(text);
        assert_eq!(cells(&flat), vec![vec!["前文"], vec!["目標", "すみよいまち"], vec!["使命", "支援"], vec!["後文"]]);
        assert_eq!((flat.rows[1].first, flat.rows[1].last), (4, 5));
        assert_eq!(flat.rows[2].first, 7);
        assert_eq!(flat.rows[3].first, 9);
    }

    #[test]
    fn inline_markup() {
        assert_eq!(inline("**平成31年度までに85%以上**"), "平成31年度までに85%以上");
        assert_eq!(inline("[区役所](https://x/)へ \\*注"), "区役所へ *注");
        assert_eq!(inline("図 ![a](b.png) 後"), "図  後");
        assert_eq!(inline("`code` と [括弧] のみ"), "code と [括弧] のみ");
    }
}
