//! Actuals in bulk: the rows of a sheet (issue, indicator number, year, actual, mark, reason) matched to the
//! indicators of a policy's issues, checked by the same rules as an indicator's form ([`Item::apply`]), and
//! laid out as a plan of changes that is shown before anything is written.
//!
//! A blank cell leaves its field as it is. A row whose issue or indicator cannot be found, whose wording names
//! another indicator, or whose values do not read is a problem of that row; the plan is written only when no
//! row has a problem.

use crate::edit::{
    field_label, item, replace, Collection, EditContext, FieldError, FormValues, Item, ItemPath, Problem,
};
use crate::judgment::{Rule, Step};
use crate::model::{Indicator, IssueId, PolicyContent, YearResult};
use crate::quantity::Unit;
use crate::text::{circled_number, compact, Lang};
use crate::{parse_fiscal_year, parse_measure, FiscalYear, Number};

/// A column of the actuals sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Issue,
    Number,
    Wording,
    Year,
    Actual,
    Mark,
    Reason,
}

impl Column {
    pub const ALL: [Column; 7] =
        [Column::Issue, Column::Number, Column::Wording, Column::Year, Column::Actual, Column::Mark, Column::Reason];

    /// The header a template writes.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Column::Issue, Lang::Ja) => "課題番号",
            (Column::Number, Lang::Ja) => "指標番号",
            (Column::Wording, Lang::Ja) => "指標",
            (Column::Year, Lang::Ja) => "年度",
            (Column::Actual, Lang::Ja) => "実績値",
            (Column::Mark, Lang::Ja) => "区の評価",
            (Column::Reason, Lang::Ja) => "評価が判定と異なる理由",
            (Column::Issue, Lang::En) => "issue",
            (Column::Number, Lang::En) => "indicator number",
            (Column::Wording, Lang::En) => "indicator",
            (Column::Year, Lang::En) => "fiscal year",
            (Column::Actual, Lang::En) => "actual",
            (Column::Mark, Lang::En) => "published mark",
            (Column::Reason, Lang::En) => "reason for a mark that differs",
        }
    }

    /// Headers read as this column, compared after [`compact`] and lowercasing.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Issue => &["課題番号", "経営課題番号", "課題", "経営課題", "issue", "issueid", "issueno"],
            Column::Number => &["指標番号", "番号", "指標no", "no", "no.", "indicatornumber", "indicatorno", "number"],
            Column::Wording => &["指標", "指標名", "アウトカム指標", "成果指標", "indicator", "wording"],
            Column::Year => &["年度", "対象年度", "実績年度", "year", "fiscalyear"],
            Column::Actual => &["実績値", "実績", "年度末実績", "actual", "value"],
            Column::Mark => &["区の評価", "評価", "達成状況", "mark", "publishedmark"],
            Column::Reason => &["評価が判定と異なる理由", "理由", "評価の理由", "reason", "reasonforamarkthatdiffers"],
        }
    }

    fn required(self) -> bool {
        matches!(self, Column::Issue | Column::Number | Column::Actual)
    }

    fn of_header(cell: &str) -> Option<Column> {
        let header = compact(cell).to_lowercase();
        Column::ALL.into_iter().find(|column| column.aliases().contains(&header.as_str()))
    }
}

/// What is wrong with a row (or with the sheet, for the header problems).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkProblem {
    /// No row in the first ten names the required columns.
    NoHeader,
    MissingColumn(Column),
    /// The same column twice in the header.
    RepeatedColumn(Column),
    Blank(Column),
    UnreadableIssue(String),
    NoSuchIssue(IssueId),
    UnreadableNumber(String),
    NoSuchIndicator {
        issue: IssueId,
        number: u32,
    },
    /// The wording in the sheet is not the indicator's: the rows may have slipped.
    WordingDiffers {
        sheet: String,
        policy: String,
    },
    UnreadableYear(String),
    /// An earlier row sets the same indicator and year.
    Repeated {
        row: usize,
    },
    /// A cell of this row does not read.
    Cell(Column, Problem),
    /// The indicator already has a problem that its form must fix first.
    Indicator(FieldError),
    /// A number without a unit, 1 or less, against a target in percent: 0.625 may be Excel's 62.5%.
    BareFraction {
        value: String,
    },
    /// The sheet has no data rows.
    NoRows,
}

