//! The model of an operating policy (運営方針): one organization's plan and report for one fiscal year, with
//! every field of the common format (共通様式, FY2023 onwards) and of the older and ward-specific layouts
//! (strategies, initiatives, activities, process indicators, reform-plan items). DOMAIN.md §1–§2.
//!
//! Parsed values ([`Money`], [`Measure`], [`Target`], [`FiscalYear`]) keep their original text. Free text is
//! stored as the document wrote it. The model has no identifiers of storage: positions in vectors are the
//! order of the document.

use std::fmt;

use crate::era::FiscalYear;
use crate::judgment::{judge, Judgment, Mark, Observation, Rule};
use crate::money::Money;
use crate::quantity::Measure;
use crate::target::{Target, TargetChange, TargetError};
use crate::Lang;

/// Whether an organization is a ward (区) or a city bureau (局).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrganizationKind {
    Ward,
    Bureau,
}

/// Who publishes a policy: 「住吉区」 of 「大阪市」.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Organization {
    pub name: String,
    pub kind: OrganizationKind,
    /// The city, when known. Other cities publish similarly named 「○区運営方針」.
    pub city: Option<String>,
}

impl Organization {
    /// An organization named 「…区」 is a ward, anything else a bureau.
    pub fn new(name: &str, city: Option<&str>) -> Organization {
        let kind = if name.ends_with('区') { OrganizationKind::Ward } else { OrganizationKind::Bureau };
        Organization { name: name.to_string(), kind, city: city.map(str::to_string) }
    }
}

/// Osaka City's 24 wards in the city's own order (the order of their local-government codes), the order
/// lists and tables show them in.
pub const OSAKA_WARDS: [&str; 24] = [
    "北区",
    "都島区",
    "福島区",
    "此花区",
    "中央区",
    "西区",
    "港区",
    "大正区",
    "天王寺区",
    "浪速区",
    "西淀川区",
    "淀川区",
    "東淀川区",
    "東成区",
    "生野区",
    "旭区",
    "城東区",
    "鶴見区",
    "阿倍野区",
    "住之江区",
    "住吉区",
    "東住吉区",
    "平野区",
    "西成区",
];

/// Where an organization comes in lists: by city, then Osaka's wards in the city's order, then by name.
pub fn organization_order(organization: &Organization) -> (String, usize, String) {
    let position = (organization.city.as_deref() == Some("大阪市"))
        .then(|| OSAKA_WARDS.iter().position(|ward| *ward == organization.name))
        .flatten()
        .unwrap_or(OSAKA_WARDS.len());
    (organization.city.clone().unwrap_or_default(), position, organization.name.clone())
}

/// A publication version of a policy (DOMAIN.md §1), in the order they occur in a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// 素案: early November of the previous year.
    FirstDraft,
    /// 案: mid-February.
    Draft,
    /// 確定: early April.
    Final,
    /// 改定: any time in the year, with a dated note.
    Revision,
    /// 中間振り返り: early October (older format, until FY2022).
    MidYearReview,
    /// 年度末評価: about June of the next year.
    YearEnd,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::FirstDraft, Stage::Draft, Stage::Final, Stage::Revision, Stage::MidYearReview, Stage::YearEnd];

    /// The stable code used in URLs, JSON and the command line.
    pub fn code(self) -> &'static str {
        match self {
            Stage::FirstDraft => "first_draft",
            Stage::Draft => "draft",
            Stage::Final => "final",
            Stage::Revision => "revision",
            Stage::MidYearReview => "mid_year_review",
            Stage::YearEnd => "year_end",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stage::FirstDraft, Lang::Ja) => "素案",
            (Stage::Draft, Lang::Ja) => "案",
            (Stage::Final, Lang::Ja) => "確定",
            (Stage::Revision, Lang::Ja) => "改定",
            (Stage::MidYearReview, Lang::Ja) => "中間振り返り",
            (Stage::YearEnd, Lang::Ja) => "年度末評価",
            (Stage::FirstDraft, Lang::En) => "first draft",
            (Stage::Draft, Lang::En) => "draft",
            (Stage::Final, Lang::En) => "final",
            (Stage::Revision, Lang::En) => "revision",
            (Stage::MidYearReview, Lang::En) => "mid-year review",
            (Stage::YearEnd, Lang::En) => "year-end evaluation",
        }
    }

    /// Reads the Japanese label as a title suffix writes it (「(素案)」 → first draft).
    pub fn from_label_ja(label: &str) -> Option<Stage> {
        let label = label.trim().trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
        Stage::ALL.into_iter().find(|stage| stage.label(Lang::Ja) == label)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label(Lang::Ja))
    }
}

