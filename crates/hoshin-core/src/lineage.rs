//! Indicator lineage (DOMAIN.md §5): the same indicator in FY2023 and FY2024 is one series even when its wording
//! or target changed, and the city's common indicators are recognised in every ward's wording.
//!
//! Wording drifts (「区民の割合」 vs 「区民アンケート回答者の割合」), so matching is fuzzy: the Dice coefficient
//! over character bigrams of the normalised wording, with the issue and number as a tie-breaker. A match
//! below [`MIN_SIMILARITY`] is no match: the indicator starts a new series rather than being guessed into one.

use std::collections::HashSet;

use crate::model::IssueId;
use crate::text::compact;

/// The least similarity at which two wordings are taken for the same indicator.
pub const MIN_SIMILARITY: f64 = 0.5;

/// What lineage matching looks at in one indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageKey<'a> {
    pub issue: Option<IssueId>,
    pub number: Option<u32>,
    pub wording: &'a str,
}

/// A current indicator's match among the earlier ones: the index and the similarity of the wordings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineageMatch {
    pub earlier: usize,
    pub similarity: f64,
}

/// The wording as compared: normalised, without whitespace, circled numbers, brackets and the survey preamble
/// (「区民意識調査で「…」と回答する割合」 and 「…と感じている区民アンケート回答者の割合」 name the same measure).
pub fn comparable_wording(wording: &str) -> String {
    let compacted = compact(wording);
    let mut text: String = compacted
        .chars()
        .filter(|c| crate::text::circled_number(*c).is_none() && !matches!(c, '「' | '」' | '『' | '』' | '(' | ')'))
        .collect();
    for noise in ["アンケート回答者", "アンケートで回答した", "区民意識調査で", "と回答する", "と回答した"]
    {
        text = text.replace(noise, "");
    }
    text
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|pair| (pair[0], pair[1])).collect()
}

