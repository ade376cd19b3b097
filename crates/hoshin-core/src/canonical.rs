//! The canonical tabular form of a policy: a `hoshin` sheet with the header (organization, fiscal year, stage),
//! one sheet per kind of item (one row per item, keyed by its path, one column per field of its form), and
//! one sheet per table field (budgets, results by year…: one row per table row). Every value is the text the
//! item's form shows, so reading the sheets back goes through the same parsers as the editor
//! ([`edit::Item::apply`]) and gives exactly the same policy. The writers (xlsx, CSV) and the readers of files live
//! at the edges; this module turns a policy into [`Sheet`]s and back.

use std::collections::BTreeMap;

use crate::edit::{self, EditContext, FieldError, FormValues, Input, ItemKind, ItemPath, OutlineEntry};
use crate::model::{Organization, PolicyContent, Stage};
use crate::text::Lang;
use crate::{parse_fiscal_year, Era, FiscalYear};

/// The format's name and version, in the `hoshin` sheet.
pub const FORMAT: &str = "hoshin-canonical";
pub const VERSION: &str = "1";

/// A sheet: its name, and its rows with the number a person sees for each; the first row is the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn new(name: impl Into<String>, header: Vec<String>) -> Sheet {
        Sheet { name: name.into(), rows: vec![(1, header)] }
    }

    fn push(&mut self, cells: Vec<String>) {
        let number = self.rows.len() + 1;
        self.rows.push((number, cells));
    }
}

/// Who and when: what the `hoshin` sheet says besides the format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub organization: Organization,
    pub fiscal_year: FiscalYear,
    pub stage: Stage,
    /// The era that era-less years (「6年度」) of the policy are read in, when it is not the fiscal year's own
    /// (a document written before 令和 says 平成33年度 for FY2021). `None` reads them in the fiscal year's era.
    pub era: Option<Era>,
}

/// The sheet of an item kind.
fn kind_sheet(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Policy => "policy",
        ItemKind::Issue => "issues",
        ItemKind::BulletGroup => "bullet_groups",
        ItemKind::Indicator => "indicators",
        ItemKind::Strategy => "strategies",
        ItemKind::Initiative => "initiatives",
        ItemKind::Activity => "activities",
        ItemKind::CouncilOpinion => "council_opinions",
        ItemKind::ReformPlanItem => "reform_plan_items",
        ItemKind::Note => "notes",
    }
}

const KINDS: [ItemKind; 10] = [
    ItemKind::Policy,
    ItemKind::Issue,
    ItemKind::BulletGroup,
    ItemKind::Indicator,
    ItemKind::Strategy,
    ItemKind::Initiative,
    ItemKind::Activity,
    ItemKind::CouncilOpinion,
    ItemKind::ReformPlanItem,
    ItemKind::Note,
];

/// A check field's value in a sheet.
const CHECKED: &str = "1";

/// The policy as sheets, in a fixed order; sheets of kinds the policy has no item of are left out.
pub fn to_sheets(header: &Header, content: &PolicyContent) -> Vec<Sheet> {
    let mut info = Sheet::new("hoshin", vec!["key".into(), "value".into()]);
    for (key, value) in [
        ("format", FORMAT.to_string()),
        ("version", VERSION.to_string()),
        ("city", header.organization.city.clone().unwrap_or_default()),
        ("organization", header.organization.name.clone()),
        ("fiscal_year", header.fiscal_year.start_year().to_string()),
        ("stage", header.stage.code().to_string()),
        ("era", header.era.map_or(String::new(), |era| era.name_ja().to_string())),
    ] {
        info.push(vec![key.to_string(), value]);
    }
    let mut sheets: BTreeMap<String, Sheet> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut paths = vec![ItemPath::root()];
    paths.extend(edit::outline(content).into_iter().filter_map(|entry| match entry {
        OutlineEntry::Item { path, .. } if !path.is_root() => Some(path),
        _ => None,
    }));
    for path in paths {
        let Some(item) = edit::item(content, &path) else { continue };
        let kind = kind_sheet(item.kind());
        let fields = item.fields();
        let scalar: Vec<_> = fields.iter().filter(|field| !matches!(field.input, Input::Table(_))).collect();
        let sheet = sheets.entry(kind.to_string()).or_insert_with(|| {
            order.push(kind.to_string());
            let mut header = vec!["path".to_string()];
            header.extend(scalar.iter().map(|field| field.name.to_string()));
            Sheet::new(kind, header)
        });
        let mut cells = vec![path.to_string()];
        cells.extend(scalar.iter().map(|field| match field.input {
            Input::Check if !field.value.is_empty() => CHECKED.to_string(),
            _ => field.value.clone(),
        }));
        sheet.push(cells);
        for field in fields.iter() {
            let Input::Table(columns) = field.input else { continue };
            let name = format!("{kind}.{}", field.name);
            let table = sheets.entry(name.clone()).or_insert_with(|| {
                order.push(name.clone());
                let mut header = vec!["path".to_string()];
                header.extend(columns.iter().map(|column| (*column).to_string()));
                Sheet::new(name.clone(), header)
            });
            for row in &field.rows {
                let mut cells = vec![path.to_string()];
                cells.extend(row.iter().cloned());
                table.push(cells);
            }
        }
    }
    let mut out = vec![info];
    // Item sheets in the order of KINDS, each followed by its table sheets.
    for kind in KINDS {
        let kind = kind_sheet(kind);
        for name in order.iter().filter(|name| *name == kind || name.starts_with(&format!("{kind}."))) {
            if let Some(sheet) = sheets.remove(name) {
                out.push(sheet);
            }
        }
    }
    out
}

