//! Open data: every indicator-year as CSV and JSON, per fiscal year (`/data/{year}/indicators.csv`), per
//! indicator (`/data/indicators/{id}.csv`) and per comparison (`/data/compare/{key}/{year}.csv`), with the
//! page `/data` that lists them and `/data/dictionary` that describes every column. [`COLUMNS`] is the one
//! definition of the columns: the files, the JSON keys and the dictionary all come from it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use hoshin_core::{FiscalYear, Lang, Organization};
use hoshin_store::SeriesPoint;
use serde::Serialize;

use hoshin_import::table::write_csv;

use crate::pages::{fiscal_year_param, not_found_page, render, Chrome, OrPage, PageError};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data", get(index))
        .route("/data/dictionary", get(dictionary))
        .route("/data/{year}/{file}", get(year_file))
        .route("/data/indicators/{file}", get(indicator_file))
        .route("/data/compare/{key}/{file}", get(compare_file))
}

/// A column of the open data: its name (CSV header and JSON key) and what it means.
pub struct Column {
    pub name: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
}

pub const COLUMNS: &[Column] = &[
    Column { name: "city", ja: "市（不明な場合は空）", en: "The city (empty when unknown)" },
    Column { name: "organization", ja: "区・局の名称", en: "The ward or bureau" },
    Column {
        name: "fiscal_year",
        ja: "年度（西暦の開始年。令和6年度は2024）",
        en: "The fiscal year as its Gregorian start year (FY2024 = Reiwa 6)",
    },
    Column {
        name: "series_id",
        ja: "指標の系列番号。年度をまたいで同じ指標は同じ番号（文言が変わっても）",
        en: "The indicator series: the same indicator across years has the same id, even when its wording changed",
    },
    Column {
        name: "common_key",
        ja: "全区共通指標の識別子（共通指標でなければ空）",
        en: "The key of the city's common indicator, empty for a ward's own indicator",
    },
    Column {
        name: "issue", ja: "経営課題の番号（1、1-(2)）", en: "The management issue as printed (1, 1-(2))"
    },
    Column {
        name: "number", ja: "課題内の指標番号（①は1）", en: "The indicator's number within its issue (① = 1)"
    },
    Column {
        name: "indicator", ja: "指標の文言（その年度の表記）", en: "The indicator's wording that year"
    },
    Column { name: "target", ja: "目標（文書の表記のまま）", en: "The target as printed" },
    Column { name: "actual", ja: "実績（文書の表記のまま）", en: "The actual as printed" },
    Column {
        name: "value", ja: "実績の数値（読み取れた場合）", en: "The actual as a number, where it could be read"
    },
    Column { name: "unit", ja: "数値の単位（%、件など）", en: "The unit of the value (%, 件 …)" },
    Column {
        name: "published_mark",
        ja: "区が公表した評価（A: 達成、B: 未達成。○はA、—はBとして記録）",
        en: "The ward's published mark: A achieved, B not achieved (○ recorded as A, — as B)",
    },
    Column {
        name: "computed_mark",
        ja: "Hoshinが目標と実績から判定した評価（判定できない場合は空）",
        en: "The mark Hoshin computed from the target and the actuals (empty when not evaluable)",
    },
    Column {
        name: "marks_differ",
        ja: "区の評価と計算した評価が異なれば true",
        en: "true when the published and the computed mark differ",
    },
    Column {
        name: "data_source",
        ja: "数値の出典となった調査・統計",
        en: "The survey or statistic the value comes from",
    },
    Column {
        name: "sample_size",
        ja: "調査の回答者数（運営方針に記載がある場合）",
        en: "The survey's sample size, where the policy gives it",
    },
    Column {
        name: "margin_of_error",
        ja: "割合の95%信頼区間の半幅（ポイント。回答者数がある割合のみ）",
        en: "Half the width of the share's 95% interval, in points (shares with a sample size only)",
    },
    Column {
        name: "version_id",
        ja: "この行を読み取った公表版の番号",
        en: "The published version this row was read from",
    },
];

/// The ± of a share with a sample size: half its 95 % Wilson interval, in points, to one decimal.
pub fn margin_of_error(point: &SeriesPoint) -> Option<f64> {
    let n = u32::try_from(point.sample_size?).ok()?;
    if point.unit.as_deref() != Some("%") {
        return None;
    }
    let interval = hoshin_core::survey::wilson(point.value?, n)?;
    Some((interval.margin() * 10.0).round() / 10.0)
}

