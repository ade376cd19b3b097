//! Whose policy it is and for which year: the title (「令和6年度 西区運営方針（案）」), the head (所属長), the
//! city, the stage from the title suffix and dated notes, and the era that era-less years are read in.

use hoshin_core::{split_fiscal_year_prefix, DatedNote, Era, FiscalYear, Organization, PolicyContent, Stage};

use crate::source::{strip_compact_prefix, Document, Reader};
use crate::Hints;

use hoshin_core::OSAKA_WARDS;

/// Osaka ward names that other large cities also have (DOMAIN.md §7: a 「○区運営方針」 may be another city's).
const SHARED_WARD_NAMES: [(&str, &str); 6] = [
    ("北区", "札幌市・さいたま市・新潟市・名古屋市・京都市・堺市・神戸市・岡山市・熊本市・東京都"),
    ("中央区", "札幌市・千葉市・さいたま市・相模原市・新潟市・浜松市・神戸市・福岡市・熊本市・東京都"),
    ("西区", "札幌市・さいたま市・横浜市・新潟市・名古屋市・神戸市・広島市・福岡市"),
    ("港区", "名古屋市・東京都"),
    ("旭区", "横浜市"),
    ("鶴見区", "横浜市"),
];

/// Cities with wards (政令指定都市), whose names a document may use to say which city it belongs to.
const CITIES: [&str; 20] = [
    "札幌市",
    "仙台市",
    "さいたま市",
    "千葉市",
    "横浜市",
    "川崎市",
    "相模原市",
    "新潟市",
    "静岡市",
    "浜松市",
    "名古屋市",
    "京都市",
    "大阪市",
    "堺市",
    "神戸市",
    "岡山市",
    "広島市",
    "北九州市",
    "福岡市",
    "熊本市",
];

pub(crate) struct Header {
    pub organization: Option<Organization>,
    pub fiscal_year: Option<FiscalYear>,
    pub title: Option<String>,
    pub title_stage: Option<(Stage, usize)>,
    pub head: Option<String>,
    pub notes: Vec<DatedNote>,
    pub notes_lines: Vec<usize>,
}

