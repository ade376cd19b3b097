//! Full-text search over Japanese without a morphological dictionary: every text field is indexed by its
//! character bigrams, a query finds the fields holding all of its bigrams through the database's index, and
//! the candidates are then checked for the query as a substring, ranked and snippeted here. Both backends
//! index the same bigrams and share this code, so they return the same hits in the same order.

use hoshin_core::text::normalize;
use hoshin_core::{Indicator, PolicyContent};

/// A text field of a policy: where it is (for the link and the label) and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// A path such as `goal`, `issues/2/strategies`, `issues/1/indicators/3`.
    pub path: String,
    pub text: String,
}

/// The text fields of a policy's content, in document order.
pub fn fields(content: &PolicyContent) -> Vec<Field> {
    let mut out = Vec::new();
    let mut push = |path: String, text: String| {
        if !text.trim().is_empty() {
            out.push(Field { path, text });
        }
    };
    push("title".into(), content.title.clone().unwrap_or_default());
    push("goal".into(), content.goal.clone().unwrap_or_default());
    push("mission".into(), content.mission.join("\n"));
    push("approach".into(), content.approach.join("\n"));
    for (i, issue) in content.issues.iter().enumerate() {
        let base = format!("issues/{}", i + 1);
        push(format!("{base}/title"), issue.title.clone());
        push(format!("{base}/summary"), issue.summary.clone().unwrap_or_default());
        let groups = |groups: &[hoshin_core::BulletGroup]| {
            groups
                .iter()
                .flat_map(|group| group.heading.iter().chain(group.bullets.iter()).cloned())
                .collect::<Vec<_>>()
                .join("\n")
        };
        push(format!("{base}/problem_recognition"), groups(&issue.problem_recognition));
        push(format!("{base}/strategies"), groups(&issue.strategies));
        push(format!("{base}/desired_state"), issue.desired_state.clone().unwrap_or_default());
        for (j, indicator) in issue.indicators.iter().enumerate() {
            push(format!("{base}/indicators/{}", j + 1), indicator_text(indicator));
        }
        for (j, strategy) in issue.detailed_strategies.iter().enumerate() {
            let base = format!("{base}/detailed_strategies/{}", j + 1);
            let mut text = vec![strategy.title.clone()];
            text.extend(strategy.desired_state.clone());
            text.extend(strategy.direction.clone());
            text.extend(strategy.current_state.iter().cloned());
            text.extend(strategy.challenges.iter().cloned());
            text.extend(strategy.outcome_indicators.iter().map(indicator_text));
            text.extend(strategy.single_year_targets.iter().map(indicator_text));
            text.extend(strategy.self_evaluation.clone());
            text.extend(strategy.improvement.clone());
            text.extend(strategy.mid_year_review.clone());
            push(base.clone(), text.join("\n"));
            for (k, initiative) in strategy.initiatives.iter().enumerate() {
                let mut text = vec![initiative.title.clone()];
                text.extend(initiative.summary.clone());
                text.extend(initiative.activities.iter().map(|activity| activity.name.clone()));
                text.extend(initiative.process_indicators.iter().map(indicator_text));
                text.extend(initiative.council_opinions.iter().map(|opinion| opinion.text.clone()));
                text.extend(initiative.mid_year_review.clone());
                push(format!("{base}/initiatives/{}", k + 1), text.join("\n"));
            }
        }
        push(format!("{base}/self_evaluation"), issue.self_evaluation.clone().unwrap_or_default());
        push(format!("{base}/future_policy"), issue.future_policy.clone().unwrap_or_default());
    }
    push("self_evaluation".into(), content.self_evaluation.clone().unwrap_or_default());
    push("future_policy".into(), content.future_policy.clone().unwrap_or_default());
    for (i, item) in content.reform_plan_items.iter().enumerate() {
        let mut text = vec![item.title.clone()];
        text.extend(item.summary.iter().cloned());
        text.extend(item.targets.iter().map(indicator_text));
        push(format!("reform_plan/{}", i + 1), text.join("\n"));
    }
    out
}

fn indicator_text(indicator: &Indicator) -> String {
    let mut text = indicator.wording.clone();
    if let Some(target) = &indicator.target {
        text.push('\n');
        text.push_str(target.text());
    }
    for note in &indicator.notes {
        text.push('\n');
        text.push_str(note);
    }
    text
}