impl BulkProblem {
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        let names = |lang| {
            Column::ALL
                .into_iter()
                .filter(|column| column.required())
                .map(|column| column.label(lang))
                .collect::<Vec<_>>()
                .join(if lang == Lang::Ja { "・" } else { ", " })
        };
        match self {
            BulkProblem::NoHeader => {
                if ja {
                    format!("見出しの行が見つかりません。{}の列を持つ見出し行を先頭に置いてください", names(lang))
                } else {
                    format!("no header row was found; put a row naming the columns {} first", names(lang))
                }
            }
            BulkProblem::MissingColumn(column) => {
                if ja {
                    format!("見出しに「{}」の列がありません", column.label(lang))
                } else {
                    format!("the header has no column 「{}」", column.label(lang))
                }
            }
            BulkProblem::RepeatedColumn(column) => {
                if ja {
                    format!("見出しに「{}」の列が二つあります。一つにしてください", column.label(lang))
                } else {
                    format!("the header has the column 「{}」 twice; keep one", column.label(lang))
                }
            }
            BulkProblem::Blank(column) => {
                if ja {
                    format!("「{}」が空です", column.label(lang))
                } else {
                    format!("「{}」 is blank", column.label(lang))
                }
            }
            BulkProblem::UnreadableIssue(text) => {
                if ja {
                    format!("課題番号「{text}」を読めません。1 や 1-(1) のように書いてください")
                } else {
                    format!("the issue 「{text}」 does not read; write it as 1 or 1-(1)")
                }
            }
            BulkProblem::NoSuchIssue(id) => {
                if ja {
                    format!("経営課題{id}はこの運営方針にありません")
                } else {
                    format!("this policy has no issue {id}")
                }
            }
            BulkProblem::UnreadableNumber(text) => {
                if ja {
                    format!("指標番号「{text}」を読めません。1 や ① のように書いてください")
                } else {
                    format!("the indicator number 「{text}」 does not read; write it as 1 or ①")
                }
            }
            BulkProblem::NoSuchIndicator { issue, number } => {
                if ja {
                    format!("経営課題{issue}に指標{number}はありません")
                } else {
                    format!("issue {issue} has no indicator {number}")
                }
            }
            BulkProblem::WordingDiffers { sheet, policy } => {
                if ja {
                    format!("指標の文言「{sheet}」がこの運営方針の「{policy}」と違います。行がずれていないか確かめてください")
                } else {
                    format!("the wording 「{sheet}」 is not the policy's 「{policy}」; check that the rows have not slipped")
                }
            }
            BulkProblem::UnreadableYear(text) => {
                if ja {
                    format!("年度「{text}」を読めません。令和6年度 や 2024 のように書いてください")
                } else {
                    format!("the fiscal year 「{text}」 does not read; write it as 令和6年度 or 2024")
                }
            }
            BulkProblem::Repeated { row } => {
                if ja {
                    format!("{row}行目と同じ指標・年度です。どちらか一方にしてください")
                } else {
                    format!("row {row} sets the same indicator and year; keep one")
                }
            }
            BulkProblem::Cell(column, problem) => format!("{}: {}", column.label(lang), problem.message(lang)),
            BulkProblem::Indicator(error) => {
                if ja {
                    format!(
                        "この指標の「{}」に問題があります（{}）。先に指標の編集画面で直してください",
                        field_label(&error.field, lang),
                        error.problem.message(lang)
                    )
                } else {
                    format!(
                        "the indicator's 「{}」 has a problem ({}); fix it in the indicator's form first",
                        field_label(&error.field, lang),
                        error.problem.message(lang)
                    )
                }
            }
            BulkProblem::BareFraction { value } => {
                if ja {
                    format!(
                        "実績値「{value}」に単位がありません。目標は%なので、{value}%のことか、Excelのパーセント表示の値かを判断できません。「62.5%」のように単位を付けて書いてください"
                    )
                } else {
                    format!(
                        "the actual 「{value}」 has no unit; the target is in %, so it may be {value}% or an Excel percentage cell; write it with its unit, as 「62.5%」"
                    )
                }
            }
            BulkProblem::NoRows => {
                (if ja { "見出しの下に行がありません" } else { "there are no rows under the header" }).into()
            }
        }
    }
}

