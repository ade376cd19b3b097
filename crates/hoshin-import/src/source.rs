//! The source text as numbered lines, each with its cells (tab-separated columns) cleaned of markup and a
//! compact normalised form for matching; the reader that records diagnostics and what became of each line;
//! and label matching across the lines that PDF text wraps a label over.

use hoshin_core::text::{compact, join_cjk_runs};

use crate::markup::{self, Format};
use crate::{Coverage, Diagnostic, LineUse, Severity};

/// One source line.
#[derive(Debug)]
pub(crate) struct Line {
    /// 1-based.
    pub number: usize,
    /// Non-empty tab-separated cells with HTML tags and markdown emphasis removed, trimmed.
    pub cells: Vec<String>,
    /// All cells normalised (NFKC) with whitespace removed: the form labels are matched in.
    pub compact: String,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.compact.is_empty()
    }

    /// The cells joined with spaces, CJK runs joined.
    pub fn text(&self) -> String {
        join_cjk_runs(&self.cells.join(" "))
    }

    /// The cells joined with single spaces, every run of whitespace made one space.
    pub fn plain(&self) -> String {
        self.cells.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

pub(crate) struct Document {
    pub lines: Vec<Line>,
    pub format: Format,
    /// For a flattened web page or markdown file: the first and last source line of each line's text
    /// (index `number - 1`); empty for plain text, whose lines are the source lines.
    spans: Vec<(usize, usize)>,
    /// What the markup says a line is (site navigation, a page title), by index `number - 1`.
    presets: Vec<Option<LineUse>>,
    /// Source lines that hold no text of any line (tags, rules, scripts, repeated table rows).
    markup: Vec<(usize, LineUse)>,
    merges: Vec<markup::repeats::Merge>,
}

impl Document {
    /// Reads a decoded document of any format.
    pub fn read(text: &str) -> Document {
        match markup::detect(text) {
            Format::Text => Document::new(text),
            format => {
                let flat = markup::flatten(text, format);
                let spans = flat.rows.iter().map(|row| (row.first, row.last)).collect();
                let presets = flat.rows.iter().map(|row| row.preset.clone()).collect();
                let lines = flat
                    .rows
                    .into_iter()
                    .enumerate()
                    .map(|(index, row)| Line {
                        number: index + 1,
                        compact: compact(&row.cells.concat()),
                        cells: row.cells,
                    })
                    .collect();
                Document { lines, format, spans, presets, markup: flat.markup, merges: flat.merges }
            }
        }
    }

    /// Reads plain text: a line per source line, cells at tabs.
    pub fn new(text: &str) -> Document {
        let lines = text
            .split('\n')
            .enumerate()
            .map(|(index, raw)| {
                let raw = raw.strip_suffix('\r').unwrap_or(raw);
                let cells: Vec<String> =
                    raw.split('\t').map(clean_cell).filter(|cell| !cell.trim().is_empty()).collect();
                let compact = match &cells[..] {
                    [cell] => compact(cell),
                    cells => compact(&cells.concat()),
                };
                Line { number: index + 1, cells, compact }
            })
            .collect();
        Document {
            lines,
            format: Format::Text,
            spans: Vec::new(),
            presets: Vec::new(),
            markup: Vec::new(),
            merges: Vec::new(),
        }
    }

    /// The source line that line `number` (1-based) starts on.
    pub fn source_line(&self, number: usize) -> usize {
        self.spans.get(number.wrapping_sub(1)).map_or(number, |(first, _)| *first)
    }

    pub fn first_non_blank(&self) -> Option<usize> {
        self.lines.iter().find(|line| !line.is_blank()).map(|line| line.number)
    }

    /// The line with 1-based `number`.
    pub fn line(&self, number: usize) -> &Line {
        &self.lines[number - 1]
    }
}

/// Removes HTML tags and markdown emphasis from a cell. Paragraph and list-item tags become line breaks
/// (`\n`) so that the paragraphs of a cell stay apart; a markdown list marker becomes 「・」.
pub(crate) fn clean_cell(cell: &str) -> String {
    // Most cells of a text document have no markup at all: trim them and copy once.
    if !cell.bytes().any(|b| matches!(b, b'<' | b'*' | b'&' | b'-')) {
        return cell.trim().to_string();
    }
    let mut out = String::with_capacity(cell.len());
    let mut rest = cell;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        let tag = rest[start + 1..start + len].trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name.is_empty() {
            // 「<」 as text (「3<5」): keep it.
            out.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(&rest[..start]);
        if matches!(name.as_str(), "p" | "br" | "li" | "ul" | "ol" | "div" | "tr") {
            out.push('\n');
        } else {
            out.push(' ');
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    let out = out.replace("**", "").replace("&nbsp;", " ").replace("&amp;", "&");
    let trimmed = out.trim();
    if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
        let item = item.trim_start();
        if item.starts_with('・') {
            return item.to_string();
        }
        return format!("・{item}");
    }
    trimmed.to_string()
}

/// Collects diagnostics and line uses while a layout reader walks the document.
pub(crate) struct Reader {
    uses: Vec<Option<LineUse>>,
    diagnostics: Vec<Diagnostic>,
}

impl Reader {
    pub fn new(document: &Document) -> Reader {
        let mut uses = vec![None; document.lines.len() + 1];
        for (index, preset) in document.presets.iter().enumerate() {
            uses[index + 1] = preset.clone();
        }
        Reader { uses, diagnostics: Vec::new() }
    }

    pub fn field(&mut self, line: usize, path: impl Into<String>) {
        self.set(line, LineUse::Field(path.into()));
    }

    pub fn label(&mut self, line: usize, label: impl Into<String>) {
        self.set(line, LineUse::Label(label.into()));
    }

    pub fn furniture(&mut self, line: usize, what: impl Into<String>) {
        self.set(line, LineUse::Furniture(what.into()));
    }

    /// Whether a layout reader has nothing to do with `line`: it is blank, already taken (a title, a head, a
    /// dated note), or page furniture, which is recorded here.
    pub fn settled(&mut self, line: &Line) -> bool {
        if line.is_blank() || self.is_used(line.number) {
            return true;
        }
        if let Some(what) = furniture(&line.compact) {
            self.furniture(line.number, what);
            return true;
        }
        false
    }

    pub fn is_used(&self, line: usize) -> bool {
        self.uses.get(line).is_some_and(Option::is_some)
    }

    fn set(&mut self, line: usize, line_use: LineUse) {
        if let Some(slot) = self.uses.get_mut(line) {
            *slot = Some(line_use);
        }
    }

    pub fn diagnose(&mut self, severity: Severity, line: usize, message: String) {
        self.diagnostics.push(Diagnostic { severity, line, message });
    }

    pub fn info(&mut self, line: usize, message: String) {
        self.diagnose(Severity::Info, line, message);
    }

    pub fn warning(&mut self, line: usize, message: String) {
        self.diagnose(Severity::Warning, line, message);
    }

    pub fn error(&mut self, line: usize, message: String) {
        self.diagnose(Severity::Error, line, message);
    }

    /// The diagnostics and the coverage report, in source lines: every non-blank source line with what
    /// became of it, and a warning for each line that nothing took.
    pub fn finish(mut self, document: &Document) -> (Vec<Diagnostic>, Coverage) {
        let mut coverage = Coverage::default();
        for diagnostic in &mut self.diagnostics {
            diagnostic.line = document.source_line(diagnostic.line);
        }
        // The first source line of every line, so that the other lines of a line's span (a cell written over
        // several source lines) are reported with it.
        let starts: std::collections::HashSet<usize> = document.spans.iter().map(|(first, _)| *first).collect();
        for line in &document.lines {
            if line.is_blank() {
                continue;
            }
            let line_use = self.uses[line.number].take().unwrap_or(LineUse::Unassigned);
            let source = document.source_line(line.number);
            if line_use == LineUse::Unassigned {
                let text: String = line.text().chars().take(40).collect();
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    line: source,
                    message: format!("line not assigned to any field: 「{text}」"),
                });
                coverage.unassigned_text.push((source, line.text()));
            }
            if let Some((first, last)) = document.spans.get(line.number - 1) {
                for other in first + 1..=*last {
                    if !starts.contains(&other) {
                        coverage.lines.push((other, line_use.clone()));
                    }
                }
            }
            coverage.lines.push((source, line_use));
        }
        coverage.lines.extend(document.markup.iter().cloned());
        coverage.lines.sort_by_key(|(number, _)| *number);
        for merge in &document.merges {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Info,
                line: merge.repeat,
                message: format!(
                    "this table repeats the one at line {} (converters render a table more than once): read once",
                    merge.kept
                ),
            });
            for (taken, lost) in &merge.completed {
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Info,
                    line: *taken,
                    message: format!("cells missing from the same row at line {lost} were taken from this rendering"),
                });
            }
            for added in &merge.added {
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    line: *added,
                    message: "this row is in only one rendering of a repeated table: kept where that rendering has \
                              it; check its place against the source"
                        .to_string(),
                });
            }
        }
        self.diagnostics.sort_by_key(|diagnostic| diagnostic.line);
        (self.diagnostics, coverage)
    }
}

