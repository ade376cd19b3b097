//! What the importer's integration tests share: reading a fixture and checking its golden outline.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use hoshin_import::{decode, outline, parse, Hints, Parsed};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads a fixture (a path under the repository's root) as `hoshin parse` would, without hints.
pub fn read(path: &str) -> (String, Parsed) {
    let bytes = std::fs::read(root().join(path)).unwrap();
    let (text, _) = decode(&bytes).unwrap();
    let parsed = parse(&text, &Hints::default());
    (text, parsed)
}

/// Compares the outline of the fixture at `path` with its golden file in `tests/data` (`nishi-r6-plan.expected`
/// for `nishi-r6-plan.txt`, `nishi-r6-plan.html.expected` for a web page), or rewrites it when `UPDATE_EXPECT`
/// is set (review the diff against the source like code).
pub fn check_golden(path: &str) {
    let (text, parsed) = read(path);
    let actual = outline(&parsed, &text);
    let file_name = PathBuf::from(path).file_name().unwrap().to_string_lossy().into_owned();
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(format!("{}.expected", file_name.strip_suffix(".txt").unwrap_or(&file_name)));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if actual != expected {
        let first_difference = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
        panic!(
            "{path}: the outline differs from {} at line {}:\n  actual:   {:?}\n  expected: {:?}\nrun with \
             UPDATE_EXPECT=1 to rewrite it, then review the diff",
            golden.display(),
            first_difference + 1,
            actual.lines().nth(first_difference),
            expected.lines().nth(first_difference)
        );
    }
}
