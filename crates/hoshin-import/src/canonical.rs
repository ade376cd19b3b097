//! Reading a policy back from its canonical form (a workbook with a `hoshin` sheet, or the canonical CSV: the
//! sheets one after another, each row led by its sheet's name). Detects the form itself; a file that is not
//! one is left to the document importer.

use hoshin_core::canonical::{from_sheets, Header, Sheet, SheetProblem};
use hoshin_core::{Lang, PolicyContent};

use crate::decode::decode;
use crate::table::{is_workbook, read_text, read_workbook_sheets, Row, TableError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CanonicalError {
    Table(TableError),
    Sheets(Vec<SheetProblem>),
}

impl CanonicalError {
    /// Every problem, one line each.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        match self {
            CanonicalError::Table(error) => vec![error.message(lang)],
            CanonicalError::Sheets(problems) => problems.iter().map(|problem| problem.message(lang)).collect(),
        }
    }
}

fn sheet(name: String, rows: Vec<Row>) -> Sheet {
    Sheet { name, rows: rows.into_iter().map(|row| (row.number, row.cells)).collect() }
}

/// The policy a canonical workbook or CSV describes; `None` when the bytes are not in the canonical form.
pub fn read_canonical(bytes: &[u8]) -> Option<Result<(Header, PolicyContent), CanonicalError>> {
    let sheets = if is_workbook(bytes) {
        match read_workbook_sheets(bytes) {
            Ok(sheets) if sheets.iter().any(|(name, _)| name == "hoshin") => {
                sheets.into_iter().map(|(name, rows)| sheet(name, rows)).collect::<Vec<_>>()
            }
            Ok(_) => return None,
            Err(error) => return Some(Err(CanonicalError::Table(error))),
        }
    } else {
        let (text, _) = decode(bytes).ok()?;
        let first = text.trim_start_matches('\u{FEFF}').split([',', '\r', '\n']).next().unwrap_or("");
        if first.trim() != "hoshin" {
            return None;
        }
        match read_text(&text) {
            Ok(rows) => csv_sheets(rows),
            Err(error) => return Some(Err(CanonicalError::Table(error))),
        }
    };
    Some(from_sheets(&sheets).map_err(CanonicalError::Sheets))
}

/// The canonical CSV's rows, grouped back into sheets: the first cell names the sheet, the rest are the row.
fn csv_sheets(rows: Vec<Row>) -> Vec<Sheet> {
    let mut sheets: Vec<Sheet> = Vec::new();
    for row in rows {
        let Some((name, cells)) = row.cells.split_first() else { continue };
        if name.is_empty() && cells.iter().all(String::is_empty) {
            continue;
        }
        match sheets.iter_mut().find(|sheet| &sheet.name == name) {
            Some(sheet) => sheet.rows.push((row.number, cells.to_vec())),
            None => sheets.push(Sheet { name: name.clone(), rows: vec![(row.number, cells.to_vec())] }),
        }
    }
    sheets
}

/// The canonical CSV of `sheets`: each row led by its sheet's name.
pub fn canonical_csv_rows(sheets: &[Sheet]) -> Vec<Vec<String>> {
    sheets
        .iter()
        .flat_map(|sheet| {
            sheet.rows.iter().map(move |(_, cells)| {
                let mut row = vec![sheet.name.clone()];
                row.extend(cells.iter().cloned());
                row
            })
        })
        .collect()
}
