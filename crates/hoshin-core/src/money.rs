//! Money as documents write it: 「77百万円」, 「6千2百万円」, 「1,976千円」, 「4,588,000 円」, 「1億461万円」, and
//! 「— 円」 for no budget. Stored as integer yen beside the original text.

use std::fmt;

use thiserror::Error;

use crate::number::{group_thousands, Number};
use crate::text::{is_dash, kanji_digit, normalize};

/// An amount of money read from a document. `yen` is `None` when the document shows that there is no
/// amount (「— 円」, 「－」).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    pub yen: Option<i64>,
    pub original: String,
}

impl Money {
    pub fn from_yen(yen: i64) -> Money {
        Money { yen: Some(yen), original: format_yen(yen) }
    }

    pub fn none(original: &str) -> Money {
        Money { yen: None, original: original.to_string() }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// Why an amount of money could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("no amount given")]
    Empty,
    #[error("「{0}」 is not an amount of money: write it as 85百万円, 1,976千円, 4,588,000円 or 1億461万円")]
    Unrecognized(String),
    #[error("「{0}」 is not a whole number of yen")]
    Fractional(String),
    #[error("「{0}」 is too large an amount")]
    TooLarge(String),
}

/// The largest amount read: 999兆9,999億…円, a thousand times any national budget. Every amount up to it reads
/// back from each of the forms Hoshin writes ([`format_yen`], [`format_yen_compact`], [`format_yen_man_oku`]).
pub const MAX_YEN: i64 = 999_999_999_999_999;

/// Reads an amount of money. The unit 「円」 is required unless the text is a bare 「－」/「—」 (no amount).
pub fn parse_money(text: &str) -> Result<Money, MoneyError> {
    let original = text.trim();
    if original.is_empty() {
        return Err(MoneyError::Empty);
    }
    let body: Vec<char> = normalize(original).chars().filter(|c| !c.is_whitespace()).collect();
    let unrecognized = || MoneyError::Unrecognized(original.to_string());
    let Some((&'円', amount)) = body.split_last() else {
        if !body.is_empty() && body.iter().all(|c| is_dash(*c)) {
            return Ok(Money::none(original));
        }
        return Err(unrecognized());
    };
    if amount.is_empty() {
        return Err(unrecognized());
    }
    if amount.iter().all(|c| is_dash(*c)) {
        return Ok(Money::none(original));
    }
    let too_large = || MoneyError::TooLarge(original.to_string());
    let Some(value) = parse_japanese_number(amount) else {
        // A plain number too long to hold is too large, not unreadable.
        let digits = amount.iter().filter(|c| c.is_ascii_digit()).count();
        let plain = amount.iter().all(|c| c.is_ascii_digit() || *c == ',');
        return Err(if plain && digits > 15 { too_large() } else { unrecognized() });
    };
    let yen = value.to_integer().ok_or_else(|| MoneyError::Fractional(original.to_string()))?;
    let yen = i64::try_from(yen).map_err(|_| too_large())?;
    if yen > MAX_YEN {
        return Err(too_large());
    }
    Ok(Money { yen: Some(yen), original: original.to_string() })
}

/// Reads a number written with Japanese multipliers: groups before 億 (10^8) and 万 (10^4), each group a sum
/// of terms `n千`, `n百`, `n十` and a plain `n`, where `n` is ASCII or kanji digits with an optional decimal
/// point. A trailing 千 or 百 scales the whole group (「1,976千」 = 1,976,000; 「77百万」 = 77 × 100 × 10^4).
pub(crate) fn parse_japanese_number(chars: &[char]) -> Option<Number> {
    let mut total = Number::ZERO;
    let mut group = Number::ZERO;
    let mut group_has_terms = false;
    let mut pending: Option<Number> = None;
    let mut i = 0;
    let mut any_digit = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' || c == ',' || kanji_digit(c).is_some() {
            if pending.is_some() {
                return None;
            }
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',' || kanji_digit(chars[i]).is_some())
            {
                i += 1;
            }
            let digits: String = chars[start..i]
                .iter()
                .map(|&d| kanji_digit(d).and_then(|v| char::from_digit(v, 10)).unwrap_or(d))
                .collect();
            pending = Some(Number::parse_decimal(&digits)?);
            any_digit = true;
            continue;
        }
        let small = match c {
            '千' => Some(1000),
            '百' => Some(100),
            '十' => Some(10),
            _ => None,
        };
        if let Some(multiplier) = small {
            // 「千」 after a term that is already complete scales the whole group: 「百万」 in 「77百万」 is not
            // reached here because 万 closes the group; 「6千2百」 adds two terms.
            let term = pending.take().unwrap_or(Number::ONE);
            group = group.checked_add(term.checked_mul(Number::from_integer(multiplier))?)?;
            group_has_terms = true;
            i += 1;
            continue;
        }
        let big = match c {
            '億' => 100_000_000,
            '万' => 10_000,
            _ => return None,
        };
        if let Some(term) = pending.take() {
            group = group.checked_add(term)?;
            group_has_terms = true;
        }
        if !group_has_terms {
            group = Number::ONE;
        }
        total = total.checked_add(group.checked_mul(Number::from_integer(big))?)?;
        group = Number::ZERO;
        group_has_terms = false;
        i += 1;
    }
    if let Some(term) = pending {
        group = group.checked_add(term)?;
    }
    if !any_digit {
        return None;
    }
    total.checked_add(group)
}

