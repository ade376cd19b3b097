//! placeholder
use hoshin_core::PolicyContent;
use crate::header::YearContext;
use crate::source::{Document, Reader};
pub(crate) fn read(_document: &Document<'_>, _reader: &mut Reader, _context: &YearContext, _content: &mut PolicyContent) {}