/// One row of the open data.
#[derive(Debug, Serialize)]
pub struct Row {
    pub city: Option<String>,
    pub organization: String,
    pub fiscal_year: i32,
    pub series_id: i64,
    pub common_key: Option<String>,
    pub issue: Option<String>,
    pub number: Option<i64>,
    pub indicator: String,
    pub target: Option<String>,
    pub actual: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub published_mark: Option<String>,
    pub computed_mark: Option<String>,
    pub marks_differ: bool,
    pub data_source: Option<String>,
    pub sample_size: Option<i64>,
    pub margin_of_error: Option<f64>,
    pub version_id: i64,
}

impl Row {
    pub fn new(organization: &Organization, series_id: i64, common_key: Option<&str>, point: &SeriesPoint) -> Row {
        Row {
            city: organization.city.clone(),
            organization: organization.name.clone(),
            fiscal_year: point.fiscal_year.start_year(),
            series_id,
            common_key: common_key.map(str::to_string),
            issue: point.issue.clone(),
            number: point.number,
            indicator: point.wording.clone(),
            target: point.target.clone(),
            actual: point.actual.clone(),
            value: point.value,
            unit: point.unit.clone(),
            published_mark: point.published_mark.clone(),
            computed_mark: point.computed_mark.clone(),
            marks_differ: matches!((&point.published_mark, &point.computed_mark), (Some(p), Some(c)) if p != c),
            data_source: point.data_source.clone(),
            sample_size: point.sample_size,
            margin_of_error: margin_of_error(point),
            version_id: point.version_id,
        }
    }

    fn cells(&self) -> [String; 19] {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        [
            text(&self.city),
            self.organization.clone(),
            self.fiscal_year.to_string(),
            self.series_id.to_string(),
            text(&self.common_key),
            text(&self.issue),
            self.number.map(|n| n.to_string()).unwrap_or_default(),
            self.indicator.clone(),
            text(&self.target),
            text(&self.actual),
            self.value.map(|value| value.to_string()).unwrap_or_default(),
            text(&self.unit),
            text(&self.published_mark),
            text(&self.computed_mark),
            self.marks_differ.to_string(),
            text(&self.data_source),
            self.sample_size.map(|n| n.to_string()).unwrap_or_default(),
            self.margin_of_error.map(|m| format!("{m:.1}")).unwrap_or_default(),
            self.version_id.to_string(),
        ]
    }
}

/// The rows as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark so that spreadsheet programs read the
/// Japanese right.
pub fn csv(rows: &[Row]) -> String {
    let mut table = vec![COLUMNS.iter().map(|column| column.name.to_string()).collect::<Vec<_>>()];
    table.extend(rows.iter().map(|row| row.cells().to_vec()));
    write_csv(&table)
}

/// A file name `NAME.csv` or `NAME.json`: the stem and whether it is CSV.
fn split_file(file: &str) -> Result<(&str, Format), WebError> {
    if let Some(stem) = file.strip_suffix(".csv") {
        return Ok((stem, Format::Csv));
    }
    if let Some(stem) = file.strip_suffix(".json") {
        return Ok((stem, Format::Json));
    }
    Err(WebError::NotFound(format!("{file}: the files end in .csv or .json")))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

fn respond(rows: &[Row], format: Format, file_name: &str) -> Response {
    let disposition = format!("inline; filename=\"{file_name}\"");
    match format {
        Format::Csv => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::CACHE_CONTROL, "public, max-age=300".to_string()),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
            ],
            csv(rows),
        )
            .into_response(),
        Format::Json => (
            [
                (header::CONTENT_DISPOSITION, disposition),
                (header::CACHE_CONTROL, "public, max-age=300".to_string()),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
            ],
            axum::Json(
                serde_json::json!({ "columns": COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>(), "rows": rows }),
            ),
        )
            .into_response(),
    }
}

/// The files of a fiscal year's open-data package, each at `/data/{year}/{name}`.
pub const PACKAGE_FILES: [&str; 5] =
    ["indicators.csv", "indicators.json", "dictionary.csv", "LICENSE.txt", "README.txt"];

async fn year_rows(state: &AppState, fiscal_year: FiscalYear) -> Result<Vec<Row>, WebError> {
    rows_of(state.store.as_ref(), fiscal_year).await
}