/// What is wrong with a cell, a row or a sheet of a canonical workbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetProblem {
    pub sheet: String,
    pub row: usize,
    /// The column, when one cell is at fault.
    pub column: Option<String>,
    pub problem: SheetFault,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetFault {
    /// The `hoshin` sheet is missing or names another format.
    NotCanonical,
    UnsupportedVersion(String),
    MissingKey(&'static str),
    BadValue(String),
    UnknownSheet,
    UnknownColumn(String),
    MissingColumn(String),
    BadPath(String),
    /// The item's parent is not in the workbook, or an earlier sibling is missing.
    OutOfPlace(String),
    Repeated(String),
    Field(edit::Problem),
}

impl SheetProblem {
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        let place = match (&self.column, ja) {
            (Some(column), true) => format!("シート「{}」{}行目「{column}」列", self.sheet, self.row),
            (Some(column), false) => format!("sheet 「{}」 row {} column 「{column}」", self.sheet, self.row),
            (None, true) => format!("シート「{}」{}行目", self.sheet, self.row),
            (None, false) => format!("sheet 「{}」 row {}", self.sheet, self.row),
        };
        let what = match (&self.problem, ja) {
            (SheetFault::NotCanonical, true) => {
                "Hoshinの正準形式のブックではありません（「hoshin」シートがありません）".into()
            }
            (SheetFault::NotCanonical, false) => "not a Hoshin canonical workbook (no 「hoshin」 sheet)".into(),
            (SheetFault::UnsupportedVersion(v), true) => format!("形式の版「{v}」は読めません（読めるのは{VERSION}）"),
            (SheetFault::UnsupportedVersion(v), false) => {
                format!("format version 「{v}」 is not read here (only {VERSION})")
            }
            (SheetFault::MissingKey(key), true) => format!("「{key}」の行がありません"),
            (SheetFault::MissingKey(key), false) => format!("the key 「{key}」 is missing"),
            (SheetFault::BadValue(value), true) => format!("値「{value}」を読めません"),
            (SheetFault::BadValue(value), false) => format!("the value 「{value}」 does not read"),
            (SheetFault::UnknownSheet, true) => "知らないシートです".into(),
            (SheetFault::UnknownSheet, false) => "an unknown sheet".into(),
            (SheetFault::UnknownColumn(c), true) => format!("知らない列「{c}」があります"),
            (SheetFault::UnknownColumn(c), false) => format!("an unknown column 「{c}」"),
            (SheetFault::MissingColumn(c), true) => format!("「{c}」列がありません"),
            (SheetFault::MissingColumn(c), false) => format!("the column 「{c}」 is missing"),
            (SheetFault::BadPath(p), true) => format!("「{p}」は項目の位置（path）として読めません"),
            (SheetFault::BadPath(p), false) => format!("「{p}」 is not an item path"),
            (SheetFault::OutOfPlace(p), true) => format!("「{p}」の親か、前の項目がブックにありません"),
            (SheetFault::OutOfPlace(p), false) => format!("「{p}」 has no parent or earlier sibling in the workbook"),
            (SheetFault::Repeated(p), true) => format!("「{p}」が2回あります"),
            (SheetFault::Repeated(p), false) => format!("「{p}」 appears twice"),
            (SheetFault::Field(problem), _) => problem.message(lang),
        };
        format!("{place}: {what}")
    }
}