/// Lines that carry no policy content, in compact form: format markers, section headings, legends.
pub(crate) fn furniture(compacted: &str) -> Option<&'static str> {
    if compacted == "【共通様式】" || compacted == "共通様式" {
        return Some("format marker");
    }
    if compacted.starts_with("配付資料") || compacted.starts_with("資料") && compacted.chars().count() <= 8 {
        return Some("handout label");
    }
    if compacted == "「目標」「使命」及び「所属運営の基本的な考え方」" {
        return Some("section heading");
    }
    if compacted.contains(":目標達成") || compacted.contains("※A:達成") && !compacted.contains("実績") {
        return Some("legend");
    }
    if ["ページ番号", "更新日", "最終更新日", "掲載日", "登録日"].iter().any(|prefix| compacted.starts_with(prefix))
    {
        return Some("page metadata");
    }
    if matches!(
        compacted,
        "ダウンロード"
            | "関連ファイル"
            | "添付ファイル"
            | "関連リンク"
            | "関連ページ"
            | "関連情報"
            | "このページの作成者・問合せ先"
            | "このページへの問合せ"
            | "このページへのお問合せ"
            | "問合せ先"
            | "お問い合わせ"
    ) {
        return Some("page section heading");
    }
    if compacted.contains("AdobeAcrobatReader") || compacted.contains("AdobeReader") {
        return Some("viewer notice");
    }
    let page = compacted.trim_matches(['-', '−', 'ー', '(', ')', '/', 'P', 'p', '.']);
    if !page.is_empty() && page.chars().all(|c| c.is_ascii_digit()) && page.len() <= 3 {
        return Some("page number");
    }
    None
}

