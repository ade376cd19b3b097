//! The common-format layout as a workbook for people: a 「概要」 sheet (title, head, goal, mission, approach,
//! the overall evaluation) and one sheet per management issue laid out like the official form — labels in
//! the first column, texts across the rest, budgets side by side, the outcome indicators as a table with
//! target, actual, previous actual, the ward's mark and the computed one, then self-evaluation and future
//! policy. Cells wrap, borders are drawn, and a cell a spreadsheet would take for a formula gets the quote
//! prefix. (The canonical workbook in [`crate::sheet`] is the one that reads back; this one is for reading.)

use hoshin_core::canonical::Header;
use hoshin_core::text::looks_like_formula;
use hoshin_core::{BudgetKind, BulletGroup, Indicator, Lang, PolicyContent};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::RenderError;

/// Columns: labels, then the text (and the indicator's wording), target, actual, previous, mark, computed.
const WIDTHS: [f64; 7] = [14.0, 46.0, 26.0, 14.0, 12.0, 8.0, 8.0];
const LAST: u16 = 6;

struct Styles {
    title: Format,
    band: Format,
    label: Format,
    text: Format,
    text_quoted: Format,
    head: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center),
            band: cell.clone().set_bold().set_background_color(Color::RGB(0x00DD_E4EE)),
            label: cell.clone().set_bold().set_background_color(Color::RGB(0x00F2_F2F2)),
            head: cell.clone().set_bold().set_background_color(Color::RGB(0x00F2_F2F2)).set_align(FormatAlign::Center),
            text_quoted: cell.clone().set_quote_prefix(),
            text: cell,
        }
    }
}

/// Writes one sheet's rows.
struct Writer<'a> {
    sheet: &'a mut Worksheet,
    styles: &'a Styles,
    row: u32,
}

impl Writer<'_> {
    fn text_format(&self, text: &str) -> &Format {
        if looks_like_formula(text) {
            &self.styles.text_quoted
        } else {
            &self.styles.text
        }
    }

    fn cell(&mut self, column: u16, text: &str, format: &Format) -> Result<(), RenderError> {
        self.sheet.write_string_with_format(self.row, column, text, format)?;
        Ok(())
    }

    /// A label and a text across the rest of the row; nothing for an empty text.
    fn labelled(&mut self, label: &str, text: &str) -> Result<(), RenderError> {
        if text.trim().is_empty() {
            return Ok(());
        }
        self.cell(0, label, &self.styles.label.clone())?;
        let format = self.text_format(text).clone();
        self.sheet.merge_range(self.row, 1, self.row, LAST, text, &format)?;
        let lines = text.lines().count().max(1) + text.chars().count() / 90;
        self.sheet.set_row_height(self.row, (lines as f64 * 13.0).clamp(15.0, 409.0))?;
        self.row += 1;
        Ok(())
    }

    fn band(&mut self, text: &str) -> Result<(), RenderError> {
        self.row += 1;
        let format = self.styles.band.clone();
        self.sheet.merge_range(self.row, 0, self.row, LAST, text, &format)?;
        self.row += 1;
        Ok(())
    }

    fn indicators(&mut self, title: &str, indicators: &[Indicator], header: &Header) -> Result<(), RenderError> {
        if indicators.is_empty() {
            return Ok(());
        }
        let head = self.styles.head.clone();
        for (column, text) in [title, "", "目標", "実績", "前年度実績", "区の評価", "判定"].iter().enumerate()
        {
            if column == 1 {
                continue;
            }
            self.cell(column as u16, text, &head)?;
        }
        self.sheet.merge_range(self.row, 0, self.row, 1, title, &head)?;
        self.row += 1;
        let year = header.fiscal_year;
        for indicator in indicators {
            let number = indicator.number.map_or_else(String::new, hoshin_core::text::circled);
            let result = indicator.result(year);
            let computed = indicator.computed_mark(year).map(|mark| mark.letter().to_string()).unwrap_or_default();
            let cells = [
                format!("{number}{}", indicator.wording),
                indicator.printed_target().to_string(),
                result.and_then(|r| r.actual.as_ref()).map(|m| m.original.clone()).unwrap_or_default(),
                indicator.previous_actual.as_ref().map(|m| m.original.clone()).unwrap_or_default(),
                result.and_then(|r| r.published_mark.as_ref()).map(|m| m.original.clone()).unwrap_or_default(),
                computed,
            ];
            let wording = self.text_format(&cells[0]).clone();
            self.sheet.merge_range(self.row, 0, self.row, 1, &cells[0], &wording)?;
            for (offset, text) in cells.iter().enumerate().skip(1) {
                let format = self.text_format(text).clone();
                self.cell(offset as u16 + 1, text, &format)?;
            }
            let lines = cells[0].chars().count() / 40 + 1;
            self.sheet.set_row_height(self.row, (lines as f64 * 13.0).clamp(15.0, 409.0))?;
            self.row += 1;
        }
        Ok(())
    }
}

