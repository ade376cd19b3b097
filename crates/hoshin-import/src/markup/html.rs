//! A web page flattened into rows, through html5ever's tokenizer (the HTML standard's own tokenizing:
//! entities, raw text in scripts and styles, comments, unquoted attributes and the rest).
//!
//! No tree is built: a policy page is headings, paragraphs, lists and tables, and the rows follow from the
//! tags as they come. A table inside a table's cell (how converters nest a whole issue table) ends the outer
//! row there; its rows follow as rows of their own table, and the outer row goes on after it.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

use super::{tidy, Flat, Row};
use crate::bullets::starts_with_marker;
use crate::LineUse;

/// Flattens a web page. `offset` is added to every line number (for a block that starts further down in a
/// markdown file); tables are numbered from `next_table` on. Returns the next free table number too.
pub(crate) fn flatten(text: &str, offset: usize, next_table: usize) -> (Flat, usize) {
    run(text, offset, next_table, false)
}

/// The rows of an HTML fragment inside a markdown table cell on line `line`, with table ids from
/// `next_table` on. Returns the rows and the next free table id.
pub(crate) fn fragment_rows(fragment: &str, line: usize, next_table: usize) -> (Vec<Row>, usize) {
    let (flat, next) = run(fragment, line.saturating_sub(1), next_table, false);
    (flat.rows, next)
}

/// The text of an HTML fragment that is one cell's content: tags gone, entities decoded, paragraphs and
/// line breaks as `\n`.
pub(crate) fn cell_text(fragment: &str) -> String {
    let (flat, _) = run(fragment, 0, 0, true);
    flat.rows.into_iter().flat_map(|row| row.cells).collect::<Vec<_>>().join("\n")
}

/// The tokenizer counts a lone `\r` as a line break (HTML's newline normalisation), but the source lines that
/// diagnostics name are the file's lines at `\n`: a lone `\r` becomes a space so that the counts agree.
fn lone_returns_as_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { ' ' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

fn run(text: &str, offset: usize, next_table: usize, one_cell: bool) -> (Flat, usize) {
    let mut builder = Builder { offset, next_table, ..Builder::default() };
    if one_cell {
        builder.tables.push(Table { id: usize::MAX, row: Some(Vec::new()), cell: Some(Pending::default()) });
    }
    let sink = Sink(RefCell::new(builder));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&lone_returns_as_spaces(text)));
    // The sink never blocks on a script, so one feed takes all the input.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut builder = tokenizer.sink.0.into_inner();
    builder.finish();
    let next = builder.next_table;
    (Flat { rows: builder.rows, markup: builder.markup, merges: Vec::new() }, next)
}

struct Sink(RefCell<Builder>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<()> {
        let mut builder = self.0.borrow_mut();
        let line = usize::try_from(line_number).unwrap_or(usize::MAX).saturating_add(builder.offset);
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => {
                    let result = builder.start(&tag, line);
                    if tag.self_closing {
                        builder.end(&tag.name);
                    }
                    return result;
                }
                TagKind::EndTag => builder.end(&tag.name),
            },
            Token::CharacterTokens(text) => builder.text(&text, line),
            Token::CommentToken(text) => {
                let first = line.saturating_sub(text.matches('\n').count());
                for number in first..=line {
                    builder.markup.push((number, LineUse::Furniture("comment".into())));
                }
            }
            Token::DoctypeToken(_) | Token::NullCharacterToken | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// Text being collected for a row outside tables or for a cell.
#[derive(Debug, Default)]
struct Pending {
    text: String,
    /// First and last source lines of its text; 0 while it has none.
    first: usize,
    last: usize,
    /// The furniture region its first character was in.
    region: Option<&'static str>,
    link_chars: usize,
    /// The text outside links to files (a file's type and size, when the row is such a link).
    other_text: String,
}

impl Pending {
    /// Adds text that starts on source line `line`, collapsing HTML whitespace (or keeping line breaks as
    /// paragraph breaks in `<pre>`).
    fn add(&mut self, text: &str, mut line: usize, region: Option<&'static str>, link: bool, pre: bool) {
        // A run of text at a time, up to the next HTML whitespace character (each one byte).
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find([' ', '\t', '\n', '\r', '\u{c}']).unwrap_or(rest.len());
            let run = &rest[..end];
            if !run.is_empty() {
                if self.first == 0 {
                    self.first = line;
                    self.region = region;
                }
                self.last = line;
                self.text.push_str(run);
                if link {
                    self.link_chars += run.chars().count();
                } else {
                    self.other_text.push_str(run);
                }
            }
            let Some(&space) = rest.as_bytes().get(end) else { break };
            if space == b'\n' && pre {
                self.paragraph();
            } else if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
                self.text.push(' ');
            }
            if space == b'\n' {
                line += 1;
            }
            rest = &rest[end + 1..];
        }
    }

    /// Ends a paragraph within the text.
    fn paragraph(&mut self) {
        let trimmed = self.text.trim_end_matches(' ').len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn has_text(&self) -> bool {
        self.first != 0
    }

    fn preset(&self) -> Option<LineUse> {
        if let Some(region) = self.region {
            return Some(LineUse::Furniture(region.into()));
        }
        is_file_link(self.link_chars, &self.other_text).then(|| LineUse::Furniture("link to a file".into()))
    }
}

