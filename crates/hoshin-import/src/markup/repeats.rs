//! Tables that a converter repeated, recognised once (DOMAIN.md §7).
//!
//! Converters render one table two or three times: nested inside a cell of an outer table, then as flat
//! rows, and one rendering may lose a cell or a row that another kept. A table (a run of rows of one table
//! rendering) repeats an earlier one when its rows line up with the earlier rows, in order, for most of
//! their text, and at least two of them are the same cell for cell. The two are then merged: rows in both
//! are kept once (the one with more cells when one lost some), rows only one of them has are kept in their
//! place, and the repeated rows are reported as repeats of the rows they repeat.

use hoshin_core::text::compact;

use super::Row;
use crate::LineUse;

/// What became of a repeated table, for the diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Merge {
    /// The first line of the table that was kept and of the one that repeated it.
    pub kept: usize,
    pub repeat: usize,
    /// Rows whose cells were taken from the other rendering (line of the row taken, line of the row that
    /// lost them), and rows only one rendering had (their line).
    pub completed: Vec<(usize, usize)>,
    pub added: Vec<usize>,
}

/// Merges repeated tables in `rows`. Returns the coverage of the rows dropped as repeats and what was merged.
pub(crate) fn merge(rows: &mut Vec<Row>) -> (Vec<(usize, LineUse)>, Vec<Merge>) {
    // Runs of rows of one table rendering; rows outside tables stay runs of their own.
    let mut runs: Vec<Vec<Row>> = Vec::new();
    for row in rows.drain(..) {
        match runs.last_mut() {
            Some(run) if row.table.is_some() && run.last().is_some_and(|last| last.table == row.table) => run.push(row),
            _ => runs.push(vec![row]),
        }
    }
    let mut dropped: Vec<(usize, LineUse)> = Vec::new();
    let mut merges = Vec::new();
    // Indexes of table runs that were kept, the latest last.
    let mut kept: Vec<usize> = Vec::new();
    // The compacted cells of each kept run, worked out once: a run is compared with up to three later ones.
    let mut run_keys: Vec<Vec<Vec<String>>> = vec![Vec::new(); runs.len()];
    for index in 0..runs.len() {
        if runs[index].first().is_none_or(|row| row.table.is_none()) || runs[index].len() < 2 {
            continue;
        }
        run_keys[index] = runs[index].iter().map(keys).collect();
        let candidate = kept.iter().rev().take(3).copied().find_map(|earlier| {
            align(&run_keys[earlier], &run_keys[index])
                .filter(|pairs| repeats(&runs[earlier], &runs[index], pairs))
                .map(|pairs| (earlier, pairs))
        });
        match candidate {
            Some((earlier, pairs)) => {
                let repeat = std::mem::take(&mut runs[index]);
                let (merged, report, lost) = combine(std::mem::take(&mut runs[earlier]), repeat, &pairs);
                run_keys[earlier] = merged.iter().map(keys).collect();
                runs[earlier] = merged;
                dropped.extend(lost);
                merges.push(report);
            }
            None => kept.push(index),
        }
    }
    *rows = runs.into_iter().flatten().collect();
    (dropped, merges)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The same cells.
    Same,
    /// One row's cells are some of the other's, in order: a rendering lost the rest.
    Lossy,
}

fn keys(row: &Row) -> Vec<String> {
    row.cells.iter().map(|cell| compact(cell)).filter(|cell| !cell.is_empty()).collect()
}

fn relation(a: &[String], b: &[String]) -> Option<Kind> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(Kind::Same);
    }
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if short.len() == long.len() {
        return None;
    }
    let mut rest = long.iter();
    short.iter().all(|cell| rest.any(|other| other == cell)).then_some(Kind::Lossy)
}