fn bullets(groups: &[BulletGroup]) -> String {
    let mut out = Vec::new();
    for group in groups {
        if let Some(heading) = &group.heading {
            out.push(format!("【{heading}】"));
        }
        out.extend(group.bullets.iter().map(|bullet| format!("・{bullet}")));
    }
    out.join("\n")
}

fn sheet_name(text: &str, taken: &[String]) -> String {
    let clean: String = text.chars().map(|c| if "[]:*?/\\".contains(c) { '・' } else { c }).take(28).collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{clean}({n})");
        n += 1;
    }
    name
}

/// Writes the layout workbook.
pub fn write_layout(header: &Header, content: &PolicyContent) -> Result<Vec<u8>, RenderError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    let mut names: Vec<String> = vec!["概要".into()];
    let title = content
        .title
        .clone()
        .unwrap_or_else(|| format!("{} {}運営方針", header.fiscal_year.era_label(), header.organization.name));
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("概要")?;
        for (column, width) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(column as u16, *width)?;
        }
        sheet.merge_range(0, 0, 0, LAST, &title, &styles.title)?;
        let mut writer = Writer { sheet, styles: &styles, row: 2 };
        writer.labelled("年度", &header.fiscal_year.label(Lang::Ja))?;
        writer.labelled("段階", header.stage.label(Lang::Ja))?;
        writer.labelled("区長", content.head.as_deref().unwrap_or(""))?;
        writer.labelled("目標", content.goal.as_deref().unwrap_or(""))?;
        writer.labelled("使命", &content.mission.join("\n"))?;
        writer.labelled("今年度の取組方針", &content.approach.join("\n"))?;
        writer.labelled("自己評価", content.self_evaluation.as_deref().unwrap_or(""))?;
        writer.labelled("今後の方針", content.future_policy.as_deref().unwrap_or(""))?;
        let notes: Vec<String> = content.notes.iter().map(|note| note.text.clone()).collect();
        writer.labelled("備考", &notes.join("\n"))?;
        writer.sheet.set_landscape();
        writer.sheet.set_paper_size(9);
    }
    for issue in &content.issues {
        let name = sheet_name(&format!("経営課題{}", issue.id), &names);
        names.push(name.clone());
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        for (column, width) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(column as u16, *width)?;
        }
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_header(format!("&L{}&R{}", title.replace('&', "&&"), header.stage.label(Lang::Ja)));
        sheet.set_footer("&C&P / &N");
        let mut writer = Writer { sheet, styles: &styles, row: 0 };
        writer.row = 0;
        let band = format!("経営課題{} {}", issue.id, issue.title);
        let format = styles.band.clone();
        writer.sheet.merge_range(0, 0, 0, LAST, &band, &format)?;
        writer.row = 1;
        writer.labelled("概要", issue.summary.as_deref().unwrap_or(""))?;
        let budgets: Vec<String> = issue
            .budgets
            .iter()
            .map(|budget| {
                let kind = if budget.kind == BudgetKind::Settled { "決算額" } else { "予算額" };
                format!("{} {kind} {}", budget.fiscal_year.era_label(), budget.amount.original)
            })
            .collect();
        writer.labelled("予算", &budgets.join("\n"))?;
        writer.labelled("課題認識", &bullets(&issue.problem_recognition))?;
        writer.labelled("主な戦略", &bullets(&issue.strategies))?;
        writer.labelled("めざす状態", issue.desired_state.as_deref().unwrap_or(""))?;
        writer.indicators("アウトカム指標", &issue.indicators, header)?;
        for strategy in &issue.detailed_strategies {
            writer.band(&format!("戦略 {} {}", strategy.id, strategy.title))?;
            writer.labelled("めざす状態", strategy.desired_state.as_deref().unwrap_or(""))?;
            writer.labelled("方向性", strategy.direction.as_deref().unwrap_or(""))?;
            writer.indicators("アウトカム指標", &strategy.outcome_indicators, header)?;
            for initiative in &strategy.initiatives {
                writer.labelled("具体的取組", &format!("{} {}", initiative.id, initiative.title))?;
                writer.labelled("概要", initiative.summary.as_deref().unwrap_or(""))?;
                let activities: Vec<String> = initiative.activities.iter().map(|a| a.name.clone()).collect();
                writer.labelled("主な活動", &activities.join("\n"))?;
                writer.indicators("プロセス指標", &initiative.process_indicators, header)?;
            }
            writer.indicators("単年度の目標", &strategy.single_year_targets, header)?;
            writer.labelled("自己評価", strategy.self_evaluation.as_deref().unwrap_or(""))?;
            writer.labelled("改善策", strategy.improvement.as_deref().unwrap_or(""))?;
        }
        writer.row += 1;
        writer.labelled("自己評価", issue.self_evaluation.as_deref().unwrap_or(""))?;
        writer.labelled("今後の方針", issue.future_policy.as_deref().unwrap_or(""))?;
    }
    Ok(workbook.save_to_buffer()?)
}
