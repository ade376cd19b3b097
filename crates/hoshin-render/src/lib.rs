//! Hoshin's official outputs. Pure functions from the model to bytes: [`sheet`] writes the canonical workbook
//! (the sheets of [`hoshin_core::canonical`] as xlsx). The common-format layouts (PDF, the people's workbook)
//! come next.

#![forbid(unsafe_code)]

pub mod sheet;
