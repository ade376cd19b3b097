//! Replays the fuzzing corpora (`fuzz/corpus/TARGET/`) through the fuzz targets on stable Rust: the seeds,
//! and every input a fuzzing run found worth keeping, findings included once they are fixed. `fuzz/README.md`
//! says how to fuzz and how a finding joins the corpus.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use hoshin_import::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_input_passes_its_target() {
    for (name, target) in TARGETS {
        let inputs = files(&fuzz_dir().join("corpus").join(name));
        assert!(inputs.len() >= 5, "the corpus of {name} has {} inputs; seed it", inputs.len());
        for input in inputs {
            let bytes = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&bytes));
            assert!(
                outcome.is_ok(),
                "{name}: {} fails; run `cargo +nightly fuzz run {name} {}`",
                input.display(),
                input.display()
            );
        }
    }
}

#[test]
fn the_targets_and_the_corpora_are_the_same_list() {
    let mut targets: Vec<String> = files(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut corpora: Vec<String> = files(&fuzz_dir().join("corpus"))
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut listed: Vec<String> = TARGETS.iter().map(|(name, _)| (*name).to_string()).collect();
    targets.sort();
    corpora.sort();
    listed.sort();
    assert_eq!(targets, listed, "every file in fuzz/fuzz_targets is in hoshin_import::fuzzing::TARGETS");
    assert_eq!(corpora, listed, "every target has a corpus");
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    for name in &listed {
        assert!(manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")), "fuzz/Cargo.toml builds {name}");
    }
}