/// The best in-order pairing of `a`'s rows with `b`'s (most shared text), as (row of a, row of b, kind).
fn align(a_keys: &[Vec<String>], b_keys: &[Vec<String>]) -> Option<Vec<(usize, usize, Kind)>> {
    let length = |cells: &[String]| cells.iter().map(|cell| cell.chars().count()).sum::<usize>();
    // What two paired rows share: all of it when the same, the fewer cells when one lost some.
    let weight = |i: usize, j: usize| -> Option<(usize, Kind)> {
        let kind = relation(&a_keys[i], &b_keys[j])?;
        Some((length(&a_keys[i]).min(length(&b_keys[j])).max(1), kind))
    };
    let (n, m) = (a_keys.len(), b_keys.len());
    // best[i][j]: the most shared text pairing a[i..] with b[j..].
    let mut best = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = best[i + 1][j].max(best[i][j + 1]);
            let take = weight(i, j).map_or(0, |(w, _)| w + best[i + 1][j + 1]);
            best[i][j] = skip.max(take);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if let Some((w, kind)) = weight(i, j) {
            if best[i][j] == w + best[i + 1][j + 1] {
                pairs.push((i, j, kind));
                i += 1;
                j += 1;
                continue;
            }
        }
        if best[i + 1][j] >= best[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// Whether the pairing shows `b` to be a rendering of `a`: two rows or more the same, and most of the
/// smaller table's text in paired rows.
fn repeats(a: &[Row], b: &[Row], pairs: &[(usize, usize, Kind)]) -> bool {
    let same = pairs.iter().filter(|(_, _, kind)| *kind == Kind::Same).count();
    let chars = |rows: &[Row]| rows.iter().map(Row::text_len).sum::<usize>();
    let paired_a: usize = pairs.iter().map(|(i, _, _)| a[*i].text_len()).sum();
    let paired_b: usize = pairs.iter().map(|(_, j, _)| b[*j].text_len()).sum();
    let smaller = chars(a).min(chars(b));
    same >= 2 && paired_a.min(paired_b) * 10 >= smaller * 6
}

/// Merges `repeat` into `kept` along the pairing: what the merged table holds, the report, and the
/// coverage of the rows dropped.
fn combine(
    kept: Vec<Row>,
    repeat: Vec<Row>,
    pairs: &[(usize, usize, Kind)],
) -> (Vec<Row>, Merge, Vec<(usize, LineUse)>) {
    let table = kept.first().and_then(|row| row.table);
    let mut report = Merge {
        kept: kept.first().map_or(0, |row| row.first),
        repeat: repeat.first().map_or(0, |row| row.first),
        completed: Vec::new(),
        added: Vec::new(),
    };
    let mut dropped = Vec::new();
    let mut merged = Vec::new();
    let mut kept_rows = kept.into_iter().enumerate().peekable();
    let mut repeat_rows = repeat.into_iter().enumerate().peekable();
    let drop_row = |row: &Row, of: usize, dropped: &mut Vec<(usize, LineUse)>| {
        for line in row.first..=row.last {
            dropped.push((line, LineUse::Repeat { of }));
        }
    };
    for &(i, j, kind) in pairs {
        while let Some((_, row)) = kept_rows.next_if(|(index, _)| *index < i) {
            merged.push(row);
        }
        while let Some((_, mut row)) = repeat_rows.next_if(|(index, _)| *index < j) {
            report.added.push(row.first);
            row.table = table;
            merged.push(row);
        }
        let (Some((_, first)), Some((_, mut second))) = (kept_rows.next(), repeat_rows.next()) else { break };
        if kind == Kind::Lossy && second.cells.len() > first.cells.len() {
            report.completed.push((second.first, first.first));
            drop_row(&first, second.first, &mut dropped);
            second.table = table;
            merged.push(second);
        } else {
            if kind == Kind::Lossy {
                report.completed.push((first.first, second.first));
            }
            drop_row(&second, first.first, &mut dropped);
            merged.push(first);
        }
    }
    merged.extend(kept_rows.map(|(_, row)| row));
    for (_, mut row) in repeat_rows {
        report.added.push(row.first);
        row.table = table;
        merged.push(row);
    }
    (merged, report, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str], line: usize, table: usize) -> Row {
        Row {
            cells: cells.iter().map(|cell| cell.to_string()).collect(),
            first: line,
            last: line,
            preset: None,
            table: Some(table),
        }
    }

    fn texts(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter().map(|row| row.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn a_nested_table_repeated_as_flat_rows_is_kept_once_with_the_lost_cell() {
        let mut rows = vec![
            Row { table: None, ..row(&["経営課題1 人がつながる"], 1, 0) },
            row(&["4決算額 62百万円", "5予算額 63百万円"], 2, 1),
            row(&["課題認識", "・地域のつながりが希薄化している"], 2, 1),
            row(&["主な戦略"], 2, 1),
            row(&["4決算額 62百万円", "5予算額 63百万円"], 3, 0),
            row(&["課題認識", "・地域のつながりが希薄化している"], 4, 0),
            row(&["主な戦略", "・場・機会づくり"], 5, 0),
            row(&["アウトカム指標", "①区民意識調査で55%以上"], 6, 0),
        ];
        let (dropped, merges) = merge(&mut rows);
        assert_eq!(
            texts(&rows),
            vec![
                vec!["経営課題1 人がつながる"],
                vec!["4決算額 62百万円", "5予算額 63百万円"],
                vec!["課題認識", "・地域のつながりが希薄化している"],
                vec!["主な戦略", "・場・機会づくり"],
                vec!["アウトカム指標", "①区民意識調査で55%以上"],
            ]
        );
        assert_eq!(merges, vec![Merge { kept: 2, repeat: 3, completed: vec![(5, 2)], added: vec![6] }]);
        assert!(dropped.contains(&(3, LineUse::Repeat { of: 2 })));
        assert!(dropped.contains(&(2, LineUse::Repeat { of: 5 })));
    }

    #[test]
    fn different_tables_that_share_a_label_row_stay_apart() {
        let mut rows = vec![
            row(&["課題認識", "・防災意識を高める必要がある"], 1, 0),
            row(&["アウトカム指標の達成状況", "6年度実績と達成状況", "前年度実績"], 2, 0),
            row(&["課題認識", "・子育て世帯を支える必要がある"], 3, 1),
            row(&["アウトカム指標の達成状況", "6年度実績と達成状況", "前年度実績"], 4, 1),
        ];
        let before = rows.clone();
        let (dropped, merges) = merge(&mut rows);
        assert_eq!(rows, before);
        assert!(dropped.is_empty() && merges.is_empty());
    }
}
