//! The year-end table of an issue («①actual | A/B | previous») put back together from PDF text that
//! scrambled its columns (DOMAIN.md §7): 「A 27.8%」 lines away from 「①43.9%」, or 「B 23.7%⑤21.8%」.
//!
//! Each line of such cells is read into tokens. A circled number starts a row (its actual, and a mark and a
//! previous value when they came on the same line); cells before any number are loose pieces (a mark with a
//! previous value, or a lone previous value). Loose pieces are then given to the rows that lack them: when
//! their shapes and units allow only one way, it is certain; when several ways fit, they are paired in the
//! order they appear and the pairing is reported for a person to check.

use hoshin_core::text::{circled_number, is_dash};
use hoshin_core::{parse_measure, Mark, Measure};

use crate::Confidence;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token {
    Number(u32),
    Mark(Mark, String),
    Value(Measure),
}

/// A line of year-end cells.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fragment {
    pub line: usize,
    pub tokens: Vec<Token>,
}

/// Reads a line as year-end cells, or `None` when it is anything else (text, a page number).
pub(crate) fn tokenize(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let boundary = |j: usize| {
        chars.get(j).is_none_or(|&(_, c)| c.is_whitespace() || circled_number(c).is_some() || c.is_ascii_digit())
    };
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if let Some(number) = circled_number(c) {
            tokens.push(Token::Number(number));
            i += 1;
        } else if matches!(c, 'A' | 'B' | 'Ａ' | 'Ｂ') && boundary(i + 1) {
            tokens.push(Token::Mark(Mark::parse(&c.to_string())?, c.to_string()));
            i += 1;
        } else if is_dash(c) && boundary(i + 1) {
            tokens.push(Token::Value(parse_measure(&c.to_string()).ok()?));
            i += 1;
        } else if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            let mut j = i;
            while j < chars.len()
                && (chars[j].1.is_ascii_digit()
                    || ('０'..='９').contains(&chars[j].1)
                    || matches!(chars[j].1, '.' | ',' | '．' | '，'))
            {
                j += 1;
            }
            let unit_start = j;
            while j < chars.len() {
                let u = chars[j].1;
                if u.is_whitespace() || circled_number(u).is_some() || u.is_ascii_alphanumeric() {
                    break;
                }
                j += 1;
            }
            if j == unit_start || j - unit_start > 4 {
                return None;
            }
            let end = chars.get(j).map_or(text.len(), |&(index, _)| index);
            tokens.push(Token::Value(parse_measure(&text[start..end]).ok()?));
            i = j;
        } else {
            return None;
        }
    }
    (!tokens.is_empty()).then_some(tokens)
}

/// One indicator's year-end row as assembled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    pub number: u32,
    pub actual: Measure,
    pub mark: Option<(Mark, String)>,
    pub previous: Option<Measure>,
    pub lines: Vec<usize>,
    pub confidence: Confidence,
}

#[derive(Clone, Debug)]
enum Piece {
    MarkAndPrevious { mark: (Mark, String), previous: Measure, line: usize },
    Previous { previous: Measure, line: usize },
    Mark { mark: (Mark, String), line: usize },
}

/// The outcome of assembling an issue's year-end cells.
#[derive(Debug, Default)]
pub(crate) struct Assembly {
    pub rows: Vec<Row>,
    /// (line, message) for cells that could not be placed and rows left incomplete.
    pub problems: Vec<(usize, String)>,
    /// (lines, message) for pairings made by order among several that fit.
    pub by_order: Vec<(usize, String)>,
}

