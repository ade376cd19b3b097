//! A policy in the common-format layout as a PDF on A4: the header with the organization, the fiscal year and
//! the stage on every page, page numbers 「n / N」, the goal, mission and approach, each management issue as a
//! table like the official form (budgets, problem recognition, strategies, desired state, outcome indicators
//! with target, actual, the ward's mark and the computed one, self-evaluation, future policy), the older
//! layouts' strategies, initiatives, activities and process indicators, and the reform-plan items.
//!
//! The layout is written in Typst markup ([`markup`], golden-tested) and typeset by the Typst library with a
//! Japanese font found on the machine ([`Fonts::load`]); fonts are embedded, subset, in the PDF. Every text of
//! the policy goes into the markup as a string literal, never as markup, so no text can change the layout.

use std::path::{Path, PathBuf};

use hoshin_core::canonical::Header;
use hoshin_core::{Budget, BudgetKind, BulletGroup, Indicator, Lang, PolicyContent, TargetText};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use crate::RenderError;

/// The Japanese fonts Hoshin looks for, best first, with where Debian puts them.
const FONT_FILES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
];

/// The families the layout asks for, in order.
const FAMILIES: &str = "(\"Noto Sans CJK JP\", \"IPAexGothic\", \"IPAGothic\")";

/// Fonts loaded once and shared by every rendering.
pub struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// The files the fonts came from, for messages.
    pub files: Vec<PathBuf>,
}

impl Fonts {
    /// Loads the Japanese fonts from `HOSHIN_FONT_DIR` (every .ttf, .otf and .ttc in it) or from the system's
    /// usual places. An error says what to install.
    pub fn load() -> Result<Fonts, RenderError> {
        let mut files: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os("HOSHIN_FONT_DIR") {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut found: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| {
                        path.extension()
                            .and_then(|ext| ext.to_str())
                            .is_some_and(|ext| matches!(ext.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc"))
                    })
                    .collect();
                found.sort();
                files.extend(found);
            }
        }
        files.extend(FONT_FILES.iter().map(PathBuf::from).filter(|path| path.exists()));
        Fonts::from_files(&files)
    }

    pub fn from_files(files: &[PathBuf]) -> Result<Fonts, RenderError> {
        let mut fonts = Vec::new();
        let mut used = Vec::new();
        for path in files {
            let Ok(bytes) = std::fs::read(path) else { continue };
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(bytes)));
            if fonts.len() > before {
                used.push(path.clone());
            }
        }
        let japanese = fonts.iter().any(|font| {
            let family = font.info().family.as_str();
            family == "Noto Sans CJK JP" || family.starts_with("IPA")
        });
        if !japanese {
            return Err(RenderError::NoJapaneseFont);
        }
        Ok(Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts, files: used })
    }
}

struct PolicyWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
}