/// The first 30 characters of `text`, for quoting it in a diagnostic.
pub(crate) fn short(text: &str) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(30).collect();
    if text.chars().count() > 30 {
        out.push('…');
    }
    out
}

/// A label found at a line, possibly wrapped over several lines.
#[derive(Debug)]
pub(crate) struct LabelMatch<L> {
    pub label: L,
    /// The 1-based numbers of the lines the label took (the first and any it wrapped onto).
    pub lines: Vec<usize>,
    /// Text on the first line after the label, as cells (a tab-separated row has the content beside it).
    pub rest: Vec<String>,
}

/// Finds one of `labels` (each with its spellings in compact form) starting at the line with index `index`.
///
/// Three forms occur: the label alone in the first cell of a tab-separated row with the content in the next
/// cells (「課題認識\t・…」); the label at the start of a line followed by content (「目標 すみよいまち…」, only
/// for labels that allow it); and the label wrapped over several lines, possibly with blank lines between
/// (「主な戦略」「(課題解決の方」「」「策)」). A leading fiscal year (「令和6年度」) is ignored when the label
/// allows it.
pub(crate) fn match_label<L: Copy>(
    document: &Document,
    index: usize,
    labels: &[LabelSpec<L>],
) -> Option<LabelMatch<L>> {
    let line = &document.lines[index];
    if line.cells.len() > 1 {
        // A row whose first cell is the label.
        let first_cell = compact(&line.cells[0]);
        for spec in labels {
            if spec.matches_exactly(&first_cell) {
                return Some(LabelMatch {
                    label: spec.label,
                    lines: vec![line.number],
                    rest: line.cells[1..].to_vec(),
                });
            }
        }
    }
    // The label wrapped over lines: extend while the text is the beginning of some spelling.
    let mut joined = String::new();
    let mut taken = Vec::new();
    let mut best: Option<(L, usize)> = None;
    for next in &document.lines[index..] {
        if next.is_blank() {
            continue;
        }
        if next.cells.len() > 1 && !taken.is_empty() {
            break;
        }
        joined.push_str(&next.compact);
        taken.push(next.number);
        if taken.len() > 8 || !labels.iter().any(|spec| spec.starts(&joined)) {
            break;
        }
        if let Some(spec) = labels.iter().find(|spec| spec.matches_exactly(&joined)) {
            best = Some((spec.label, taken.len()));
        }
    }
    if let Some((label, count)) = best {
        return Some(LabelMatch { label, lines: taken[..count].to_vec(), rest: Vec::new() });
    }
    // The label at the start of a line, followed by its content.
    let text = line.cells.join("\t");
    let mut inline: Vec<(&LabelSpec<L>, &str)> = labels
        .iter()
        .filter(|spec| spec.inline)
        .flat_map(|spec| spec.spellings.iter().map(move |spelling| (spec, *spelling)))
        .collect();
    // 「目標(何をめざすのか)」 before 「目標」.
    inline.sort_by_key(|(_, spelling)| std::cmp::Reverse(spelling.len()));
    for (spec, spelling) in inline {
        // The cheap test first: the line's compact form must start with the spelling.
        if line.compact.starts_with(spelling) {
            if let Some(rest) = strip_compact_prefix(&text, spelling) {
                let rest = rest.trim();
                if rest.is_empty() || spec.inline_content_ok(rest) {
                    let rest = rest.split('\t').map(str::to_string).filter(|cell| !cell.trim().is_empty()).collect();
                    return Some(LabelMatch { label: spec.label, lines: vec![line.number], rest });
                }
            }
        }
    }
    None
}