pub(crate) fn assemble(fragments: &[Fragment]) -> Assembly {
    let mut assembly = Assembly::default();
    let mut rows: Vec<Row> = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    for fragment in fragments {
        let line = fragment.line;
        let mut current: Option<usize> = None;
        let mut loose_mark: Option<(Mark, String)> = None;
        for token in &fragment.tokens {
            match (token, current) {
                (Token::Number(number), _) => {
                    if let Some(mark) = loose_mark.take() {
                        pieces.push(Piece::Mark { mark, line });
                    }
                    rows.push(Row {
                        number: *number,
                        actual: Measure {
                            reading: hoshin_core::Reading::NoValue,
                            detail: None,
                            original: String::new(),
                        },
                        mark: None,
                        previous: None,
                        lines: vec![line],
                        confidence: Confidence::Certain,
                    });
                    current = Some(rows.len() - 1);
                }
                (Token::Value(value), Some(index)) => {
                    let row = &mut rows[index];
                    if row.actual.original.is_empty() {
                        row.actual = value.clone();
                    } else if row.mark.is_some() && row.previous.is_none() {
                        row.previous = Some(value.clone());
                        current = None;
                    } else {
                        assembly.problems.push((
                            line,
                            format!("「{}」 does not fit the row of {}", value.original, circled(row.number)),
                        ));
                    }
                }
                (Token::Mark(mark, original), Some(index)) => {
                    let row = &mut rows[index];
                    if row.mark.is_none() && !row.actual.original.is_empty() {
                        row.mark = Some((*mark, original.clone()));
                    } else {
                        assembly.problems.push((
                            line,
                            format!("a second mark 「{original}」 in the row of {}", circled(row.number)),
                        ));
                    }
                }
                (Token::Mark(mark, original), None) => {
                    if let Some(previous_mark) = loose_mark.replace((*mark, original.clone())) {
                        pieces.push(Piece::Mark { mark: previous_mark, line });
                    }
                }
                (Token::Value(value), None) => match loose_mark.take() {
                    Some(mark) => pieces.push(Piece::MarkAndPrevious { mark, previous: value.clone(), line }),
                    None => pieces.push(Piece::Previous { previous: value.clone(), line }),
                },
            }
        }
        if let Some(mark) = loose_mark.take() {
            pieces.push(Piece::Mark { mark, line });
        }
    }
    rows.retain(|row| {
        if row.actual.original.is_empty() {
            assembly.problems.push((row.lines[0], format!("{} has no value after it", circled(row.number))));
            false
        } else {
            true
        }
    });

    // 「B 23.7%⑤21.8%」: cells printed on the row's own line, before its number, are that row's.
    let mut used = vec![false; pieces.len()];
    for row in &mut rows {
        if row.mark.is_some() || row.previous.is_some() {
            continue;
        }
        let same_line = (0..pieces.len()).find(|&i| {
            !used[i] && piece_line(&pieces[i]) == row.lines[0] && matches!(pieces[i], Piece::MarkAndPrevious { .. })
        });
        if let Some(index) = same_line {
            if let Piece::MarkAndPrevious { mark, previous, .. } = &pieces[index] {
                if compatible(&row.actual, previous) {
                    row.mark = Some(mark.clone());
                    row.previous = Some(previous.clone());
                    used[index] = true;
                }
            }
        }
    }

    // Rows missing both mark and previous take a mark-and-previous piece; rows missing only the previous take a
    // lone value; rows missing only the mark take a lone mark.
    let lacking_both: Vec<usize> =
        (0..rows.len()).filter(|&i| rows[i].mark.is_none() && rows[i].previous.is_none()).collect();
    let lacking_previous: Vec<usize> =
        (0..rows.len()).filter(|&i| rows[i].mark.is_some() && rows[i].previous.is_none()).collect();
    let both_pieces: Vec<usize> =
        (0..pieces.len()).filter(|&i| matches!(pieces[i], Piece::MarkAndPrevious { .. })).collect();
    let previous_pieces: Vec<usize> =
        (0..pieces.len()).filter(|&i| matches!(pieces[i], Piece::Previous { .. })).collect();
    let mark_pieces: Vec<usize> = (0..pieces.len()).filter(|&i| matches!(pieces[i], Piece::Mark { .. })).collect();
    give(&mut rows, &pieces, &lacking_both, &both_pieces, &mut used, &mut assembly);
    give(&mut rows, &pieces, &lacking_previous, &previous_pieces, &mut used, &mut assembly);
    let lacking_mark: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].mark.is_none()).collect();
    give(&mut rows, &pieces, &lacking_mark, &mark_pieces, &mut used, &mut assembly);

    for (index, piece) in pieces.iter().enumerate() {
        if !used[index] {
            let (line, text) = match piece {
                Piece::MarkAndPrevious { mark, previous, line } => (*line, format!("{} {}", mark.1, previous.original)),
                Piece::Previous { previous, line } => (*line, previous.original.clone()),
                Piece::Mark { mark, line } => (*line, mark.1.clone()),
            };
            assembly
                .problems
                .push((line, format!("year-end cell 「{text}」 belongs to no indicator row: check the source")));
        }
    }
    for row in &rows {
        if row.mark.is_none() {
            assembly.problems.push((
                row.lines[0],
                format!("{} {}: no mark (A/B) found for this row", circled(row.number), row.actual.original),
            ));
        }
    }
    rows.sort_by_key(|row| row.number);
    assembly.rows = rows;
    assembly
}