/// Reads a workbook's sheets back into the policy they describe. Every problem is reported, each with its
/// sheet, row and column; the policy is given only when there is none.
pub fn from_sheets(sheets: &[Sheet]) -> Result<(Header, PolicyContent), Vec<SheetProblem>> {
    let mut problems = Vec::new();
    let problem = |sheet: &str, row: usize, column: Option<&str>, fault: SheetFault| SheetProblem {
        sheet: sheet.to_string(),
        row,
        column: column.map(str::to_string),
        problem: fault,
    };
    let header = match read_header(sheets) {
        Ok(header) => header,
        Err(found) => return Err(vec![found]),
    };
    let context = EditContext {
        restoring: true,
        era: header.era.or_else(|| Era::of(header.fiscal_year)),
        ..EditContext::new(header.fiscal_year)
    };

    // Every item row, keyed by path, with its scalar values; then the table rows of each path.
    struct Row<'a> {
        sheet: &'a str,
        number: usize,
        values: FormValues,
        columns: Vec<&'a str>,
    }
    let mut items: BTreeMap<Vec<(usize, usize)>, (ItemPath, Row<'_>)> = BTreeMap::new();
    let mut tables: Vec<(&Sheet, &str)> = Vec::new();
    for sheet in sheets.iter().filter(|sheet| sheet.name != "hoshin") {
        let (kind, table) = match sheet.name.split_once('.') {
            Some((kind, table)) => (kind, Some(table)),
            None => (sheet.name.as_str(), None),
        };
        if !KINDS.iter().any(|k| kind_sheet(*k) == kind) {
            problems.push(problem(&sheet.name, sheet.rows.first().map_or(1, |r| r.0), None, SheetFault::UnknownSheet));
            continue;
        }
        let Some((_, head)) = sheet.rows.first() else { continue };
        if head.first().map(String::as_str) != Some("path") {
            problems.push(problem(&sheet.name, 1, None, SheetFault::MissingColumn("path".into())));
            continue;
        }
        if let Some(table) = table {
            tables.push((sheet, table));
            continue;
        }
        for (number, path, cells) in data_rows(sheet, &mut problems) {
            let mut values = FormValues::new();
            for (column, cell) in head.iter().zip(cells).skip(1) {
                values.set(column.clone(), cell.clone());
            }
            let key = steps(&path);
            let row =
                Row { sheet: &sheet.name, number, values, columns: head.iter().skip(1).map(String::as_str).collect() };
            if items.insert(key, (path.clone(), row)).is_some() {
                problems.push(problem(&sheet.name, number, Some("path"), SheetFault::Repeated(path.to_string())));
            }
        }
    }
    for (sheet, table) in &tables {
        let Some((_, head)) = sheet.rows.first() else { continue };
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (number, path, cells) in data_rows(sheet, &mut problems) {
            let Some((_, row)) = items.get_mut(&steps(&path)) else {
                problems.push(problem(&sheet.name, number, Some("path"), SheetFault::OutOfPlace(path.to_string())));
                continue;
            };
            let index = counts.entry(path.to_string()).or_default();
            for (column, cell) in head.iter().zip(cells).skip(1) {
                row.values.set(format!("{table}.{index}.{column}"), cell.clone());
            }
            *index += 1;
        }
    }

    // Build the tree in path order: parents before children, siblings in order.
    let mut content = PolicyContent::default();
    for (path, row) in items.values() {
        let place = |column: Option<&str>, fault| problem(row.sheet, row.number, column, fault);
        let current = if path.is_root() {
            edit::item(&content, path)
        } else {
            let Some((parent, collection, index)) = path.split_last() else { continue };
            let fits = edit::item(&content, &parent).is_some() && child_count(&content, &parent, collection) == index;
            if !fits {
                problems.push(place(Some("path"), SheetFault::OutOfPlace(path.to_string())));
                continue;
            }
            edit::new_item(&content, &parent, collection).ok()
        };
        let Some(mut item) = current else {
            problems.push(place(Some("path"), SheetFault::OutOfPlace(path.to_string())));
            continue;
        };
        if kind_sheet(item.kind()) != row.sheet {
            problems.push(place(Some("path"), SheetFault::BadPath(path.to_string())));
            continue;
        }
        let known: Vec<String> = item.fields().iter().map(|field| field.name.to_string()).collect();
        for column in &row.columns {
            if !known.iter().any(|name| name == column) {
                problems.push(place(Some(column), SheetFault::UnknownColumn((*column).to_string())));
            }
        }
        // A check column holds 1 (or any text) when on; blank when off.
        let mut values = row.values.clone();
        for field in item.fields() {
            if matches!(field.input, Input::Check) && values.get(field.name).is_some_and(|v| v.trim().is_empty()) {
                values.remove(field.name);
            }
        }
        // A refused item is still placed (unchanged), so that the items after and inside it are read and
        // their own problems reported, not reported as out of place.
        if let Err(errors) = item.apply(&values, context) {
            for FieldError { field, problem: fault } in errors {
                problems.push(place(Some(&field), SheetFault::Field(fault)));
            }
        }
        let placed = if path.is_root() {
            edit::replace(&mut content, path, item).is_ok()
        } else {
            path.split_last()
                .is_some_and(|(parent, collection, _)| edit::insert(&mut content, &parent, collection, item).is_ok())
        };
        if !placed {
            problems.push(place(Some("path"), SheetFault::OutOfPlace(path.to_string())));
        }
    }
    if problems.is_empty() {
        Ok((header, content))
    } else {
        Err(problems)
    }
}

