//! Hoshin's public site and JSON API over a [`hoshin_store::Store`].

#![forbid(unsafe_code)]

pub mod wire;
