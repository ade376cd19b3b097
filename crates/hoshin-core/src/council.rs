//! The ward council loop (区政会議): members serve two-year terms from October; the council and the public give
//! opinions on items of a policy; the ward answers each with a status; members rate the previous year's
//! results per issue and answer whether their opinions got appropriate feedback — the share who say yes is
//! itself an outcome indicator of every ward (DOMAIN.md §6).
//!
//! What is here is pure: the kinds and their labels, terms, the checks an opinion passes before it is stored,
//! personal data found and masked before an opinion box text is published, rating summaries and the
//! feedback share.

use std::ops::Range;

use crate::number::Number;
use crate::quantity::{parse_measure, Measure};
use crate::text::{compact, Lang};

macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $ja:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code stored and sent in forms.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Ja) => $ja, ($name::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

coded!(
    /// A meeting of the whole council or of one of its sub-committees.
    MeetingKind {
        Plenary = "plenary", "全体会", "plenary";
        Subcommittee = "subcommittee", "部会", "sub-committee";
    }
);

coded!(
    /// Where an opinion came from.
    OpinionSource {
        Meeting = "meeting", "区政会議", "council meeting";
        OpinionBox = "opinion_box", "意見箱", "opinion box";
        Hearing = "hearing", "書面・その他の意見聴取", "in writing or another hearing";
    }
);

coded!(
    /// Who gave an opinion. A citizen's name is never published.
    OpinionAuthor {
        Member = "member", "区政会議委員", "council member";
        Citizen = "citizen", "区民", "citizen";
        Anonymous = "anonymous", "匿名", "anonymous";
    }
);

coded!(
    /// An opinion's place in moderation: the opinion box's wait until staff publish or reject them.
    OpinionState {
        Pending = "pending", "確認待ち", "awaiting moderation";
        Published = "published", "公開", "published";
        Rejected = "rejected", "非公開", "not published";
    }
);

coded!(
    /// What the ward did with an opinion.
    ResponseStatus {
        Reflected = "reflected", "反映", "reflected";
        PartlyReflected = "partly_reflected", "一部反映", "partly reflected";
        Considered = "considered", "今後の検討", "to be considered";
        NotReflected = "not_reflected", "反映なし", "not reflected";
    }
);

impl OpinionSource {
    /// The state an opinion starts in: what the opinion box receives waits for moderation; what staff or
    /// members enter is public record at once.
    pub fn initial_state(self) -> OpinionState {
        match self {
            OpinionSource::OpinionBox => OpinionState::Pending,
            OpinionSource::Meeting | OpinionSource::Hearing => OpinionState::Published,
        }
    }
}

impl ResponseStatus {
    /// Whether the response should name the version the opinion landed in.
    pub fn lands_in_a_version(self) -> bool {
        matches!(self, ResponseStatus::Reflected | ResponseStatus::PartlyReflected)
    }
}

/// A council term: two years from 1 October of `start_year` to 30 September two years later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    pub start_year: i32,
}

impl Term {
    pub fn new(start_year: i32) -> Option<Term> {
        (1990..=2200).contains(&start_year).then_some(Term { start_year })
    }

    pub fn start(self) -> (i32, u32, u32) {
        (self.start_year, 10, 1)
    }

    pub fn end(self) -> (i32, u32, u32) {
        (self.start_year + 2, 9, 30)
    }

    pub fn contains(self, date: (i32, u32, u32)) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// 「令和6年10月〜令和8年9月」, 「October 2024 – September 2026」.
    pub fn label(self, lang: Lang) -> String {
        let era = |year: i32| crate::FiscalYear::new(year).and_then(|fy| fy.era_year());
        match lang {
            Lang::Ja => {
                let month = |year: i32, month: u32| match era(year) {
                    Some((era, 1)) => format!("{}元年{month}月", era.name_ja()),
                    Some((era, n)) => format!("{}{n}年{month}月", era.name_ja()),
                    None => format!("{year}年{month}月"),
                };
                format!("{}〜{}", month(self.start_year, 10), month(self.start_year + 2, 9))
            }
            Lang::En => format!("October {} – September {}", self.start_year, self.start_year + 2),
        }
    }
}

/// The longest opinion accepted, in characters: about two pages of Japanese.
pub const MAX_OPINION_CHARS: usize = 2_000;

/// The longest response accepted, in characters.
pub const MAX_RESPONSE_CHARS: usize = 4_000;

/// Why a text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong { chars: usize, max: usize },
}