/// A problem and the row (as numbered in the sheet) it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub problem: BulkProblem,
}

/// One indicator-year that the sheet changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub row: usize,
    pub path: ItemPath,
    pub issue: IssueId,
    pub fiscal_year: FiscalYear,
    pub before: Indicator,
    pub after: Indicator,
}

/// What a sheet would do to a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// Rows that match an indicator and leave it as it is.
    pub unchanged: Vec<usize>,
    pub problems: Vec<RowProblem>,
    /// The policy with every change applied; write it only when `problems` is empty.
    pub content: PolicyContent,
}

impl Plan {
    pub fn is_writable(&self) -> bool {
        self.problems.is_empty() && !self.changes.is_empty()
    }
}

/// Plans the actuals of `rows` (each with the number a person sees for it) for the policy of `fiscal_year`,
/// whose year is taken for rows that name none.
pub fn plan(content: &PolicyContent, fiscal_year: FiscalYear, rows: &[(usize, Vec<String>)]) -> Plan {
    let mut plan = Plan { changes: Vec::new(), unchanged: Vec::new(), problems: Vec::new(), content: content.clone() };
    let problem = |plan: &mut Plan, row: usize, problem: BulkProblem| plan.problems.push(RowProblem { row, problem });
    let Some((header_at, columns)) = header(rows) else {
        problem(&mut plan, rows.first().map_or(1, |row| row.0), BulkProblem::NoHeader);
        return plan;
    };
    let header_row = rows[header_at].0;
    let mut columns_ok = true;
    for column in Column::ALL {
        let count = columns.iter().filter(|(found, _)| *found == column).count();
        if count == 0 && column.required() {
            problem(&mut plan, header_row, BulkProblem::MissingColumn(column));
            columns_ok = false;
        } else if count > 1 {
            problem(&mut plan, header_row, BulkProblem::RepeatedColumn(column));
            columns_ok = false;
        }
    }
    if !columns_ok {
        return plan;
    }
    let context = EditContext::new(fiscal_year);
    let mut seen: Vec<(ItemPath, FiscalYear, usize)> = Vec::new();
    let mut any_row = false;
    for (row, cells) in &rows[header_at + 1..] {
        let cell = |column: Column| -> &str {
            let index = columns.iter().find(|(found, _)| *found == column).map(|(_, index)| *index);
            index.and_then(|index| cells.get(index)).map_or("", |text| text.trim())
        };
        if Column::ALL.iter().all(|&column| cell(column).is_empty()) {
            continue;
        }
        any_row = true;
        match plan_row(&plan.content, context, &cell) {
            Err(found) => problem(&mut plan, *row, found),
            Ok(RowPlan { path, issue, fiscal_year, before, after }) => {
                if let Some((_, _, first)) = seen.iter().find(|(p, y, _)| *p == path && *y == fiscal_year) {
                    problem(&mut plan, *row, BulkProblem::Repeated { row: *first });
                    continue;
                }
                seen.push((path.clone(), fiscal_year, *row));
                if before == after {
                    plan.unchanged.push(*row);
                    continue;
                }
                // Each row is applied in turn, so two rows for two years of one indicator both land.
                if replace(&mut plan.content, &path, Item::Indicator(after.clone())).is_err() {
                    problem(&mut plan, *row, BulkProblem::NoSuchIndicator { issue, number: 0 });
                    continue;
                }
                plan.changes.push(Change { row: *row, path, issue, fiscal_year, before, after });
            }
        }
    }
    if !any_row {
        problem(&mut plan, header_row, BulkProblem::NoRows);
    }
    plan
}

