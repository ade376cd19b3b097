//! Hoshin's official outputs. Pure functions from the model to bytes: [`sheet`] writes the canonical workbook
//! (the sheets of [`hoshin_core::canonical`] as xlsx) and [`pdf`] typesets the common-format layout on A4 with
//! an embedded Japanese font.

#![forbid(unsafe_code)]

pub mod layout;
pub mod pdf;
pub mod sheet;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("the workbook cannot be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error(
        "no Japanese font was found: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or put a \
         Japanese .ttf/.otf/.ttc in the directory HOSHIN_FONT_DIR names"
    )]
    NoJapaneseFont,
    #[error("the layout cannot be typeset: {0}")]
    Layout(String),
}
