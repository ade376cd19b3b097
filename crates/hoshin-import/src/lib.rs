//! Reads the operating policies that wards already publish into the Hoshin model.
//!
//! [`parse`] is a pure function over decoded text: it detects the layout, reads every field it can, and
//! returns the policy content with diagnostics (each naming a source line) and a coverage report that says
//! what became of every non-blank line. It never fails outright and never guesses silently: what it is
//! unsure of is a diagnostic, and what it cannot read keeps its source text. [`decode`] turns the bytes of
//! a file into that text (UTF-8 or Shift_JIS/CP932); reading files belongs to the caller.

#![forbid(unsafe_code)]

mod bullets;
pub mod canonical;
mod common;
mod decode;
mod detail;
pub mod fuzzing;
mod header;
mod indicator;
mod markup;
mod outline;
pub mod samples;
mod source;
mod summary;
pub mod table;
mod yearend;

use hoshin_core::{FiscalYear, Organization, PolicyContent, Stage};

pub use decode::{decode, DecodeError, Encoding, MAX_INPUT_BYTES};
pub use indicator::printed_target;
pub use markup::{detect, Format};
pub use outline::outline;

/// The diagnostic of a document in which no layout was recognised (`Layout::Unknown`).
pub const NOT_A_POLICY: &str =
    "this is not an operating policy (運営方針): no 経営課題, 課題認識, めざす状態 or アウトカム指標 found";

/// What the caller knows about a document that the document may not say (command-line options).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hints {
    pub organization: Option<String>,
    pub city: Option<String>,
    pub fiscal_year: Option<FiscalYear>,
}

/// The layout a document was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The common format (共通様式, FY2023 onwards): issues with 課題認識, 主な戦略, アウトカム指標 and the
    /// year-end table.
    Common,
    /// A ward's detailed layout (めざす成果及び戦略 n-m, 具体的取組 n-m-k, process indicators with ○/— histories).
    Detailed,
    /// The older one-page summary (めざす状態 / アウトカム指標 / 戦略, 市政改革プラン2.0 items).
    Summary,
    /// Nothing that looks like an operating policy.
    Unknown,
}

impl Layout {
    pub fn code(self) -> &'static str {
        match self {
            Layout::Common => "common",
            Layout::Detailed => "detailed",
            Layout::Summary => "summary",
            Layout::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// How something was read, for the record (a year taken from the budget columns).
    Info,
    /// Read, but the reader should check it against the source (a pairing by order, an inferred city).
    Warning,
    /// Could not be read; the source text is kept where it belongs.
    Error,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something the importer wants a person to know, about one source line (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub line: usize,
    pub message: String,
}

/// What became of one non-blank source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineUse {
    /// Part of a field: a readable path such as `issue 1-(1) / strategies` or `issue 2 / results ⑤`.
    Field(String),
    /// A label of the format (「課題認識」, 「アウトカム指標」) or a table header.
    Label(String),
    /// Page furniture that carries no policy content: handout labels, format markers, legends, captions.
    Furniture(String),
    /// The same content as the source line `of`: a table that a converter rendered again (DOMAIN.md §7),
    /// read once.
    Repeat { of: usize },
    /// Nothing took it. Policy content must never end here.
    Unassigned,
}

/// Every non-blank line with what became of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// (line number, use), in line order. A web page may hold several rows on one source line, so a line
    /// number can occur more than once.
    pub lines: Vec<(usize, LineUse)>,
    /// The text of each unassigned line, as read (without markup), in line order.
    pub unassigned_text: Vec<(usize, String)>,
}

impl Coverage {
    pub fn unassigned(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines.iter().filter(|(_, line_use)| *line_use == LineUse::Unassigned).map(|(number, _)| *number)
    }

    pub fn count(&self, kind: fn(&LineUse) -> bool) -> usize {
        self.lines.iter().filter(|(_, line_use)| kind(line_use)).count()
    }
}

