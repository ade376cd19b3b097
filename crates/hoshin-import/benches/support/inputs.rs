//! The import workloads, shared by the benchmark and the instruction-count example
//! (`examples/import_once.rs`): the four samples as decoded text, the web page and converter markdown of
//! fixtures/markup, and the four samples concatenated.

use std::path::PathBuf;

pub fn samples() -> Vec<(&'static str, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/samples");
    [
        "nishi-r6-plan.txt",
        "sumiyoshi-r6-yearend.txt",
        "abeno-r5-issue5-yearend.txt",
        "higashiyodogawa-plan20-summary.txt",
    ]
    .into_iter()
    .map(|name| (name, std::fs::read_to_string(dir.join(name)).unwrap()))
    .collect()
}

/// The web page and the converter markdown of fixtures/markup.
pub fn markup() -> Vec<(&'static str, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/markup");
    ["nishi-r6-plan.html", "sumiyoshi-r6-yearend.md"]
        .into_iter()
        .map(|name| (name, std::fs::read_to_string(dir.join(name)).unwrap()))
        .collect()
}

/// About 2 MB: the four samples 25 times over, read as one document.
pub fn concatenation(samples: &[(&'static str, String)]) -> String {
    samples.iter().map(|(_, text)| text.as_str()).collect::<Vec<_>>().join("\n").repeat(25)
}
