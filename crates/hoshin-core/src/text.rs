//! Text helpers shared by the parsers: normalisation for matching (NFKC plus the few look-alikes NFKC keeps
//! apart), circled numbers, and whitespace handling for labels that PDF text wraps across lines.
//!
//! Normalised text is for matching only; every parsed value keeps the original text for display.

use unicode_normalization::UnicodeNormalization;

/// The language a user-facing string is rendered in. Japanese is the default; English is the second language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    /// Reads a language code such as `ja` or `en` (case-insensitive; `ja-JP` style tags accepted).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "ja" | "jp" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

/// NFKC-normalises `text` and folds the look-alikes NFKC leaves alone (wave dash, minus sign) so that
/// full-width digits, 「％」, 「（）」, ideographic spaces and Kangxi radicals (⽅ → 方) all match their plain forms.
///
/// Callers that must tell 「－」 (no value) from 「—」 (not achieved) decide that on the original text first.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // NFKC turns 「①」 into 「1」, which would merge an indicator's number into its value (「①43.9%」):
    // circled numbers are kept as they are and everything between them is normalised.
    while let Some((index, circled)) = rest.char_indices().find(|(_, c)| circled_number(*c).is_some()) {
        push_normalized(&mut out, &rest[..index]);
        out.push(circled);
        rest = &rest[index + circled.len_utf8()..];
    }
    push_normalized(&mut out, rest);
    out
}

fn push_normalized(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.push_str(text);
        return;
    }
    // Most of a document is kana, common ideographs, ASCII and full-width ASCII: map those directly and run
    // the full NFKC algorithm only on text that has anything else (Kangxi radicals, half-width kana,
    // combining marks, compatibility ideographs…).
    if text.chars().all(is_fast_char) {
        out.extend(text.chars().map(fast_map));
        return;
    }
    // 「す゛」: a spacing sound mark typed after a kana means the voiced kana. NFKC would make it a space and a
    // combining mark, and the space, once removed by `compact`, would leave a text that normalises again
    // differently; as the combining mark it composes at once (「ず」).
    let marks = |c: char| match c {
        '\u{309B}' => '\u{3099}',
        '\u{309C}' => '\u{309A}',
        other => other,
    };
    for c in text.chars().map(marks).nfkc() {
        out.push(fold_lookalike(c));
    }
}

fn fold_lookalike(c: char) -> char {
    match c {
        '〜' | '～' => '~',
        '\u{2212}' => '-',
        other => other,
    }
}

/// Characters whose NFKC form is known without the tables and that never combine with a neighbour.
fn is_fast_char(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E
        | 0x3000..=0x3003 // ideographic space and punctuation
        | 0x3005..=0x3007
        | 0x300C..=0x3011 // 「」『』【】
        | 0x301C          // wave dash
        | 0x3041..=0x3096 // hiragana
        | 0x30A1..=0x30FE // katakana, ・, ー
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xFF01..=0xFF5E // full-width ASCII
        | 0x2014 | 0x2015 | 0x2212 | 0x25CB | 0x25CF | 0x2606 | 0x2605 | 0x203B // — ― − ○ ● ☆ ★ ※
    )
}