/// How sure the importer is that a year-end row was put together right (DOMAIN.md §7: PDF text scrambles
/// the columns «actual | mark | previous»).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// The cells came on one line, or only one pairing fits their shapes and units.
    Certain,
    /// Several pairings fit; the cells were paired in the order they appear. Check against the source.
    ByOrder,
}

impl Confidence {
    pub fn code(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::ByOrder => "by_order",
        }
    }
}

/// How one indicator's year-end row was assembled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pairing {
    pub issue: hoshin_core::IssueId,
    pub number: u32,
    /// The source lines the cells came from.
    pub lines: Vec<usize>,
    pub confidence: Confidence,
}

/// The result of reading one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// Plain text, a web page or converter markdown.
    pub format: Format,
    pub layout: Layout,
    pub organization: Option<Organization>,
    pub fiscal_year: Option<FiscalYear>,
    /// The latest stage the document shows.
    pub stage: Stage,
    pub content: PolicyContent,
    /// The era that era-less years of the document (「6年度」, 「R3」 ranges aside) were read in: targets read
    /// again later (a stored policy) must be read in the same era.
    pub era: Option<hoshin_core::Era>,
    pub pairings: Vec<Pairing>,
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
}

impl Parsed {
    /// The policy, when the document (or the hints) said whose and which year it is.
    pub fn policy(&self) -> Option<hoshin_core::Policy> {
        Some(hoshin_core::Policy {
            organization: self.organization.clone()?,
            fiscal_year: self.fiscal_year?,
            stage: self.stage,
            content: self.content.clone(),
        })
    }

    /// The policy with the header of its canonical form (whose, which year, which stage, and the era that
    /// era-less years were read in): what the canonical sheets and the official outputs are made from.
    pub fn canonical_policy(&self) -> Option<(hoshin_core::canonical::Header, PolicyContent)> {
        let policy = self.policy()?;
        let header = hoshin_core::canonical::Header {
            organization: policy.organization,
            fiscal_year: policy.fiscal_year,
            stage: policy.stage,
            era: self.era,
        };
        Some((header, policy.content))
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error)
    }
}

/// Reads a document. Never fails: what cannot be read is reported in the diagnostics.
pub fn parse(text: &str, hints: &Hints) -> Parsed {
    let document = source::Document::read(text);
    let mut reader = source::Reader::new(&document);
    let header = header::read_header(&document, &mut reader, hints);
    let layout = detect_layout(&document);
    let mut content = PolicyContent { head: header.head.clone(), title: header.title.clone(), ..Default::default() };
    let mut pairings = Vec::new();
    let context = header::YearContext::new(header.fiscal_year, &document);
    match layout {
        Layout::Common => common::read(&document, &mut reader, &context, &mut content, &mut pairings),
        Layout::Detailed => detail::read(&document, &mut reader, &context, &mut content),
        Layout::Summary => summary::read(&document, &mut reader, &context, &mut content),
        Layout::Unknown => {
            let line = document.first_non_blank().unwrap_or(1);
            reader.error(line, NOT_A_POLICY.to_string());
        }
    }
    let fiscal_year = header.fiscal_year.or_else(|| context.inferred_policy_year(&content, &mut reader));
    let stage = header::stage(&header, &content, &mut reader);
    content.notes = header.notes;
    content.split_list_lines();
    let (diagnostics, coverage) = reader.finish(&document);
    for pairing in &mut pairings {
        for line in &mut pairing.lines {
            *line = document.source_line(*line);
        }
    }
    Parsed {
        format: document.format,
        layout,
        organization: header.organization,
        fiscal_year,
        stage,
        content,
        era: context.era,
        pairings,
        diagnostics,
        coverage,
    }
}

fn detect_layout(document: &source::Document) -> Layout {
    let has = |needle: &str| document.lines.iter().any(|line| line.compact.contains(needle));
    if has("具体的取組") || has("めざす成果及び戦略") {
        Layout::Detailed
    } else if has("課題認識") || (has("経営課題") && has("アウトカム指標")) {
        Layout::Common
    } else if has("めざす状態") || has("取組項目") {
        Layout::Summary
    } else {
        Layout::Unknown
    }
}