impl TextProblem {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TextProblem::Empty, Lang::Ja) => "本文が空です".into(),
            (TextProblem::Empty, Lang::En) => "the text is empty".into(),
            (TextProblem::TooLong { chars, max }, Lang::Ja) => {
                format!("本文が長すぎます（{chars}文字）。{max}文字以内にしてください")
            }
            (TextProblem::TooLong { chars, max }, Lang::En) => {
                format!("the text is too long ({chars} characters); keep it within {max}")
            }
        }
    }
}

/// The text trimmed, when it is neither empty nor longer than `max` characters.
pub fn check_text(text: &str, max: usize) -> Result<String, TextProblem> {
    let text = text.trim().replace("\r\n", "\n");
    let chars = text.chars().count();
    if chars == 0 {
        return Err(TextProblem::Empty);
    }
    if chars > max {
        return Err(TextProblem::TooLong { chars, max });
    }
    Ok(text)
}

/// Where a text holds what looks like personal data: e-mail addresses and phone numbers (03-1234-5678,
/// 090-1234-5678, ０６－６１２３－４５６７, 0612345678). Found on the normalised text, returned as byte ranges of
/// the text as written.
pub fn personal_data(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let normal: Vec<char> = chars
        .iter()
        .map(|&(_, c)| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | 'ー' | '‐' | '−' | '—' => '-',
            '＠' => '@',
            '．' => '.',
            c => c,
        })
        .collect();
    let byte_end = |at: usize| chars.get(at).map_or(text.len(), |&(byte, _)| byte);
    let mut found = Vec::new();
    let mut at = 0;
    while at < normal.len() {
        // A phone number: digits and dashes starting with 0, 10 or 11 digits in all.
        if normal[at] == '0' && (at == 0 || !normal[at - 1].is_ascii_digit()) {
            let mut end = at;
            let mut digits = 0;
            while end < normal.len() && (normal[end].is_ascii_digit() || (normal[end] == '-' && digits > 0)) {
                if normal[end].is_ascii_digit() {
                    digits += 1;
                }
                end += 1;
            }
            while end > at && normal[end - 1] == '-' {
                end -= 1;
            }
            if (10..=11).contains(&digits) {
                found.push(chars[at].0..byte_end(end));
                at = end;
                continue;
            }
        }
        // An e-mail address: a local part, @, and a domain with a dot.
        if normal[at] == '@' {
            let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
            let is_domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
            let mut start = at;
            while start > 0 && is_local(normal[start - 1]) {
                start -= 1;
            }
            let mut end = at + 1;
            while end < normal.len() && is_domain(normal[end]) {
                end += 1;
            }
            while end > at + 1 && normal[end - 1] == '.' {
                end -= 1;
            }
            if start < at && normal[at + 1..end].contains(&'.') {
                found.retain(|range: &Range<usize>| range.end <= chars[start].0);
                found.push(chars[start].0..byte_end(end));
                at = end;
                continue;
            }
        }
        at += 1;
    }
    found
}

/// The text with every [`personal_data`] range replaced by 「＊＊＊」.
pub fn mask_personal_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for range in personal_data(text) {
        out.push_str(&text[last..range.start]);
        out.push_str("＊＊＊");
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The scores a member can give an issue's results, best first.
pub const SCORES: [u8; 5] = [5, 4, 3, 2, 1];

pub fn score_label(score: u8, lang: Lang) -> &'static str {
    match (score, lang) {
        (5, Lang::Ja) => "高く評価する",
        (4, Lang::Ja) => "評価する",
        (3, Lang::Ja) => "どちらともいえない",
        (2, Lang::Ja) => "あまり評価しない",
        (1, Lang::Ja) => "評価しない",
        (5, Lang::En) => "very good",
        (4, Lang::En) => "good",
        (3, Lang::En) => "neither",
        (2, Lang::En) => "poor",
        (1, Lang::En) => "very poor",
        _ => "",
    }
}

/// Members' ratings of one issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingSummary {
    pub count: usize,
    /// The mean score, exact.
    pub mean: Option<Number>,
    /// How many gave each score, in [`SCORES`] order.
    pub distribution: [usize; 5],
}

impl RatingSummary {
    /// 「3.7」: the mean to one decimal, or 「—」.
    pub fn mean_text(&self) -> String {
        self.mean.map_or_else(|| "—".to_string(), |mean| mean.format_rounded(1))
    }
}

/// Summarises scores; a score outside 1–5 is not counted.
pub fn summarize(scores: &[u8]) -> RatingSummary {
    let valid: Vec<u8> = scores.iter().copied().filter(|score| (1..=5).contains(score)).collect();
    let mut distribution = [0; 5];
    for score in &valid {
        distribution[usize::from(5 - score)] += 1;
    }
    let total: i128 = valid.iter().map(|&score| i128::from(score)).sum();
    let count = valid.len();
    RatingSummary { count, mean: if count == 0 { None } else { Number::ratio(total, count as i128) }, distribution }
}