impl World for PolicyWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// Typesets the policy as a PDF.
pub fn render_pdf(header: &Header, content: &PolicyContent, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    let text = markup(header, content);
    let main = Source::new(FileId::new(None, VirtualPath::new(Path::new("/policy.typ"))), text);
    let world = PolicyWorld { library: LazyHash::new(Library::default()), fonts, main };
    let document = typst::compile::<typst::layout::PagedDocument>(&world).output.map_err(|errors| {
        RenderError::Layout(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    let ident = format!("{}-{}-{}", header.organization.name, header.fiscal_year.start_year(), header.stage.code());
    let options = typst_pdf::PdfOptions { ident: typst::foundations::Smart::Custom(&ident), ..Default::default() };
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        RenderError::Layout(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    })
}

/// A Typst string literal holding `text` exactly: what every policy text becomes in the markup.
fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Content showing `text`, line breaks kept.
fn txt(text: &str) -> String {
    format!("[#{}]", lit_content(text))
}

/// A text as content inside markup: `(…)` of a literal, with line breaks as Typst line breaks.
fn lit_content(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(lit).collect();
    match lines.len() {
        0 => "\"\"".to_string(),
        1 => format!("({})", lines[0]),
        _ => format!("({})", lines.join(" + linebreak() + ")),
    }
}

fn bullets(groups: &[BulletGroup]) -> String {
    let mut out = String::from("[");
    for group in groups {
        if let Some(heading) = &group.heading {
            out.push_str(&format!("#strong({}) ", lit(&format!("【{heading}】"))));
            if !group.indicator_links.is_empty() {
                let links: Vec<String> = group.indicator_links.iter().map(|n| n.to_string()).collect();
                out.push_str(&format!(
                    "#text(size: 7.5pt, {}) ",
                    lit(&format!("（アウトカム指標{}）", links.join("・")))
                ));
            }
            out.push_str("\\ ");
        }
        for bullet in &group.bullets {
            out.push_str(&format!("#({}) \\ ", lit(&format!("・{bullet}"))));
        }
    }
    out.push(']');
    out
}

fn lines(items: &[String]) -> String {
    txt(&items.join("\n"))
}

fn budget_text(budget: &Budget) -> String {
    let kind = match budget.kind {
        BudgetKind::Settled => "決算額",
        BudgetKind::Planned => "予算額",
    };
    format!("{} {kind} {}", budget.fiscal_year.era_label(), budget.amount.original)
}

fn indicator_rows(indicators: &[Indicator], header: &Header) -> String {
    let year = header.fiscal_year;
    let mut out = String::new();
    for indicator in indicators {
        let number = indicator.number.map_or_else(String::new, hoshin_core::text::circled);
        let target = match &indicator.target {
            Some(TargetText::NotEvaluable { .. }) => format!("{}（判定不能）", indicator.printed_target()),
            _ => indicator.printed_target().to_string(),
        };
        let result = indicator.result(year);
        let actual = result.and_then(|r| r.actual.as_ref()).map(|m| m.original.clone()).unwrap_or_default();
        let history: Vec<String> = indicator
            .results
            .iter()
            .filter(|r| r.fiscal_year != year)
            .map(|r| {
                let actual = r.actual.as_ref().map_or("－", |actual| actual.original.as_str());
                let mark = r.published_mark.as_ref().map_or(String::new(), |mark| format!(" {}", mark.original));
                format!("{}: {actual}{mark}", r.fiscal_year.era_label())
            })
            .collect();
        let published = result.and_then(|r| r.published_mark.as_ref()).map(|m| m.original.clone()).unwrap_or_default();
        let computed = indicator.computed_mark(year).map(|mark| mark.letter().to_string()).unwrap_or_default();
        let mut wording = format!("{number}{}", indicator.wording);
        if let Some(source) = &indicator.data_source {
            if !wording.contains(source.as_str()) {
                wording.push_str(&format!("\n（{source}）"));
            }
        }
        for note in &indicator.notes {
            wording.push('\n');
            wording.push_str(note);
        }
        let mut actual_cell = actual;
        if let Some(previous) = &indicator.previous_actual {
            actual_cell.push_str(&format!("\n前年度 {}", previous.original));
        }
        for line in history {
            actual_cell.push('\n');
            actual_cell.push_str(&line);
        }
        let change = indicator.target_change.map(|change| change.label_ja().to_string()).unwrap_or_default();
        let target_cell = if change.is_empty() { target } else { format!("{target}\n{change}") };
        out.push_str(&format!(
            "  {}, {}, {}, {}, {},\n",
            txt(&wording),
            txt(&target_cell),
            txt(&actual_cell),
            txt(&published),
            txt(&computed)
        ));
    }
    out
}

fn indicator_table(title: &str, indicators: &[Indicator], header: &Header) -> String {
    if indicators.is_empty() {
        return String::new();
    }
    format!(
        "#table(columns: (1fr, 34mm, 26mm, 12mm, 12mm),\n  table.header([#strong({})], [#strong(\"目標\")], [#strong(\"実績\")], [#strong(\"区の評価\")], [#strong(\"判定\")]),\n{})\n",
        lit(title),
        indicator_rows(indicators, header)
    )
}

/// Two-column rows of label and content, for the non-empty contents.
fn rows(pairs: &[(&str, Option<String>)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .filter_map(|(label, content)| Some(format!("  [#strong({})], {},", lit(label), content.clone()?)))
        .collect();
    if body.is_empty() {
        return String::new();
    }
    format!("#table(columns: (30mm, 1fr),\n{}\n)\n", body.join("\n"))
}

fn some_text(text: &Option<String>) -> Option<String> {
    text.as_ref().filter(|t| !t.trim().is_empty()).map(|t| txt(t))
}

fn some_lines(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| lines(items))
}

/// The whole layout as Typst markup.
pub fn markup(header: &Header, content: &PolicyContent) -> String {
    let year = header.fiscal_year;
    let title =
        content.title.clone().unwrap_or_else(|| format!("{} {}運営方針", year.era_label(), header.organization.name));
    let running = format!("{} {}運営方針", year.label(Lang::Ja), header.organization.name);
    let mut out = String::new();
    out.push_str(&format!(
        "#set document(title: {})\n\
         #set page(paper: \"a4\", margin: (x: 14mm, top: 20mm, bottom: 18mm),\n  \
         header: context [#set text(size: 8pt); #({}) #h(1fr) #({})],\n  \
         footer: context [#set text(size: 8pt); #h(1fr) #counter(page).display(\"1 / 1\", both: true) #h(1fr)])\n\
         #set text(font: {FAMILIES}, lang: \"ja\", size: 8.5pt, cjk-latin-spacing: none)\n\
         #set par(leading: 0.55em)\n\
         #set table(stroke: 0.5pt + black, inset: 3.5pt)\n\
         #align(center, text(size: 15pt, weight: \"bold\", {}))\n\
         #v(4pt)\n",
        lit(&title),
        lit(&running),
        lit(header.stage.label(Lang::Ja)),
        lit(&title),
    ));
    if let Some(head) = &content.head {
        out.push_str(&format!("#align(right, text({}))\n", lit(head)));
    }
    out.push_str(&rows(&[
        ("目標", some_text(&content.goal)),
        ("使命", some_lines(&content.mission)),
        ("今年度の取組方針", some_lines(&content.approach)),
    ]));
    for issue in &content.issues {
        out.push_str(&format!(
            "#v(6pt)\n#block(breakable: false, width: 100%, fill: luma(225), inset: 4pt, strong({}))\n",
            lit(&format!("経営課題{} {}", issue.id, issue.title))
        ));
        let budgets: Vec<String> = issue.budgets.iter().map(budget_text).collect();
        out.push_str(&rows(&[
            ("概要", some_text(&issue.summary)),
            ("予算", some_lines(&budgets)),
            ("課題認識", (!issue.problem_recognition.is_empty()).then(|| bullets(&issue.problem_recognition))),
            ("主な戦略", (!issue.strategies.is_empty()).then(|| bullets(&issue.strategies))),
            ("めざす状態", some_text(&issue.desired_state)),
        ]));
        out.push_str(&indicator_table("アウトカム指標", &issue.indicators, header));
        for strategy in &issue.detailed_strategies {
            out.push_str(&format!(
                "#v(3pt)\n#block(width: 100%, fill: luma(240), inset: 3pt, strong({}))\n",
                lit(&format!("戦略 {} {}", strategy.id, strategy.title))
            ));
            out.push_str(&rows(&[
                ("めざす状態", some_text(&strategy.desired_state)),
                ("方向性", some_text(&strategy.direction)),
                ("現状", some_lines(&strategy.current_state)),
                ("課題", some_lines(&strategy.challenges)),
            ]));
            out.push_str(&indicator_table("アウトカム指標", &strategy.outcome_indicators, header));
            for initiative in &strategy.initiatives {
                let budgets: Vec<String> = initiative.budgets.iter().map(budget_text).collect();
                let activities: Vec<String> = initiative
                    .activities
                    .iter()
                    .map(|activity| {
                        let planned = activity
                            .planned_level
                            .as_ref()
                            .map(|m| format!(" 計画 {}", m.original))
                            .unwrap_or_default();
                        let actuals: Vec<String> = activity
                            .actuals
                            .iter()
                            .map(|(year, measure)| format!("{} {}", year.era_label(), measure.original))
                            .collect();
                        format!(
                            "{}{planned}{}",
                            activity.name,
                            if actuals.is_empty() { String::new() } else { format!(" 実績 {}", actuals.join("、")) }
                        )
                    })
                    .collect();
                let opinions: Vec<String> = initiative
                    .council_opinions
                    .iter()
                    .map(|opinion| match &opinion.source {
                        Some(source) => format!("{}（{source}）", opinion.text),
                        None => opinion.text.clone(),
                    })
                    .collect();
                out.push_str(&rows(&[
                    ("具体的取組", Some(txt(&format!("{} {}", initiative.id, initiative.title)))),
                    ("概要", some_text(&initiative.summary)),
                    ("予算", some_lines(&budgets)),
                    ("主な活動", some_lines(&activities)),
                    ("〈参考〉区政会議等意見", some_lines(&opinions)),
                    ("中間振り返り", some_text(&initiative.mid_year_review)),
                ]));
                out.push_str(&indicator_table("プロセス指標", &initiative.process_indicators, header));
            }
            out.push_str(&indicator_table("単年度の目標", &strategy.single_year_targets, header));
            out.push_str(&rows(&[
                ("自己評価", some_text(&strategy.self_evaluation)),
                ("改善策", some_text(&strategy.improvement)),
                ("中間振り返り", some_text(&strategy.mid_year_review)),
            ]));
        }
        let sdgs: Vec<String> = issue.sdg_goals.iter().map(|goal| goal.to_string()).collect();
        out.push_str(&rows(&[
            ("自己評価", some_text(&issue.self_evaluation)),
            ("今後の方針", some_text(&issue.future_policy)),
            ("SDGs", (!sdgs.is_empty()).then(|| txt(&sdgs.join("・")))),
        ]));
    }
    if content.self_evaluation.is_some() || content.future_policy.is_some() {
        out.push_str(&format!(
            "#v(6pt)\n#block(width: 100%, fill: luma(225), inset: 4pt, strong({}))\n",
            lit("運営方針全体の評価")
        ));
        out.push_str(&rows(&[
            ("自己評価", some_text(&content.self_evaluation)),
            ("今後の方針", some_text(&content.future_policy)),
        ]));
    }
    for item in &content.reform_plan_items {
        let title = match item.number {
            Some(number) => format!("市政改革プラン {number}. {}", item.title),
            None => format!("市政改革プラン {}", item.title),
        };
        out.push_str(&format!("#v(6pt)\n#block(width: 100%, fill: luma(225), inset: 4pt, strong({}))\n", lit(&title)));
        out.push_str(&rows(&[("概要", some_lines(&item.summary))]));
        out.push_str(&indicator_table("目標", &item.targets, header));
    }
    let sdgs: Vec<String> = content.sdg_goals.iter().map(|goal| goal.to_string()).collect();
    let notes: Vec<String> = content.notes.iter().map(|note| note.text.clone()).collect();
    out.push_str(&rows(&[("SDGs", (!sdgs.is_empty()).then(|| txt(&sdgs.join("・")))), ("備考", some_lines(&notes))]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_literals_never_markup() {
        assert_eq!(lit("a\"b\\c\n#d *e* $f$"), "\"a\\\"b\\\\c\\n#d *e* $f$\"");
        assert_eq!(txt("一行目\n二行目"), "[#(\"一行目\" + linebreak() + \"二行目\")]");
        assert_eq!(txt(""), "[#\"\"]");
    }
}