/// The id of a management issue: 「経営課題１」 or two-level 「経営課題1-(1)」.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IssueId {
    Single(u32),
    TwoLevel(u32, u32),
}

impl fmt::Display for IssueId {
    /// The id as printed in CSV and on pages: `1`, `1-(1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssueId::Single(n) => write!(f, "{n}"),
            IssueId::TwoLevel(major, minor) => write!(f, "{major}-({minor})"),
        }
    }
}

impl IssueId {
    /// Reads `1`, `１`, `1-(1)`, `1-（1）`, `1-1`.
    pub fn parse(text: &str) -> Option<IssueId> {
        let normalized = crate::text::compact(text);
        let (major, minor) = match normalized.split_once('-') {
            Some((major, minor)) => (major, Some(minor.trim_start_matches('(').trim_end_matches(')'))),
            None => (normalized.as_str(), None),
        };
        let major = major.parse().ok()?;
        match minor {
            Some(minor) => Some(IssueId::TwoLevel(major, minor.parse().ok()?)),
            None => Some(IssueId::Single(major)),
        }
    }
}

/// A budget figure of an issue or initiative. A FY N document shows three: FY N−2 settled accounts
/// (決算額), FY N−1 budget and FY N budget (予算額).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Budget {
    pub fiscal_year: FiscalYear,
    pub kind: BudgetKind,
    pub amount: Money,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BudgetKind {
    /// 決算額
    Settled,
    /// 予算額
    Planned,
}

/// Bullets, optionally under a 【heading】. A strategy group may end with 「（アウトカム指標①）」, linking it to
/// indicators of the same issue by number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BulletGroup {
    pub heading: Option<String>,
    pub bullets: Vec<String>,
    /// Numbers of the outcome indicators this group points to.
    pub indicator_links: Vec<u32>,
}

/// Outcome (アウトカム指標) or process (プロセス(過程)指標) indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndicatorKind {
    Outcome,
    Process,
}

/// What a target says: parsed, or kept as text with the reason it could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetText {
    Parsed(Target),
    NotEvaluable { text: String, reason: TargetError },
}

impl TargetText {
    pub fn text(&self) -> &str {
        match self {
            TargetText::Parsed(target) => &target.original,
            TargetText::NotEvaluable { text, .. } => text,
        }
    }

    pub fn target(&self) -> Option<&Target> {
        match self {
            TargetText::Parsed(target) => Some(target),
            TargetText::NotEvaluable { .. } => None,
        }
    }
}

/// A mark as the document printed it. One mark may cover several indicators (a merged table cell).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PublishedMark {
    pub mark: Mark,
    pub original: String,
    /// Numbers of the other indicators of the issue that the same printed mark covers.
    pub shared_with: Vec<u32>,
    /// Why the ward's mark differs from the one Hoshin computes, as the editor gave it. Imported marks have
    /// none: the document gives no reason.
    pub reason: Option<String>,
}

/// One year's result of an indicator: the actual, the ward's published mark and that year's own target
/// where the document gives one (「82.9% (R3指標: 80%)」).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearResult {
    pub fiscal_year: FiscalYear,
    pub actual: Option<Measure>,
    pub published_mark: Option<PublishedMark>,
    pub year_target: Option<Target>,
}

