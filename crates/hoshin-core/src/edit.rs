//! Editing a policy item by item. Every item of the model — the policy's own fields, an issue, a bullet
//! group, an indicator, a strategy, an initiative, an activity, a council opinion, a reform-plan item, a dated
//! note — has an [`ItemPath`] (`issues/2/indicators/1`, 1-based like the policy page's anchors), a list of
//! [`Field`]s that an editor's form shows, and [`Item::apply`] that reads a submitted form back: every field
//! is parsed (money, targets, measures, fiscal years), and when any field is wrong nothing changes and each
//! error names its field. Items are added, removed and moved within their collection.
//!
//! Pure functions over [`PolicyContent`]; the web layer turns forms into [`FormValues`] and stores the result.

use std::collections::BTreeMap;
use std::fmt;

use crate::era::{parse_fiscal_year, Era, FiscalYear};
use crate::judgment::Mark;
use crate::model::{
    Activity, Budget, BudgetKind, BulletGroup, CouncilOpinion, DatedNote, Indicator, IndicatorKind, Initiative, Issue,
    IssueId, PolicyContent, PublishedMark, ReformPlanItem, Stage, Strategy, TargetText, YearResult,
};
use crate::money::{format_yen, parse_money, MoneyError};
use crate::quantity::{parse_measure, Measure, QuantityError};
use crate::target::{parse_target, ParseContext, Target, TargetChange, TargetError};
use crate::text::circled_number;
use crate::Lang;

/// A collection of items inside an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Collection {
    Issues,
    ReformPlanItems,
    Notes,
    ProblemRecognition,
    Strategies,
    Indicators,
    DetailedStrategies,
    OutcomeIndicators,
    Initiatives,
    SingleYearTargets,
    Activities,
    ProcessIndicators,
    CouncilOpinions,
    ReformTargets,
}

/// What kind of item a path leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Policy,
    Issue,
    BulletGroup,
    Indicator,
    Strategy,
    Initiative,
    Activity,
    CouncilOpinion,
    ReformPlanItem,
    Note,
}

impl Collection {
    pub const ALL: [Collection; 14] = [
        Collection::Issues,
        Collection::ReformPlanItems,
        Collection::Notes,
        Collection::ProblemRecognition,
        Collection::Strategies,
        Collection::Indicators,
        Collection::DetailedStrategies,
        Collection::OutcomeIndicators,
        Collection::Initiatives,
        Collection::SingleYearTargets,
        Collection::Activities,
        Collection::ProcessIndicators,
        Collection::CouncilOpinions,
        Collection::ReformTargets,
    ];

    /// The name in paths: the same names the search index and the policy page's anchors use.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Issues => "issues",
            Collection::ReformPlanItems => "reform_plan",
            Collection::Notes => "notes",
            Collection::ProblemRecognition => "problem_recognition",
            Collection::Strategies => "strategies",
            Collection::Indicators => "indicators",
            Collection::DetailedStrategies => "detailed_strategies",
            Collection::OutcomeIndicators => "outcome_indicators",
            Collection::Initiatives => "initiatives",
            Collection::SingleYearTargets => "single_year_targets",
            Collection::Activities => "activities",
            Collection::ProcessIndicators => "process_indicators",
            Collection::CouncilOpinions => "council_opinions",
            Collection::ReformTargets => "targets",
        }
    }

    pub fn from_name(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|collection| collection.name() == name)
    }

    /// The kind of item that holds the collection.
    pub fn parent_kind(self) -> ItemKind {
        match self {
            Collection::Issues | Collection::ReformPlanItems | Collection::Notes => ItemKind::Policy,
            Collection::ProblemRecognition
            | Collection::Strategies
            | Collection::Indicators
            | Collection::DetailedStrategies => ItemKind::Issue,
            Collection::OutcomeIndicators | Collection::Initiatives | Collection::SingleYearTargets => {
                ItemKind::Strategy
            }
            Collection::Activities | Collection::ProcessIndicators | Collection::CouncilOpinions => {
                ItemKind::Initiative
            }
            Collection::ReformTargets => ItemKind::ReformPlanItem,
        }
    }

    /// The kind of the items in the collection.
    pub fn item_kind(self) -> ItemKind {
        match self {
            Collection::Issues => ItemKind::Issue,
            Collection::ReformPlanItems => ItemKind::ReformPlanItem,
            Collection::Notes => ItemKind::Note,
            Collection::ProblemRecognition | Collection::Strategies => ItemKind::BulletGroup,
            Collection::Indicators
            | Collection::OutcomeIndicators
            | Collection::SingleYearTargets
            | Collection::ProcessIndicators
            | Collection::ReformTargets => ItemKind::Indicator,
            Collection::DetailedStrategies => ItemKind::Strategy,
            Collection::Initiatives => ItemKind::Initiative,
            Collection::Activities => ItemKind::Activity,
            Collection::CouncilOpinions => ItemKind::CouncilOpinion,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Collection::Issues, Lang::Ja) => "経営課題",
            (Collection::ReformPlanItems, Lang::Ja) => "市政改革プランの取組",
            (Collection::Notes, Lang::Ja) => "経過の記載",
            (Collection::ProblemRecognition, Lang::Ja) => "課題認識",
            (Collection::Strategies, Lang::Ja) => "主な戦略",
            (Collection::Indicators, Lang::Ja) => "アウトカム指標",
            (Collection::DetailedStrategies, Lang::Ja) => "めざす成果及び戦略",
            (Collection::OutcomeIndicators, Lang::Ja) => "戦略のアウトカム指標",
            (Collection::Initiatives, Lang::Ja) => "具体的取組",
            (Collection::SingleYearTargets, Lang::Ja) => "単年度目標",
            (Collection::Activities, Lang::Ja) => "主な取組",
            (Collection::ProcessIndicators, Lang::Ja) => "プロセス指標",
            (Collection::CouncilOpinions, Lang::Ja) => "区政会議等意見",
            (Collection::ReformTargets, Lang::Ja) => "今年度目標",
            (Collection::Issues, Lang::En) => "management issues",
            (Collection::ReformPlanItems, Lang::En) => "reform-plan items",
            (Collection::Notes, Lang::En) => "dated notes",
            (Collection::ProblemRecognition, Lang::En) => "problem recognition",
            (Collection::Strategies, Lang::En) => "main strategies",
            (Collection::Indicators, Lang::En) => "outcome indicators",
            (Collection::DetailedStrategies, Lang::En) => "strategies (detailed layout)",
            (Collection::OutcomeIndicators, Lang::En) => "outcome indicators of the strategy",
            (Collection::Initiatives, Lang::En) => "initiatives",
            (Collection::SingleYearTargets, Lang::En) => "single-year targets",
            (Collection::Activities, Lang::En) => "activities",
            (Collection::ProcessIndicators, Lang::En) => "process indicators",
            (Collection::CouncilOpinions, Lang::En) => "council opinions",
            (Collection::ReformTargets, Lang::En) => "this year's targets",
        }
    }
}

impl ItemKind {
    /// The collections an item of this kind holds, in document order.
    pub fn collections(self) -> &'static [Collection] {
        match self {
            ItemKind::Policy => &[Collection::Issues, Collection::ReformPlanItems, Collection::Notes],
            ItemKind::Issue => &[
                Collection::ProblemRecognition,
                Collection::Strategies,
                Collection::Indicators,
                Collection::DetailedStrategies,
            ],
            ItemKind::Strategy => {
                &[Collection::OutcomeIndicators, Collection::Initiatives, Collection::SingleYearTargets]
            }
            ItemKind::Initiative => {
                &[Collection::Activities, Collection::ProcessIndicators, Collection::CouncilOpinions]
            }
            ItemKind::ReformPlanItem => &[Collection::ReformTargets],
            ItemKind::BulletGroup
            | ItemKind::Indicator
            | ItemKind::Activity
            | ItemKind::CouncilOpinion
            | ItemKind::Note => &[],
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ItemKind::Policy, Lang::Ja) => "運営方針全体",
            (ItemKind::Issue, Lang::Ja) => "経営課題",
            (ItemKind::BulletGroup, Lang::Ja) => "項目のまとまり",
            (ItemKind::Indicator, Lang::Ja) => "指標",
            (ItemKind::Strategy, Lang::Ja) => "戦略",
            (ItemKind::Initiative, Lang::Ja) => "具体的取組",
            (ItemKind::Activity, Lang::Ja) => "主な取組",
            (ItemKind::CouncilOpinion, Lang::Ja) => "区政会議等意見",
            (ItemKind::ReformPlanItem, Lang::Ja) => "市政改革プランの取組",
            (ItemKind::Note, Lang::Ja) => "経過の記載",
            (ItemKind::Policy, Lang::En) => "the whole policy",
            (ItemKind::Issue, Lang::En) => "management issue",
            (ItemKind::BulletGroup, Lang::En) => "bullet group",
            (ItemKind::Indicator, Lang::En) => "indicator",
            (ItemKind::Strategy, Lang::En) => "strategy",
            (ItemKind::Initiative, Lang::En) => "initiative",
            (ItemKind::Activity, Lang::En) => "activity",
            (ItemKind::CouncilOpinion, Lang::En) => "council opinion",
            (ItemKind::ReformPlanItem, Lang::En) => "reform-plan item",
            (ItemKind::Note, Lang::En) => "dated note",
        }
    }
}

