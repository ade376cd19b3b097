//! The canonical workbook as xlsx: one worksheet per [`Sheet`], every cell a string (never a formula), the
//! header row bold and frozen, and cells a spreadsheet would take for a formula marked with Excel's quote
//! prefix, so the value stays exactly as it is and is never evaluated.

use hoshin_core::canonical::Sheet;
use hoshin_core::text::looks_like_formula;
use rust_xlsxwriter::{Format, Workbook};

use crate::RenderError;

/// Writes the sheets as an xlsx workbook.
pub fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let quoted = Format::new().set_quote_prefix();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name)?;
        for (index, (_, cells)) in sheet.rows.iter().enumerate() {
            let row = u32::try_from(index).unwrap_or(u32::MAX);
            for (column, cell) in cells.iter().enumerate() {
                let column = u16::try_from(column).unwrap_or(u16::MAX);
                if cell.is_empty() {
                    continue;
                }
                if index == 0 {
                    worksheet.write_string_with_format(row, column, cell, &bold)?;
                } else if looks_like_formula(cell) {
                    worksheet.write_string_with_format(row, column, cell, &quoted)?;
                } else {
                    worksheet.write_string(row, column, cell)?;
                }
            }
        }
        let width = sheet.rows.first().map_or(1, |(_, cells)| cells.len());
        for column in 0..width {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            worksheet.set_column_width(column, if column == 0 { 28 } else { 24 })?;
        }
        worksheet.set_freeze_panes(1, 0)?;
    }
    Ok(workbook.save_to_buffer()?)
}