/// An indicator with its target and results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    pub kind: IndicatorKind,
    /// The circled or list number within its issue (①→1), if printed.
    pub number: Option<u32>,
    /// The wording as printed, without the target.
    pub wording: String,
    pub target: Option<TargetText>,
    /// The survey or statistic the value comes from (区民意識調査, 市民局「区政に関する区民アンケート」…).
    pub data_source: Option<String>,
    /// Survey sample sizes by year, where known.
    pub sample_sizes: Vec<(FiscalYear, u32)>,
    /// Results by year: at year end the policy's year, plus histories in older layouts.
    pub results: Vec<YearResult>,
    /// 「前年度実績」 as printed in the year-end table.
    pub previous_actual: Option<Measure>,
    /// Footnotes printed with the indicator (「※子育て世帯＝…」).
    pub notes: Vec<String>,
    pub target_change: Option<TargetChange>,
    /// 「プラン2.0」: the indicator is an item of the city reform plan.
    pub reform_plan: bool,
}

impl Indicator {
    pub fn new(kind: IndicatorKind, wording: &str) -> Indicator {
        Indicator {
            kind,
            number: None,
            wording: wording.to_string(),
            target: None,
            data_source: None,
            sample_sizes: Vec::new(),
            results: Vec::new(),
            previous_actual: None,
            notes: Vec::new(),
            target_change: None,
            reform_plan: false,
        }
    }

    /// The target as printed, without the wording before it: 「令和10年度末までに55％以上とする。」, 「48%以上」.
    pub fn printed_target(&self) -> &str {
        match &self.target {
            Some(TargetText::Parsed(target)) => {
                let rest = target.original.strip_prefix(self.wording.as_str()).unwrap_or(&target.original);
                rest.trim().trim_start_matches(['を', 'が', 'は', '：', ':', '、']).trim()
            }
            Some(TargetText::NotEvaluable { text, .. }) => text,
            None => "",
        }
    }

    pub fn result(&self, fiscal_year: FiscalYear) -> Option<&YearResult> {
        self.results.iter().find(|result| result.fiscal_year == fiscal_year)
    }

    /// Judges the indicator for `year` with `rule` when its target was read and the year has an actual (not
    /// 「－」), and hands the judgment to `with` (a judgment borrows the series it was judged on). `None` when
    /// there is nothing to judge.
    pub fn judge_year<R>(&self, year: FiscalYear, rule: Rule, with: impl FnOnce(&Judgment<'_>) -> R) -> Option<R> {
        let target = self.target.as_ref().and_then(TargetText::target)?;
        let actual = self.result(year).and_then(|result| result.actual.as_ref())?;
        if actual.is_no_value() {
            return None;
        }
        let series = self.observations(year);
        Some(with(&judge(target, &series, year, rule)))
    }

    /// The mark the default rule computes for a year, when the year has a value and the target reads.
    pub fn computed_mark(&self, year: FiscalYear) -> Option<crate::judgment::Mark> {
        self.judge_year(year, crate::judgment::Rule::default(), |judgment| judgment.mark()).flatten()
    }

    /// The series for judgment: every year with a value, plus the printed previous-year actual for
    /// `fiscal_year − 1` when no result of that year is recorded.
    pub fn observations(&self, fiscal_year: FiscalYear) -> Vec<Observation> {
        let mut series: Vec<Observation> = self
            .results
            .iter()
            .filter(|result| result.actual.as_ref().is_some_and(|actual| !actual.is_no_value()))
            .filter_map(|result| {
                Some(Observation {
                    fiscal_year: result.fiscal_year,
                    actual: result.actual.clone()?,
                    year_target: result.year_target.clone(),
                })
            })
            .collect();
        // A printed 「－」 says there was no value last year: it is not an observation.
        let previous = self.previous_actual.as_ref().filter(|previous| !previous.is_no_value());
        if let (Some(previous), Some(previous_year)) = (previous, fiscal_year.previous()) {
            if !series.iter().any(|observation| observation.fiscal_year == previous_year) {
                series.push(Observation { fiscal_year: previous_year, actual: previous.clone(), year_target: None });
            }
        }
        series
    }
}

/// An output activity of an initiative (主な取組): 「区民モニターアンケート調査の実施: 年2回」 with yearly actuals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub name: String,
    pub planned_level: Option<Measure>,
    pub actuals: Vec<(FiscalYear, Measure)>,
}

