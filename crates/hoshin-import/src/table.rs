//! Tables from spreadsheets and pasted text: CSV, tab-separated text (what Excel puts on the clipboard), and
//! workbooks (xlsx, xlsm, xls, ods). Each row keeps the number a person sees for it: the line of a CSV file
//! where the record starts, or the row number of the sheet. Pure functions over bytes or text; the caller
//! reads the file.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use hoshin_core::text::looks_like_formula;
use hoshin_core::Lang;

use crate::decode::{decode, DecodeError, MAX_INPUT_BYTES};

/// One row of a table: the number a person sees for it and its cells, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

/// Why a file could not be read as a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableError {
    Empty,
    TooLarge {
        size: usize,
    },
    /// The bytes are not text in an encoding Hoshin reads.
    Text(DecodeError),
    /// A quoted CSV field that never ends.
    UnclosedQuote {
        line: usize,
    },
    /// The bytes look like a workbook but could not be read as one.
    Workbook(String),
    NoSheet,
}

impl TableError {
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            TableError::Empty => (if ja {
                "ファイルまたは貼り付けた内容が空です"
            } else {
                "the file or the pasted text is empty"
            })
            .into(),
            TableError::TooLarge { size } => {
                if ja {
                    format!("ファイルが大きすぎます（{size}バイト）。20MBまでのファイルを指定してください")
                } else {
                    format!("the file is {size} bytes; tables of up to 20 MB are read")
                }
            }
            TableError::Text(error) => {
                if ja {
                    format!(
                        "表として読めません（{error}）。CSV（UTF-8またはShift_JIS）かExcelのファイルを指定してください"
                    )
                } else {
                    format!(
                        "not readable as a table ({error}); give a CSV file (UTF-8 or Shift_JIS) or an Excel workbook"
                    )
                }
            }
            TableError::UnclosedQuote { line } => {
                if ja {
                    format!("{line}行目で始まる「\"」で囲まれた値が閉じられていません")
                } else {
                    format!("the quoted value that starts on line {line} is never closed")
                }
            }
            TableError::Workbook(reason) => {
                if ja {
                    format!(
                        "Excelのファイルとして読めません（{reason}）。xlsx、xls、odsのいずれかで保存し直してください"
                    )
                } else {
                    format!("not readable as a workbook ({reason}); save it again as xlsx, xls or ods")
                }
            }
            TableError::NoSheet => {
                (if ja { "ブックにシートがありません" } else { "the workbook has no sheet" }).into()
            }
        }
    }
}

/// Reads an uploaded file: a workbook when the bytes are one (a zip or an OLE container), otherwise text.
pub fn read_file(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(TableError::TooLarge { size: bytes.len() });
    }
    if is_workbook(bytes) {
        return read_workbook(bytes);
    }
    let (text, _) = decode(bytes).map_err(|error| match error {
        DecodeError::Empty => TableError::Empty,
        other => TableError::Text(other),
    })?;
    read_text(&text)
}

/// Reads CSV or tab-separated text. The delimiter is a tab when the first non-blank line has one, otherwise a
/// comma. Fields may be quoted with `"`, with `""` for a quote inside and line breaks kept.
pub fn read_text(text: &str) -> Result<Vec<Row>, TableError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(TableError::Empty);
    }
    let delimiter = delimiter(text);
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let (mut line, mut start) = (1, 1);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            '\n' if quoted => {
                line += 1;
                cell.push('\n');
            }
            '\r' if quoted => {}
            c if c == delimiter && !quoted => cells.push(std::mem::take(&mut cell)),
            '\r' => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                rows.push(row(start, std::mem::take(&mut cells)));
                line += 1;
                start = line;
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return Err(TableError::UnclosedQuote { line: start });
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        rows.push(row(start, cells));
    }
    Ok(rows)
}

/// A tab when the first record that is not blank has one outside quotes (Excel's clipboard), otherwise a
/// comma. A quote opens a value only at the start of a cell, as in [`read_text`], with either delimiter.
fn delimiter(text: &str) -> char {
    let (mut quoted, mut cell_start, mut any) = (false, true, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '"' if cell_start => quoted = true,
            _ if quoted => {}
            '\t' => return '\t',
            ',' => cell_start = true,
            '\n' if any => break,
            c if c.is_whitespace() => {}
            _ => {
                cell_start = false;
                any = true;
            }
        }
        if c == '"' {
            any = true;
        }
    }
    ','
}

fn row(number: usize, cells: Vec<String>) -> Row {
    Row { number, cells: cells.into_iter().map(|cell| unguarded(cell.trim()).to_string()).collect() }
}