/// Gives `pieces[candidates]` to `rows[needy]`, one each, choosing the one pairing that fits, or the
/// document-order pairing among several.
fn give(
    rows: &mut [Row],
    pieces: &[Piece],
    needy: &[usize],
    candidates: &[usize],
    used: &mut [bool],
    assembly: &mut Assembly,
) {
    let candidates: Vec<usize> = candidates.iter().copied().filter(|&i| !used[i]).collect();
    if needy.is_empty() || candidates.is_empty() {
        return;
    }
    // Rows and pieces in document order.
    let mut needy = needy.to_vec();
    needy.sort_by_key(|&i| rows[i].lines[0]);
    let fits = |row: usize, piece: usize| -> bool {
        match &pieces[piece] {
            Piece::MarkAndPrevious { previous, .. } | Piece::Previous { previous, .. } => {
                compatible(&rows[row].actual, previous)
            }
            Piece::Mark { .. } => true,
        }
    };
    let count = needy.len().min(candidates.len());
    let mut fitting: Vec<Vec<usize>> = Vec::new();
    if needy.len() <= 7 && candidates.len() <= 7 {
        permutations(&candidates, count, &mut Vec::new(), &mut |choice| {
            if choice.iter().enumerate().all(|(k, &piece)| fits(needy[k], piece)) {
                fitting.push(choice.to_vec());
            }
            fitting.len() < 64
        });
    }
    let in_order: Vec<usize> = candidates[..count].to_vec();
    let (choice, confidence) = match fitting.len() {
        0 => {
            for &row in &needy {
                assembly.problems.push((
                    rows[row].lines[0],
                    format!(
                        "{} {}: no year-end cell fits this row (units differ)",
                        circled(rows[row].number),
                        rows[row].actual.original
                    ),
                ));
            }
            return;
        }
        1 => (fitting.remove(0), Confidence::Certain),
        _ if fitting.contains(&in_order) => (in_order, Confidence::ByOrder),
        _ => (fitting.remove(0), Confidence::ByOrder),
    };
    for (k, &piece_index) in choice.iter().enumerate() {
        let row = &mut rows[needy[k]];
        used[piece_index] = true;
        match &pieces[piece_index] {
            Piece::MarkAndPrevious { mark, previous, line } => {
                row.mark = Some(mark.clone());
                row.previous = Some(previous.clone());
                row.lines.push(*line);
            }
            Piece::Previous { previous, line } => {
                row.previous = Some(previous.clone());
                row.lines.push(*line);
            }
            Piece::Mark { mark, line } => {
                row.mark = Some(mark.clone());
                row.lines.push(*line);
            }
        }
        if confidence == Confidence::ByOrder {
            row.confidence = Confidence::ByOrder;
        }
    }
    if confidence == Confidence::ByOrder {
        let described: Vec<String> = choice
            .iter()
            .enumerate()
            .map(|(k, &piece)| {
                let row = &rows[needy[k]];
                format!(
                    "{}{} ← {} (line {})",
                    circled(row.number),
                    row.actual.original,
                    piece_text(&pieces[piece]),
                    piece_line(&pieces[piece])
                )
            })
            .collect();
        assembly.by_order.push((
            rows[needy[0]].lines[0],
            format!(
                "year-end cells paired by order of appearance, since {} pairings fit: {}; check against the source",
                fitting.len().max(2),
                described.join(", ")
            ),
        ));
    }
}

fn permutations(
    items: &[usize],
    count: usize,
    chosen: &mut Vec<usize>,
    visit: &mut impl FnMut(&[usize]) -> bool,
) -> bool {
    if chosen.len() == count {
        return visit(chosen);
    }
    for &item in items {
        if chosen.contains(&item) {
            continue;
        }
        chosen.push(item);
        let go_on = permutations(items, count, chosen, visit);
        chosen.pop();
        if !go_on {
            return false;
        }
    }
    true
}

fn compatible(actual: &Measure, previous: &Measure) -> bool {
    if previous.is_no_value() || actual.is_no_value() {
        return true;
    }
    match (actual.quantity(), previous.quantity()) {
        (Some(a), Some(b)) => a.unit.compatible_with(&b.unit),
        _ => actual.reading == previous.reading,
    }
}