pub(crate) fn read_header(document: &Document, reader: &mut Reader, hints: &Hints) -> Header {
    let mut header = Header {
        organization: None,
        fiscal_year: None,
        title: None,
        title_stage: None,
        head: None,
        notes: Vec::new(),
        notes_lines: Vec::new(),
    };
    let mut title_org: Option<(String, usize)> = None;
    let top: Vec<&crate::source::Line> = document.lines.iter().filter(|line| !line.is_blank()).take(15).collect();
    for (position, line) in top.iter().enumerate() {
        if header.title.is_none() {
            // PDF text may break the title at its wide space: 「令和６年度」 / 「住吉区運営方針」.
            let next = top
                .get(position + 1)
                .filter(|_| split_fiscal_year_prefix(&line.compact, None).is_some_and(|(_, rest)| rest.is_empty()));
            if let Some(next) = next {
                if let Some(title) = read_title(&format!("{}{}", line.compact, next.compact)) {
                    header.title = Some(format!("{} {}", line.plain(), next.plain()));
                    header.fiscal_year = title.fiscal_year;
                    header.title_stage = title.stage.map(|stage| (stage, line.number));
                    title_org = Some((title.organization, line.number));
                    reader.field(line.number, "title");
                    reader.field(next.number, "title");
                    continue;
                }
            }
            if reader.is_used(line.number) {
                continue;
            }
            if let Some(title) = read_title(&line.compact) {
                header.title = Some(line.plain());
                header.fiscal_year = title.fiscal_year;
                header.title_stage = title.stage.map(|stage| (stage, line.number));
                title_org = Some((title.organization, line.number));
                reader.field(line.number, "title");
                continue;
            }
        }
        if header.head.is_none() {
            if let Some(head) = read_head(&line.plain()) {
                header.head = Some(head);
                reader.field(line.number, "head");
            }
        }
    }
    for line in &document.lines {
        if let Some(note) = read_dated_note(|| line.text(), &line.compact) {
            reader.field(line.number, "notes");
            header.notes_lines.push(line.number);
            header.notes.push(note);
        }
    }

    let first_line = document.first_non_blank().unwrap_or(1);
    let document_city = cities_named(document);
    let name = match (&hints.organization, &title_org) {
        (Some(hint), Some((name, line))) if hint != name => {
            reader.warning(*line, format!("the title names 「{name}」 but 「{hint}」 was given; using 「{hint}」"));
            Some(hint.clone())
        }
        (Some(hint), _) => Some(hint.clone()),
        (None, Some((name, _))) => Some(name.clone()),
        (None, None) => match ward_mentioned(document) {
            Some((name, line)) => {
                reader.warning(
                    line,
                    format!(
                        "the document has no title naming its organization; taking 「{name}」, the ward it names \
                         most; pass --organization if that is wrong"
                    ),
                );
                Some(name)
            }
            None => {
                reader.error(
                    first_line,
                    "no organization found: the document has no title such as 「令和6年度 西区運営方針」; pass \
                     --organization"
                        .to_string(),
                );
                None
            }
        },
    };
    let city = name.as_deref().and_then(|name| {
        let line = title_org.as_ref().map_or(first_line, |(_, line)| *line);
        read_city(name, hints.city.as_deref(), &document_city, line, reader)
    });
    header.organization = name.map(|name| Organization::new(&name, city.as_deref()));

    if let Some(hint) = hints.fiscal_year {
        if let (Some(read), Some((_, line))) = (header.fiscal_year, &title_org) {
            if read != hint {
                reader.warning(*line, format!("the title says {read} but {hint} was given; using {hint}"));
            }
        }
        header.fiscal_year = Some(hint);
    }
    header
}

struct Title {
    fiscal_year: Option<FiscalYear>,
    organization: String,
    stage: Option<Stage>,
}

/// 「令和6年度西区運営方針」, 「令和6年度大阪市西区運営方針(素案)」 in compact form.
fn read_title(compacted: &str) -> Option<Title> {
    let (fiscal_year, rest) = match split_fiscal_year_prefix(compacted, None) {
        Some((year, rest)) => (Some(year), rest),
        None => (None, compacted),
    };
    let (name, suffix) = rest.split_once("運営方針")?;
    if name.is_empty() || name.chars().count() > 12 || suffix.chars().count() > 8 {
        return None;
    }
    let stage = match suffix.trim_matches(['(', ')', '【', '】']) {
        "" => None,
        "素案" => Some(Stage::FirstDraft),
        "案" => Some(Stage::Draft),
        "改定" | "改訂" | "改定版" => Some(Stage::Revision),
        "確定" | "確定版" => Some(Stage::Final),
        _ => return None,
    };
    Some(Title { fiscal_year, organization: name.to_string(), stage })
}