/// The NFKC form of a character accepted by [`is_fast_char`], with look-alikes folded.
fn fast_map(c: char) -> char {
    match c as u32 {
        0x3000 => ' ',
        0xFF01..=0xFF5E => fold_lookalike(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
        _ => fold_lookalike(c),
    }
}

/// The NFKC form of a character that no neighbour can change, with look-alikes folded; `None` when only the
/// full algorithm knows it. The common cases first: ASCII, kana, ideographs and circled numbers (which
/// [`normalize`] keeps) map to themselves.
#[inline]
fn quick_form(c: char) -> Option<char> {
    let cp = c as u32;
    if cp < 0x80
        || (0x3041..=0x3096).contains(&cp)
        || (0x309D..=0x309E).contains(&cp)
        || (0x30A0..=0x30FE).contains(&cp)
        || (0x4E00..=0x9FFF).contains(&cp)
        || circled_number(c).is_some()
    {
        Some(c)
    } else if is_fast_char(c) {
        Some(fast_map(c))
    } else {
        None
    }
}

/// [`normalize`] straight into characters with whitespace removed: the input of the scanners.
pub fn normalized_chars(text: &str) -> Vec<char> {
    normalized_chars_and_same_prefix(text).0
}

/// [`normalized_chars`], and how many of the first characters `text` already had: those characters are
/// `text`'s first bytes, which [`prefix_string`] copies instead of encoding them again.
pub fn normalized_chars_and_same_prefix(text: &str) -> (Vec<char>, usize) {
    let mut out = Vec::with_capacity(text.len());
    let mut same = usize::MAX;
    for c in text.chars() {
        // [`quick_form`] and the whitespace test in one match, the most common ranges first: this runs on
        // every character of every target sentence and actual.
        let mapped = match c as u32 {
            0x09..=0x0D | 0x20 | 0x3000 => {
                same = same.min(out.len());
                continue;
            }
            0x00..=0x7F | 0x4E00..=0x9FFF | 0x3041..=0x3096 | 0x309D..=0x309E | 0x30A0..=0x30FE => c,
            cp @ 0xFF01..=0xFF5E => fold_lookalike(char::from_u32(cp - 0xFEE0).unwrap_or(c)),
            0x3001..=0x3003
            | 0x3005..=0x3007
            | 0x300C..=0x3011
            | 0x2014
            | 0x2015
            | 0x203B
            | 0x2460..=0x2473
            | 0x25CB
            | 0x25CF
            | 0x2605
            | 0x2606
            | 0x3251..=0x325F
            | 0x32B1..=0x32BF => c,
            0x301C => '~',
            0x2212 => '-',
            _ => match quick_form(c) {
                Some(mapped) if !mapped.is_whitespace() => mapped,
                Some(_) => {
                    same = same.min(out.len());
                    continue;
                }
                None => {
                    // Something only the full algorithm knows: start again on the slow path.
                    same = 0;
                    out.clear();
                    out.extend(compact(text).chars());
                    break;
                }
            },
        };
        if mapped != c {
            same = same.min(out.len());
        }
        out.push(mapped);
    }
    let same = same.min(out.len());
    (out, same)
}

/// `chars[..len]` as a string, where `chars` and `same` come from [`normalized_chars_and_same_prefix`] over
/// `text`: within the unchanged prefix, a copy of `text`'s bytes.
pub fn prefix_string(text: &str, chars: &[char], same: usize, len: usize) -> String {
    if len <= same {
        // `len_utf8` without branches, which the compiler turns into vector arithmetic.
        let bytes = chars[..len]
            .iter()
            .map(|&c| 1 + usize::from(c >= '\u{80}') + usize::from(c >= '\u{800}') + usize::from(c >= '\u{10000}'))
            .sum();
        if let Some(prefix) = text.get(..bytes) {
            return prefix.to_string();
        }
    }
    chars_to_string(&chars[..len.min(chars.len())])
}

/// Collects characters into a string, allocating once.
pub fn chars_to_string(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.iter().map(|c| c.len_utf8()).sum());
    out.extend(chars);
    out
}

/// Normalises and removes all whitespace: the form used to match labels that PDF text wraps across lines
/// (「主な戦略\n(課題解決の方\n\n策)」 → 「主な戦略(課題解決の方策)」).
pub fn compact(text: &str) -> String {
    // The common case in one pass: ASCII, kana, common ideographs, full-width ASCII and circled numbers map
    // character by character and never combine with a neighbour.
    // Characters that map to themselves are copied a run at a time; only the others are pushed one by one.
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for (index, c) in text.char_indices() {
        let mapped = match c as u32 {
            0x21..=0x7E | 0x4E00..=0x9FFF | 0x3041..=0x3096 | 0x309D..=0x309E | 0x30A0..=0x30FE => continue,
            _ => match quick_form(c) {
                Some(mapped) if mapped == c && !c.is_whitespace() => continue,
                Some(mapped) => mapped,
                None => return compact_slow(text),
            },
        };
        out.push_str(&text[run..index]);
        if !mapped.is_whitespace() {
            out.push(mapped);
        }
        run = index + c.len_utf8();
    }
    out.push_str(&text[run..]);
    out
}

fn compact_slow(text: &str) -> String {
    let mut compacted = normalize(text);
    compacted.retain(|c| !c.is_whitespace());
    // A combining mark that followed a space now follows a letter it may compose with: compose again, so
    // that compacting compacted text changes nothing. Kana and ideographs are never combining marks.
    let combining = |c: char| {
        c >= '\u{300}'
            && !matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FE}' | '\u{4E00}'..='\u{9FFF}')
            && unicode_normalization::char::is_combining_mark(c)
    };
    if compacted.chars().any(combining) {
        compacted.nfc().collect()
    } else {
        compacted
    }
}

/// Removes whitespace between two CJK characters, which PDF extraction inserts, and trims the ends.
pub fn join_cjk_runs(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = chars[..start].last().copied();
            let after = chars.get(i).copied();
            let drop = matches!((before, after), (Some(b), Some(a)) if is_cjk(b) && is_cjk(a));
            if !drop {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The byte length of the shortest prefix of `original` whose normalised form has at least `normalized_len`
/// characters: maps a position found in [`normalize`]d text back to the text as written.
pub fn original_prefix_len(original: &str, normalized_len: usize) -> usize {
    let mut count = 0;
    let mut buffer = [0u8; 4];
    for (index, c) in original.char_indices() {
        if count >= normalized_len {
            return index;
        }
        // A character with a quick form is one character normalised; only the others go through NFKC.
        count += match quick_form(c) {
            Some(_) => 1,
            None => normalize(c.encode_utf8(&mut buffer)).chars().count(),
        };
    }
    original.len()
}

/// True for kana, CJK ideographs and full-width punctuation: characters between which Japanese puts no space.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F   // CJK symbols and punctuation
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF00..=0xFFEF // full-width forms
        | 0x2E80..=0x2FDF // radicals, Kangxi radicals
    )
}