/// A label and how it may be written.
pub(crate) struct LabelSpec<L> {
    pub label: L,
    /// Spellings in compact form (normalised, no whitespace).
    pub spellings: &'static [&'static str],
    /// The label may be followed by content on the same line.
    pub inline: bool,
    /// A leading fiscal year is part of the label (「令和6年度所属運営の基本的な考え方」).
    pub year_prefix: bool,
}

impl<L> LabelSpec<L> {
    /// A label that may have its content on the same line.
    pub const fn inline(label: L, spellings: &'static [&'static str]) -> LabelSpec<L> {
        LabelSpec { label, spellings, inline: true, year_prefix: false }
    }

    /// A label on a line of its own.
    pub const fn block(label: L, spellings: &'static [&'static str]) -> LabelSpec<L> {
        LabelSpec { label, spellings, inline: false, year_prefix: false }
    }
}

impl<L: Copy> LabelSpec<L> {
    /// The same label, which may start with a fiscal year.
    pub const fn with_year_prefix(self) -> LabelSpec<L> {
        LabelSpec { label: self.label, spellings: self.spellings, inline: self.inline, year_prefix: true }
    }

    fn without_year<'t>(&self, text: &'t str) -> &'t str {
        if self.year_prefix {
            strip_year(text)
        } else {
            text
        }
    }

    fn matches_exactly(&self, text: &str) -> bool {
        let text = self.without_year(text);
        !text.is_empty() && self.spellings.contains(&text)
    }

    fn starts(&self, text: &str) -> bool {
        let text = self.without_year(text);
        self.spellings.iter().any(|spelling| spelling.starts_with(text))
    }

    /// Content after an inline label must not be a continuation of a longer word (「目標値UP」 is not 「目標」).
    fn inline_content_ok(&self, rest: &str) -> bool {
        !rest.starts_with(['値', 'の', 'と', 'を', 'に', 'は', 'が', ':', '：'])
    }
}