/// 「（所属長 ：橘　隆義）」, 「所属長：三村 浩也」.
fn read_head(text: &str) -> Option<String> {
    let text = text.trim().trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
    let rest = strip_compact_prefix(text, "所属長")?;
    let rest = rest.trim();
    // 「所属長：」 or 「所属長 : 」 introduces the name; 「所属長の考え」 is not a head line.
    let name = rest.strip_prefix([':', '：'])?.trim();
    (!name.is_empty() && name.chars().count() <= 20).then(|| name.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A dated note in the body: 「運営方針の進捗管理を実施しました（令和7年7月4日）」, 「…を改定しました（令和6年9月1日）」.
/// `text` gives the line as printed; it is asked for only when the compact form is a note.
fn read_dated_note(text: impl FnOnce() -> String, compacted: &str) -> Option<DatedNote> {
    // Every note ends in a date (「…月4日）」): most lines are passed over at once.
    if !compacted.contains('日') || compacted.chars().count() > 120 {
        return None;
    }
    let stage = if compacted.contains("進捗管理") && compacted.contains("中間") {
        Stage::MidYearReview
    } else if compacted.contains("進捗管理") || compacted.contains("年度末評価") {
        Stage::YearEnd
    } else if compacted.contains("改定") || compacted.contains("改訂") || compacted.contains("修正しました") {
        Stage::Revision
    } else {
        return None;
    };
    let date = read_date(compacted)?;
    // A list item on a web page: the note is the text, not its bullet.
    let text = text();
    let text = text.trim().trim_start_matches(['・', '●', '○', '■']).trim_start();
    Some(DatedNote { text: text.to_string(), date: Some(date), stage: Some(stage) })
}

/// The first 「令和7年7月4日」 or 「2025年7月4日」 in compact text.
fn read_date(compacted: &str) -> Option<(i32, u32, u32)> {
    let chars: Vec<char> = compacted.chars().collect();
    for start in 0..chars.len() {
        let (era_start, mut pos) = if chars[start..].starts_with(&['令', '和']) {
            (Some(2018), start + 2)
        } else if chars[start..].starts_with(&['平', '成']) {
            (Some(1988), start + 2)
        } else {
            (None, start)
        };
        let number = |pos: &mut usize| -> Option<u32> {
            let digits: String = chars[*pos..].iter().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() && chars.get(*pos) == Some(&'元') {
                *pos += 1;
                return Some(1);
            }
            *pos += digits.chars().count();
            digits.parse().ok()
        };
        let Some(year) = number(&mut pos) else { continue };
        if chars.get(pos) != Some(&'年') {
            continue;
        }
        pos += 1;
        let Some(month) = number(&mut pos) else { continue };
        if chars.get(pos) != Some(&'月') {
            continue;
        }
        pos += 1;
        let Some(day) = number(&mut pos) else { continue };
        if chars.get(pos) != Some(&'日') || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            continue;
        }
        let year = match era_start {
            Some(offset) => offset + i32::try_from(year).ok()?,
            None if year >= 1900 => i32::try_from(year).ok()?,
            None => continue,
        };
        return Some((year, month, day));
    }
    None
}

/// Which cities the document names, with counts.
fn cities_named(document: &Document) -> Vec<(&'static str, usize, usize)> {
    let mut found: Vec<(&'static str, usize, usize)> = Vec::new();
    // Every city's name ends in 市: most lines are passed over at once.
    for line in document.lines.iter().filter(|line| line.compact.contains('市')) {
        for city in CITIES {
            let count = line.compact.matches(city).count();
            if count > 0 {
                match found.iter_mut().find(|(name, _, _)| *name == city) {
                    Some(entry) => entry.1 += count,
                    None => found.push((city, count, line.number)),
                }
            }
        }
    }
    found.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    found
}

fn read_city(
    organization: &str,
    hint: Option<&str>,
    named: &[(&'static str, usize, usize)],
    line: usize,
    reader: &mut Reader,
) -> Option<String> {
    if let Some(hint) = hint {
        return Some(hint.to_string());
    }
    let is_osaka_ward = OSAKA_WARDS.contains(&organization);
    let shared = SHARED_WARD_NAMES.iter().find(|(name, _)| *name == organization).map(|(_, cities)| *cities);
    match named {
        [(city, _, city_line), rest @ ..] => {
            if !rest.is_empty() {
                let others: Vec<&str> = rest.iter().map(|(name, _, _)| *name).collect();
                reader.info(
                    *city_line,
                    format!("the document names {city} most often (also {}); taking {city}", others.join("・")),
                );
            }
            if *city == "大阪市" && !is_osaka_ward && organization.ends_with('区') {
                reader.warning(line, format!("「{organization}」 is not one of 大阪市's 24 wards"));
            }
            Some((*city).to_string())
        }
        [] if is_osaka_ward && shared.is_none() => {
            reader.info(
                line,
                format!("the document does not name its city; 「{organization}」 is a ward only 大阪市 has"),
            );
            Some("大阪市".to_string())
        }
        [] => {
            let message = match shared {
                Some(cities) => format!(
                    "the document does not name its city, and 「{organization}」 is a ward of 大阪市 and also of \
                     {cities}; pass --city to say which"
                ),
                None => format!("the document does not name its city; pass --city to say which 「{organization}」"),
            };
            reader.warning(line, message);
            None
        }
    }
}

/// The Osaka ward the body names most often, longest name first (東淀川区 before 淀川区), with its first line.
fn ward_mentioned(document: &Document) -> Option<(String, usize)> {
    let mut wards: Vec<&'static str> = OSAKA_WARDS.to_vec();
    wards.sort_by_key(|ward| std::cmp::Reverse(ward.chars().count()));
    // 「東淀川井高野郵便局」: a ward named without 区 in a place name counts too, when the name is distinctive.
    let stems: Vec<(&'static str, &'static str)> = wards
        .iter()
        .map(|ward| (*ward, ward.trim_end_matches('区')))
        .filter(|(_, stem)| stem.chars().count() >= 3)
        .collect();
    let first_chars: Vec<char> = wards.iter().filter_map(|ward| ward.chars().next()).collect();
    let mut counts: Vec<(&'static str, usize, usize)> = Vec::new();
    let count = |ward: &'static str, line: usize, counts: &mut Vec<(&'static str, usize, usize)>| match counts
        .iter_mut()
        .find(|(name, _, _)| *name == ward)
    {
        Some(entry) => entry.1 += 1,
        None => counts.push((ward, 1, line)),
    };
    for line in &document.lines {
        // One scan of the line: at each place a ward's name may start, the longest name there counts and is
        // passed over; a distinctive stem outside the full names counts once per line.
        let text = line.compact.as_str();
        let mut stems_seen: Vec<&'static str> = Vec::new();
        let mut at = 0;
        while let Some(c) = text[at..].chars().next() {
            if first_chars.contains(&c) {
                let rest = &text[at..];
                if let Some(ward) = wards.iter().find(|ward| rest.starts_with(**ward)) {
                    count(ward, line.number, &mut counts);
                    at += ward.len();
                    continue;
                }
                if let Some((ward, _)) = stems.iter().find(|(_, stem)| rest.starts_with(stem)) {
                    if !stems_seen.contains(ward) {
                        stems_seen.push(ward);
                    }
                }
            }
            at += c.len_utf8();
        }
        for ward in stems_seen {
            count(ward, line.number, &mut counts);
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    counts.first().map(|(name, _, line)| ((*name).to_string(), *line))
}

/// The era that era-less years (「6年度」, 「R3~R5」) of the document are read in.
pub(crate) struct YearContext {
    pub fiscal_year: Option<FiscalYear>,
    pub era: Option<Era>,
}

impl YearContext {
    pub fn new(fiscal_year: Option<FiscalYear>, document: &Document) -> YearContext {
        // The era the document writes in (a pre-2019 document says 平成33年度 for FY2021), else the year's own.
        let written = document.lines.iter().find_map(|line| {
            let heisei = line.compact.find("平成");
            let reiwa = line.compact.find("令和");
            match (heisei, reiwa) {
                (Some(h), Some(r)) => Some(if h < r { Era::Heisei } else { Era::Reiwa }),
                (Some(_), None) => Some(Era::Heisei),
                (None, Some(_)) => Some(Era::Reiwa),
                (None, None) => None,
            }
        });
        let era = written.or_else(|| fiscal_year.and_then(Era::of));
        YearContext { fiscal_year, era }
    }

    /// A year written 「6年度」 or 「令和6年度」 in compact form.
    pub fn year(&self, compacted: &str) -> Option<FiscalYear> {
        let (year, rest) = split_fiscal_year_prefix(compacted, self.era)?;
        rest.is_empty().then_some(year)
    }

    /// The policy year when no title gave it: the year of the last budget column (a FY N document's budgets
    /// are N−2, N−1 and N), else the last year of the histories.
    pub fn inferred_policy_year(&self, content: &PolicyContent, reader: &mut Reader) -> Option<FiscalYear> {
        let budgets = content.issues.iter().flat_map(|issue| {
            issue.budgets.iter().chain(
                issue
                    .detailed_strategies
                    .iter()
                    .flat_map(|strategy| strategy.initiatives.iter().flat_map(|initiative| &initiative.budgets)),
            )
        });
        if let Some(year) = budgets.map(|budget| budget.fiscal_year).max() {
            reader.info(
                1,
                format!("the document has no title with its year; {year} is the year of its last budget column"),
            );
            return Some(year);
        }
        let results = content.indicators().into_iter().flat_map(|(_, indicator)| indicator.results.iter());
        if let Some(year) = results.map(|result| result.fiscal_year).max() {
            reader.info(1, format!("the document has no title with its year; {year} is the last year of its results"));
            return Some(year);
        }
        reader.error(
            1,
            "no fiscal year found: the document has no title such as 「令和6年度 西区運営方針」 and no budgets or \
             results by year; pass --fiscal-year"
                .to_string(),
        );
        None
    }
}

/// The latest stage the document shows: the title suffix, dated notes, and year-end content.
pub(crate) fn stage(header: &Header, content: &PolicyContent, reader: &mut Reader) -> Stage {
    let mut stage = header.title_stage.map_or(Stage::Final, |(stage, _)| stage);
    for (note, line) in header.notes.iter().zip(&header.notes_lines) {
        if let Some(note_stage) = note.stage {
            if note_stage > stage {
                reader.info(*line, format!("stage {} from the dated note", note_stage.code()));
                stage = note_stage;
            }
        }
    }
    let has_results = content.indicators().iter().any(|(_, indicator)| {
        indicator.results.iter().any(|result| result.published_mark.is_some() || result.actual.is_some())
    }) || content.self_evaluation.is_some()
        || content.issues.iter().any(|issue| issue.self_evaluation.is_some() || issue.future_policy.is_some());
    if has_results && stage < Stage::YearEnd {
        stage = Stage::YearEnd;
    }
    stage
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoshin_core::text::compact;

    #[test]
    fn reads_titles() {
        let title = read_title(&compact("令和6年度 西区運営方針")).unwrap();
        assert_eq!((title.fiscal_year.map(FiscalYear::start_year), title.organization.as_str()), (Some(2024), "西区"));
        assert_eq!(read_title(&compact("令和７年度　住吉区運営方針（素案）")).unwrap().stage, Some(Stage::FirstDraft));
        assert_eq!(read_title(&compact("令和７年度 住吉区運営方針(案)")).unwrap().stage, Some(Stage::Draft));
        assert!(read_title(&compact("運営方針の進捗管理を実施しました")).is_none());
        assert!(read_title(&compact("区の運営方針に基づき、様々な取組を進めてまいります")).is_none());
    }

    #[test]
    fn reads_heads_and_dates() {
        assert_eq!(read_head("（所属長 ：橘　隆義）").as_deref(), Some("橘 隆義"));
        assert_eq!(read_head("(所属長 : 三村 浩也)").as_deref(), Some("三村 浩也"));
        assert_eq!(read_head("所属長の考え"), None);
        assert_eq!(read_date(&compact("（令和7年7月4日）")), Some((2025, 7, 4)));
        assert_eq!(read_date(&compact("2024年10月1日")), Some((2024, 10, 1)));
        assert_eq!(read_date(&compact("令和元年5月1日")), Some((2019, 5, 1)));
        let note = read_dated_note(
            || "運営方針の進捗管理を実施しました（令和7年7月4日）".to_string(),
            &compact("運営方針の進捗管理を実施しました（令和7年7月4日）"),
        )
        .unwrap();
        assert_eq!((note.stage, note.date), (Some(Stage::YearEnd), Some((2025, 7, 4))));
    }
}
