//! The importer never panics and always accounts for every line, whatever it is given: arbitrary text, the
//! samples cut, shuffled and spliced (what a bad PDF extraction or a wrong file looks like), tag soup and
//! broken tables, and the web page and converter markdown of fixtures/markup cut and spliced.
//! `PROPTEST_CASES` sets the number of cases.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use hoshin_import::Hints;
use proptest::prelude::*;

fn read_all(dir: &str, names: &[&str]) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(dir);
    names.iter().map(|name| std::fs::read_to_string(dir.join(name)).unwrap()).collect()
}

fn samples() -> Vec<String> {
    read_all(
        "fixtures/samples",
        &[
            "nishi-r6-plan.txt",
            "sumiyoshi-r6-yearend.txt",
            "abeno-r5-issue5-yearend.txt",
            "higashiyodogawa-plan20-summary.txt",
        ],
    )
}

fn markup() -> Vec<String> {
    read_all("fixtures/markup", &["nishi-r6-plan.html", "sumiyoshi-r6-yearend.md"])
}

fn check(text: &str) {
    hoshin_import::fuzzing::check_parse(text, &Hints::default());
}

/// Pieces of web pages and converter output, for tag soup.
const MARKUP_PIECES: &[&str] = &[
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th colspan=\"2\">",
    "<p>",
    "</p>",
    "<br>",
    "<ul>",
    "<li>",
    "</ul>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<style>",
    "<nav>",
    "</nav>",
    "<header id=\"tmp_header\">",
    "<a href=\"x.pdf\">",
    "</a>",
    "&amp;",
    "&#x3042;",
    "&nbsp;",
    "&bogus;",
    "<title>",
    "</title>",
    "<pre>",
    "</pre>",
    "|",
    "| a | b |",
    "|---|---|",
    "# ",
    "## 経営課題1",
    "**",
    "[a](b.pdf)",
    "![図](x.png)",
    "```",
    "- ",
    "> ",
    "\n",
    "\n\n",
    "\t",
    "経営課題１ 人がつながる",
    "課題認識",
    "主な戦略",
    "アウトカム指標",
    "①43.9%",
    "A",
    "27.8%",
    "６年度実績と達成状況 ※A：達成 B：未達成",
    "前年度実績",
    "４決算額 62百万円",
    "自己評価",
    "今後の方針",
    "【経営課題１】",
    "令和6年度 西区運営方針",
    "目標",
    "・箇条",
    "<!DOCTYPE html>",
    "<html>",
    "</html>",
    "<",
    ">",
    "\\|",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn arbitrary_text(text in "\\PC{0,400}") {
        check(&text);
    }

    #[test]
    fn policy_like_lines(lines in prop::collection::vec(prop::sample::select(vec![
        "経営課題１ 安全", "経営課題1-(", "課題認識", "主な戦略", "アウトカム指標", "①43.9%", "A －", "B 23.7%⑤21.8%",
        "６年度実績と達成状況 ※A：達成 B：未達成 前年度実績", "４決算額 62百万円 ５予算額", "決算額", "【経営課題１】",
        "自己評価", "今後の方針", "めざす状態", "戦略", "プラン", "2.0", "目標値", "具体的取組5-1-1", "概要\t3決算額\t— 円",
        "主な取組\t5年度実績", "令和3年度\t\t令和4年度", "\t45.4%\t—\t46.4%", "めざす成果及び戦略 5-1 【x】", "",
        "・箇条", "①区民の割合を令和10年度末までに55％以上とする。", "1\t取組項目\t概要\t今年度目標", "2\tx\t①a\t①b：5件",
    ]), 0..60)) {
        check(&lines.join("\n"));
    }

    #[test]
    fn tag_soup_and_broken_tables(pieces in prop::collection::vec(prop::sample::select(MARKUP_PIECES), 0..120)) {
        check(&pieces.concat());
    }

    #[test]
    fn markup_cut_and_spliced(file in 0usize..2, start in 0usize..320, len in 0usize..200, at in 0usize..200, sample in 0usize..4) {
        let markup = markup();
        let lines: Vec<&str> = markup[file].split('\n').collect();
        let start = start.min(lines.len());
        let end = (start + len).min(lines.len());
        let mut spliced: Vec<&str> = lines[start..end].to_vec();
        let samples = samples();
        let others: Vec<&str> = samples[sample].split('\n').collect();
        let at = at.min(spliced.len());
        spliced.splice(at..at, others.iter().take(len / 4).copied());
        check(&spliced.join("\n"));
    }

    #[test]
    fn samples_cut_and_spliced(sample in 0usize..4, other in 0usize..4, start in 0usize..600, len in 0usize..300, at in 0usize..600) {
        let samples = samples();
        let lines: Vec<&str> = samples[sample].split('\n').collect();
        let others: Vec<&str> = samples[other].split('\n').collect();
        let start = start.min(lines.len());
        let end = (start + len).min(lines.len());
        let mut spliced: Vec<&str> = lines[start..end].to_vec();
        let at = at.min(spliced.len());
        spliced.splice(at..at, others.iter().take(len / 2).copied());
        check(&spliced.join("\n"));
    }
}

#[test]
fn every_prefix_of_every_sample() {
    for sample in samples().into_iter().chain(markup()) {
        let lines: Vec<&str> = sample.split('\n').collect();
        for end in (0..=lines.len()).step_by(7) {
            check(&lines[..end].join("\n"));
        }
    }
}