/// An opinion from the ward council or another hearing, as quoted in a document (〈参考〉区政会議等意見).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CouncilOpinion {
    pub text: String,
    /// 「区政会議」, 「ご意見箱」…, when the document says.
    pub source: Option<String>,
}

/// A concrete initiative (具体的取組 n-m-k) under a strategy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Initiative {
    /// 「5-1-1」
    pub id: String,
    pub title: String,
    /// 概要
    pub summary: Option<String>,
    pub budgets: Vec<Budget>,
    pub activities: Vec<Activity>,
    pub process_indicators: Vec<Indicator>,
    pub council_opinions: Vec<CouncilOpinion>,
    /// 中間振り返り, where the older format has one.
    pub mid_year_review: Option<String>,
}

/// A strategy of the older and ward-specific layouts (めざす成果及び戦略 n-m).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Strategy {
    /// 「5-1」
    pub id: String,
    pub title: String,
    /// めざす状態
    pub desired_state: Option<String>,
    /// 中期的な取組の方向性
    pub direction: Option<String>,
    pub outcome_indicators: Vec<Indicator>,
    /// 現状
    pub current_state: Vec<String>,
    /// 課題
    pub challenges: Vec<String>,
    pub initiatives: Vec<Initiative>,
    /// 単年度目標
    pub single_year_targets: Vec<Indicator>,
    /// 戦略の自己評価
    pub self_evaluation: Option<String>,
    /// 改善策
    pub improvement: Option<String>,
    pub mid_year_review: Option<String>,
}

/// A management issue (経営課題).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub id: IssueId,
    pub title: String,
    /// A lead paragraph under the title, where the layout has one.
    pub summary: Option<String>,
    pub budgets: Vec<Budget>,
    /// 課題認識
    pub problem_recognition: Vec<BulletGroup>,
    /// 主な戦略 (課題解決の方策)
    pub strategies: Vec<BulletGroup>,
    /// めざす状態
    pub desired_state: Option<String>,
    /// アウトカム指標 with their year-end results.
    pub indicators: Vec<Indicator>,
    /// Older layouts: めざす成果及び戦略 with initiatives.
    pub detailed_strategies: Vec<Strategy>,
    /// 自己評価 for this issue (the 【経営課題n】 block of the overall self-evaluation).
    pub self_evaluation: Option<String>,
    /// 今後の方針 for this issue.
    pub future_policy: Option<String>,
    pub sdg_goals: Vec<u8>,
}

impl Issue {
    pub fn new(id: IssueId, title: &str) -> Issue {
        Issue {
            id,
            title: title.to_string(),
            summary: None,
            budgets: Vec::new(),
            problem_recognition: Vec::new(),
            strategies: Vec::new(),
            desired_state: None,
            indicators: Vec::new(),
            detailed_strategies: Vec::new(),
            self_evaluation: None,
            future_policy: None,
            sdg_goals: Vec::new(),
        }
    }
}

/// An item of the city reform plan (市政改革プラン2.0 区政編): 取組項目 / 概要 / 今年度目標.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReformPlanItem {
    pub number: Option<u32>,
    pub title: String,
    pub summary: Vec<String>,
    pub targets: Vec<Indicator>,
}