/// A sheet to fill in: the header and one row per indicator of every issue, with what the policy already holds
/// for `fiscal_year`. Read back by [`plan`] unchanged, it changes nothing.
pub fn template(content: &PolicyContent, fiscal_year: FiscalYear, lang: Lang) -> Vec<Vec<String>> {
    let mut rows = vec![Column::ALL.iter().map(|column| column.label(lang).to_string()).collect()];
    for issue in &content.issues {
        for (at, indicator) in issue.indicators.iter().enumerate() {
            let result = indicator.result(fiscal_year);
            let mark = result.and_then(|result| result.published_mark.as_ref());
            rows.push(vec![
                issue.id.to_string(),
                indicator.number.map_or(at + 1, |number| number as usize).to_string(),
                indicator.wording.clone(),
                fiscal_year.era_label(),
                result
                    .and_then(|result| result.actual.as_ref())
                    .map(|actual| actual.original.clone())
                    .unwrap_or_default(),
                mark.map(|mark| mark.mark.letter().to_string()).unwrap_or_default(),
                mark.and_then(|mark| mark.reason.clone()).unwrap_or_default(),
            ]);
        }
    }
    rows
}

/// The first of the first ten non-blank rows that names the issue and the actual columns, with every column it
/// names and where.
fn header(rows: &[(usize, Vec<String>)]) -> Option<(usize, Vec<(Column, usize)>)> {
    rows.iter()
        .enumerate()
        .filter(|(_, (_, cells))| cells.iter().any(|cell| !cell.trim().is_empty()))
        .take(10)
        .find_map(|(at, (_, cells))| {
            let columns: Vec<(Column, usize)> =
                cells.iter().enumerate().filter_map(|(index, cell)| Some((Column::of_header(cell)?, index))).collect();
            let names = |wanted: Column| columns.iter().any(|(column, _)| *column == wanted);
            (names(Column::Issue) && names(Column::Actual)).then_some((at, columns))
        })
}

struct RowPlan {
    path: ItemPath,
    issue: IssueId,
    fiscal_year: FiscalYear,
    before: Indicator,
    after: Indicator,
}