/// The rows under a sheet's header that hold anything, each with its number, its parsed path and its cells;
/// a path that does not read is a problem of its row.
fn data_rows<'a>(sheet: &'a Sheet, problems: &mut Vec<SheetProblem>) -> Vec<(usize, ItemPath, &'a [String])> {
    let mut out = Vec::new();
    for (number, cells) in sheet.rows.iter().skip(1) {
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let text = cells.first().map_or("", |cell| cell.trim());
        match ItemPath::parse(text) {
            Some(path) => out.push((*number, path, cells.as_slice())),
            None => problems.push(SheetProblem {
                sheet: sheet.name.clone(),
                row: *number,
                column: Some("path".into()),
                problem: SheetFault::BadPath(text.to_string()),
            }),
        }
    }
    out
}

/// A path as sortable steps: depth first would put children after all parents; the steps themselves order
/// parents before their children and siblings by index.
fn steps(path: &ItemPath) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut rest = path.clone();
    while let Some((parent, collection, index)) = rest.split_last() {
        out.push((collection as usize, index));
        rest = parent;
    }
    out.reverse();
    out
}

fn child_count(content: &PolicyContent, parent: &ItemPath, collection: edit::Collection) -> usize {
    (0..).take_while(|index| edit::item(content, &parent.child(collection, *index)).is_some()).count()
}