/// Whether a row is a link to a file: some text in such links, and nothing else but the file's type and
/// size in brackets (「令和6年度西区運営方針（PDF形式, 350.21KB）」).
fn is_file_link(link_chars: usize, other_text: &str) -> bool {
    if link_chars == 0 {
        return false;
    }
    let mut depth = 0usize;
    let mut rest = 0usize;
    for c in other_text.chars() {
        match c {
            '(' | '（' | '[' | '［' | '【' => depth += 1,
            ')' | '）' | ']' | '］' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 && !c.is_whitespace() => rest += 1,
            _ => {}
        }
    }
    rest == 0
}

#[derive(Debug, Default)]
struct Table {
    id: usize,
    row: Option<Vec<Pending>>,
    cell: Option<Pending>,
}

impl Table {
    fn finish_cell(&mut self) {
        if let Some(cell) = self.cell.take() {
            self.row.get_or_insert_with(Vec::new).push(cell);
        }
    }

    /// Ends the current row, giving it to `rows` when it holds any text.
    fn finish_row(&mut self, rows: &mut Vec<Row>) {
        self.finish_cell();
        let Some(cells) = self.row.take() else { return };
        let with_text: Vec<&Pending> = cells.iter().filter(|cell| cell.has_text()).collect();
        let Some(first_cell) = with_text.first() else { return };
        let link_chars: usize = with_text.iter().map(|cell| cell.link_chars).sum();
        let other_text: String = with_text.iter().map(|cell| cell.other_text.as_str()).collect();
        let preset = match first_cell.region {
            Some(region) => Some(LineUse::Furniture(region.into())),
            None => is_file_link(link_chars, &other_text).then(|| LineUse::Furniture("link to a file".into())),
        };
        rows.push(Row {
            cells: with_text.iter().map(|cell| tidy(&cell.text)).filter(|cell| !cell.is_empty()).collect(),
            first: with_text.iter().map(|cell| cell.first).min().unwrap_or(0),
            last: with_text.iter().map(|cell| cell.last).max().unwrap_or(0),
            preset,
            table: (self.id != usize::MAX).then_some(self.id),
        });
    }

    fn cell(&mut self) -> &mut Pending {
        if self.row.is_none() {
            self.row = Some(Vec::new());
        }
        self.cell.get_or_insert_with(Pending::default)
    }
}

/// An open element, as far as flattening cares.
#[derive(Debug)]
struct Open {
    name: String,
    /// Page furniture that the element marks (navigation, header, footer).
    region: Option<&'static str>,
    /// Content that is not text of the page (a script, a style sheet, a form control), with what it is.
    skip: Option<&'static str>,
    /// A link to a file (a PDF or a spreadsheet), whose text is a file name rather than policy content.
    file_link: bool,
}

#[derive(Debug, Default)]
struct Builder {
    offset: usize,
    rows: Vec<Row>,
    markup: Vec<(usize, LineUse)>,
    /// The paragraph being collected outside tables.
    line: Pending,
    /// The paragraph is a list item.
    bullet: bool,
    tables: Vec<Table>,
    next_table: usize,
    open: Vec<Open>,
    title: Option<Pending>,
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "ul",
];

const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