fn plan_row<'a>(
    content: &PolicyContent,
    context: EditContext,
    cell: &impl Fn(Column) -> &'a str,
) -> Result<RowPlan, BulkProblem> {
    let issue_text = cell(Column::Issue);
    if issue_text.is_empty() {
        return Err(BulkProblem::Blank(Column::Issue));
    }
    let stripped = issue_text.trim_start_matches("経営課題").trim_start_matches("課題");
    let issue_id = IssueId::parse(stripped).ok_or_else(|| BulkProblem::UnreadableIssue(issue_text.to_string()))?;
    let issue_index =
        content.issues.iter().position(|issue| issue.id == issue_id).ok_or(BulkProblem::NoSuchIssue(issue_id))?;
    let issue = &content.issues[issue_index];
    let number_text = cell(Column::Number);
    if number_text.is_empty() {
        return Err(BulkProblem::Blank(Column::Number));
    }
    let number = indicator_number(number_text).ok_or_else(|| BulkProblem::UnreadableNumber(number_text.to_string()))?;
    // By printed number; an indicator printed without one is found by its place in the issue.
    let by_place = usize::try_from(number)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .filter(|&at| issue.indicators.get(at).is_some_and(|indicator| indicator.number.is_none()));
    let indicator_index = issue
        .indicators
        .iter()
        .position(|indicator| indicator.number == Some(number))
        .or(by_place)
        .ok_or(BulkProblem::NoSuchIndicator { issue: issue_id, number })?;
    let path = ItemPath::root().child(Collection::Issues, issue_index).child(Collection::Indicators, indicator_index);
    let Some(Item::Indicator(before)) = item(content, &path) else {
        return Err(BulkProblem::NoSuchIndicator { issue: issue_id, number });
    };
    let wording = cell(Column::Wording);
    if !wording.is_empty() && !same_wording(wording, &before.wording) {
        return Err(BulkProblem::WordingDiffers { sheet: wording.to_string(), policy: before.wording.clone() });
    }
    let year_text = cell(Column::Year);
    let fiscal_year = if year_text.is_empty() {
        context.fiscal_year
    } else {
        read_year(year_text, context).ok_or_else(|| BulkProblem::UnreadableYear(year_text.to_string()))?
    };

    if [Column::Actual, Column::Mark, Column::Reason].iter().all(|&column| cell(column).is_empty()) {
        return Ok(RowPlan { path, issue: issue_id, fiscal_year, after: before.clone(), before });
    }
    // Excel's 62.5% arrives as 0.625: asked about before anything else, since it would also misjudge the mark.
    if let Some(value) = bare_fraction_in(&before, fiscal_year, cell(Column::Actual)) {
        return Err(BulkProblem::BareFraction { value });
    }
    // The indicator's own form, with this year's row changed, read back by the form's rules.
    let original = Item::Indicator(before.clone());
    let fields = original.fields();
    let mut values = FormValues::from_fields(&fields);
    let rows = values.rows("results", &["year"]);
    let row = rows
        .iter()
        .find(|(_, cells)| read_year(&cells[0], context) == Some(fiscal_year))
        .map_or_else(|| rows.iter().map(|(row, _)| row + 1).max().unwrap_or(0), |(row, _)| *row);
    values.set(format!("results.{row}.year"), fiscal_year.era_label());
    for (column, name) in [(Column::Actual, "actual"), (Column::Mark, "mark"), (Column::Reason, "reason")] {
        let text = cell(column);
        if !text.is_empty() {
            values.set(format!("results.{row}.{name}"), text);
        }
    }
    let mut edited = original;
    if let Err(errors) = edited.apply(&values, context) {
        let prefix = format!("results.{row}.");
        let first = &errors[0];
        return Err(match errors.iter().find(|error| error.field.starts_with(&prefix)) {
            Some(error) => {
                let column = match &error.field[prefix.len()..] {
                    "actual" => Column::Actual,
                    "mark" => Column::Mark,
                    "reason" => Column::Reason,
                    _ => Column::Year,
                };
                BulkProblem::Cell(column, error.problem.clone())
            }
            None => BulkProblem::Indicator(first.clone()),
        });
    }
    let Item::Indicator(after) = edited else {
        return Err(BulkProblem::NoSuchIndicator { issue: issue_id, number });
    };
    Ok(RowPlan { path, issue: issue_id, fiscal_year, before, after })
}

/// `1`, `１`, `①`, `指標1`, `(1)`.
fn indicator_number(text: &str) -> Option<u32> {
    let text = compact(text);
    let text = text.trim_start_matches("アウトカム指標").trim_start_matches("指標");
    let text = text.trim_start_matches('(').trim_end_matches(')');
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(number) = circled_number(c) {
            return Some(number);
        }
    }
    text.parse().ok().filter(|&number| number > 0)
}

/// A year as the form reads it (令和6年度, 2024年度, R6) or a bare Western year (2024).
fn read_year(text: &str, context: EditContext) -> Option<FiscalYear> {
    let normalized = compact(text);
    if let Ok(year) = normalized.parse::<i32>() {
        return FiscalYear::new(year);
    }
    parse_fiscal_year(text, context.era).ok()
}

/// Whether the sheet's wording names the policy's indicator: equal after normalising, or one holding the
/// other (a sheet may leave out the circled number or the target sentence).
fn same_wording(sheet: &str, policy: &str) -> bool {
    let clean = |text: &str| {
        let text = compact(text);
        text.trim_start_matches(|c| circled_number(c).is_some()).to_string()
    };
    let (sheet, policy) = (clean(sheet), clean(policy));
    !sheet.is_empty() && (sheet == policy || policy.contains(&sheet) || sheet.contains(&policy))
}