async fn rows_of(store: &dyn hoshin_store::Store, fiscal_year: FiscalYear) -> Result<Vec<Row>, WebError> {
    let rows: Vec<Row> = store
        .year_rows(fiscal_year)
        .await?
        .iter()
        .map(|row| Row::new(&row.organization, row.series_id, row.common_key.as_deref(), &row.point))
        .collect();
    if rows.is_empty() {
        return Err(WebError::NotFound(format!("no indicators for fiscal year {}", fiscal_year.start_year())));
    }
    Ok(rows)
}

/// The dictionary as CSV: every column's name and meaning in Japanese and English.
pub fn dictionary_csv() -> String {
    let mut table = vec![vec!["column".to_string(), "ja".to_string(), "en".to_string()]];
    table.extend(
        COLUMNS.iter().map(|column| vec![column.name.to_string(), column.ja.to_string(), column.en.to_string()]),
    );
    write_csv(&table)
}

/// The licence note of the package.
pub fn licence_note(fiscal_year: FiscalYear) -> String {
    format!(
        "{}\n{}\n\n出典: 各区が公表した{}の運営方針（Hoshinが読み取り、判定を加えたもの）\n\
         Source: the operating policies the wards published for {} (read by Hoshin, with its computed marks)\n",
        crate::i18n::words(Lang::Ja).licence,
        crate::i18n::words(Lang::En).licence,
        fiscal_year.label(Lang::Ja),
        fiscal_year.label(Lang::En),
    )
}

/// What the package holds and where each file stays.
pub fn package_readme(fiscal_year: FiscalYear) -> String {
    let year = fiscal_year.start_year();
    let mut out = format!("Hoshin open data, {} / {}\n\n", fiscal_year.label(Lang::Ja), fiscal_year.label(Lang::En));
    for (file, ja, en) in [
        (
            "indicators.csv",
            "全区の指標・年度ごとの目標・実績・評価（UTF-8、BOM付き）",
            "every indicator of every organization: target, actual, marks (UTF-8 with BOM)",
        ),
        ("indicators.json", "同じ内容のJSON", "the same as JSON"),
        ("dictionary.csv", "列の定義", "what each column means"),
        ("LICENSE.txt", "利用条件", "the terms of use"),
    ] {
        out.push_str(&format!("/data/{year}/{file}\n  {ja}\n  {en}\n"));
    }
    out
}