/// 「85,000,000円」
pub fn format_yen(yen: i64) -> String {
    format!("{}円", group_thousands(&yen.to_string()))
}

/// The form the common format uses for budgets: 「85百万円」 when the amount is a whole number of millions,
/// otherwise 「1,976千円」 for whole thousands, otherwise plain yen.
pub fn format_yen_compact(yen: i64) -> String {
    if yen != 0 && yen % 1_000_000 == 0 {
        format!("{}百万円", group_thousands(&(yen / 1_000_000).to_string()))
    } else if yen != 0 && yen % 1000 == 0 {
        format!("{}千円", group_thousands(&(yen / 1000).to_string()))
    } else {
        format_yen(yen)
    }
}

/// 「1億461万円」: the 万/億 form, for amounts that are whole 万.
pub fn format_yen_man_oku(yen: i64) -> String {
    if yen % 10_000 != 0 || yen <= 0 {
        return format_yen(yen);
    }
    let man = yen / 10_000;
    let (oku, rest) = (man / 10_000, man % 10_000);
    match (oku, rest) {
        (0, rest) => format!("{rest}万円"),
        (oku, 0) => format!("{oku}億円"),
        (oku, rest) => format!("{oku}億{rest}万円"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_written_form() {
        let cases: &[(&str, Option<i64>)] = &[
            ("77百万円", Some(77_000_000)),
            ("６２百万円", Some(62_000_000)),
            ("6千2百万円", Some(62_000_000)),
            ("1,976千円", Some(1_976_000)),
            ("4,588,000 円", Some(4_588_000)),
            ("18,009,020 円", Some(18_009_020)),
            ("1億461万円", Some(104_610_000)),
            ("3億円", Some(300_000_000)),
            ("1.5億円", Some(150_000_000)),
            ("2,315,000円", Some(2_315_000)),
            ("0円", Some(0)),
            ("六千二百万円", Some(62_000_000)),
            ("— 円", None),
            ("－円", None),
            ("－", None),
        ];
        for &(text, yen) in cases {
            let money = parse_money(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(money.yen, yen, "{text}");
            assert_eq!(money.original, text.trim());
        }
    }

    #[test]
    fn rejects_with_reasons() {
        assert_eq!(parse_money("  "), Err(MoneyError::Empty));
        for bad in ["77百万", "円", "abc円", "1,2,3.4.5円", "百万千円x", "3人"] {
            assert!(matches!(parse_money(bad), Err(MoneyError::Unrecognized(_))), "{bad}");
        }
        assert!(matches!(parse_money("0.5円"), Err(MoneyError::Fractional(_))));
        assert!(matches!(parse_money("99999999999億円"), Err(MoneyError::TooLarge(_))));
        // Found by fuzzing: an amount past the largest read is too large in every form, not only in some.
        assert!(matches!(parse_money("14441114886億444円"), Err(MoneyError::TooLarge(_))));
        assert!(matches!(parse_money("1,444,111,488,600,000,444円"), Err(MoneyError::TooLarge(_))));
        assert_eq!(parse_money("999,999,999,999,999円").unwrap().yen, Some(MAX_YEN));
    }

    #[test]
    fn formats() {
        assert_eq!(format_yen(4_588_000), "4,588,000円");
        assert_eq!(format_yen_compact(85_000_000), "85百万円");
        assert_eq!(format_yen_compact(1_976_000), "1,976千円");
        assert_eq!(format_yen_compact(1_234), "1,234円");
        assert_eq!(format_yen_man_oku(104_610_000), "1億461万円");
        assert_eq!(format_yen_man_oku(300_000_000), "3億円");
    }
}