/// A cell as written by [`write_csv`]: a value that a spreadsheet would take for a formula gets a leading
/// apostrophe, which Excel shows as text and [`read_text`] removes again.
fn guarded(cell: &str) -> String {
    // A negative number (「-3.2」) is a value, not a formula: it stays as it is so that it reads as a number.
    let negative_number = cell.starts_with('-') && cell.parse::<f64>().is_ok();
    if looks_like_formula(cell) && !negative_number {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A cell as [`write_csv`] writes it: guarded, and quoted where it must be.
fn csv_cell(cell: &str) -> String {
    let cell = guarded(cell);
    // A tab is quoted too: outside quotes, a tab in the first record would make the file read as tab-separated.
    if cell.contains([',', '"', '\n', '\r', '\t']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// CSV as Excel opens it: a UTF-8 byte-order mark, CRLF line ends, quotes where a cell needs them, and
/// formula-like cells neutralised (see [`guarded`]).
pub fn write_csv(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{FEFF}");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Reads the first sheet of a workbook. Numbers come out in their shortest decimal form (`62.5`, `100`); a
/// cell shown as 62.5% in Excel holds 0.625, and the caller must treat a bare number with care.
pub fn read_workbook(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    caught(|| read_first_sheet(bytes))
}

fn read_first_sheet(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|error| TableError::Workbook(error.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(TableError::NoSheet)?
        .map_err(|error| TableError::Workbook(error.to_string()))?;
    let rows = range_rows(&range);
    if rows.iter().all(Row::is_blank) {
        return Err(TableError::Empty);
    }
    Ok(rows)
}

/// Every sheet of a workbook, by name, in the workbook's order.
pub fn read_workbook_sheets(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, TableError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(TableError::TooLarge { size: bytes.len() });
    }
    caught(|| read_all_sheets(bytes))
}

/// Where a damaged workbook makes the workbook reader panic (found by fuzzing: a cell reference too long for
/// its arithmetic), the file is refused like any other damaged one.
pub const DAMAGED: &str = "the file is damaged";

/// Runs the workbook reader, turning a panic inside it into [`TableError::Workbook`].
fn caught<T>(read: impl FnOnce() -> Result<T, TableError>) -> Result<T, TableError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err(TableError::Workbook(DAMAGED.to_string())))
}

fn read_all_sheets(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, TableError> {
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|error| TableError::Workbook(error.to_string()))?;
    let mut sheets = Vec::new();
    for (name, range) in workbook.worksheets() {
        sheets.push((name, range_rows(&range)));
    }
    if sheets.is_empty() {
        return Err(TableError::NoSheet);
    }
    Ok(sheets)
}

/// Whether the bytes are a workbook (a zip or an OLE container) rather than text.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0")
}

fn range_rows(range: &calamine::Range<Data>) -> Vec<Row> {
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let mut texts: Vec<String> = Vec::with_capacity(cells.len() + first_column as usize);
            texts.resize(first_column as usize, String::new());
            texts.extend(cells.iter().map(cell_text));
            row(first_row as usize + index + 1, texts)
        })
        .collect()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) => float_text(*value),
        Data::Bool(value) => (if *value { "TRUE" } else { "FALSE" }).to_string(),
        Data::DateTime(value) if value.is_datetime() && value.as_f64() >= 61.0 => {
            let serial = value.as_f64();
            let (year, month, day) = hoshin_core::era::date_from_days(serial.floor() as i64 - 25_569);
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTime(value) => float_text(value.as_f64()),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// The shortest decimal form of a spreadsheet number, without the binary noise of a computed cell
/// (0.1 + 0.2 is 0.3 here).
fn float_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let text = format!("{value:.10}");
    let text = text.trim_end_matches('0');
    text.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn cells(rows: &[Row]) -> Vec<(usize, Vec<&str>)> {
        rows.iter().map(|row| (row.number, row.cells.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn csv_with_quotes_line_breaks_and_a_byte_order_mark() {
        let rows = read_text("\u{FEFF}課題,指標,実績値\r\n1,\"区民の\n割合\",62.5%\r\n2,\"a \"\"b\"\"\",\r\n").unwrap();
        assert_eq!(
            cells(&rows),
            [
                (1, vec!["課題", "指標", "実績値"]),
                (2, vec!["1", "区民の\n割合", "62.5%"]),
                (4, vec!["2", "a \"b\"", ""])
            ]
        );
    }

    #[test]
    fn written_csv_reads_back_and_formulas_are_neutralised() {
        let rows = vec![
            vec!["課題番号".to_string(), "実績値".to_string(), "メモ".to_string()],
            vec!["1-(1)".to_string(), "-3.2ポイント".to_string(), "=HYPERLINK(\"x\"),\n\"引用\"".to_string()],
            vec!["@SUM(A1)".to_string(), "+1".to_string(), "'引用符".to_string()],
        ];
        let csv = write_csv(&rows);
        assert!(csv.starts_with('\u{FEFF}'));
        assert!(csv.contains(",'-3.2ポイント,\"'=HYPERLINK(\"\"x\"\"),"), "{csv}");
        assert!(csv.contains("'@SUM(A1),'+1,"), "{csv}");
        let back: Vec<Vec<String>> = read_text(&csv).unwrap().into_iter().map(|row| row.cells).collect();
        assert_eq!(back, rows);
    }

    #[test]
    fn cells_are_quoted_and_guarded_but_negative_numbers_stay_numbers() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("-3.5"), "-3.5");
        assert_eq!(csv_cell("-3.5ポイント"), "'-3.5ポイント");
        assert_eq!(csv_cell("－"), "－");
    }

    #[test]
    fn tab_separated_text_as_excel_copies_it() {
        let rows = read_text("課題\t指標\n 1 \t①, 2\n").unwrap();
        assert_eq!(cells(&rows), [(1, vec!["課題", "指標"]), (2, vec!["1", "①, 2"])]);
    }

    #[test]
    fn a_tab_inside_quotes_does_not_make_csv_tab_separated() {
        // Found by fuzzing: CSV written from a cell that holds a tab has the tab inside quotes.
        let rows = read_text("\"a\tb\",c\r\nd,e\r\n").unwrap();
        assert_eq!(rows[0].cells, ["a\tb", "c"]);
        assert_eq!(delimiter("\n\n\"x\ty\"\tz\n"), '\t', "a tab outside the quotes");
        assert_eq!(delimiter("\"課題\nの番号\",指標\tの文\n"), '\t', "the record goes on past a quoted line break");
        assert_eq!(delimiter("課題,指標\n1\t2\n"), ',', "only the first record counts");
        // And the writer quotes a cell with a tab, so that what it writes reads back as CSV.
        let rows = vec![vec!["a\tb".to_string(), String::new()]];
        let read: Vec<Vec<String>> = read_text(&write_csv(&rows)).unwrap().into_iter().map(|row| row.cells).collect();
        assert_eq!(read, rows);
    }

    #[test]
    fn a_workbook_that_makes_the_reader_panic_is_refused_as_damaged() {
        // Found by fuzzing: a sheet dimension too long for the workbook reader's arithmetic.
        // With overflow checks (tests, fuzzing) the reader panics and the file is refused; a release build
        // wraps the arithmetic instead and may read what the sheets hold. Either way nothing panics.
        let bytes = include_bytes!("../../../fuzz/corpus/table/finding-cell-reference-overflow.xlsx");
        assert!(matches!(read_file(bytes), Err(TableError::Workbook(_))), "{:?}", read_file(bytes));
        let sheets = read_workbook_sheets(bytes);
        if cfg!(debug_assertions) {
            assert_eq!(sheets, Err(TableError::Workbook(DAMAGED.into())));
        }
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(read_text("  \n"), Err(TableError::Empty));
        assert_eq!(read_text("a,b\n1,\"never closed\n"), Err(TableError::UnclosedQuote { line: 2 }));
        assert!(matches!(read_file(b"PK\x03\x04 not really a zip"), Err(TableError::Workbook(_))));
        assert!(matches!(read_file(b"\x00\x01\x02binary"), Err(TableError::Text(_))));
        assert!(TableError::UnclosedQuote { line: 2 }.message(Lang::Ja).contains("2行目"));
    }

    #[test]
    fn shift_jis_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("課題番号,実績値\n1,62.5%\n");
        let rows = read_file(&bytes).unwrap();
        assert_eq!(cells(&rows), [(1, vec!["課題番号", "実績値"]), (2, vec!["1", "62.5%"])]);
    }

    #[test]
    fn workbook_cells_come_out_as_text_with_their_row_numbers() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(1, 1, "課題番号").unwrap();
        sheet.write_string(1, 2, "実績値").unwrap();
        sheet.write_number(2, 1, 1).unwrap();
        sheet.write_string(2, 2, "62.5%").unwrap();
        sheet.write_number(3, 1, 2).unwrap();
        sheet.write_number(3, 2, 0.1 + 0.2).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 4, 1).unwrap();
        let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_datetime_with_format(4, 1, &date, &date_format).unwrap();
        let percent = rust_xlsxwriter::Format::new().set_num_format("0.0%");
        sheet.write_number_with_format(4, 2, 0.625, &percent).unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let rows = read_file(&bytes).unwrap();
        assert_eq!(
            cells(&rows),
            [
                (2, vec!["", "課題番号", "実績値"]),
                (3, vec!["", "1", "62.5%"]),
                (4, vec!["", "2", "0.3"]),
                // Excel shows 62.5%; the cell holds the fraction.
                (5, vec!["", "2024-04-01", "0.625"]),
            ]
        );
    }

    #[test]
    fn floats_lose_their_binary_noise() {
        assert_eq!(float_text(62.5), "62.5");
        assert_eq!(float_text(100.0), "100");
        assert_eq!(float_text(0.625), "0.625");
        assert_eq!(float_text(-3.25), "-3.25");
    }
}