/// Whether an indicator is the council feedback indicator (「区政会議において…適切なフィードバックが行われたと
/// 感じる区政会議の委員の割合」), whose actual the members' answers give.
pub fn is_feedback_indicator(wording: &str) -> bool {
    let wording = compact(wording);
    wording.contains("フィードバック") && (wording.contains("区政会議") || wording.contains("委員"))
}

/// The share of members who answered yes, as the actual of the feedback indicator (「83.3%」), with the count
/// in its detail; `None` when nobody answered.
pub fn feedback_share(yes: usize, answered: usize) -> Option<Measure> {
    if answered == 0 || yes > answered {
        return None;
    }
    let share = Number::ratio(yes as i128 * 100, answered as i128)?;
    let mut measure = parse_measure(&format!("{}%", share.format_rounded(1))).ok()?;
    measure.detail = Some(format!("{yes}/{answered}"));
    Some(measure)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn codes_round_trip_and_labels_exist_in_both_languages() {
        for status in ResponseStatus::ALL {
            assert_eq!(ResponseStatus::from_code(status.code()), Some(*status));
            assert!(!status.label(Lang::Ja).is_empty() && !status.label(Lang::En).is_empty());
        }
        assert_eq!(OpinionSource::from_code("opinion_box"), Some(OpinionSource::OpinionBox));
        assert_eq!(OpinionSource::OpinionBox.initial_state(), OpinionState::Pending);
        assert_eq!(OpinionSource::Meeting.initial_state(), OpinionState::Published);
        assert_eq!(MeetingKind::from_code("x"), None);
    }

    #[test]
    fn a_term_runs_two_years_from_october() {
        let term = Term::new(2024).unwrap();
        assert!(term.contains((2024, 10, 1)));
        assert!(term.contains((2026, 9, 30)));
        assert!(!term.contains((2024, 9, 30)));
        assert!(!term.contains((2026, 10, 1)));
        assert_eq!(term.label(Lang::Ja), "令和6年10月〜令和8年9月");
        assert_eq!(Term::new(2017).unwrap().label(Lang::Ja), "平成29年10月〜令和元年9月");
        assert_eq!(term.label(Lang::En), "October 2024 – September 2026");
        assert_eq!(Term::new(12), None);
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(check_text("  ご意見です。\r\n二行目 ", 100), Ok("ご意見です。\n二行目".to_string()));
        assert_eq!(check_text(" \n ", 100), Err(TextProblem::Empty));
        assert_eq!(check_text(&"あ".repeat(11), 10), Err(TextProblem::TooLong { chars: 11, max: 10 }));
        assert!(TextProblem::TooLong { chars: 11, max: 10 }.message(Lang::Ja).contains("10文字以内"));
    }

    #[test]
    fn phone_numbers_and_mail_addresses_are_masked() {
        let text = "連絡先は06-6694-9999、携帯０９０－１２３４－５６７８、taro.yamada@example.jp まで。2024年度の予算は1000万円";
        assert_eq!(mask_personal_data(text), "連絡先は＊＊＊、携帯＊＊＊、＊＊＊ まで。2024年度の予算は1000万円");
        // Years, amounts and short numbers are not phone numbers.
        assert!(personal_data("令和6年度に0.5%増、参加者012人").is_empty());
        assert_eq!(mask_personal_data("電話0612345678"), "電話＊＊＊");
        assert!(personal_data("@だけ、a@b（ドメインなし）").is_empty());
    }

    #[test]
    fn ratings_summarize_exactly() {
        let summary = summarize(&[5, 4, 4, 2, 9]);
        assert_eq!(summary.count, 4);
        assert_eq!(summary.mean_text(), "3.8");
        assert_eq!(summary.distribution, [1, 2, 0, 1, 0]);
        assert_eq!(summarize(&[]).mean_text(), "—");
    }

    #[test]
    fn the_feedback_share_is_the_indicator_actual() {
        let share = feedback_share(10, 12).unwrap();
        assert_eq!(share.original, "83.3%");
        assert_eq!(share.detail.as_deref(), Some("10/12"));
        assert_eq!(feedback_share(0, 0), None);
        assert_eq!(feedback_share(3, 2), None);
        assert!(is_feedback_indicator(
            "区政会議において、各委員からの意見や要望、評価について、適切なフィードバックが行われたと感じる区政会議の委員の割合"
        ));
        assert!(!is_feedback_indicator("区役所窓口が適切な対応をしていると感じる区民アンケート回答者の割合"));
    }
}