/// A dated note in the body (「運営方針の進捗管理を実施しました…(令和7年7月4日)」, a revision note).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DatedNote {
    pub text: String,
    /// The date as (year, month, day), when it could be read.
    pub date: Option<(i32, u32, u32)>,
    /// The stage the note shows the document reached.
    pub stage: Option<Stage>,
}

/// One organization's operating policy for one fiscal year: who and when, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub organization: Organization,
    pub fiscal_year: FiscalYear,
    /// The latest stage the document shows.
    pub stage: Stage,
    pub content: PolicyContent,
}

impl Policy {
    pub fn new(organization: Organization, fiscal_year: FiscalYear, stage: Stage) -> Policy {
        Policy { organization, fiscal_year, stage, content: PolicyContent::default() }
    }
}

/// Everything a policy says, apart from whose it is and which year: what an editor edits and an importer
/// reads. An importer may read the content of a document whose organization or year it cannot tell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyContent {
    /// 所属長 (the ward mayor).
    pub head: Option<String>,
    pub title: Option<String>,
    /// 目標
    pub goal: Option<String>,
    /// 使命
    pub mission: Vec<String>,
    /// 所属運営の基本的な考え方
    pub approach: Vec<String>,
    pub issues: Vec<Issue>,
    /// 自己評価 (運営方針全体の定性評価) text that belongs to no single issue.
    pub self_evaluation: Option<String>,
    /// 今後の方針 text that belongs to no single issue.
    pub future_policy: Option<String>,
    pub reform_plan_items: Vec<ReformPlanItem>,
    pub sdg_goals: Vec<u8>,
    pub notes: Vec<DatedNote>,
}

impl PolicyContent {
    /// Every indicator with the issue it belongs to: outcome indicators of issues, of strategies,
    /// single-year targets, process indicators of initiatives, and reform-plan targets (issue `None`).
    pub fn indicators(&self) -> Vec<(Option<IssueId>, &Indicator)> {
        let mut all = Vec::new();
        for issue in &self.issues {
            all.extend(issue.indicators.iter().map(|indicator| (Some(issue.id), indicator)));
            for strategy in &issue.detailed_strategies {
                all.extend(strategy.outcome_indicators.iter().map(|indicator| (Some(issue.id), indicator)));
                all.extend(strategy.single_year_targets.iter().map(|indicator| (Some(issue.id), indicator)));
                for initiative in &strategy.initiatives {
                    all.extend(initiative.process_indicators.iter().map(|indicator| (Some(issue.id), indicator)));
                }
            }
        }
        for item in &self.reform_plan_items {
            all.extend(item.targets.iter().map(|indicator| (None, indicator)));
        }
        all
    }