/// The form text is matched in: NFKC-normalised, lower case, whitespace runs as one space.
pub fn normalized(text: &str) -> String {
    normalize(text).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The distinct bigrams of letters and digits in normalised text, sorted. A lone character (a one-letter
/// query) is its own gram.
pub fn grams(normalized: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in normalized.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        match chars.len() {
            0 => {}
            1 => out.push(chars[0].to_string()),
            _ => out.extend(chars.windows(2).map(|pair| pair.iter().collect::<String>())),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The grams a field is indexed under, joined by spaces as the index is given them: every bigram, and the last
/// character of every word (a word of one character is its own gram). A one-character query asks the index
/// for the grams that begin with its character ([`match_term`]): a character followed by another in its word
/// begins a bigram, and one that is not is indexed alone, so every field holding the character is found. Built
/// without a string per gram: every import and load computes it for every field.
pub fn index_grams_joined(normalized: &str) -> String {
    // A gram as its characters, the second absent for a single character; sorted and deduplicated as pairs.
    let mut keys: Vec<(char, Option<char>)> = Vec::new();
    for word in normalized.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = word.chars();
        let Some(mut previous) = chars.next() else { continue };
        for c in chars {
            keys.push((previous, Some(c)));
            previous = c;
        }
        keys.push((previous, None));
    }
    keys.sort_unstable();
    keys.dedup();
    let mut out = String::with_capacity(keys.len() * 7);
    for (first, second) in keys {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(first);
        out.extend(second);
    }
    out
}

/// How a query gram is asked of the index: a bigram as itself, a single character as a prefix (every gram
/// that begins with it; see [`index_grams_joined`]).
pub fn match_term(gram: &str, quote: char, prefix: &str) -> String {
    if gram.chars().nth(1).is_none() {
        format!("{quote}{gram}{quote}{prefix}")
    } else {
        format!("{quote}{gram}{quote}")
    }
}

/// The token that marks the entries of a FY `fiscal_year` policy in the gram index: U+E000 and the year
/// (「\u{E000}2024」). No gram is ever one of these, nor begins one: a gram is made of letters and digits, and
/// U+E000 (a private-use character) is neither, so a one-character query's prefix never reaches a year token.
/// Both engines' indexes take the character as part of a token (FTS5's unicode61 counts private-use characters
/// as token characters; PostgreSQL takes the lexemes as given).
pub fn year_token(fiscal_year: hoshin_core::FiscalYear) -> String {
    format!("{YEAR_MARK}{}", fiscal_year.start_year())
}

const YEAR_MARK: char = '\u{E000}';

/// A query: terms separated by spaces, all of which must occur.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<String>,
}

impl Query {
    /// Reads a query; `None` when it holds no letter or digit.
    pub fn parse(text: &str) -> Option<Query> {
        let terms: Vec<String> = normalized(text)
            .split(' ')
            .filter(|term| term.chars().any(char::is_alphanumeric))
            .map(str::to_string)
            .collect();
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The grams every hit must hold.
    pub fn grams(&self) -> Vec<String> {
        let mut out: Vec<String> = self.terms.iter().flat_map(|term| grams(term)).collect();
        out.sort();
        out.dedup();
        out
    }

    /// How often the terms occur in a field's normalised text, or `None` when one of them does not occur.
    pub fn occurrences(&self, normalized: &str) -> Option<usize> {
        let mut total = 0;
        for term in &self.terms {
            let count = normalized.matches(term.as_str()).count();
            if count == 0 {
                return None;
            }
            total += count;
        }
        Some(total)
    }

    /// A snippet of about `width` characters around the first occurrence of the first term, with the terms
    /// marked 【…】.
    pub fn snippet(&self, normalized: &str, width: usize) -> String {
        let chars: Vec<char> = normalized.chars().collect();
        let first = self
            .terms
            .first()
            .and_then(|term| normalized.find(term.as_str()))
            .map(|byte| normalized[..byte].chars().count())
            .unwrap_or(0);
        let start = first.saturating_sub(width / 3);
        let end = (start + width).min(chars.len());
        let mut text: String = chars[start..end].iter().collect();
        for term in &self.terms {
            text = text.replace(term.as_str(), &format!("【{term}】"));
        }
        let prefix = if start > 0 { "…" } else { "" };
        let suffix = if end < chars.len() { "…" } else { "" };
        format!("{prefix}{text}{suffix}")
    }
}

/// How much a hit in a field counts: titles and goals more than long prose.
pub fn field_weight(path: &str) -> u32 {
    let last = path.rsplit('/').next().unwrap_or(path);
    match last {
        "title" | "goal" => 3,
        _ if path.contains("/indicators/") => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_of_japanese_text() {
        assert_eq!(grams(&normalized("防災 町会")), ["町会", "防災"]);
        assert_eq!(grams(&normalized("防災訓練")), ["災訓", "訓練", "防災"]);
        assert_eq!(grams("a"), ["a"]);
        // What a field is indexed under: its query grams and the last character of every word.
        let index_grams = |normalized: &str| {
            let mut out = grams(normalized);
            out.extend(
                normalized
                    .split(|c: char| !c.is_alphanumeric())
                    .filter_map(|word| word.chars().last())
                    .map(String::from),
            );
            out.sort();
            out.dedup();
            out
        };
        assert_eq!(index_grams_joined("防災 訓練"), "災 練 訓練 防災");
        assert_eq!(index_grams_joined("a 防"), "a 防");
        // A year token is never a gram, nor begins with a character a gram begins with.
        let year = year_token(hoshin_core::FiscalYear::new(2024).unwrap());
        assert!(!year.starts_with(char::is_alphanumeric));
        assert!(index_grams_joined(&normalized(&format!("{year}防災")))
            .split(' ')
            .all(|gram| !gram.contains(YEAR_MARK)));
        for text in ["防災 町会", "防災訓練を行う", "a", "npoとの連携 2024年度", "", " 、 "] {
            let text = normalized(text);
            let joined = index_grams_joined(&text);
            let mut joined: Vec<&str> = joined.split(' ').filter(|gram| !gram.is_empty()).collect();
            joined.sort_unstable();
            assert_eq!(joined, index_grams(&text), "{text}");
        }
    }

    #[test]
    fn queries_match_as_substrings_and_snippet() {
        let query = Query::parse("防災　町会").unwrap();
        assert_eq!(query.terms, ["防災", "町会"]);
        let text = normalized("町会ごとに防災訓練を行い、防災意識を高める");
        assert_eq!(query.occurrences(&text), Some(3));
        assert_eq!(query.occurrences(&normalized("防災だけ")), None);
        assert_eq!(query.snippet(&text, 10), "…ごとに【防災】訓練を行い…");
        assert_eq!(Query::parse(" 、。 "), None);
        // Full-width and half-width forms meet in the normalised text.
        assert_eq!(Query::parse("ＮＰＯ").unwrap().occurrences(&normalized("npoとの連携")), Some(1));
    }
}