const FILE_SUFFIXES: &[&str] =
    &[".pdf", ".xls", ".xlsx", ".doc", ".docx", ".csv", ".zip", ".ppt", ".pptx", ".odt", ".ods"];

impl Builder {
    fn region(&self) -> Option<&'static str> {
        self.open.iter().rev().find_map(|open| open.region)
    }

    fn skipping(&self) -> Option<&'static str> {
        self.open.iter().rev().find_map(|open| open.skip)
    }

    fn in_file_link(&self) -> bool {
        self.open.iter().any(|open| open.file_link)
    }

    fn in_pre(&self) -> bool {
        self.open.iter().any(|open| open.name == "pre")
    }

    fn text(&mut self, text: &str, end_line: usize) {
        let start = end_line.saturating_sub(text.matches('\n').count());
        if let Some(what) = self.skipping() {
            for (line, part) in (start..).zip(text.split('\n')) {
                if !part.trim().is_empty() {
                    self.markup.push((line, LineUse::Furniture(what.into())));
                }
            }
            return;
        }
        let region = self.region();
        let link = self.in_file_link();
        let pre = self.in_pre();
        let blank = text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}'));
        if let Some(title) = self.title.as_mut() {
            title.add(text, start, region, link, false);
        } else if let Some(table) = self.tables.last_mut() {
            if blank && table.cell.is_none() {
                return;
            }
            table.cell().add(text, start, region, link, pre);
        } else if pre {
            for (line, part) in (start..).zip(text.split('\n')) {
                if line > start {
                    self.flush_line();
                }
                self.line.add(part, line, region, link, true);
            }
        } else {
            self.line.add(text, start, region, link, false);
        }
    }

    /// A block boundary: a new row outside tables, a new paragraph inside a cell.
    fn block(&mut self) {
        match self.tables.last_mut() {
            Some(table) => {
                if let Some(cell) = table.cell.as_mut() {
                    cell.paragraph();
                }
            }
            None => self.flush_line(),
        }
    }

    fn flush_line(&mut self) {
        let pending = std::mem::take(&mut self.line);
        let bullet = std::mem::take(&mut self.bullet);
        if !pending.has_text() {
            return;
        }
        let mut text = tidy(&pending.text);
        if text.is_empty() {
            return;
        }
        if bullet && !starts_with_marker(&text) {
            text.insert(0, '・');
        }
        self.rows.push(Row {
            cells: vec![text],
            first: pending.first,
            last: pending.last,
            preset: pending.preset(),
            table: None,
        });
    }

    fn start(&mut self, tag: &Tag, _line: usize) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let attribute = |wanted: &str| {
            tag.attrs
                .iter()
                .find(|attribute| &*attribute.name.local == wanted)
                .map(|attribute| attribute.value.to_string())
        };
        let mut open = Open { name: name.to_string(), region: None, skip: None, file_link: false };
        let mut result = TokenSinkResult::Continue;
        match name {
            "script" => {
                open.skip = Some("script");
                result = TokenSinkResult::RawData(RawKind::ScriptData);
            }
            "style" => {
                open.skip = Some("style sheet");
                result = TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "textarea" => {
                open.skip = Some("form control");
                result = TokenSinkResult::RawData(RawKind::Rcdata);
            }
            "xmp" | "iframe" | "noembed" | "noframes" => {
                open.skip = Some("embedded content");
                result = TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "plaintext" => result = TokenSinkResult::Plaintext,
            "template" | "noscript" | "svg" | "math" | "object" | "select" | "button" => {
                open.skip = Some("embedded content");
            }
            "title" => {
                if self.skipping().is_none() {
                    self.title = Some(Pending::default());
                }
                result = TokenSinkResult::RawData(RawKind::Rcdata);
            }
            "table" => self.start_table(),
            "tr" => {
                let rows = &mut self.rows;
                match self.tables.last_mut() {
                    Some(table) => {
                        table.finish_row(rows);
                        table.row = Some(Vec::new());
                    }
                    None => self.flush_line(),
                }
            }
            "td" | "th" => match self.tables.last_mut() {
                Some(table) => {
                    table.finish_cell();
                    table.cell();
                }
                None => self.flush_line(),
            },
            "caption" => {
                let rows = &mut self.rows;
                if let Some(table) = self.tables.last_mut() {
                    table.finish_row(rows);
                    table.cell();
                }
            }
            "br" | "hr" => self.block(),
            "li" => {
                self.block();
                if self.tables.is_empty() {
                    self.bullet = true;
                }
            }
            "a" => {
                let href = attribute("href").unwrap_or_default().to_ascii_lowercase();
                let path = href.split(['?', '#']).next().unwrap_or_default();
                open.file_link = FILE_SUFFIXES.iter().any(|suffix| path.ends_with(suffix));
            }
            _ if BLOCKS.contains(&name) => self.block(),
            _ => {}
        }
        if VOID.contains(&name) {
            return result;
        }
        open.region =
            region(name, attribute("id").as_deref(), attribute("class").as_deref(), attribute("role").as_deref());
        self.open.push(open);
        result
    }

    fn end(&mut self, name: &str) {
        match name {
            "td" | "th" => {
                if let Some(table) = self.tables.last_mut() {
                    table.finish_cell();
                }
            }
            "tr" | "caption" => {
                let rows = &mut self.rows;
                if let Some(table) = self.tables.last_mut() {
                    table.finish_row(rows);
                }
            }
            "table" => {
                if let Some(mut table) = self.tables.pop() {
                    table.finish_row(&mut self.rows);
                }
            }
            "title" => {
                if let Some(title) = self.title.take() {
                    if title.has_text() {
                        self.rows.push(Row {
                            cells: vec![tidy(&title.text)],
                            first: title.first,
                            last: title.last,
                            preset: Some(LineUse::Furniture("page title".into())),
                            table: None,
                        });
                    }
                }
            }
            _ if BLOCKS.contains(&name) => self.block(),
            _ => {}
        }
        if let Some(index) = self.open.iter().rposition(|open| open.name == name) {
            self.open.truncate(index);
        }
    }

    fn start_table(&mut self) {
        let rows = &mut self.rows;
        match self.tables.last_mut() {
            // A table inside a cell: what the outer row holds so far is a row of its own.
            Some(outer) => outer.finish_row(rows),
            None => self.flush_line(),
        }
        self.tables.push(Table { id: self.next_table, row: None, cell: None });
        self.next_table += 1;
    }

    fn finish(&mut self) {
        if self.title.is_some() {
            self.end("title");
        }
        while let Some(mut table) = self.tables.pop() {
            if table.id == usize::MAX {
                // The one cell of a fragment: its text is the result.
                table.finish_cell();
                let cells = table.row.take().unwrap_or_default();
                let text: Vec<String> =
                    cells.iter().map(|cell| tidy(&cell.text)).filter(|text| !text.is_empty()).collect();
                if !text.is_empty() {
                    self.rows.push(Row { cells: vec![text.join("\n")], first: 1, last: 1, preset: None, table: None });
                }
            } else {
                table.finish_row(&mut self.rows);
            }
        }
        self.flush_line();
    }
}