/// The actual `text` when it is a bare number of at most 1 that the judgment of `indicator` would read as a
/// percentage.
fn bare_fraction_in(indicator: &Indicator, fiscal_year: FiscalYear, text: &str) -> Option<String> {
    let actual = parse_measure(text).ok()?;
    let quantity = actual.quantity()?;
    if quantity.unit != Unit::None || quantity.value > Number::from_integer(1) || quantity.value.is_zero() {
        return None;
    }
    let mut probe = indicator.clone();
    let year_target = probe.result(fiscal_year).and_then(|result| result.year_target.clone());
    probe.results.retain(|result| result.fiscal_year != fiscal_year);
    probe.results.push(YearResult { fiscal_year, actual: Some(actual), published_mark: None, year_target });
    let assumed_percent = probe
        .judge_year(fiscal_year, Rule::default(), |judgment| {
            judgment.steps.iter().any(|step| matches!(step, Step::UnitAssumed { unit: Unit::Percent }))
        })
        .unwrap_or(false);
    assumed_percent.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{Issue, PolicyContent, TargetText};
    use crate::{parse_target, IndicatorKind, Mark, ParseContext};

    fn year() -> FiscalYear {
        FiscalYear::new(2024).unwrap()
    }

    fn indicator(number: u32, wording: &str, target: &str) -> Indicator {
        let mut indicator = Indicator::new(IndicatorKind::Outcome, wording);
        indicator.number = Some(number);
        let parsed = parse_target(target, ParseContext { era: crate::Era::of(year()) }).unwrap();
        indicator.target = Some(TargetText::Parsed(parsed));
        indicator
    }

    fn policy() -> PolicyContent {
        let mut content = PolicyContent::default();
        let mut first = Issue::new(IssueId::Single(1), "地域活動");
        first.indicators.push(indicator(1, "地域活動に参加できると感じる区民の割合", "令和6年度までに55%以上"));
        first.indicators.push(indicator(2, "連携の件数", "令和6年度までに3件以上"));
        content.issues.push(first);
        content.issues.push(Issue::new(IssueId::TwoLevel(2, 1), "防災"));
        content
    }

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        text.lines().enumerate().map(|(at, line)| (at + 1, line.split(',').map(str::to_string).collect())).collect()
    }

    fn problems(plan: &Plan) -> Vec<(usize, String)> {
        plan.problems.iter().map(|found| (found.row, found.problem.message(Lang::Ja))).collect()
    }

    #[test]
    fn rows_set_actuals_and_marks_and_report_the_judgment() {
        let plan = plan(
            &policy(),
            year(),
            &rows("経営方針 実績入力,,,\n課題番号,指標番号,実績値,区の評価\n1,①,62.5%,A\n1,2,3件,\n,,,\n"),
        );
        assert_eq!(problems(&plan), []);
        assert_eq!(plan.changes.len(), 2);
        let first = &plan.changes[0];
        assert_eq!((first.row, first.path.to_string()), (3, "issues/1/indicators/1".to_string()));
        assert!(first.before.result(year()).is_none());
        let result = first.after.result(year()).unwrap();
        assert_eq!(result.actual.as_ref().unwrap().original, "62.5%");
        assert_eq!(result.published_mark.as_ref().unwrap().mark, Mark::Achieved);
        let computed = first.after.computed_mark(year());
        assert_eq!(computed, Some(Mark::Achieved));
        // The planned content holds both changes.
        let indicators = &plan.content.issues[0].indicators;
        assert!(indicators.iter().all(|indicator| indicator.result(year()).is_some()));
        assert!(plan.is_writable());
    }

    #[test]
    fn a_row_that_changes_nothing_is_counted_not_planned() {
        let first = plan(&policy(), year(), &rows("課題番号,指標番号,実績値\n1,1,62.5%\n"));
        let again = plan(&first.content, year(), &rows("課題番号,指標番号,実績値,区の評価\n1,1,62.5%,\n"));
        assert_eq!((again.changes.len(), again.unchanged.clone()), (0, vec![2]));
        assert!(!again.is_writable());
    }

    #[test]
    fn a_year_other_than_the_policys_adds_a_row_of_history() {
        let plan = plan(
            &policy(),
            year(),
            &rows("issue,indicator number,fiscal year,actual\n1,1,令和5年度,50%\n1,1,2024,60%\n"),
        );
        assert_eq!(problems(&plan), []);
        let indicator = &plan.content.issues[0].indicators[0];
        let years: Vec<i32> = indicator.results.iter().map(|result| result.fiscal_year.start_year()).collect();
        assert_eq!(years, [2023, 2024]);
    }

    #[test]
    fn every_problem_names_its_row_and_nothing_is_writable() {
        let plan = plan(
            &policy(),
            year(),
            &rows(
                "課題番号,指標番号,指標,年度,実績値,区の評価,理由\n\
                 9,1,,,50%,,\n\
                 1,7,,,50%,,\n\
                 x,1,,,50%,,\n\
                 1,1,全く別の指標,,50%,,\n\
                 1,1,,令和何年度,50%,,\n\
                 1,1,,,たくさん,,\n\
                 1,1,,,50%,B,\n\
                 1,1,,,0.625,,\n\
                 1,2,,,3件,,\n\
                 1,2,,,4件,,\n\
                 ,1,,,50%,,\n",
            ),
        );
        let found = problems(&plan);
        let rows: Vec<usize> = found.iter().map(|(row, _)| *row).collect();
        // Row 8 (50% and B, as the rule judges it) and row 10 are good rows.
        assert_eq!(rows, [2, 3, 4, 5, 6, 7, 9, 11, 12], "{found:#?}");
        assert!(found[0].1.contains("経営課題9"));
        assert!(found[1].1.contains("指標7"));
        assert!(found[2].1.contains("「x」"));
        assert!(found[3].1.contains("行がずれて"));
        assert!(found[4].1.contains("令和何年度"));
        assert!(found[5].1.starts_with("実績値"));
        assert!(found[6].1.contains("単位がありません"), "{}", found[6].1);
        assert!(found[7].1.contains("10行目"));
        assert!(found[8].1.contains("課題番号」が空です"));
        assert_eq!(plan.changes.len(), 2);
        assert!(!plan.is_writable());
    }

    #[test]
    fn a_published_mark_that_differs_needs_a_reason_in_the_row() {
        let without = plan(&policy(), year(), &rows("課題番号,指標番号,実績値,区の評価\n1,1,50%,A\n"));
        assert_eq!(without.problems.len(), 1);
        assert!(matches!(without.problems[0].problem, BulkProblem::Cell(Column::Reason, _)));
        let with = plan(
            &policy(),
            year(),
            &rows("課題番号,指標番号,実績値,区の評価,理由\n1,1,50%,A,調査方法の変更により比較できないため\n"),
        );
        assert_eq!(problems(&with), []);
    }

    #[test]
    fn header_problems() {
        let none = plan(&policy(), year(), &rows("a,b\n1,2\n"));
        assert_eq!(none.problems[0].problem, BulkProblem::NoHeader);
        let missing = plan(&policy(), year(), &rows("課題番号,実績値\n1,50%\n"));
        assert_eq!(missing.problems[0].problem, BulkProblem::MissingColumn(Column::Number));
        let twice = plan(&policy(), year(), &rows("課題番号,指標番号,実績値,実績\n1,1,50%,50%\n"));
        assert_eq!(twice.problems[0].problem, BulkProblem::RepeatedColumn(Column::Actual));
        let empty = plan(&policy(), year(), &rows("課題番号,指標番号,実績値\n,,\n"));
        assert_eq!(empty.problems[0].problem, BulkProblem::NoRows);
    }

    #[test]
    fn numbers_and_years_read_in_their_written_forms() {
        assert_eq!(indicator_number("①"), Some(1));
        assert_eq!(indicator_number("指標３"), Some(3));
        assert_eq!(indicator_number("(2)"), Some(2));
        assert_eq!(indicator_number("0"), None);
        let context = EditContext::new(year());
        assert_eq!(read_year("2023", context).map(FiscalYear::start_year), Some(2023));
        assert_eq!(read_year("R5", context).map(FiscalYear::start_year), Some(2023));
        assert!(same_wording("地域活動に参加できると感じる", "①地域活動に参加できると感じる区民の割合"));
        assert!(!same_wording("連携の件数", "地域活動に参加できると感じる区民の割合"));
    }
}