fn read_header(sheets: &[Sheet]) -> Result<Header, SheetProblem> {
    let fail =
        |row: usize, fault: SheetFault| SheetProblem { sheet: "hoshin".into(), row, column: None, problem: fault };
    let info = sheets.iter().find(|sheet| sheet.name == "hoshin").ok_or_else(|| fail(1, SheetFault::NotCanonical))?;
    let value = |key: &'static str| -> Result<(usize, String), SheetProblem> {
        info.rows
            .iter()
            .find(|(_, cells)| cells.first().map(|cell| cell.trim()) == Some(key))
            .map(|(number, cells)| (*number, cells.get(1).map_or(String::new(), |cell| cell.trim().to_string())))
            .ok_or_else(|| fail(1, SheetFault::MissingKey(key)))
    };
    let (row, format) = value("format")?;
    if format != FORMAT {
        return Err(fail(row, SheetFault::NotCanonical));
    }
    let (row, version) = value("version")?;
    if version != VERSION {
        return Err(fail(row, SheetFault::UnsupportedVersion(version)));
    }
    let (_, city) = value("city")?;
    let (row, name) = value("organization")?;
    if name.is_empty() {
        return Err(fail(row, SheetFault::BadValue(name)));
    }
    let (row, year) = value("fiscal_year")?;
    let fiscal_year = year
        .parse()
        .ok()
        .and_then(FiscalYear::new)
        .or_else(|| parse_fiscal_year(&year, None).ok())
        .ok_or_else(|| fail(row, SheetFault::BadValue(year.clone())))?;
    let (row, stage) = value("stage")?;
    let stage = Stage::from_code(&stage).ok_or_else(|| fail(row, SheetFault::BadValue(stage.clone())))?;
    let city = Some(city).filter(|city| !city.is_empty());
    // Sheets written before the era was recorded have no `era` row: the fiscal year's own era.
    let era = match value("era") {
        Err(_) => None,
        Ok((_, era)) if era.is_empty() => None,
        Ok((row, era)) => Some(Era::from_name(&era).ok_or_else(|| fail(row, SheetFault::BadValue(era.clone())))?),
    };
    Ok(Header { organization: Organization::new(&name, city.as_deref()), fiscal_year, stage, era })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn header() -> Header {
        Header {
            organization: Organization::new("住吉区", Some("大阪市")),
            fiscal_year: FiscalYear::new(2024).unwrap(),
            stage: Stage::YearEnd,
            era: None,
        }
    }

    #[test]
    fn an_empty_policy_round_trips() {
        let content = PolicyContent::default();
        let sheets = to_sheets(&header(), &content);
        assert_eq!(sheets[0].name, "hoshin");
        assert_eq!(from_sheets(&sheets).unwrap(), (header(), content));
    }

    #[test]
    fn era_less_years_read_back_in_the_era_of_the_document() {
        // A FY2019 document written in 平成: 「30年度」 is 平成30年度 (FY2018), not 令和30年度.
        let header = Header { fiscal_year: FiscalYear::new(2019).unwrap(), era: Some(Era::Heisei), ..header() };
        let target =
            crate::parse_target("30年度までに80%以上", crate::ParseContext { era: Some(Era::Heisei) }).unwrap();
        let mut content = PolicyContent::default();
        let mut issue = crate::Issue::new(crate::IssueId::Single(1), "課題");
        let mut indicator = crate::Indicator::new(crate::IndicatorKind::Outcome, "割合");
        indicator.target = Some(crate::TargetText::Parsed(target));
        issue.indicators.push(indicator);
        content.issues.push(issue);
        let sheets = to_sheets(&header, &content);
        assert!(sheets[0].rows.iter().any(|(_, cells)| cells == &["era".to_string(), "平成".to_string()]));
        assert_eq!(from_sheets(&sheets).unwrap(), (header.clone(), content.clone()));
        // A sheet without the era row (written before it was recorded) reads in the fiscal year's era.
        let mut old = sheets.clone();
        old[0].rows.retain(|(_, cells)| cells[0] != "era");
        let (read_header, read) = from_sheets(&old).unwrap();
        assert_eq!(read_header.era, None);
        let period = &read.issues[0].indicators[0].target.as_ref().unwrap().target().unwrap().period;
        assert_eq!(*period, crate::Period::ByDeadline(FiscalYear::new(2048).unwrap()));
        // An era that is not one is a problem in its row.
        let mut bad = sheets;
        bad[0].rows.iter_mut().find(|(_, cells)| cells[0] == "era").unwrap().1[1] = "昭和".into();
        assert_eq!(from_sheets(&bad).unwrap_err()[0].problem, SheetFault::BadValue("昭和".into()));
    }

    #[test]
    fn problems_name_sheet_row_and_column() {
        let mut content = PolicyContent::default();
        content.issues.push(crate::Issue::new(crate::IssueId::Single(1), "課題"));
        let mut sheets = to_sheets(&header(), &content);
        let issues = sheets.iter_mut().find(|sheet| sheet.name == "issues").unwrap();
        let id = issues.rows[0].1.iter().position(|c| c == "id").unwrap();
        issues.rows[1].1[id] = "x".into();
        issues.rows.push((3, vec!["issues/5".into()]));
        let problems = from_sheets(&sheets).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.message(Lang::Ja)).collect();
        assert!(messages.iter().any(|m| m.contains("シート「issues」2行目「id」列")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("「issues/5」の親か、前の項目")), "{messages:?}");
        let none = from_sheets(&sheets[1..]).unwrap_err();
        assert_eq!(none[0].problem, SheetFault::NotCanonical);
    }
}