/// The furniture an element marks by its name, its id, its class or its role.
fn region(name: &str, id: Option<&str>, class: Option<&str>, role: Option<&str>) -> Option<&'static str> {
    match name {
        "header" => return Some("page header"),
        "nav" => return Some("site navigation"),
        "footer" => return Some("page footer"),
        "aside" => return Some("side column"),
        _ => {}
    }
    match role {
        Some("banner") => return Some("page header"),
        Some("navigation") => return Some("site navigation"),
        Some("contentinfo") => return Some("page footer"),
        Some("complementary") => return Some("side column"),
        _ => {}
    }
    if !matches!(name, "div" | "section" | "ul" | "ol" | "dl" | "p") {
        return None;
    }
    let words = id.into_iter().chain(class).flat_map(|value| value.split(|c: char| !c.is_ascii_alphanumeric()));
    for word in words {
        let found = match word.to_ascii_lowercase().as_str() {
            "breadcrumb" | "breadcrumbs" | "pankuzu" | "topicpath" | "crumbs" => "breadcrumbs",
            "header" | "banner" | "masthead" | "hlogo" => "page header",
            "footer" => "page footer",
            "nav" | "navi" | "gnav" | "gnavi" | "lnav" | "lnavi" | "menu" | "globalnav" | "localnav" | "sitemap" => {
                "site navigation"
            }
            "sidebar" | "side" | "aside" => "side column",
            "pagetop" | "totop" | "skip" | "sns" | "share" => "page navigation",
            "reference" | "contact" | "inquiry" | "toiawase" | "otoiawase" => "contact details",
            "plugin" | "acrobat" => "viewer notice",
            _ => continue,
        };
        return Some(found);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(flat: &Flat) -> Vec<Vec<&str>> {
        flat.rows.iter().map(|row| row.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn a_lone_carriage_return_is_no_line_break() {
        // Found by fuzzing: the tokenizer took a lone \r for a line, and rows named lines past the end.
        let (flat, _) = flatten("<p>a</p>\r<p>b</p>\r\n<p>c</p>", 0, 0);
        let lines: Vec<(usize, usize)> = flat.rows.iter().map(|row| (row.first, row.last)).collect();
        assert_eq!(lines, [(1, 1), (1, 1), (2, 2)]);
    }

    #[test]
    fn tables_paragraphs_and_lists() {
        let html = "<html><head><title>令和6年度 西区運営方針｜大阪市西区</title>\n<script>var a = '<td>';</script></head>\n\
                    <body><h1>令和6年度&nbsp;西区運営方針</h1>\n<p>（所属長 : 三村 浩也）</p>\n\
                    <table>\n<tr><th>目標</th><td><p>「誰もが誇りに思える西区」</p>\n<p>・区民が&amp;自慢</p></td></tr>\n\
                    <tr><th>使命</th><td><ul><li>安全</li><li>子育て</li></ul></td></tr>\n</table>\n\
                    <ul><li>町会</li><li>・防災</li></ul></body></html>";
        let (flat, _) = flatten(html, 0, 0);
        assert_eq!(
            cells(&flat),
            vec![
                vec!["令和6年度 西区運営方針｜大阪市西区"],
                vec!["令和6年度\u{a0}西区運営方針"],
                vec!["（所属長 : 三村 浩也）"],
                vec!["目標", "「誰もが誇りに思える西区」\n・区民が&自慢"],
                vec!["使命", "安全\n子育て"],
                vec!["・町会"],
                vec!["・防災"],
            ]
        );
        assert_eq!(flat.rows[0].preset, Some(LineUse::Furniture("page title".into())));
        assert_eq!((flat.rows[3].first, flat.rows[3].last), (6, 7));
        assert_eq!(flat.rows[3].table, Some(0));
        assert!(flat.markup.contains(&(2, LineUse::Furniture("script".into()))));
    }

    #[test]
    fn nested_tables_split_the_outer_row() {
        let html = "<table><tr><td>経営課題1</td><td><table><tr><td>課題認識</td><td>・a</td></tr></table>後</td></tr></table>";
        let (flat, _) = flatten(html, 0, 0);
        assert_eq!(cells(&flat), vec![vec!["経営課題1"], vec!["課題認識", "・a"], vec!["後"]]);
        let tables: Vec<Option<usize>> = flat.rows.iter().map(|row| row.table).collect();
        assert_eq!(tables, vec![Some(0), Some(1), Some(0)]);
    }

    #[test]
    fn furniture_regions_and_file_links() {
        let html = "<div id=\"tmp_header\"><p>大阪市西区</p></div>\n<nav><ul><li>くらし</li></ul></nav>\n\
                    <p><a href=\"/x/R6.pdf\">令和6年度西区運営方針</a>（PDF, 1MB）</p>\n<p>本文</p>\n<footer>Copyright</footer>";
        let (flat, _) = flatten(html, 0, 0);
        let presets: Vec<Option<String>> = flat
            .rows
            .iter()
            .map(|row| match &row.preset {
                Some(LineUse::Furniture(what)) => Some(what.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            presets,
            vec![
                Some("page header".to_string()),
                Some("site navigation".to_string()),
                Some("link to a file".to_string()),
                None,
                Some("page footer".to_string())
            ]
        );
    }

    #[test]
    fn cell_text_of_a_fragment() {
        assert_eq!(cell_text("主な戦略<br>(課題解決の方策)"), "主な戦略\n(課題解決の方策)");
        assert_eq!(cell_text("<ul><li>a &lt; b</li><li>c</li></ul>"), "a < b\nc");
        assert_eq!(cell_text("3<5"), "3<5");
    }
}