/// Removes a leading 「令和6年度」, 「6年度」 or 「2024年度」 from compact text.
pub(crate) fn strip_year(text: &str) -> &str {
    hoshin_core::split_fiscal_year_prefix(text, Some(hoshin_core::Era::Reiwa)).map_or(text, |(_, rest)| rest)
}

/// If `text`, compared in compact form, starts with `prefix` (compact), returns the rest of `text` as written.
pub(crate) fn strip_compact_prefix<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let mut wanted = prefix.chars().peekable();
    let mut buffer = [0u8; 4];
    for (index, c) in text.char_indices() {
        if wanted.peek().is_none() {
            return Some(&text[index..]);
        }
        if c.is_whitespace() {
            continue;
        }
        for normalized in hoshin_core::text::normalize(c.encode_utf8(&mut buffer)).chars() {
            if normalized.is_whitespace() {
                continue;
            }
            if wanted.next() != Some(normalized) {
                return None;
            }
        }
    }
    wanted.peek().is_none().then_some("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_markup() {
        assert_eq!(clean_cell("<ul style=\"list-style-type: none\"> 災害に強い。 "), "災害に強い。");
        assert_eq!(clean_cell("<p>課題</p> <p>本文</p>"), "課題\n \n本文");
        assert_eq!(clean_cell("**平成31年度までに85%以上**"), "平成31年度までに85%以上");
        assert_eq!(clean_cell("- ・多様な区民"), "・多様な区民");
        assert_eq!(clean_cell("- 窓口業務委託"), "・窓口業務委託");
        assert_eq!(clean_cell("3<5"), "3<5");
    }

    #[test]
    fn strips_compact_prefixes() {
        assert_eq!(strip_compact_prefix("目標 すみよいまち", "目標"), Some(" すみよいまち"));
        assert_eq!(strip_compact_prefix("経営課題１　人が", "経営課題1"), Some("　人が"));
        assert_eq!(strip_compact_prefix("4 決算額", "4決算額"), Some(""));
        assert_eq!(strip_compact_prefix("使命", "目標"), None);
    }

    #[test]
    fn matches_wrapped_labels() {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum L {
            Strategies,
            Approach,
        }
        let specs = [
            LabelSpec::block(L::Strategies, &["主な戦略(課題解決の方策)", "主な戦略"]),
            LabelSpec::block(L::Approach, &["所属運営の基本的な考え方"]).with_year_prefix(),
        ];
        let document =
            Document::new("主な戦略\n(課題解決の方\n\n策)\n\n【見出し】\n令和６年度\n所属運営の\n基本的な\n考え方\n");
        let found = match_label(&document, 0, &specs).unwrap();
        assert_eq!((found.label, found.lines), (L::Strategies, vec![1, 2, 4]));
        let found = match_label(&document, 6, &specs).unwrap();
        assert_eq!((found.label, found.lines), (L::Approach, vec![7, 8, 9, 10]));
        assert!(match_label(&document, 5, &specs).is_none());
        let row = Document::new("主な戦略 (課題解決の方策)\t・多くの人に\t\t");
        let found = match_label(&row, 0, &specs).unwrap();
        assert_eq!(found.rest, vec!["・多くの人に".to_string()]);
    }
}