/// Where an item is: a list of (collection, index) steps from the policy. Written 1-based
/// (`issues/2/indicators/1`); the policy itself is the empty path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ItemPath {
    steps: Vec<(Collection, usize)>,
}

impl ItemPath {
    pub fn root() -> ItemPath {
        ItemPath::default()
    }

    /// Reads `issues/2/indicators/1`; `None` when a name is unknown, an index is not a positive number or a
    /// collection does not belong to the item before it.
    pub fn parse(text: &str) -> Option<ItemPath> {
        let text = text.trim().trim_matches('/');
        let mut path = ItemPath::root();
        if text.is_empty() {
            return Some(path);
        }
        let parts: Vec<&str> = text.split('/').collect();
        if parts.len() % 2 != 0 {
            return None;
        }
        for pair in parts.chunks(2) {
            let collection = Collection::from_name(pair[0])?;
            let position: usize = pair[1].parse().ok()?;
            if position == 0 || collection.parent_kind() != path.kind() {
                return None;
            }
            path.steps.push((collection, position - 1));
        }
        Some(path)
    }

    pub fn child(&self, collection: Collection, index: usize) -> ItemPath {
        let mut steps = self.steps.clone();
        steps.push((collection, index));
        ItemPath { steps }
    }

    /// The parent's path, the collection and the 0-based index of this item in it; `None` for the policy.
    pub fn split_last(&self) -> Option<(ItemPath, Collection, usize)> {
        let (&(collection, index), rest) = self.steps.split_last()?;
        Some((ItemPath { steps: rest.to_vec() }, collection, index))
    }

    pub fn kind(&self) -> ItemKind {
        self.steps.last().map_or(ItemKind::Policy, |(collection, _)| collection.item_kind())
    }

    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn depth(&self) -> usize {
        self.steps.len()
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &ItemPath) -> bool {
        self.steps.starts_with(&other.steps)
    }
}

impl fmt::Display for ItemPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (collection, index)) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{}/{}", collection.name(), index + 1)?;
        }
        Ok(())
    }
}

/// One item, owned: what an editor edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Policy(PolicyContent),
    Issue(Issue),
    BulletGroup(BulletGroup),
    Indicator(Indicator),
    Strategy(Strategy),
    Initiative(Initiative),
    Activity(Activity),
    CouncilOpinion(CouncilOpinion),
    ReformPlanItem(ReformPlanItem),
    Note(DatedNote),
}

/// Why a structural edit could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the policy has no item {0}")]
    NoSuchItem(String),
    #[error("{0} cannot be moved further")]
    CannotMove(String),
    #[error("the policy itself cannot be removed or moved")]
    Root,
}

/// The context forms are read in: the policy's fiscal year and the era of its era-less years.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditContext {
    pub fiscal_year: FiscalYear,
    pub era: Option<Era>,
    /// Restoring a policy from its own export: what was published is taken as it was, so a required field
    /// may be empty and a published mark that differs from the computed one needs no reason.
    pub restoring: bool,
}

impl EditContext {
    pub fn new(fiscal_year: FiscalYear) -> EditContext {
        EditContext { fiscal_year, era: Era::of(fiscal_year), restoring: false }
    }

    fn parse(self) -> ParseContext {
        ParseContext { era: self.era }
    }
}

// Reading and writing items in place.

