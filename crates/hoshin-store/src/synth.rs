//! A synthetic data set shaped like the real documents, for scale tests and benchmarks (`hoshin gen`):
//! policies of many organizations over many years, with issues, budgets, bullets and outcome indicators whose
//! targets and actuals look like the samples' (survey percentages around 30–70 %, counts in the hundreds),
//! the city's common indicators in every organization, wording that drifts a little between years, and
//! published marks that now and then differ from the computed ones.
//!
//! Pure and deterministic: the same arguments give the same policies. Organizations live in cities named
//! 「試験市NNNN」 so that they never mix with real ones.

use hoshin_core::{
    judge, parse_measure, parse_target, Budget, BudgetKind, BulletGroup, Era, FiscalYear, Indicator, IndicatorKind,
    Issue, IssueId, Mark, Money, Organization, ParseContext, PolicyContent, PublishedMark, Rule, Stage, TargetText,
    YearResult, COMMON_INDICATORS,
};

use crate::{NewImport, PolicyKey, Source};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub organizations: usize,
    pub years: usize,
    /// The last fiscal year; the first is `years − 1` before it.
    pub last_year: i32,
    pub seed: u64,
}

impl Spec {
    pub fn new(organizations: usize, years: usize) -> Spec {
        Spec { organizations, years, last_year: 2024, seed: 1 }
    }

    pub fn first_year(&self) -> i32 {
        self.last_year + 1 - i32::try_from(self.years).unwrap_or(i32::MAX)
    }
}

const WARDS: [&str; 24] = [
    "北",
    "都島",
    "福島",
    "此花",
    "中央",
    "西",
    "港",
    "大正",
    "天王寺",
    "浪速",
    "西淀川",
    "淀川",
    "東淀川",
    "東成",
    "生野",
    "旭",
    "城東",
    "鶴見",
    "阿倍野",
    "住之江",
    "住吉",
    "東住吉",
    "平野",
    "西成",
];

/// The `index`th organization: 24 wards to a city.
pub fn organization(index: usize) -> Organization {
    Organization::new(
        &format!("{}区", WARDS[index % WARDS.len()]),
        Some(&format!("試験市{:04}", index / WARDS.len() + 1)),
    )
}