/// The Dice coefficient of the character bigrams of two wordings, after [`comparable_wording`]: 1.0 for the
/// same measure written the same way, 0.0 for nothing in common.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (comparable_wording(a), comparable_wording(b));
    if a == b {
        return 1.0;
    }
    let (a, b) = (bigrams(&a), bigrams(&b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(&b).count();
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// Matches each current indicator to at most one earlier indicator, each earlier one used at most once.
///
/// Pairs are taken best first: the highest similarity, then the same issue and number. Ties keep document
/// order, so the result does not depend on hashing.
pub fn match_lineage(earlier: &[LineageKey<'_>], current: &[LineageKey<'_>]) -> Vec<Option<LineageMatch>> {
    let mut candidates = Vec::new();
    for (c, now) in current.iter().enumerate() {
        for (e, before) in earlier.iter().enumerate() {
            let similarity = similarity(before.wording, now.wording);
            let same_place = before.issue == now.issue && before.number.is_some() && before.number == now.number;
            if similarity >= MIN_SIMILARITY {
                candidates.push((similarity, same_place, c, e));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3)));
    let mut result = vec![None; current.len()];
    let mut used = vec![false; earlier.len()];
    for (similarity, _, c, e) in candidates {
        if result[c].is_none() && !used[e] {
            result[c] = Some(LineageMatch { earlier: e, similarity });
            used[e] = true;
        }
    }
    result
}

/// A common indicator (共通指標): measured the same way in every ward of the city.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommonIndicator {
    /// A stable key for files, URLs and the API.
    pub key: &'static str,
    /// The canonical wording.
    pub wording: &'static str,
}

/// The common indicators DOMAIN.md §5 names.
pub const COMMON_INDICATORS: &[CommonIndicator] = &[
    CommonIndicator {
        key: "community-council-awareness", wording: "地域活動協議会を知っている区民の割合"
    },
    CommonIndicator {
        key: "community-activities",
        wording: "各団体により地域の特性や課題に応じた活動が進められていると感じている区民の割合",
    },
    CommonIndicator {
        key: "needs-heard",
        wording: "区役所が様々な機会を通じて区民の意見やニーズを把握していると感じる区民の割合",
    },
    CommonIndicator {
        key: "council-feedback",
        wording: "区政会議において適切なフィードバックが行われたと感じる委員の割合",
    },
    CommonIndicator {
        key: "counter-service",
        wording: "区役所が区民に身近な窓口として適切に対応していると感じる区民の割合",
    },
    CommonIndicator {
        key: "information-reach",
        wording: "区の様々な取組に関する情報が区役所から届いていると感じる区民の割合",
    },
];

/// The least similarity at which a wording is taken for a common indicator.
pub const MIN_COMMON_SIMILARITY: f64 = 0.6;

/// The common indicator a wording measures, if any, with the similarity.
pub fn common_indicator(wording: &str) -> Option<(&'static CommonIndicator, f64)> {
    COMMON_INDICATORS
        .iter()
        .map(|common| (common, similarity(common.wording, wording)))
        .filter(|(_, similarity)| *similarity >= MIN_COMMON_SIMILARITY)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// How alike two organizations' wordings must be to be suggested as one common indicator.
pub const GROUP_SIMILARITY: f64 = 0.6;

/// Suggested common indicators: groups of indicators of different organizations whose wordings are alike
/// (each given as organization and wording), as indexes into `items`. A person confirms or rejects each
/// group; nothing is grouped without that.
pub fn suggest_groups(items: &[(String, String)]) -> Vec<Vec<usize>> {
    let mut taken = vec![false; items.len()];
    let mut groups = Vec::new();
    for first in 0..items.len() {
        if taken[first] {
            continue;
        }
        let mut group = vec![first];
        for other in first + 1..items.len() {
            if taken[other] || group.iter().any(|&member| items[member].0 == items[other].0) {
                continue;
            }
            if similarity(&items[first].1, &items[other].1) >= GROUP_SIMILARITY {
                group.push(other);
            }
        }
        if group.len() > 1 {
            for &member in &group {
                taken[member] = true;
            }
            groups.push(group);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    #[test]
    fn alike_wordings_of_different_wards_are_suggested_together() {
        let items: Vec<(String, String)> = [
            ("西区", "地域活動協議会を知っている区民アンケート回答者の割合"),
            ("住吉区", "地域活動協議会を知っている区民の割合"),
            ("西区", "地域活動協議会の認知度"),
            ("北区", "防災訓練の参加者数"),
            ("住吉区", "区役所窓口の対応に満足している区民の割合"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(super::suggest_groups(&items), vec![vec![0, 1]]);
    }

    use super::*;

    fn key(wording: &str) -> LineageKey<'_> {
        LineageKey { issue: None, number: None, wording }
    }

    #[test]
    fn drifted_wording_is_the_same_indicator() {
        let before = "地域活動協議会を知っている区民の割合";
        let after = "地域活動協議会を知っている区民アンケート回答者の割合";
        assert!(similarity(before, after) > 0.9, "{}", similarity(before, after));
        assert!(similarity(before, "家庭や地域で防災対策を講じている区民アンケート回答者の割合") < MIN_SIMILARITY);
        assert_eq!(similarity("①区民意識調査で「治安が良い」と回答する割合", "治安が良い割合"), 1.0);
    }

    #[test]
    fn each_earlier_indicator_continues_at_most_one_series() {
        let earlier = [key("地域活動協議会を知っている区民の割合"), key("防災訓練の参加者数")];
        let current = [
            key("防災訓練への参加者数"),
            key("地域活動協議会を知っている区民アンケート回答者の割合"),
            key("地域活動協議会を知っている区民の割合（再掲）"),
            key("空家の相談件数"),
        ];
        let matched = match_lineage(&earlier, &current);
        assert_eq!(matched[0].map(|m| m.earlier), Some(1));
        // The survey preamble is not part of the measure: the drifted wording is an exact match and wins over
        // the near one, which then starts its own series.
        assert_eq!(matched[1], Some(LineageMatch { earlier: 0, similarity: 1.0 }));
        assert_eq!(matched[2], None);
        assert_eq!(matched[3], None);
    }

    #[test]
    fn same_issue_and_number_break_ties() {
        let earlier = [
            LineageKey { issue: Some(IssueId::Single(1)), number: Some(1), wording: "参加者数" },
            LineageKey { issue: Some(IssueId::Single(2)), number: Some(1), wording: "参加者数" },
        ];
        let current = [LineageKey { issue: Some(IssueId::Single(2)), number: Some(1), wording: "参加者数" }];
        assert_eq!(match_lineage(&earlier, &current)[0].map(|m| m.earlier), Some(1));
    }

    #[test]
    fn common_indicators_are_recognised_in_ward_wording() {
        let (common, _) = common_indicator(
            "各団体により地域の特性や課題に応じた活動が進められていると感じている区民アンケート回答者の割合",
        )
        .expect("common indicator");
        assert_eq!(common.key, "community-activities");
        let (common, _) = common_indicator(
            "区民意識調査で「区役所が、区民に身近な窓口として、適切に対応していると感じる」と回答する割合",
        )
        .expect("common indicator");
        assert_eq!(common.key, "counter-service");
        assert_eq!(common_indicator("家庭や地域で防災対策を講じている区民アンケート回答者の割合"), None);
    }
}