macro_rules! each_collection {
    ($item:expr, $collection:expr, |$vec:ident, $wrap:ident, $unwrap:ident| $body:expr, $otherwise:expr) => {
        match ($item, $collection) {
            (Item::Policy(p), Collection::Issues) => {
                let $vec = &mut p.issues;
                let $wrap = Item::Issue;
                let $unwrap = |item: Item| match item {
                    Item::Issue(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Policy(p), Collection::ReformPlanItems) => {
                let $vec = &mut p.reform_plan_items;
                let $wrap = Item::ReformPlanItem;
                let $unwrap = |item: Item| match item {
                    Item::ReformPlanItem(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Policy(p), Collection::Notes) => {
                let $vec = &mut p.notes;
                let $wrap = Item::Note;
                let $unwrap = |item: Item| match item {
                    Item::Note(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Issue(i), Collection::ProblemRecognition) => {
                let $vec = &mut i.problem_recognition;
                let $wrap = Item::BulletGroup;
                let $unwrap = |item: Item| match item {
                    Item::BulletGroup(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Issue(i), Collection::Strategies) => {
                let $vec = &mut i.strategies;
                let $wrap = Item::BulletGroup;
                let $unwrap = |item: Item| match item {
                    Item::BulletGroup(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Issue(i), Collection::Indicators) => {
                let $vec = &mut i.indicators;
                let $wrap = Item::Indicator;
                let $unwrap = |item: Item| match item {
                    Item::Indicator(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Issue(i), Collection::DetailedStrategies) => {
                let $vec = &mut i.detailed_strategies;
                let $wrap = Item::Strategy;
                let $unwrap = |item: Item| match item {
                    Item::Strategy(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Strategy(s), Collection::OutcomeIndicators) => {
                let $vec = &mut s.outcome_indicators;
                let $wrap = Item::Indicator;
                let $unwrap = |item: Item| match item {
                    Item::Indicator(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Strategy(s), Collection::Initiatives) => {
                let $vec = &mut s.initiatives;
                let $wrap = Item::Initiative;
                let $unwrap = |item: Item| match item {
                    Item::Initiative(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Strategy(s), Collection::SingleYearTargets) => {
                let $vec = &mut s.single_year_targets;
                let $wrap = Item::Indicator;
                let $unwrap = |item: Item| match item {
                    Item::Indicator(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Initiative(i), Collection::Activities) => {
                let $vec = &mut i.activities;
                let $wrap = Item::Activity;
                let $unwrap = |item: Item| match item {
                    Item::Activity(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Initiative(i), Collection::ProcessIndicators) => {
                let $vec = &mut i.process_indicators;
                let $wrap = Item::Indicator;
                let $unwrap = |item: Item| match item {
                    Item::Indicator(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::Initiative(i), Collection::CouncilOpinions) => {
                let $vec = &mut i.council_opinions;
                let $wrap = Item::CouncilOpinion;
                let $unwrap = |item: Item| match item {
                    Item::CouncilOpinion(value) => Some(value),
                    _ => None,
                };
                $body
            }
            (Item::ReformPlanItem(r), Collection::ReformTargets) => {
                let $vec = &mut r.targets;
                let $wrap = Item::Indicator;
                let $unwrap = |item: Item| match item {
                    Item::Indicator(value) => Some(value),
                    _ => None,
                };
                $body
            }
            _ => $otherwise,
        }
    };
}

/// An item's place in its parent, borrowed mutably: the parent item as an [`Item`] view cannot be borrowed
/// through the owned enum, so structural edits work on the parent taken out, changed and put back.
fn with_parent<R>(
    content: &mut PolicyContent,
    parent: &ItemPath,
    change: impl FnOnce(&mut Item) -> Option<R>,
) -> Option<R> {
    let mut item = item(content, parent)?;
    let result = change(&mut item)?;
    put(content, parent, item)?;
    Some(result)
}

/// The item at `path`, cloned.
pub fn item(content: &PolicyContent, path: &ItemPath) -> Option<Item> {
    let mut current = Item::Policy(content.clone());
    for &(collection, index) in &path.steps {
        current = child(&mut current, collection, index)?;
    }
    Some(current)
}

fn child(parent: &mut Item, collection: Collection, index: usize) -> Option<Item> {
    each_collection!(parent, collection, |vec, wrap, _unwrap| vec.get(index).cloned().map(wrap), None)
}

/// Replaces the item at `path`; `None` when there is no such item or `item` is of another kind.
fn put(content: &mut PolicyContent, path: &ItemPath, new: Item) -> Option<()> {
    let Some((parent, collection, index)) = path.split_last() else {
        let Item::Policy(policy) = new else { return None };
        *content = policy;
        return Some(());
    };
    let mut holder = item(content, &parent)?;
    each_collection!(
        &mut holder,
        collection,
        |vec, _wrap, unwrap| {
            *vec.get_mut(index)? = unwrap(new)?;
            Some(())
        },
        None
    )?;
    put(content, &parent, holder)
}

/// Replaces the item at `path` with `new` (of the same kind).
pub fn replace(content: &mut PolicyContent, path: &ItemPath, new: Item) -> Result<(), EditError> {
    put(content, path, new).ok_or_else(|| EditError::NoSuchItem(path.to_string()))
}

/// Appends `new` to `collection` of the item at `parent`, returning its path.
pub fn insert(
    content: &mut PolicyContent,
    parent: &ItemPath,
    collection: Collection,
    new: Item,
) -> Result<ItemPath, EditError> {
    let index = with_parent(content, parent, |holder| {
        each_collection!(
            holder,
            collection,
            |vec, _wrap, unwrap| {
                vec.push(unwrap(new)?);
                Some(vec.len() - 1)
            },
            None
        )
    })
    .ok_or_else(|| EditError::NoSuchItem(format!("{parent} → {}", collection.name())))?;
    Ok(parent.child(collection, index))
}

/// Removes the item at `path` and gives it back.
pub fn remove(content: &mut PolicyContent, path: &ItemPath) -> Result<Item, EditError> {
    let (parent, collection, index) = path.split_last().ok_or(EditError::Root)?;
    with_parent(content, &parent, |holder| {
        each_collection!(
            holder,
            collection,
            |vec, wrap, _unwrap| (index < vec.len()).then(|| wrap(vec.remove(index))),
            None
        )
    })
    .ok_or_else(|| EditError::NoSuchItem(path.to_string()))
}

/// Moves the item at `path` one place earlier (`-1`) or later (`1`) among its siblings, returning its new path.
pub fn move_item(content: &mut PolicyContent, path: &ItemPath, offset: isize) -> Result<ItemPath, EditError> {
    let (parent, collection, index) = path.split_last().ok_or(EditError::Root)?;
    let moved = with_parent(content, &parent, |holder| {
        each_collection!(
            holder,
            collection,
            |vec, _wrap, _unwrap| {
                if index >= vec.len() {
                    return None;
                }
                let target = index.checked_add_signed(offset).filter(|target| *target < vec.len());
                if let Some(target) = target {
                    vec.swap(index, target);
                }
                Some(target)
            },
            None
        )
    })
    .ok_or_else(|| EditError::NoSuchItem(path.to_string()))?;
    let target = moved.ok_or_else(|| EditError::CannotMove(path.to_string()))?;
    Ok(parent.child(collection, target))
}

/// A new, empty item for `collection` under `parent`: the next issue id, the next indicator number.
pub fn new_item(content: &PolicyContent, parent: &ItemPath, collection: Collection) -> Result<Item, EditError> {
    let no_item = || EditError::NoSuchItem(format!("{parent} → {}", collection.name()));
    if collection.parent_kind() != parent.kind() {
        return Err(no_item());
    }
    let holder = item(content, parent).ok_or_else(no_item)?;
    let next_number = |indicators: &[Indicator]| indicators.iter().filter_map(|i| i.number).max().unwrap_or(0) + 1;
    let indicator = |kind: IndicatorKind, siblings: &[Indicator]| {
        let mut indicator = Indicator::new(kind, "");
        indicator.number = Some(next_number(siblings));
        Item::Indicator(indicator)
    };
    Ok(match (&holder, collection) {
        (Item::Policy(policy), Collection::Issues) => {
            let next = policy
                .issues
                .iter()
                .map(|issue| match issue.id {
                    IssueId::Single(n) | IssueId::TwoLevel(n, _) => n,
                })
                .max()
                .unwrap_or(0)
                + 1;
            Item::Issue(Issue::new(IssueId::Single(next), ""))
        }
        (Item::Policy(_), Collection::ReformPlanItems) => Item::ReformPlanItem(ReformPlanItem {
            number: None,
            title: String::new(),
            summary: vec![],
            targets: vec![],
        }),
        (Item::Policy(_), Collection::Notes) => Item::Note(DatedNote { text: String::new(), date: None, stage: None }),
        (Item::Issue(_), Collection::ProblemRecognition | Collection::Strategies) => {
            Item::BulletGroup(BulletGroup::default())
        }
        (Item::Issue(issue), Collection::Indicators) => indicator(IndicatorKind::Outcome, &issue.indicators),
        (Item::Issue(issue), Collection::DetailedStrategies) => Item::Strategy(Strategy {
            id: format!("{}-{}", issue.id, issue.detailed_strategies.len() + 1),
            ..Strategy::default()
        }),
        (Item::Strategy(strategy), Collection::OutcomeIndicators) => {
            indicator(IndicatorKind::Outcome, &strategy.outcome_indicators)
        }
        (Item::Strategy(strategy), Collection::SingleYearTargets) => {
            indicator(IndicatorKind::Outcome, &strategy.single_year_targets)
        }
        (Item::Strategy(strategy), Collection::Initiatives) => Item::Initiative(Initiative {
            id: format!("{}-{}", strategy.id, strategy.initiatives.len() + 1),
            ..Initiative::default()
        }),
        (Item::Initiative(_), Collection::Activities) => {
            Item::Activity(Activity { name: String::new(), planned_level: None, actuals: vec![] })
        }
        (Item::Initiative(initiative), Collection::ProcessIndicators) => {
            indicator(IndicatorKind::Process, &initiative.process_indicators)
        }
        (Item::Initiative(_), Collection::CouncilOpinions) => {
            Item::CouncilOpinion(CouncilOpinion { text: String::new(), source: None })
        }
        (Item::ReformPlanItem(reform), Collection::ReformTargets) => indicator(IndicatorKind::Outcome, &reform.targets),
        _ => return Err(no_item()),
    })
}

// The outline: every item in document order, for the editor's tree.

/// One line of the editor's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutlineEntry {
    /// An item with its printed code (issue id, strategy id, indicator number) and its text.
    Item { path: ItemPath, kind: ItemKind, code: Option<String>, text: String, position: usize, siblings: usize },
    /// The place to add an item to a collection.
    Collection { parent: ItemPath, collection: Collection, len: usize },
}

/// The outline of a policy: each item followed by its collections and their items.
pub fn outline(content: &PolicyContent) -> Vec<OutlineEntry> {
    let mut out = Vec::new();
    walk(&Item::Policy(content.clone()), &ItemPath::root(), 0, 1, &mut out);
    out
}

fn walk(item: &Item, path: &ItemPath, position: usize, siblings: usize, out: &mut Vec<OutlineEntry>) {
    let (code, text) = item.summary();
    out.push(OutlineEntry::Item { path: path.clone(), kind: path.kind(), code, text, position, siblings });
    let mut holder = item.clone();
    for &collection in path.kind().collections() {
        let children: Vec<Item> = each_collection!(
            &mut holder,
            collection,
            |vec, wrap, _unwrap| vec.iter().cloned().map(wrap).collect(),
            Vec::new()
        );
        out.push(OutlineEntry::Collection { parent: path.clone(), collection, len: children.len() });
        for (index, child) in children.iter().enumerate() {
            walk(child, &path.child(collection, index), index, children.len(), out);
        }
    }
}

impl Item {
    pub fn kind(&self) -> ItemKind {
        match self {
            Item::Policy(_) => ItemKind::Policy,
            Item::Issue(_) => ItemKind::Issue,
            Item::BulletGroup(_) => ItemKind::BulletGroup,
            Item::Indicator(_) => ItemKind::Indicator,
            Item::Strategy(_) => ItemKind::Strategy,
            Item::Initiative(_) => ItemKind::Initiative,
            Item::Activity(_) => ItemKind::Activity,
            Item::CouncilOpinion(_) => ItemKind::CouncilOpinion,
            Item::ReformPlanItem(_) => ItemKind::ReformPlanItem,
            Item::Note(_) => ItemKind::Note,
        }
    }

    /// The printed code and a one-line text that name the item in lists.
    pub fn summary(&self) -> (Option<String>, String) {
        let first_line = |text: &str| text.lines().next().unwrap_or_default().to_string();
        match self {
            Item::Policy(policy) => (None, policy.title.clone().unwrap_or_default()),
            Item::Issue(issue) => (Some(issue.id.to_string()), issue.title.clone()),
            Item::BulletGroup(group) => {
                (None, group.heading.clone().unwrap_or_else(|| group.bullets.first().cloned().unwrap_or_default()))
            }
            Item::Indicator(indicator) => (
                indicator.number.map(|n| crate::text::circled_char(n).map_or(n.to_string(), String::from)),
                first_line(&indicator.wording),
            ),
            Item::Strategy(strategy) => (Some(strategy.id.clone()), strategy.title.clone()),
            Item::Initiative(initiative) => (Some(initiative.id.clone()), initiative.title.clone()),
            Item::Activity(activity) => (None, activity.name.clone()),
            Item::CouncilOpinion(opinion) => (None, first_line(&opinion.text)),
            Item::ReformPlanItem(reform) => (reform.number.map(|n| n.to_string()), reform.title.clone()),
            Item::Note(note) => (None, first_line(&note.text)),
        }
    }
}

// Fields and forms.

/// How a field is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Line,
    /// Free text over several lines.
    Text,
    /// One entry per line (bullets, paragraphs).
    Lines,
    /// One of the given codes; `""` is "none".
    Choice(&'static [&'static str]),
    /// A checkbox: checked when the form sends the field at all.
    Check,
    /// Rows of the given columns; the form sends `name.ROW.COLUMN`. Entirely blank rows are skipped.
    Table(&'static [&'static str]),
}

/// What a field's text is read as, so that the form can show the parsed value next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Money,
    Target,
    Measure,
}

/// A field of an item's form with its current value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub input: Input,
    /// For `Line`, `Text`, `Lines`, `Choice` and `Check` (`"on"` when checked).
    pub value: String,
    /// For `Table`: the cells, row by row, in the order of the columns.
    pub rows: Vec<Vec<String>>,
    pub required: bool,
}

impl Field {
    fn new(name: &'static str, input: Input, value: impl Into<String>) -> Field {
        Field { name, input, value: value.into(), rows: Vec::new(), required: false }
    }

    fn required(mut self) -> Field {
        self.required = true;
        self
    }

    fn table(name: &'static str, columns: &'static [&'static str], rows: Vec<Vec<String>>) -> Field {
        Field { name, input: Input::Table(columns), value: String::new(), rows, required: false }
    }

    /// What the text of the field (or of a column of a table field) is read as.
    pub fn reading(name: &str, column: Option<&str>) -> Option<Reading> {
        match (name, column) {
            ("target", None) | ("results", Some("year_target")) => Some(Reading::Target),
            ("budgets", Some("amount")) => Some(Reading::Money),
            ("previous_actual" | "planned_level", None) | ("results", Some("actual")) | ("actuals", Some("value")) => {
                Some(Reading::Measure)
            }
            _ => None,
        }
    }
}

/// A submitted form: field name → text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormValues(BTreeMap<String, String>);

impl FormValues {
    pub fn new() -> FormValues {
        FormValues::default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn remove(&mut self, name: &str) {
        self.0.remove(name);
    }

    /// The trimmed text, `""` when absent.
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().trim().to_string()
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|text| !text.is_empty())
    }

    fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|value| !value.is_empty())
    }

    /// The rows of a table field, each with its row number as sent, skipping rows whose cells are all blank.
    pub fn rows(&self, name: &str, columns: &[&str]) -> Vec<(usize, Vec<String>)> {
        let prefix = format!("{name}.");
        let mut numbers: Vec<usize> =
            self.0.keys().filter_map(|key| key.strip_prefix(&prefix)?.split_once('.')?.0.parse().ok()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
            .into_iter()
            .map(|row| {
                let cells = columns.iter().map(|column| self.text(&format!("{name}.{row}.{column}"))).collect();
                (row, cells)
            })
            .filter(|(_, cells): &(usize, Vec<String>)| cells.iter().any(|cell| !cell.is_empty()))
            .collect()
    }

    /// The values a form for `fields` would send: what [`Item::apply`] reads back unchanged.
    pub fn from_fields(fields: &[Field]) -> FormValues {
        let mut values = FormValues::new();
        for field in fields {
            match field.input {
                Input::Table(columns) => {
                    for (row, cells) in field.rows.iter().enumerate() {
                        for (column, cell) in columns.iter().zip(cells) {
                            values.set(format!("{}.{row}.{column}", field.name), cell.clone());
                        }
                    }
                }
                Input::Check if field.value.is_empty() => {}
                _ => values.set(field.name, field.value.clone()),
            }
        }
        values
    }
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    Money(MoneyError),
    Measure(QuantityError),
    /// The target could not be read and was not marked not evaluable.
    Target(TargetError),
    FiscalYear(String),
    WholeNumber(String),
    IssueId(String),
    Choice(String),
    Date(String),
    SdgGoal(String),
    /// The published mark differs from the computed one and no reason was given.
    MarkNeedsReason {
        published: Mark,
        computed: Mark,
    },
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Required, Lang::Ja) => "入力してください。".into(),
            (Problem::Required, Lang::En) => "this field is required.".into(),
            (Problem::Money(MoneyError::Empty), Lang::Ja) => "金額を入力してください。".into(),
            (Problem::Money(error), Lang::Ja) => format!(
                "「{}」は金額として読めません。85百万円、1,976千円、4,588,000円、1億461万円のように単位を付けて書くか、金額がなければ － と書いてください。",
                money_text(error)
            ),
            (Problem::Measure(error), Lang::Ja) => format!(
                "「{}」は値として読めません。43.9%、6地域、3件のように単位を付けて書くか、年2回、常時、または値がなければ － と書いてください。",
                match error {
                    QuantityError::Empty => "",
                    QuantityError::Unrecognized(text) => text,
                }
            ),
            (Problem::Target(error), Lang::Ja) => format!(
                "目標値「{}」を読み取れません。55%以上、令和10年度末までに…、毎年度…、前年度比… のように書くか、「評価不能として保存」にチェックしてください。",
                target_text(error)
            ),
            (Problem::FiscalYear(text), Lang::Ja) => {
                format!("「{text}」は年度として読めません。令和6年度、R6、2024 のように書いてください。")
            }
            (Problem::WholeNumber(text), Lang::Ja) => format!("「{text}」は整数ではありません。"),
            (Problem::IssueId(text), Lang::Ja) => {
                format!("「{text}」は経営課題の番号として読めません。1 や 1-(1) のように書いてください。")
            }
            (Problem::Choice(text), Lang::Ja) => format!("「{text}」は選べる値ではありません。"),
            (Problem::Date(text), Lang::Ja) => {
                format!("「{text}」は日付として読めません。2025-07-04 のように書いてください。")
            }
            (Problem::SdgGoal(text), Lang::Ja) => {
                format!("「{text}」はSDGsのゴール番号（1〜17）ではありません。")
            }
            (Problem::MarkNeedsReason { published, computed }, Lang::Ja) => format!(
                "公表する達成状況（{}）が計算した判定（{}）と異なります。理由を記入してください。",
                published.letter(),
                computed.letter()
            ),
            (Problem::Money(error), Lang::En) => format!("{error}"),
            (Problem::Measure(error), Lang::En) => format!("{error}"),
            (Problem::Target(error), Lang::En) => {
                format!("{error}; or tick “save as not evaluable” to keep it as text.")
            }
            (Problem::FiscalYear(text), Lang::En) => {
                format!("「{text}」 is not a fiscal year: write 令和6年度, R6 or 2024.")
            }
            (Problem::WholeNumber(text), Lang::En) => format!("「{text}」 is not a whole number."),
            (Problem::IssueId(text), Lang::En) => {
                format!("「{text}」 is not an issue number: write 1 or 1-(1).")
            }
            (Problem::Choice(text), Lang::En) => format!("「{text}」 is not one of the choices."),
            (Problem::Date(text), Lang::En) => format!("「{text}」 is not a date: write 2025-07-04."),
            (Problem::SdgGoal(text), Lang::En) => format!("「{text}」 is not an SDG goal (1–17)."),
            (Problem::MarkNeedsReason { published, computed }, Lang::En) => format!(
                "the published mark ({}) differs from the computed one ({}): give the reason.",
                published.letter(),
                computed.letter()
            ),
        }
    }
}

fn money_text(error: &MoneyError) -> &str {
    match error {
        MoneyError::Empty => "",
        MoneyError::Unrecognized(text) | MoneyError::Fractional(text) | MoneyError::TooLarge(text) => text,
    }
}

fn target_text(error: &TargetError) -> &str {
    match error {
        TargetError::Empty => "",
        TargetError::Unreadable(text) | TargetError::ConflictingPeriods(text) => text,
        TargetError::Year { text, .. } => text,
    }
}

/// A problem with one field (for a table, `name.ROW.COLUMN`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// The label of a field or a table column, as the form shows it.
pub fn field_label(name: &str, lang: Lang) -> &'static str {
    let (ja, en) = match name {
        "head" => ("所属長", "head"),
        "title" => ("名称", "title"),
        "goal" => ("目標", "goal"),
        "mission" => ("使命（1行に1項目）", "mission (one item per line)"),
        "approach" => ("所属運営の基本的な考え方（1行に1段落）", "approach (one paragraph per line)"),
        "self_evaluation" => ("自己評価", "self-evaluation"),
        "future_policy" => ("今後の方針", "future policy"),
        "sdg_goals" => ("SDGsのゴール（番号をカンマ区切り）", "SDG goals (numbers, comma-separated)"),
        "id" => ("番号", "number"),
        "summary" => ("概要", "summary"),
        "budgets" => ("予算・決算", "budgets"),
        "desired_state" => ("めざす状態", "desired state"),
        "heading" => ("見出し", "heading"),
        "bullets" => ("項目（1行に1項目）", "bullets (one per line)"),
        "indicator_links" => ("対応するアウトカム指標の番号", "linked outcome indicators (numbers)"),
        "kind" => ("種類", "kind"),
        "number" => ("番号", "number"),
        "wording" => ("指標", "wording"),
        "target" => ("目標値", "target"),
        "not_evaluable" => {
            ("評価不能として保存（目標値を文章のまま残す）", "save as not evaluable (keep the target as text)")
        }
        "target_change" => ("目標値の変更", "target change"),
        "reform_plan" => ("市政改革プランの指標", "reform-plan indicator"),
        "data_source" => ("データの出典", "data source"),
        "previous_actual" => ("前年度実績", "previous year's actual"),
        "results" => ("年度ごとの実績", "results by year"),
        "sample_sizes" => ("調査の回答数", "survey sample sizes"),
        "notes" => ("注記（1行に1件）", "notes (one per line)"),
        "direction" => ("中期的な取組の方向性", "medium-term direction"),
        "current_state" => ("現状（1行に1項目）", "current state (one per line)"),
        "challenges" => ("課題（1行に1項目）", "challenges (one per line)"),
        "improvement" => ("改善策", "improvement"),
        "mid_year_review" => ("中間振り返り", "mid-year review"),
        "name" => ("取組", "activity"),
        "planned_level" => ("計画（業績目標）", "planned level"),
        "actuals" => ("年度ごとの実績", "actuals by year"),
        "text" => ("本文", "text"),
        "source" => ("出典（区政会議、ご意見箱など）", "source (council, opinion box…)"),
        "date" => ("日付", "date"),
        "stage" => ("段階", "stage"),
        "year" => ("年度", "fiscal year"),
        "amount" => ("金額", "amount"),
        "actual" => ("実績", "actual"),
        "mark" => ("公表する達成状況", "published mark"),
        "reason" => ("判定と異なる理由", "reason it differs"),
        "year_target" => ("その年度の目標", "that year's target"),
        "shared_with" => ("同じ評価の指標番号", "numbers of indicators sharing the mark"),
        "size" => ("回答数", "sample size"),
        "value" => ("実績", "value"),
        _ => ("", ""),
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// The label of a choice of a field.
pub fn choice_label(field: &str, code: &str, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    match (field, code) {
        (_, "") => (if ja { "（なし）" } else { "(none)" }).into(),
        ("kind", "outcome") => (if ja { "アウトカム指標" } else { "outcome" }).into(),
        ("kind", "process") => (if ja { "プロセス指標" } else { "process" }).into(),
        ("kind", "settled") => (if ja { "決算額" } else { "settled" }).into(),
        ("kind", "planned") => (if ja { "予算額" } else { "budget" }).into(),
        ("target_change", code) => TargetChange::from_code(code).map_or(code.to_string(), |change| {
            if ja {
                change.label_ja().to_string()
            } else {
                change.code().replace('_', " ")
            }
        }),
        ("stage", code) => Stage::from_code(code).map_or(code.to_string(), |stage| stage.label(lang).to_string()),
        ("mark", code) => code.to_string(),
        _ => code.to_string(),
    }
}

const BUDGET_COLUMNS: &[&str] = &["year", "kind", "amount"];
const RESULT_COLUMNS: &[&str] = &["year", "actual", "mark", "reason", "year_target", "shared_with"];
const SAMPLE_COLUMNS: &[&str] = &["year", "size"];
const ACTUAL_COLUMNS: &[&str] = &["year", "value"];
const STAGE_CODES: &[&str] = &["", "first_draft", "draft", "final", "revision", "mid_year_review", "year_end"];

impl TargetChange {
    pub fn code(self) -> &'static str {
        match self {
            TargetChange::Raised => "raised",
            TargetChange::Reset => "reset",
            TargetChange::New => "new",
        }
    }

    pub fn from_code(code: &str) -> Option<TargetChange> {
        [TargetChange::Raised, TargetChange::Reset, TargetChange::New].into_iter().find(|change| change.code() == code)
    }
}

fn join_numbers<T: ToString>(numbers: &[T]) -> String {
    numbers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn budget_rows(budgets: &[Budget]) -> Vec<Vec<String>> {
    budgets
        .iter()
        .map(|budget| {
            vec![
                budget.fiscal_year.era_label(),
                match budget.kind {
                    BudgetKind::Settled => "settled",
                    BudgetKind::Planned => "planned",
                }
                .to_string(),
                budget.amount.original.clone(),
            ]
        })
        .collect()
}

impl Item {
    /// The fields of the item's form with their current values.
    pub fn fields(&self) -> Vec<Field> {
        use Input::{Check, Choice, Line, Lines, Text};
        let opt = |value: &Option<String>| value.clone().unwrap_or_default();
        match self {
            Item::Policy(policy) => vec![
                Field::new("title", Line, opt(&policy.title)),
                Field::new("head", Line, opt(&policy.head)),
                Field::new("goal", Text, opt(&policy.goal)),
                Field::new("mission", Lines, policy.mission.join("\n")),
                Field::new("approach", Lines, policy.approach.join("\n")),
                Field::new("self_evaluation", Text, opt(&policy.self_evaluation)),
                Field::new("future_policy", Text, opt(&policy.future_policy)),
                Field::new("sdg_goals", Line, join_numbers(&policy.sdg_goals)),
            ],
            Item::Issue(issue) => vec![
                Field::new("id", Line, issue.id.to_string()).required(),
                Field::new("title", Line, issue.title.clone()).required(),
                Field::new("summary", Text, opt(&issue.summary)),
                Field::table("budgets", BUDGET_COLUMNS, budget_rows(&issue.budgets)),
                Field::new("desired_state", Text, opt(&issue.desired_state)),
                Field::new("self_evaluation", Text, opt(&issue.self_evaluation)),
                Field::new("future_policy", Text, opt(&issue.future_policy)),
                Field::new("sdg_goals", Line, join_numbers(&issue.sdg_goals)),
            ],
            Item::BulletGroup(group) => vec![
                Field::new("heading", Line, opt(&group.heading)),
                Field::new("bullets", Lines, group.bullets.join("\n")),
                Field::new("indicator_links", Line, join_numbers(&group.indicator_links)),
            ],
            Item::Indicator(indicator) => {
                let not_evaluable = matches!(indicator.target, Some(TargetText::NotEvaluable { .. }));
                vec![
                    Field::new(
                        "kind",
                        Choice(&["outcome", "process"]),
                        match indicator.kind {
                            IndicatorKind::Outcome => "outcome",
                            IndicatorKind::Process => "process",
                        },
                    ),
                    Field::new("number", Line, indicator.number.map(|n| n.to_string()).unwrap_or_default()),
                    Field::new("wording", Text, indicator.wording.clone()).required(),
                    Field::new(
                        "target",
                        Line,
                        indicator.target.as_ref().map(|t| t.text().to_string()).unwrap_or_default(),
                    ),
                    Field::new("not_evaluable", Check, if not_evaluable { "on" } else { "" }),
                    Field::new(
                        "target_change",
                        Choice(&["", "raised", "reset", "new"]),
                        indicator.target_change.map(TargetChange::code).unwrap_or_default(),
                    ),
                    Field::new("data_source", Line, opt(&indicator.data_source)),
                    Field::new(
                        "previous_actual",
                        Line,
                        indicator.previous_actual.as_ref().map(|m| m.original.clone()).unwrap_or_default(),
                    ),
                    Field::table(
                        "results",
                        RESULT_COLUMNS,
                        indicator
                            .results
                            .iter()
                            .map(|result| {
                                let mark = result.published_mark.as_ref();
                                vec![
                                    result.fiscal_year.era_label(),
                                    result.actual.as_ref().map(|m| m.original.clone()).unwrap_or_default(),
                                    mark.map(|mark| mark.original.clone()).unwrap_or_default(),
                                    mark.and_then(|mark| mark.reason.clone()).unwrap_or_default(),
                                    result.year_target.as_ref().map(|t| t.original.clone()).unwrap_or_default(),
                                    mark.map(|mark| join_numbers(&mark.shared_with)).unwrap_or_default(),
                                ]
                            })
                            .collect(),
                    ),
                    Field::table(
                        "sample_sizes",
                        SAMPLE_COLUMNS,
                        indicator
                            .sample_sizes
                            .iter()
                            .map(|(year, size)| vec![year.era_label(), size.to_string()])
                            .collect(),
                    ),
                    Field::new("notes", Lines, indicator.notes.join("\n")),
                    Field::new("reform_plan", Check, if indicator.reform_plan { "on" } else { "" }),
                ]
            }
            Item::Strategy(strategy) => vec![
                Field::new("id", Line, strategy.id.clone()).required(),
                Field::new("title", Line, strategy.title.clone()).required(),
                Field::new("desired_state", Text, opt(&strategy.desired_state)),
                Field::new("direction", Text, opt(&strategy.direction)),
                Field::new("current_state", Lines, strategy.current_state.join("\n")),
                Field::new("challenges", Lines, strategy.challenges.join("\n")),
                Field::new("self_evaluation", Text, opt(&strategy.self_evaluation)),
                Field::new("improvement", Text, opt(&strategy.improvement)),
                Field::new("mid_year_review", Text, opt(&strategy.mid_year_review)),
            ],
            Item::Initiative(initiative) => vec![
                Field::new("id", Line, initiative.id.clone()).required(),
                Field::new("title", Line, initiative.title.clone()).required(),
                Field::new("summary", Text, opt(&initiative.summary)),
                Field::table("budgets", BUDGET_COLUMNS, budget_rows(&initiative.budgets)),
                Field::new("mid_year_review", Text, opt(&initiative.mid_year_review)),
            ],
            Item::Activity(activity) => vec![
                Field::new("name", Text, activity.name.clone()).required(),
                Field::new(
                    "planned_level",
                    Line,
                    activity.planned_level.as_ref().map(|m| m.original.clone()).unwrap_or_default(),
                ),
                Field::table(
                    "actuals",
                    ACTUAL_COLUMNS,
                    activity
                        .actuals
                        .iter()
                        .map(|(year, value)| vec![year.era_label(), value.original.clone()])
                        .collect(),
                ),
            ],
            Item::CouncilOpinion(opinion) => vec![
                Field::new("text", Text, opinion.text.clone()).required(),
                Field::new("source", Line, opt(&opinion.source)),
            ],
            Item::ReformPlanItem(reform) => vec![
                Field::new("number", Line, reform.number.map(|n| n.to_string()).unwrap_or_default()),
                Field::new("title", Line, reform.title.clone()).required(),
                Field::new("summary", Lines, reform.summary.join("\n")),
            ],
            Item::Note(note) => vec![
                Field::new("text", Text, note.text.clone()).required(),
                Field::new(
                    "date",
                    Line,
                    note.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")).unwrap_or_default(),
                ),
                Field::new("stage", Choice(STAGE_CODES), note.stage.map(Stage::code).unwrap_or_default()),
            ],
        }
    }

    /// Reads a submitted form into the item. Every field of the item's form is read (a field missing from
    /// the form is taken as empty); when any is wrong, the item is left as it was and every error is given.
    pub fn apply(&mut self, values: &FormValues, context: EditContext) -> Result<(), Vec<FieldError>> {
        let mut reader = Reader { values, context, errors: Vec::new() };
        let mut new = self.clone();
        match &mut new {
            Item::Policy(policy) => {
                policy.title = values.optional("title");
                policy.head = values.optional("head");
                policy.goal = values.optional("goal");
                policy.mission = values.lines("mission");
                policy.approach = values.lines("approach");
                policy.self_evaluation = values.optional("self_evaluation");
                policy.future_policy = values.optional("future_policy");
                policy.sdg_goals = reader.sdg_goals("sdg_goals");
            }
            Item::Issue(issue) => {
                let id = reader.required("id");
                match IssueId::parse(&id) {
                    Some(parsed) => issue.id = parsed,
                    None if id.is_empty() => {}
                    None => reader.error("id", Problem::IssueId(id)),
                }
                issue.title = reader.required("title");
                issue.summary = values.optional("summary");
                issue.budgets = reader.budgets("budgets");
                issue.desired_state = values.optional("desired_state");
                issue.self_evaluation = values.optional("self_evaluation");
                issue.future_policy = values.optional("future_policy");
                issue.sdg_goals = reader.sdg_goals("sdg_goals");
            }
            Item::BulletGroup(group) => {
                group.heading = values.optional("heading");
                group.bullets = values.lines("bullets");
                group.indicator_links = reader.numbers("indicator_links");
            }
            Item::Indicator(indicator) => reader.indicator(indicator),
            Item::Strategy(strategy) => {
                strategy.id = reader.required("id");
                strategy.title = reader.required("title");
                strategy.desired_state = values.optional("desired_state");
                strategy.direction = values.optional("direction");
                strategy.current_state = values.lines("current_state");
                strategy.challenges = values.lines("challenges");
                strategy.self_evaluation = values.optional("self_evaluation");
                strategy.improvement = values.optional("improvement");
                strategy.mid_year_review = values.optional("mid_year_review");
            }
            Item::Initiative(initiative) => {
                initiative.id = reader.required("id");
                initiative.title = reader.required("title");
                initiative.summary = values.optional("summary");
                initiative.budgets = reader.budgets("budgets");
                initiative.mid_year_review = values.optional("mid_year_review");
            }
            Item::Activity(activity) => {
                activity.name = reader.required("name");
                activity.planned_level = reader.measure("planned_level");
                activity.actuals = values
                    .rows("actuals", ACTUAL_COLUMNS)
                    .into_iter()
                    .filter_map(|(row, cells)| {
                        let year = reader.year(&format!("actuals.{row}.year"), &cells[0]);
                        let value = reader.measure_text(&format!("actuals.{row}.value"), &cells[1]);
                        Some((year?, value?))
                    })
                    .collect();
            }
            Item::CouncilOpinion(opinion) => {
                opinion.text = reader.required("text");
                opinion.source = values.optional("source");
            }
            Item::ReformPlanItem(reform) => {
                reform.number = reader.number("number");
                reform.title = reader.required("title");
                reform.summary = values.lines("summary");
            }
            Item::Note(note) => {
                note.text = reader.required("text");
                note.date = reader.date("date");
                let stage = values.text("stage");
                note.stage = match Stage::from_code(&stage) {
                    Some(stage) => Some(stage),
                    None if stage.is_empty() => None,
                    None => {
                        reader.error("stage", Problem::Choice(stage));
                        None
                    }
                };
            }
        }
        if reader.errors.is_empty() {
            *self = new;
            Ok(())
        } else {
            Err(reader.errors)
        }
    }
}

/// Reads fields of a form, collecting errors.
struct Reader<'a> {
    values: &'a FormValues,
    context: EditContext,
    errors: Vec<FieldError>,
}

impl Reader<'_> {
    fn error(&mut self, field: &str, problem: Problem) {
        self.errors.push(FieldError { field: field.to_string(), problem });
    }

    fn required(&mut self, name: &str) -> String {
        let text = self.values.text(name);
        if text.is_empty() && !self.context.restoring {
            self.error(name, Problem::Required);
        }
        text
    }

    fn number(&mut self, name: &str) -> Option<u32> {
        let text = self.values.text(name);
        if text.is_empty() {
            return None;
        }
        let parsed = whole_number(&text);
        if parsed.is_none() {
            self.error(name, Problem::WholeNumber(text));
        }
        parsed
    }

    fn numbers(&mut self, name: &str) -> Vec<u32> {
        let text = self.values.text(name);
        let mut out = Vec::new();
        for part in split_list(&text) {
            match whole_number(part) {
                Some(number) => out.push(number),
                None => self.error(name, Problem::WholeNumber(part.to_string())),
            }
        }
        out
    }

    fn sdg_goals(&mut self, name: &str) -> Vec<u8> {
        let text = self.values.text(name);
        let mut out = Vec::new();
        for part in split_list(&text) {
            match whole_number(part).and_then(|n| u8::try_from(n).ok()).filter(|n| (1..=17).contains(n)) {
                Some(goal) => out.push(goal),
                None => self.error(name, Problem::SdgGoal(part.to_string())),
            }
        }
        out
    }

    fn year(&mut self, field: &str, text: &str) -> Option<FiscalYear> {
        let parsed = read_fiscal_year(text, self.context.era);
        if parsed.is_none() {
            self.error(field, if text.is_empty() { Problem::Required } else { Problem::FiscalYear(text.to_string()) });
        }
        parsed
    }

    fn measure(&mut self, name: &str) -> Option<Measure> {
        let text = self.values.text(name);
        if text.is_empty() {
            return None;
        }
        self.measure_text(name, &text)
    }

    fn measure_text(&mut self, field: &str, text: &str) -> Option<Measure> {
        match parse_measure(text) {
            Ok(measure) => Some(measure),
            Err(error) => {
                self.error(field, Problem::Measure(error));
                None
            }
        }
    }

    fn target_text(&mut self, field: &str, text: &str) -> Option<Target> {
        if text.is_empty() {
            return None;
        }
        match parse_target(text, self.context.parse()) {
            Ok(target) => Some(target),
            Err(error) => {
                self.error(field, Problem::Target(error));
                None
            }
        }
    }

    fn date(&mut self, name: &str) -> Option<(i32, u32, u32)> {
        let text = self.values.text(name);
        if text.is_empty() {
            return None;
        }
        let parsed = crate::era::parse_date(&text);
        if parsed.is_none() {
            self.error(name, Problem::Date(text));
        }
        parsed
    }

    fn budgets(&mut self, name: &str) -> Vec<Budget> {
        let mut out = Vec::new();
        for (row, cells) in self.values.rows(name, BUDGET_COLUMNS) {
            // A blank row with only its kind chosen is not a budget.
            if cells[0].is_empty() && cells[2].is_empty() {
                continue;
            }
            let year = self.year(&format!("{name}.{row}.year"), &cells[0]);
            let kind = match cells[1].as_str() {
                "settled" | "決算" | "決算額" => Some(BudgetKind::Settled),
                "planned" | "予算" | "予算額" | "" => Some(BudgetKind::Planned),
                other => {
                    self.error(&format!("{name}.{row}.kind"), Problem::Choice(other.to_string()));
                    None
                }
            };
            let amount = match parse_money(&cells[2]) {
                Ok(amount) => Some(amount),
                Err(error) => {
                    self.error(&format!("{name}.{row}.amount"), Problem::Money(error));
                    None
                }
            };
            if let (Some(fiscal_year), Some(kind), Some(amount)) = (year, kind, amount) {
                out.push(Budget { fiscal_year, kind, amount });
            }
        }
        out
    }

    fn indicator(&mut self, indicator: &mut Indicator) {
        let values = self.values;
        let before = indicator.clone();
        indicator.kind = match values.text("kind").as_str() {
            "process" => IndicatorKind::Process,
            "outcome" | "" => IndicatorKind::Outcome,
            other => {
                self.error("kind", Problem::Choice(other.to_string()));
                indicator.kind
            }
        };
        indicator.number = self.number("number");
        indicator.wording = self.required("wording");
        let target = values.text("target");
        indicator.target = if target.is_empty() {
            None
        } else {
            match parse_target(&target, self.context.parse()) {
                Ok(parsed) => Some(TargetText::Parsed(parsed)),
                Err(reason) if values.checked("not_evaluable") => {
                    Some(TargetText::NotEvaluable { text: target, reason })
                }
                Err(reason) => {
                    self.error("target", Problem::Target(reason));
                    None
                }
            }
        };
        let change = values.text("target_change");
        indicator.target_change = match TargetChange::from_code(&change) {
            Some(change) => Some(change),
            None if change.is_empty() => None,
            None => {
                self.error("target_change", Problem::Choice(change));
                None
            }
        };
        indicator.reform_plan = values.checked("reform_plan");
        indicator.data_source = values.optional("data_source");
        indicator.previous_actual = self.measure("previous_actual");
        indicator.notes = values.lines("notes");
        indicator.sample_sizes = values
            .rows("sample_sizes", SAMPLE_COLUMNS)
            .into_iter()
            .filter_map(|(row, cells)| {
                let year = self.year(&format!("sample_sizes.{row}.year"), &cells[0]);
                let size = whole_number(&cells[1]);
                if size.is_none() {
                    self.error(&format!("sample_sizes.{row}.size"), Problem::WholeNumber(cells[1].clone()));
                }
                Some((year?, size?))
            })
            .collect();
        let mut results = Vec::new();
        let mut reasons = Vec::new();
        for (row, cells) in values.rows("results", RESULT_COLUMNS) {
            let field = |column: &str| format!("results.{row}.{column}");
            let Some(fiscal_year) = self.year(&field("year"), &cells[0]) else { continue };
            let actual = if cells[1].is_empty() { None } else { self.measure_text(&field("actual"), &cells[1]) };
            let kept = before.result(fiscal_year).and_then(|result| result.published_mark.as_ref());
            let published_mark = match cells[2].as_str() {
                "" => None,
                letter => match Mark::parse(letter) {
                    // An unchanged mark keeps its printed form and the indicators it is shared with.
                    Some(mark) if kept.is_some_and(|kept| kept.mark == mark) => {
                        kept.cloned().map(|kept| PublishedMark { reason: None, ..kept })
                    }
                    // The mark as written (A, B, ○, —), like every other value.
                    Some(mark) => Some(PublishedMark {
                        mark,
                        original: letter.to_string(),
                        shared_with: Vec::new(),
                        reason: None,
                    }),
                    None => {
                        self.error(&field("mark"), Problem::Choice(letter.to_string()));
                        None
                    }
                },
            };
            let shared_with = self.numbers(&field("shared_with"));
            let published_mark = published_mark.map(|mark| PublishedMark {
                reason: Some(cells[3].clone()).filter(|reason| !reason.is_empty()),
                shared_with,
                ..mark
            });
            let year_target = self.target_text(&field("year_target"), &cells[4]);
            reasons.push((fiscal_year, field("reason")));
            results.push(YearResult { fiscal_year, actual, published_mark, year_target });
        }
        indicator.results = results;
        // A published mark that differs from the computed one needs a reason when it is entered or its actual
        // changes. A difference already stored (an imported document's) is the audit's to flag, and does not
        // stop the rest of the indicator from being edited.
        for (fiscal_year, field) in reasons {
            let Some(result) = indicator.result(fiscal_year) else { continue };
            let Some(mark) = result.published_mark.clone() else { continue };
            let stored = before.result(fiscal_year);
            let same_as_stored = stored.is_some_and(|stored| {
                stored.published_mark.as_ref().map(|kept| kept.mark) == Some(mark.mark)
                    && stored.actual.as_ref().map(|actual| &actual.original)
                        == result.actual.as_ref().map(|actual| &actual.original)
                    && stored.year_target == result.year_target
            });
            if self.context.restoring || (same_as_stored && before.target == indicator.target) {
                continue;
            }
            let computed = indicator.computed_mark(fiscal_year);
            if let Some(computed) = computed {
                if computed != mark.mark && mark.reason.is_none() {
                    self.error(&field, Problem::MarkNeedsReason { published: mark.mark, computed });
                }
            }
        }
    }
}

/// Splits `1, 2、3 ①` into its parts.
fn split_list(text: &str) -> Vec<&str> {
    text.split([',', '、', '，', ' ', '　', '・']).map(str::trim).filter(|part| !part.is_empty()).collect()
}

/// `3`, `３` or `③`.
fn whole_number(text: &str) -> Option<u32> {
    let text = text.trim();
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(n) = circled_number(c) {
            return Some(n);
        }
    }
    crate::text::compact(text).replace([',', '，'], "").parse().ok()
}

/// A fiscal year as forms write it: 令和6年度, R6, 2024年度 or plain 2024.
pub fn read_fiscal_year(text: &str, era: Option<Era>) -> Option<FiscalYear> {
    let text = text.trim();
    parse_fiscal_year(text, era)
        .ok()
        .or_else(|| crate::text::compact(text).parse().ok().filter(|year| *year > 1900).and_then(FiscalYear::new))
}

/// What a field's text reads as, for the form to show next to it: the yen of an amount, the meaning of a
/// target, the value of a measure; or the problem.
pub fn preview(reading: Reading, text: &str, context: EditContext, lang: Lang) -> Result<String, Problem> {
    match reading {
        Reading::Money => {
            let money = parse_money(text).map_err(Problem::Money)?;
            Ok(match money.yen {
                Some(yen) => format_yen(yen),
                None => (if lang == Lang::Ja { "金額なし" } else { "no amount" }).to_string(),
            })
        }
        Reading::Target => {
            let target = parse_target(text, context.parse()).map_err(Problem::Target)?;
            Ok(target.render(lang))
        }
        Reading::Measure => {
            let measure = parse_measure(text).map_err(Problem::Measure)?;
            Ok(match measure.quantity() {
                Some(quantity) => quantity.to_string(),
                None => measure.original,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year() -> FiscalYear {
        FiscalYear::new(2024).unwrap()
    }

    fn content() -> PolicyContent {
        let mut issue = Issue::new(IssueId::Single(1), "安全なまち");
        let mut indicator = Indicator::new(IndicatorKind::Outcome, "防災訓練に参加した区民の割合");
        indicator.number = Some(1);
        issue.indicators.push(indicator);
        issue.strategies.push(BulletGroup { heading: None, bullets: vec!["訓練".into()], indicator_links: vec![1] });
        PolicyContent { issues: vec![issue, Issue::new(IssueId::Single(2), "子育て")], ..PolicyContent::default() }
    }

    #[test]
    fn paths_read_and_write_back() {
        for text in
            ["", "issues/1", "issues/2/indicators/3", "issues/1/detailed_strategies/1/initiatives/2/activities/1"]
        {
            assert_eq!(ItemPath::parse(text).unwrap().to_string(), text);
        }
        for bad in ["issues", "issues/0", "indicators/1", "issues/1/initiatives/1", "issues/x", "nothing/1"] {
            assert_eq!(ItemPath::parse(bad), None, "{bad}");
        }
        let path = ItemPath::parse("issues/2/indicators/3").unwrap();
        assert_eq!(path.kind(), ItemKind::Indicator);
        let (parent, collection, index) = path.split_last().unwrap();
        assert_eq!((parent.to_string().as_str(), collection, index), ("issues/2", Collection::Indicators, 2));
    }

    #[test]
    fn items_are_added_moved_and_removed() {
        let mut content = content();
        let issues = ItemPath::root();
        let new = new_item(&content, &issues, Collection::Issues).unwrap();
        let Item::Issue(issue) = &new else { panic!("{new:?}") };
        assert_eq!(issue.id, IssueId::Single(3), "the next issue number");
        let path = insert(&mut content, &issues, Collection::Issues, new).unwrap();
        assert_eq!(path.to_string(), "issues/3");
        let moved = move_item(&mut content, &path, -1).unwrap();
        assert_eq!(moved.to_string(), "issues/2");
        assert_eq!(content.issues[1].id, IssueId::Single(3));
        assert_eq!(
            move_item(&mut content, &ItemPath::parse("issues/1").unwrap(), -1),
            Err(EditError::CannotMove("issues/1".into()))
        );
        let removed = remove(&mut content, &moved).unwrap();
        assert_eq!(removed.kind(), ItemKind::Issue);
        assert_eq!(content.issues.len(), 2);
        assert_eq!(
            remove(&mut content, &ItemPath::parse("issues/9").unwrap()),
            Err(EditError::NoSuchItem("issues/9".into()))
        );
        assert_eq!(remove(&mut content, &ItemPath::root()), Err(EditError::Root));

        let indicators = ItemPath::parse("issues/1").unwrap();
        let Item::Indicator(indicator) = new_item(&content, &indicators, Collection::Indicators).unwrap() else {
            panic!()
        };
        assert_eq!(indicator.number, Some(2), "the next indicator number");
    }

    #[test]
    fn the_outline_lists_every_item_and_collection_in_document_order() {
        let lines: Vec<String> = outline(&content())
            .into_iter()
            .map(|entry| match entry {
                OutlineEntry::Item { path, code, text, .. } => format!("{path} {} {text}", code.unwrap_or_default()),
                OutlineEntry::Collection { parent, collection, len } => {
                    format!("+ {parent}:{} ({len})", collection.name())
                }
            })
            .collect();
        assert_eq!(
            lines,
            [
                "  ",
                "+ :issues (2)",
                "issues/1 1 安全なまち",
                "+ issues/1:problem_recognition (0)",
                "+ issues/1:strategies (1)",
                "issues/1/strategies/1  訓練",
                "+ issues/1:indicators (1)",
                "issues/1/indicators/1 ① 防災訓練に参加した区民の割合",
                "+ issues/1:detailed_strategies (0)",
                "issues/2 2 子育て",
                "+ issues/2:problem_recognition (0)",
                "+ issues/2:strategies (0)",
                "+ issues/2:indicators (0)",
                "+ issues/2:detailed_strategies (0)",
                "+ :reform_plan (0)",
                "+ :notes (0)",
            ]
        );
    }

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        let mut values = FormValues::new();
        for (name, value) in pairs {
            values.set(*name, *value);
        }
        values
    }

    #[test]
    fn every_item_reads_back_its_own_form_unchanged() {
        let sample = content();
        let mut content = sample.clone();
        for entry in outline(&sample) {
            let OutlineEntry::Item { path, .. } = entry else { continue };
            let mut item = item(&content, &path).unwrap();
            let original = item.clone();
            item.apply(&FormValues::from_fields(&item.fields()), EditContext::new(year())).unwrap();
            assert_eq!(item, original, "{path}");
            replace(&mut content, &path, item).unwrap();
        }
        assert_eq!(content, sample);
    }

    #[test]
    fn an_indicator_form_parses_every_field_and_rejects_what_it_cannot_read() {
        let context = EditContext::new(year());
        let mut item = Item::Indicator(Indicator::new(IndicatorKind::Outcome, "旧"));
        let good = form(&[
            ("kind", "outcome"),
            ("number", "②"),
            ("wording", "防災訓練に参加した区民の割合"),
            ("target", "令和8年度までに60%以上"),
            ("results.0.year", "令和6年度"),
            ("results.0.actual", "62.5%"),
            ("results.0.mark", "A"),
            ("sample_sizes.0.year", "R6"),
            ("sample_sizes.0.size", "1,000"),
        ]);
        item.apply(&good, context).unwrap();
        let Item::Indicator(indicator) = &item else { panic!() };
        assert_eq!(indicator.number, Some(2));
        assert!(matches!(indicator.target, Some(TargetText::Parsed(_))));
        assert_eq!(indicator.results[0].published_mark.as_ref().unwrap().mark, Mark::Achieved);
        assert_eq!(indicator.sample_sizes, vec![(year(), 1000)]);

        let mut bad = good.clone();
        bad.set("wording", "");
        bad.set("target", "がんばる");
        bad.set("results.0.actual", "たくさん");
        bad.set("sample_sizes.0.size", "多数");
        let before = item.clone();
        let errors = item.apply(&bad, context).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["wording", "target", "sample_sizes.0.size", "results.0.actual"]);
        assert_eq!(item, before, "nothing changes when a field is wrong");
        assert!(errors[1].problem.message(Lang::Ja).contains("評価不能として保存"));

        // An unreadable target is kept as text only when marked not evaluable.
        let mut marked = bad.clone();
        marked.set("wording", "割合");
        marked.set("results.0.actual", "62.5%");
        marked.set("sample_sizes.0.size", "1000");
        marked.set("not_evaluable", "on");
        item.apply(&marked, context).unwrap();
        let Item::Indicator(indicator) = &item else { panic!() };
        assert!(matches!(&indicator.target, Some(TargetText::NotEvaluable { text, .. }) if text == "がんばる"));
    }

    #[test]
    fn a_published_mark_that_differs_from_the_computed_one_needs_a_reason() {
        let context = EditContext::new(year());
        let mut item = Item::Indicator(Indicator::new(IndicatorKind::Outcome, "割合"));
        let mut values = form(&[
            ("wording", "割合"),
            ("target", "60%以上"),
            ("results.0.year", "2024"),
            ("results.0.actual", "50%"),
            ("results.0.mark", "A"),
        ]);
        let errors = item.apply(&values, context).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "results.0.reason");
        assert_eq!(
            errors[0].problem,
            Problem::MarkNeedsReason { published: Mark::Achieved, computed: Mark::NotAchieved }
        );
        values.set("results.0.reason", "調査方法の変更により前年度と比較できないため");
        item.apply(&values, context).unwrap();
        let Item::Indicator(indicator) = &item else { panic!() };
        let mark = indicator.results[0].published_mark.as_ref().unwrap();
        assert_eq!(mark.reason.as_deref(), Some("調査方法の変更により前年度と比較できないため"));
    }

    #[test]
    fn a_stored_difference_does_not_block_other_edits_but_a_new_actual_asks_again() {
        let context = EditContext::new(year());
        // As imported: the document's A beside 50% against 60%, with no reason.
        let mut indicator = Indicator::new(IndicatorKind::Outcome, "割合");
        indicator.target = Some(TargetText::Parsed(parse_target("60%以上", context.parse()).unwrap()));
        indicator.results.push(YearResult {
            fiscal_year: year(),
            actual: Some(parse_measure("50%").unwrap()),
            published_mark: Some(PublishedMark {
                mark: Mark::Achieved,
                original: "A".into(),
                shared_with: Vec::new(),
                reason: None,
            }),
            year_target: None,
        });
        let mut item = Item::Indicator(indicator);
        let mut values = FormValues::from_fields(&item.fields());
        values.set("wording", "区民の割合");
        item.apply(&values, context).unwrap();
        values.set("results.0.actual", "51%");
        let errors = item.apply(&values, context).unwrap_err();
        assert_eq!(errors[0].field, "results.0.reason");
    }

    #[test]
    fn budgets_accept_the_written_forms_and_show_the_yen() {
        let context = EditContext::new(year());
        let mut item = Item::Issue(Issue::new(IssueId::Single(1), "課題"));
        let values = form(&[
            ("id", "1"),
            ("title", "課題"),
            ("budgets.0.year", "令和4年度"),
            ("budgets.0.kind", "settled"),
            ("budgets.0.amount", "1,976千円"),
            ("budgets.1.year", "R6"),
            ("budgets.1.kind", "planned"),
            ("budgets.1.amount", "85百万円"),
            ("budgets.2.year", ""),
            ("budgets.2.amount", ""),
        ]);
        item.apply(&values, context).unwrap();
        let Item::Issue(issue) = &item else { panic!() };
        let yen: Vec<Option<i64>> = issue.budgets.iter().map(|budget| budget.amount.yen).collect();
        assert_eq!(yen, [Some(1_976_000), Some(85_000_000)]);
        assert_eq!(preview(Reading::Money, "85百万円", context, Lang::Ja).unwrap(), "85,000,000円");
        let mut wrong = values.clone();
        wrong.set("budgets.1.amount", "85");
        let errors = item.apply(&wrong, context).unwrap_err();
        assert_eq!(errors[0].field, "budgets.1.amount");
        assert!(errors[0].problem.message(Lang::Ja).contains("85百万円"));
    }

    #[test]
    fn targets_preview_how_they_will_be_judged() {
        let context = EditContext::new(year());
        let shown = preview(Reading::Target, "令和8年度までに60%以上", context, Lang::Ja).unwrap();
        assert!(shown.contains("60"), "{shown}");
        assert!(matches!(preview(Reading::Target, "がんばる", context, Lang::Ja), Err(Problem::Target(_))));
    }
}