/// A theme of an issue: its title, bullets and two indicators (wording, unit, higher is better).
struct Theme {
    title: &'static str,
    problem: &'static str,
    strategy: &'static str,
    indicators: [(&'static str, Unit); 2],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Percent,
    People,
    Times,
    /// A count to bring down (件, 以下).
    Incidents,
}

const THEMES: &[Theme] = &[
    Theme {
        title: "防災・減災の取組の推進",
        problem: "大規模災害に備え、自助・共助の意識を高める必要がある。",
        strategy: "地域の防災訓練を支援し、避難所運営の担い手を育成する。",
        indicators: [
            ("防災訓練に参加したことがある区民の割合", Unit::Percent),
            ("避難所開設訓練の参加者数", Unit::People),
        ],
    },
    Theme {
        title: "子育て支援の充実",
        problem: "子育て世帯の孤立を防ぎ、身近な相談先を増やす必要がある。",
        strategy: "子育てサロンと相談窓口の周知を進め、地域の見守りと連携する。",
        indicators: [("子育て支援に満足している保護者の割合", Unit::Percent), ("子育てサロンの開催回数", Unit::Times)],
    },
    Theme {
        title: "地域福祉の推進",
        problem: "高齢化が進み、見守りが必要な世帯が増えている。",
        strategy: "地域の見守り活動を支援し、関係機関のネットワークを強化する。",
        indicators: [
            ("地域の見守り活動が行われていると感じる区民の割合", Unit::Percent),
            ("見守り活動の参加者数", Unit::People),
        ],
    },
    Theme {
        title: "健康づくりの推進",
        problem: "特定健診の受診率が市の平均を下回っている。",
        strategy: "健診の受診勧奨と健康講座を地域と協働して実施する。",
        indicators: [("健康づくりに取り組んでいる区民の割合", Unit::Percent), ("健康講座の開催回数", Unit::Times)],
    },
    Theme {
        title: "安全・安心なまちづくり",
        problem: "街頭犯罪の発生件数は減少しているが、自転車盗が多い。",
        strategy: "防犯パトロールと啓発活動を地域・警察と連携して進める。",
        indicators: [("区内の街頭犯罪発生件数", Unit::Incidents), ("防犯パトロールの実施回数", Unit::Times)],
    },
    Theme {
        title: "教育の充実",
        problem: "学力の向上と学習習慣の定着が課題である。",
        strategy: "学校と地域が連携した学習支援の場を広げる。",
        indicators: [
            ("学習支援事業に満足している保護者の割合", Unit::Percent),
            ("学習支援事業の参加者数", Unit::People),
        ],
    },
    Theme {
        title: "環境にやさしいまちづくり",
        problem: "ごみの分別が徹底されていない地域がある。",
        strategy: "分別ルールの啓発と地域清掃活動を支援する。",
        indicators: [
            ("ごみの分別ルールを守っている区民の割合", Unit::Percent),
            ("地域清掃活動の参加者数", Unit::People),
        ],
    },
];

/// A small deterministic generator (SplitMix64).
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in [−1, 1).
    fn unit(&mut self) -> f64 {
        (self.below(2_000_001) as f64 / 1_000_000.0) - 1.0
    }
}

fn mix(parts: &[u64]) -> u64 {
    let mut random =
        Random::new(parts.iter().fold(0xCBF2_9CE4_8422_2325, |acc, part| (acc ^ part).wrapping_mul(0x100_0000_01B3)));
    random.next()
}

fn era_year_label(year: FiscalYear) -> String {
    match year.era_year() {
        Some((era, 1)) => format!("{}元年度", era.name_ja()),
        Some((era, n)) => format!("{}{n}年度", era.name_ja()),
        None => format!("{}年度", year.start_year()),
    }
}

/// An issue to write: title, problem, strategy and its indicators (wording, unit).
type Block = (String, String, String, Vec<(&'static str, Unit)>);

/// One indicator's plan: its wording per year, base value, trend and target.
struct Plan {
    wording: &'static str,
    unit: Unit,
    base: f64,
    trend: f64,
    /// 0: a single-year threshold, 1: a deadline target, 2: improve on last year.
    form: u64,
}

impl Plan {
    fn new(wording: &'static str, unit: Unit, random: &mut Random) -> Plan {
        let base = match unit {
            Unit::Percent => 30.0 + random.below(40) as f64 + random.unit(),
            Unit::People => 100.0 + random.below(1900) as f64,
            Unit::Times => 4.0 + random.below(40) as f64,
            Unit::Incidents => 300.0 + random.below(900) as f64,
        };
        let trend = match unit {
            Unit::Percent => random.unit() * 1.2 + 0.3,
            Unit::People | Unit::Times => random.unit() * 0.04 + 0.01,
            Unit::Incidents => random.unit() * 0.04 - 0.02,
        };
        Plan { wording, unit, base, trend, form: random.below(3) }
    }

    fn value(&self, offset: i32, noise: f64) -> f64 {
        let t = f64::from(offset);
        match self.unit {
            Unit::Percent => (self.base + self.trend * t + noise * 3.0).clamp(1.0, 99.0),
            _ => (self.base * (1.0 + self.trend).powf(t) * (1.0 + noise * 0.05)).max(1.0),
        }
    }

    fn printed(&self, value: f64) -> String {
        match self.unit {
            Unit::Percent => format!("{value:.1}%"),
            Unit::People => format!("{}人", value.round()),
            Unit::Times => format!("{}回", value.round()),
            Unit::Incidents => format!("{}件", value.round()),
        }
    }

    fn target(&self, year: FiscalYear, offset: i32) -> String {
        let goal = self.value(offset + 2, 0.0);
        let (comparator, goal) = match self.unit {
            Unit::Incidents => ("以下", goal),
            _ => ("以上", goal),
        };
        let amount = match self.unit {
            Unit::Percent => format!("{}%", goal.round()),
            Unit::People => format!("{}人", (goal / 10.0).round() * 10.0),
            Unit::Times => format!("{}回", goal.round()),
            Unit::Incidents => format!("{}件", (goal / 10.0).round() * 10.0),
        };
        match self.form {
            1 => {
                let deadline = year.offset(3 - (offset.rem_euclid(3))).unwrap_or(year);
                format!("{}末までに{amount}{comparator}", era_year_label(deadline))
            }
            2 if self.unit != Unit::Incidents => "前年度実績以上".to_string(),
            _ => format!("{amount}{comparator}"),
        }
    }
}

/// The policies of one fiscal year, one per organization, in organization order.
pub fn year(spec: &Spec, fiscal_year: FiscalYear) -> Vec<NewImport> {
    (0..spec.organizations).map(|index| policy(spec, index, fiscal_year)).collect()
}

/// The policy of organization `index` for `fiscal_year`.
pub fn policy(spec: &Spec, index: usize, fiscal_year: FiscalYear) -> NewImport {
    let organization = organization(index);
    let offset = fiscal_year.start_year() - spec.first_year();
    // What stays the same across years: the organization's themes and its indicators' plans.
    let mut stable = Random::new(mix(&[spec.seed, index as u64]));
    let mut yearly = Random::new(mix(&[spec.seed, index as u64, fiscal_year.start_year() as u64]));
    let context = ParseContext::for_year(fiscal_year);
    let era = Era::of(fiscal_year);
    let last = spec.last_year;
    let stage = if fiscal_year.start_year() == last { Stage::Final } else { Stage::YearEnd };

    let mut themes: Vec<usize> = (0..THEMES.len()).collect();
    for i in (1..themes.len()).rev() {
        themes.swap(i, stable.below(i as u64 + 1) as usize);
    }
    let theme_count = 2 + (index % 3);
    let mut issues = Vec::new();
    let community: Vec<(&'static str, Unit)> =
        COMMON_INDICATORS[..2].iter().map(|common| (common.wording, Unit::Percent)).collect();
    let administration: Vec<(&'static str, Unit)> =
        COMMON_INDICATORS[2..].iter().map(|common| (common.wording, Unit::Percent)).collect();
    let mut blocks: Vec<Block> = vec![(
        "地域コミュニティの活性化".into(),
        "地域活動の担い手が高齢化し、新たな参加者が少ない。".into(),
        "地域活動協議会の活動を支援し、若い世代の参加を促す。".into(),
        community,
    )];
    for theme in &themes[..theme_count] {
        let theme = &THEMES[*theme];
        blocks.push((theme.title.into(), theme.problem.into(), theme.strategy.into(), theme.indicators.to_vec()));
    }
    blocks.push((
        "区民の意見を反映した区政運営".into(),
        "区民の意見やニーズを把握し、区政に反映する仕組みを充実させる必要がある。".into(),
        "区政会議や区民アンケートで意見を聴き、結果をわかりやすく伝える。".into(),
        administration,
    ));
    for (number, (title, problem, strategy, indicator_specs)) in blocks.into_iter().enumerate() {
        let issue_number = u32::try_from(number + 1).unwrap_or(u32::MAX);
        let mut issue = Issue::new(IssueId::Single(issue_number), &title);
        let budget = 5_000_000 + stable.below(80) as i64 * 1_000_000;
        for (back, kind) in [(2, BudgetKind::Settled), (1, BudgetKind::Planned), (0, BudgetKind::Planned)] {
            if let Some(year) = fiscal_year.offset(-back) {
                let drift = 1.0 + yearly.unit() * 0.1;
                let yen = ((budget as f64 * drift) / 1_000_000.0).round() as i64 * 1_000_000;
                issue.budgets.push(Budget { fiscal_year: year, kind, amount: Money::from_yen(yen) });
            }
        }
        issue.problem_recognition.push(BulletGroup { heading: None, bullets: vec![problem], indicator_links: vec![] });
        let links: Vec<u32> = (1..=u32::try_from(indicator_specs.len()).unwrap_or(0)).collect();
        issue.strategies.push(BulletGroup { heading: None, bullets: vec![strategy], indicator_links: links });
        issue.desired_state = Some(format!("{title}により、区民が安心して暮らしている。"));
        for (position, (wording, unit)) in indicator_specs.into_iter().enumerate() {
            let plan = Plan::new(wording, unit, &mut stable);
            let mut indicator = Indicator::new(IndicatorKind::Outcome, &drifted(plan.wording, offset, &mut stable));
            indicator.number = Some(u32::try_from(position + 1).unwrap_or(u32::MAX));
            indicator.data_source = (unit == Unit::Percent).then(|| "区民アンケート".to_string());
            let target_text = plan.target(fiscal_year, offset);
            indicator.target = Some(match parse_target(&target_text, context) {
                Ok(target) => TargetText::Parsed(target),
                Err(reason) => TargetText::NotEvaluable { text: target_text, reason },
            });
            if stage == Stage::YearEnd {
                let actual = parse_measure(&plan.printed(plan.value(offset, yearly.unit()))).ok();
                let previous = (offset > 0)
                    .then(|| parse_measure(&plan.printed(plan.value(offset - 1, yearly.unit()))).ok())
                    .flatten();
                indicator.previous_actual = previous;
                indicator.results.push(YearResult { fiscal_year, actual, published_mark: None, year_target: None });
                let computed = indicator.target.as_ref().and_then(TargetText::target).and_then(|target| {
                    judge(target, &indicator.observations(fiscal_year), fiscal_year, Rule::default()).mark()
                });
                // Now and then the ward marks differently from the rule (DOMAIN.md: mismatches are real).
                let published = computed.map(|mark| match (mark, yearly.below(25)) {
                    (Mark::Achieved, 0) => Mark::NotAchieved,
                    (Mark::NotAchieved, 0) => Mark::Achieved,
                    (mark, _) => mark,
                });
                if let (Some(result), Some(mark)) = (indicator.results.last_mut(), published) {
                    result.published_mark = Some(PublishedMark {
                        mark,
                        original: mark.letter().to_string(),
                        shared_with: vec![],
                        reason: None,
                    });
                }
            }
            issue.indicators.push(indicator);
        }
        if stage == Stage::YearEnd {
            issue.self_evaluation = Some(format!("{title}に向けた取組は概ね順調に進んだ。"));
            issue.future_policy = Some("引き続き地域と連携して取組を進める。".into());
        }
        issues.push(issue);
    }
    let content = PolicyContent {
        title: Some(format!("{} {} 運営方針", era_year_label(fiscal_year), organization.name)),
        head: Some(format!("{}長 試験 太郎", organization.name)),
        goal: Some(format!("{}に住むすべての人が安心して暮らし続けられるまち", organization.name)),
        mission: vec!["区民の声を聴き、地域とともに課題を解決する。".into()],
        approach: vec!["限られた予算と人員で成果を高めるため、重点化を進める。".into()],
        issues,
        ..Default::default()
    };
    let key = PolicyKey { organization, fiscal_year };
    let hash = format!(
        "{:016x}{:016x}",
        mix(&[spec.seed, index as u64, fiscal_year.start_year() as u64, 1]),
        mix(&[spec.seed, index as u64, 2])
    );
    NewImport {
        source: Source::Import {
            file_name: format!(
                "gen/{}/{}/{}.txt",
                key.organization.city.as_deref().unwrap_or(""),
                key.organization.name,
                fiscal_year.start_year()
            ),
            sha256: format!("{hash}{hash}"),
        },
        key,
        stage,
        content,
        era,
        author: "hoshin gen".into(),
    }
}

/// Wording drifts now and then between years, as real documents do (「…区民の割合」 → 「…区民アンケート回答者の割合」).
fn drifted(wording: &'static str, offset: i32, random: &mut Random) -> String {
    let drift_from = 3 + random.below(8) as i32;
    if offset >= drift_from && wording.ends_with("区民の割合") {
        wording.replace("区民の割合", "区民アンケート回答者の割合")
    } else {
        wording.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped_like_the_samples() {
        let spec = Spec::new(30, 5);
        let fy = FiscalYear::new(2022).unwrap();
        let a = policy(&spec, 7, fy);
        let b = policy(&spec, 7, fy);
        assert_eq!(a.content, b.content);
        assert_eq!(a.key.organization.city.as_deref(), Some("試験市0001"));
        let indicators = a.content.indicators();
        assert!((8..=12).contains(&indicators.len()), "{}", indicators.len());
        // Every generated target reads, and year-end policies carry actuals and published marks.
        assert!(indicators.iter().all(|(_, i)| i.target.as_ref().and_then(TargetText::target).is_some()));
        assert_eq!(a.stage, Stage::YearEnd);
        assert!(indicators.iter().all(|(_, i)| i.results.first().is_some_and(|r| r.published_mark.is_some())));
        // The common indicators are there in every organization.
        let common = indicators.iter().filter(|(_, i)| hoshin_core::common_indicator(&i.wording).is_some()).count();
        assert!(common >= 6, "{common}");
        let last = policy(&spec, 7, FiscalYear::new(2024).unwrap());
        assert_eq!(last.stage, Stage::Final);
        assert_ne!(policy(&spec, 8, fy).key, a.key);
    }

    #[test]
    fn values_look_like_survey_percentages() {
        let spec = Spec::new(100, 3);
        let fy = FiscalYear::new(2023).unwrap();
        let mut values = Vec::new();
        for index in 0..100 {
            for (_, indicator) in policy(&spec, index, fy).content.indicators() {
                if let Some(quantity) = indicator.results[0].actual.as_ref().and_then(|actual| actual.quantity()) {
                    if quantity.unit.symbol() == "%" {
                        values.push(quantity.value.numerator() as f64 / quantity.value.denominator() as f64);
                    }
                }
            }
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!(values.iter().all(|v| (1.0..=99.0).contains(v)));
        assert!((40.0..60.0).contains(&mean), "{mean}");
    }
}