/// Whether `chars[pos..]` starts with `prefix`: the scanners' one way to look ahead. Words are written with
/// [`chars!`], so that no comparison decodes UTF-8.
pub fn starts_with_at(chars: &[char], pos: usize, prefix: &[char]) -> bool {
    chars.get(pos..).is_some_and(|rest| rest.starts_with(prefix))
}

/// A string literal as a `&'static [char]`, decoded at compile time: the words the scanners look for.
macro_rules! chars {
    ($text:literal) => {{
        const CHARS: [char; $crate::text::char_count($text)] = $crate::text::to_chars($text);
        const SLICE: &[char] = &CHARS;
        SLICE
    }};
}
pub(crate) use chars;

/// The number of characters in `text`, at compile time (for [`chars!`]).
pub const fn char_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut index, mut count) = (0, 0);
    while index < bytes.len() {
        // Every byte that is not a continuation byte starts a character.
        if bytes[index] & 0xC0 != 0x80 {
            count += 1;
        }
        index += 1;
    }
    count
}

const fn continuation(bytes: &[u8], index: usize) -> u32 {
    (bytes[index] as u32) & 0x3F
}

/// The characters of `text`, at compile time (for [`chars!`]); `N` is its [`char_count`].
pub const fn to_chars<const N: usize>(text: &str) -> [char; N] {
    let bytes = text.as_bytes();
    let mut out = ['\0'; N];
    let (mut index, mut count) = (0, 0);
    while index < bytes.len() {
        let lead = bytes[index] as u32;
        let (code, len) = if lead < 0x80 {
            (lead, 1)
        } else if lead < 0xE0 {
            (((lead & 0x1F) << 6) | continuation(bytes, index + 1), 2)
        } else if lead < 0xF0 {
            (((lead & 0x0F) << 12) | (continuation(bytes, index + 1) << 6) | continuation(bytes, index + 2), 3)
        } else {
            (
                ((lead & 0x07) << 18)
                    | (continuation(bytes, index + 1) << 12)
                    | (continuation(bytes, index + 2) << 6)
                    | continuation(bytes, index + 3),
                4,
            )
        };
        out[count] = match char::from_u32(code) {
            Some(c) => c,
            None => panic!("a &str holds only characters"),
        };
        count += 1;
        index += len;
    }
    out
}

/// A dash or bar as documents print it: 「－」 (no value, in a previous-year column), 「—」 (not achieved, in a
/// ○/— grid), 「— 円」 (no budget). What a dash means is decided by the caller from the column it is in.
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '—' | '―' | '‐' | '－' | '–' | 'ー')
}

/// The value of a circled number (①–⑳, ㉑–㉟, ㊱–㊿), or `None`.
pub fn circled_number(c: char) -> Option<u32> {
    match c as u32 {
        cp @ 0x2460..=0x2473 => Some(cp - 0x2460 + 1),
        cp @ 0x3251..=0x325F => Some(cp - 0x3251 + 21),
        cp @ 0x32B1..=0x32BF => Some(cp - 0x32B1 + 36),
        _ => None,
    }
}

/// The circled-number character for `n` (1–50), or `None`.
pub fn circled_char(n: u32) -> Option<char> {
    let cp = match n {
        1..=20 => 0x2460 + n - 1,
        21..=35 => 0x3251 + n - 21,
        36..=50 => 0x32B1 + n - 36,
        _ => return None,
    };
    char::from_u32(cp)
}

/// Converts a kanji digit (〇一二三四五六七八九) to its value.
pub fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// An indicator's number as documents print it: 「③」, or 「(51)」 past the circled numbers.
pub fn circled(number: u32) -> String {
    circled_char(number).map_or_else(|| format!("({number})"), String::from)
}