fn piece_text(piece: &Piece) -> String {
    match piece {
        Piece::MarkAndPrevious { mark, previous, .. } => format!("{} {}", mark.1, previous.original),
        Piece::Previous { previous, .. } => previous.original.clone(),
        Piece::Mark { mark, .. } => mark.1.clone(),
    }
}

fn piece_line(piece: &Piece) -> usize {
    match piece {
        Piece::MarkAndPrevious { line, .. } | Piece::Previous { line, .. } | Piece::Mark { line, .. } => *line,
    }
}

pub(crate) use hoshin_core::text::circled;

#[cfg(test)]
mod tests {
    use super::*;

    fn fragments(lines: &[(usize, &str)]) -> Vec<Fragment> {
        lines.iter().map(|&(line, text)| Fragment { line, tokens: tokenize(text).unwrap() }).collect()
    }

    fn summary(assembly: &Assembly) -> Vec<String> {
        assembly
            .rows
            .iter()
            .map(|row| {
                format!(
                    "{}{} {} {} {:?}",
                    circled(row.number),
                    row.actual.original,
                    row.mark.as_ref().map_or("?", |mark| mark.1.as_str()),
                    row.previous.as_ref().map_or("?", |previous| previous.original.as_str()),
                    row.confidence
                )
            })
            .collect()
    }

    #[test]
    fn tokenizes_cells_and_rejects_text() {
        assert_eq!(tokenize("B 23.7%⑤21.8%").unwrap().len(), 4);
        assert_eq!(tokenize("③６地域 B").unwrap().len(), 3);
        assert_eq!(tokenize("A －").unwrap().len(), 2);
        assert!(tokenize("上とする。").is_none());
        assert!(tokenize("に75％以上とする。").is_none());
        assert!(tokenize("2").is_none(), "a bare number is a page number, not a cell");
        assert!(tokenize("Osaka Metro").is_none());
    }

    #[test]
    fn sumiyoshi_issue_1_is_certain_by_units() {
        let assembly = assemble(&fragments(&[
            (102, "６地域"),
            (104, "A ２件"),
            (106, "①43.9%"),
            (108, "④３件"),
            (118, "A 27.8%"),
            (120, "②47.4% A 38.2%"),
            (122, "③６地域 B"),
        ]));
        assert_eq!(
            summary(&assembly),
            vec![
                "①43.9% A 27.8% Certain",
                "②47.4% A 38.2% Certain",
                "③６地域 B ６地域 Certain",
                "④３件 A ２件 Certain"
            ]
        );
        assert!(assembly.problems.is_empty() && assembly.by_order.is_empty());
    }

    #[test]
    fn sumiyoshi_issue_4_is_paired_by_order_and_says_so() {
        let assembly = assemble(&fragments(&[(354, "A 73.6%"), (364, "B 43.3%"), (366, "②81.9%"), (368, "①42.1%")]));
        assert_eq!(summary(&assembly), vec!["①42.1% B 43.3% ByOrder", "②81.9% A 73.6% ByOrder"]);
        assert_eq!(assembly.by_order.len(), 1);
    }

    #[test]
    fn sumiyoshi_issue_2_takes_cells_from_the_rows_own_line() {
        let assembly = assemble(&fragments(&[
            (209, "③53.4% A －"),
            (211, "④78.2% B 81.8%"),
            (224, "A －"),
            (226, "②69.4％ A 54.5%"),
            (228, "B 23.7%⑤21.8%"),
            (230, "①82.8%"),
        ]));
        assert_eq!(
            summary(&assembly),
            vec![
                "①82.8% A － Certain",
                "②69.4％ A 54.5% Certain",
                "③53.4% A － Certain",
                "④78.2% B 81.8% Certain",
                "⑤21.8% B 23.7% Certain"
            ]
        );
    }

    #[test]
    fn leftovers_are_reported() {
        let assembly = assemble(&fragments(&[(1, "①43.9%"), (2, "A 27.8%"), (3, "B 1件")]));
        assert_eq!(summary(&assembly), vec!["①43.9% A 27.8% Certain"]);
        assert_eq!(assembly.problems.len(), 1);
        assert!(assembly.problems[0].1.contains("B 1件"));
    }
}