fn text_file(content_type: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn year_file(
    State(state): State<AppState>,
    Path((year, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let fiscal_year = fiscal_year_param(&year)?;
    match file.as_str() {
        "dictionary.csv" => return Ok(text_file("text/csv; charset=utf-8", dictionary_csv())),
        "LICENSE.txt" => return Ok(text_file("text/plain; charset=utf-8", licence_note(fiscal_year))),
        "README.txt" => return Ok(text_file("text/plain; charset=utf-8", package_readme(fiscal_year))),
        _ => {}
    }
    let (stem, format) = split_file(&file)?;
    if stem != "indicators" {
        return Err(WebError::NotFound(format!(
            "/data/{year}/{file}: the files of a year are {}",
            PACKAGE_FILES.join(", ")
        )));
    }
    let rows = year_rows(&state, fiscal_year).await?;
    Ok(respond(&rows, format, &format!("hoshin-{}-indicators.{}", fiscal_year.start_year(), extension(format))))
}

/// The package of a fiscal year as (file name, bytes), for `hoshin export open-data`.
pub async fn package_of(
    store: std::sync::Arc<dyn hoshin_store::Store>,
    fiscal_year: FiscalYear,
) -> Result<Vec<(&'static str, Vec<u8>)>, WebError> {
    let rows = rows_of(store.as_ref(), fiscal_year).await?;
    let json = serde_json::json!({ "columns": COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>(), "rows": rows });
    Ok(vec![
        ("indicators.csv", csv(&rows).into_bytes()),
        ("indicators.json", serde_json::to_vec_pretty(&json).unwrap_or_default()),
        ("dictionary.csv", dictionary_csv().into_bytes()),
        ("LICENSE.txt", licence_note(fiscal_year).into_bytes()),
        ("README.txt", package_readme(fiscal_year).into_bytes()),
    ])
}

async fn indicator_file(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, WebError> {
    let (stem, format) = split_file(&file)?;
    let id: i64 = stem
        .parse()
        .map_err(|_| WebError::NotFound(format!("{file}: name the indicator by its number, e.g. 12.csv")))?;
    let series = state.store.series(id).await?;
    let rows: Vec<Row> = series
        .points
        .iter()
        .map(|point| Row::new(&series.organization, series.id, series.common_key.as_deref(), point))
        .collect();
    Ok(respond(&rows, format, &format!("hoshin-indicator-{id}.{}", extension(format))))
}

async fn compare_file(
    State(state): State<AppState>,
    Path((key, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (stem, format) = split_file(&file)?;
    if !crate::pages::compare::all_common(state.store.as_ref()).await?.iter().any(|(common, _)| *common == key) {
        return Err(WebError::NotFound(format!("{key}: not a common indicator; see /api/v1/common-indicators")));
    }
    let fiscal_year = fiscal_year_param(stem)?;
    let rows: Vec<Row> = state
        .store
        .league_table(&key, fiscal_year)
        .await?
        .iter()
        .map(|row| Row::new(&row.organization, row.series_id, Some(&key), &row.point))
        .collect();
    Ok(respond(&rows, format, &format!("hoshin-{key}-{}.{}", fiscal_year.start_year(), extension(format))))
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Csv => "csv",
        Format::Json => "json",
    }
}

pub struct YearFiles {
    pub label: String,
    pub year: i32,
}

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    chrome: Chrome,
    years: Vec<YearFiles>,
}

async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    uri: Uri,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(lang, &uri, crate::i18n::words(lang).data_title);
    let years: Vec<FiscalYear> = state.store.fiscal_years().await.or_page(&chrome)?;
    let page = DataPage {
        years: years.iter().rev().map(|year| YearFiles { label: year.label(lang), year: year.start_year() }).collect(),
        chrome,
    };
    render(&page, &page.chrome)
}

#[derive(Template)]
#[template(path = "dictionary.html")]
struct DictionaryPage {
    chrome: Chrome,
    columns: Vec<(&'static str, &'static str)>,
}

async fn dictionary(Extension(lang): Extension<Lang>, uri: Uri) -> Result<Response, PageError> {
    let chrome = Chrome::new(lang, &uri, crate::i18n::words(lang).data_dictionary);
    let page = DictionaryPage {
        columns: COLUMNS
            .iter()
            .map(|column| {
                (
                    column.name,
                    match lang {
                        Lang::Ja => column.ja,
                        Lang::En => column.en,
                    },
                )
            })
            .collect(),
        chrome,
    };
    if page.columns.is_empty() {
        return Err(not_found_page(&page.chrome, "dictionary".into()));
    }
    render(&page, &page.chrome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_a_cell() {
        assert_eq!(COLUMNS.len(), Row::new(&Organization::new("北区", None), 1, None, &point()).cells().len());
    }

    fn point() -> SeriesPoint {
        SeriesPoint {
            fiscal_year: FiscalYear::new(2024).unwrap(),
            issue: Some("1".into()),
            number: Some(1),
            wording: "割合".into(),
            target: Some("50%以上".into()),
            actual: Some("43.9%".into()),
            value: Some(43.9),
            unit: Some("%".into()),
            published_mark: Some("A".into()),
            computed_mark: Some("B".into()),
            data_source: None,
            sample_size: None,
            version_id: 3,
        }
    }

    #[test]
    fn a_row_flags_differing_marks() {
        let row = Row::new(&Organization::new("北区", Some("大阪市")), 9, Some("needs-heard"), &point());
        assert!(row.marks_differ);
        let text = csv(&[row]);
        assert!(text.starts_with("\u{feff}city,organization,fiscal_year,"));
        assert!(
            text.contains("\r\n大阪市,北区,2024,9,needs-heard,1,1,割合,50%以上,43.9%,43.9,%,A,B,true,,,,3\r\n"),
            "{text}"
        );
    }

    #[test]
    fn a_share_with_a_sample_size_has_its_margin_of_error() {
        let with = SeriesPoint { sample_size: Some(795), ..point() };
        let row = Row::new(&Organization::new("北区", Some("大阪市")), 9, None, &with);
        assert_eq!((row.sample_size, row.margin_of_error), (Some(795), Some(3.4)));
        assert!(csv(&[row]).contains(",795,3.4,3\r\n"));
        let count = SeriesPoint { unit: Some("件".into()), ..with };
        assert_eq!(margin_of_error(&count), None, "a count has no margin of error");
    }
}