/// Whether a spreadsheet would take a cell holding `text` for a formula (it starts with = + - @, a tab or a
/// carriage return): such cells are neutralised whenever Hoshin writes a sheet or a CSV file.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_is_idempotent_with_sound_marks() {
        // Found by fuzzing: 「す゛」 normalised to 「す ゙」, and without the space composed only the next time.
        assert_eq!(normalize("担当す゛る"), "担当ずる");
        assert_eq!(compact("担当す ゛る"), "担当ずる");
        assert_eq!(compact("か \u{3099}"), "が");
        assert_eq!(compact(&compact("す゛ ゜ハ ゚")), compact("す゛ ゜ハ ゚"));
        assert_eq!(chars_to_string(&normalized_chars("担当す ゛る")), "担当ずる");
    }

    #[test]
    fn normalize_folds_full_width_and_lookalikes() {
        assert_eq!(normalize("令和６年度　５５％（案）"), "令和6年度 55%(案)");
        assert_eq!(normalize("⽅策"), "方策");
        assert_eq!(normalize("R3〜R5"), "R3~R5");
        assert_eq!(normalize("R3～R5"), "R3~R5");
        assert_eq!(normalize("①４３.９％ ②"), "①43.9% ②");
    }

    #[test]
    fn fast_path_agrees_with_nfkc() {
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            if is_fast_char(c) {
                let reference: String = c.to_string().nfkc().map(fold_lookalike).collect();
                assert_eq!(fast_map(c).to_string(), reference, "U+{cp:04X}");
            }
        }
        // A kana followed by a combining voiced mark takes the full path and composes.
        assert_eq!(normalize("か\u{3099}"), "が");
        assert_eq!(normalized_chars("①４３.９％　以上").iter().collect::<String>(), "①43.9%以上");
        assert_eq!(normalized_chars("⽅策 55％").iter().collect::<String>(), "方策55%");
    }

    #[test]
    fn normalized_chars_agrees_with_full_normalization() {
        // The full algorithm is the reference for both fast paths, `normalized_chars` and `compact`'s.
        let reference = |text: &str| -> String { compact_slow(text) };
        for cp in 0..=0xFFFFu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            let text = format!("a{c}か");
            assert_eq!(normalized_chars(&text).iter().collect::<String>(), reference(&text), "U+{cp:04X}");
            assert_eq!(compact(&text), reference(&text), "U+{cp:04X}");
            if quick_form(c).is_some() {
                // `original_prefix_len` counts such a character as one, without normalising it.
                assert_eq!(normalize(&c.to_string()).chars().count(), 1, "U+{cp:04X}");
            }
        }
        for text in ["か\u{3099}", "は\u{309A}", "か\u{309B}", "テ\u{3099}スト"] {
            assert_eq!(normalized_chars(text).iter().collect::<String>(), reference(text), "{text:?}");
        }
    }

    #[test]
    fn prefix_strings_are_the_normalized_prefixes() {
        for text in [
            "区民意識調査で「Ａ」と回答する割合を令和１０年度末までに５５％以上",
            "①防災訓練の参加者数を 前年度比 10%増",
            "ｶﾀｶﾅの指標",
            "すべて as written 43.9%",
            "",
        ] {
            let (chars, same) = normalized_chars_and_same_prefix(text);
            assert_eq!(chars, normalized_chars(text), "{text}");
            for len in 0..=chars.len() {
                assert_eq!(prefix_string(text, &chars, same, len), chars_to_string(&chars[..len]), "{text} {len}");
            }
        }
        assert_eq!(normalized_chars_and_same_prefix("区民の５５％").1, 3, "up to the first full-width digit");
        assert_eq!(normalized_chars_and_same_prefix("区民 の").1, 2, "up to the first space");
    }

    #[test]
    fn compact_removes_wrapped_whitespace() {
        assert_eq!(compact("主な戦略\n(課題解決の方\n\n策)"), "主な戦略(課題解決の方策)");
    }

    #[test]
    fn maps_normalized_positions_back() {
        let original = "①区民意識調査で「Ａ」と回答する割合を令和１０年度末までに５５％以上";
        let normalized = normalize(original);
        let subject_len = normalized.find('を').map(|byte| normalized[..byte].chars().count()).unwrap();
        let split = original_prefix_len(original, subject_len);
        assert_eq!(&original[..split], "①区民意識調査で「Ａ」と回答する割合");
        assert_eq!(original_prefix_len("abc", 0), 0);
        assert_eq!(original_prefix_len("abc", 9), 3);
    }

    #[test]
    fn join_cjk_runs_keeps_latin_spaces() {
        assert_eq!(join_cjk_runs(" 区政 会議 と Osaka Metro あびこ駅 "), "区政会議と Osaka Metro あびこ駅");
    }

    #[test]
    fn circled_numbers_round_trip() {
        for n in 1..=50 {
            let c = circled_char(n).unwrap();
            assert_eq!(circled_number(c), Some(n), "{c}");
        }
        assert_eq!(circled_number('①'), Some(1));
        assert_eq!(circled_number('⑤'), Some(5));
        assert_eq!(circled_number('5'), None);
        assert_eq!(circled_char(0), None);
        assert_eq!(circled_char(51), None);
    }

    #[test]
    fn lang_codes() {
        assert_eq!(Lang::from_code("ja-JP"), Some(Lang::Ja));
        assert_eq!(Lang::from_code("EN"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
    }
}