    /// Makes every list field (mission, approach, bullets, notes, current state, challenges, reform-plan
    /// summaries) one entry per line, trimmed and without empty entries, as the editor keeps them. A web page
    /// can hold several paragraphs in one cell; each becomes an entry of its own.
    pub fn split_list_lines(&mut self) {
        fn split(list: &mut Vec<String>) {
            if list.iter().any(|entry| entry.contains(['\n', '\r']) || entry.trim() != entry || entry.is_empty()) {
                *list = list
                    .iter()
                    .flat_map(|entry| entry.lines())
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_string)
                    .collect();
            }
        }
        fn indicators(list: &mut [Indicator]) {
            for indicator in list {
                split(&mut indicator.notes);
            }
        }
        split(&mut self.mission);
        split(&mut self.approach);
        for issue in &mut self.issues {
            for group in issue.problem_recognition.iter_mut().chain(&mut issue.strategies) {
                split(&mut group.bullets);
            }
            indicators(&mut issue.indicators);
            for strategy in &mut issue.detailed_strategies {
                split(&mut strategy.current_state);
                split(&mut strategy.challenges);
                indicators(&mut strategy.outcome_indicators);
                indicators(&mut strategy.single_year_targets);
                for initiative in &mut strategy.initiatives {
                    indicators(&mut initiative.process_indicators);
                }
            }
        }
        for item in &mut self.reform_plan_items {
            split(&mut item.summary);
            indicators(&mut item.targets);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_entries_are_one_line_each() {
        let mut content = PolicyContent {
            mission: vec!["一\n二".into(), "  三 ".into(), String::new()],
            approach: vec!["そのまま".into()],
            ..Default::default()
        };
        let mut item = ReformPlanItem {
            number: None,
            title: "改革".into(),
            summary: vec!["・a\r\n・b".into()],
            targets: Vec::new(),
        };
        let mut indicator = Indicator::new(IndicatorKind::Process, "指標");
        indicator.notes = vec!["※1\n※2".into()];
        item.targets.push(indicator);
        content.reform_plan_items.push(item);
        content.split_list_lines();
        assert_eq!(content.mission, ["一", "二", "三"]);
        assert_eq!(content.approach, ["そのまま"]);
        assert_eq!(content.reform_plan_items[0].summary, ["・a", "・b"]);
        assert_eq!(content.reform_plan_items[0].targets[0].notes, ["※1", "※2"]);
    }

    #[test]
    fn issue_ids() {
        assert_eq!(IssueId::parse("1"), Some(IssueId::Single(1)));
        assert_eq!(IssueId::parse("１"), Some(IssueId::Single(1)));
        assert_eq!(IssueId::parse("1-(1)"), Some(IssueId::TwoLevel(1, 1)));
        assert_eq!(IssueId::parse("3-（1）"), Some(IssueId::TwoLevel(3, 1)));
        assert_eq!(IssueId::parse("2-1"), Some(IssueId::TwoLevel(2, 1)));
        assert_eq!(IssueId::parse("x"), None);
        assert_eq!(IssueId::TwoLevel(1, 2).to_string(), "1-(2)");
        assert_eq!(IssueId::Single(4).to_string(), "4");
    }

    #[test]
    fn stages() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(stage.code()), Some(stage));
            assert_eq!(Stage::from_label_ja(stage.label(Lang::Ja)), Some(stage));
        }
        assert_eq!(Stage::from_label_ja("（素案）"), Some(Stage::FirstDraft));
        assert_eq!(Stage::from_label_ja("(案)"), Some(Stage::Draft));
        assert!(Stage::FirstDraft < Stage::YearEnd);
    }

    #[test]
    fn an_indicator_is_judged_for_a_year_with_a_target_and_an_actual() {
        let year = FiscalYear::new(2024).unwrap();
        let target = crate::parse_target("55%以上", crate::ParseContext::for_year(year)).unwrap();
        let mut indicator = Indicator::new(IndicatorKind::Outcome, "割合");
        let judged = |indicator: &Indicator| indicator.judge_year(year, Rule::Threshold, |judgment| judgment.mark());
        assert_eq!(judged(&indicator), None, "no target");
        indicator.target = Some(TargetText::Parsed(target));
        assert_eq!(judged(&indicator), None, "no actual");
        let result = |actual: &str| YearResult {
            fiscal_year: year,
            actual: Some(crate::parse_measure(actual).unwrap()),
            published_mark: None,
            year_target: None,
        };
        indicator.results = vec![result("－")];
        assert_eq!(judged(&indicator), None, "「－」 is no actual");
        indicator.results = vec![result("56%")];
        assert_eq!(judged(&indicator), Some(Some(Mark::Achieved)));
        indicator.results = vec![result("43.9%")];
        assert_eq!(judged(&indicator), Some(Some(Mark::NotAchieved)));
    }

    #[test]
    fn organizations() {
        assert_eq!(Organization::new("住吉区", Some("大阪市")).kind, OrganizationKind::Ward);
        assert_eq!(Organization::new("市民局", Some("大阪市")).kind, OrganizationKind::Bureau);
    }
}
