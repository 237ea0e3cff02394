//! Campaign progress, computed without I/O: each registered unit's actuals against its own
//! targets, the province-wide totals against the province's targets, and rankings province-wide
//! and within each cluster. The per-value arithmetic (completion, score, totals, ranking) is in
//! `domain::campaigns`; this module assembles it. Callers load the inputs and decide who may see
//! which unit's targets (`routes::progress`).
//!
//! Decimals arrive as stored (exact decimal text) and targets are answered as stored.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::campaigns::{
    completion, decimal_text, overall_score, province_actual, rank, stored_decimal, Direction, IndicatorKind,
    RegistrationStatus,
};
use crate::domain::scoring::{ratio_of_sums, unit_points, Scheme, UnitPoints};

/// A campaign indicator, in the campaign's order.
pub struct IndicatorInput {
    pub id: Uuid,
    pub name: String,
    pub unit_of_measure: String,
    pub kind: IndicatorKind,
    pub direction: Direction,
    /// Stored decimal text.
    pub province_target: Option<String>,
    /// A percentage entered as numerator and denominator: aggregated as the ratio of the sums.
    pub ratio: bool,
}

/// A unit's accepted registration and its targets: (indicator, stored decimal text).
pub struct UnitTargets {
    pub unit_id: Uuid,
    pub status: RegistrationStatus,
    pub targets: Vec<(Uuid, String)>,
}

/// The latest verified value of a unit for an indicator, as stored.
pub struct UnitActual {
    pub unit_id: Uuid,
    pub indicator_id: Uuid,
    pub value: String,
    /// A ratio indicator's parts (stored decimal text).
    pub parts: Option<(String, String)>,
}

/// A cluster the units are ranked in, with its members.
pub struct ClusterInput {
    pub id: Uuid,
    pub name: String,
    pub leading_unit_id: Option<Uuid>,
    pub members: Vec<Uuid>,
}

/// Everything progress is computed from.
pub struct ProgressInputs {
    pub campaign_id: Uuid,
    pub indicators: Vec<IndicatorInput>,
    pub registrations: Vec<UnitTargets>,
    pub actuals: Vec<UnitActual>,
    /// Unit id → (code, name); a unit missing here is shown with empty ones.
    pub unit_names: HashMap<Uuid, (String, String)>,
    pub clusters: Vec<ClusterInput>,
    /// The campaign's scoring scheme in force (id, version and rules), if it has one.
    pub scheme: Option<(Uuid, i32, Scheme)>,
}

/// A stored decimal that does not parse: names what it was (it should never happen).
#[derive(Debug, PartialEq, Eq)]
pub struct NotADecimal(pub &'static str);

/// Decimals are strings; completions and scores are percentages with two decimals.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorProgress {
    pub indicator_id: Uuid,
    pub name: String,
    pub unit_of_measure: String,
    pub kind: IndicatorKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    pub direction: Direction,
    /// `direction` as people read it (Vietnamese).
    pub direction_label: &'static str,
    pub province_target: Option<String>,
    /// Sum of the units' actuals (mean for percentages; for ratio indicators, the sum of the
    /// numerators over the sum of the denominators, in percent).
    pub province_actual: String,
    /// Whether the indicator is entered as numerator and denominator.
    pub ratio: bool,
    /// Against `province_target`, when there is one.
    pub province_completion: Option<String>,
    /// Units with a verified value.
    pub units_reporting: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitIndicatorProgress {
    pub indicator_id: Uuid,
    pub target: String,
    /// Latest verified value; null before any.
    pub actual: Option<String>,
    /// Percent of the target, uncapped.
    pub completion: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitProgress {
    /// Province-wide rank by overall score (ties share a rank).
    pub rank: u32,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub unit_name: String,
    pub registration_status: RegistrationStatus,
    /// `registration_status` as people read it (Vietnamese).
    pub registration_status_label: &'static str,
    /// With a scoring scheme: the points earned as a percent of the unit's maximum
    /// (`points.score`). Without one: the mean of the indicators' completion, each capped at 100.
    pub overall_score: String,
    /// Targets and actuals; empty for other units when the caller acts for a unit.
    pub indicators: Vec<UnitIndicatorProgress>,
    /// Points per criteria group and indicator under the campaign's scoring scheme (null without
    /// one). Shown to everyone who sees the ranking, like the score.
    pub points: Option<UnitPoints>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RankedUnit {
    pub rank: u32,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub overall_score: String,
    /// Points earned under the scoring scheme (null without one).
    pub total_points: Option<String>,
    /// The unit's maximum under the scoring scheme (null without one).
    pub max_points: Option<String>,
}

/// An indicator's figure over a cluster's members, aggregated as the province's is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterIndicator {
    pub indicator_id: Uuid,
    /// Sum of the members' actuals (mean for percentages, ratio of the sums for ratio
    /// indicators).
    pub actual: String,
    /// Members with a verified value.
    pub units_reporting: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterRanking {
    pub cluster_id: Uuid,
    pub name: String,
    pub leading_unit_id: Option<Uuid>,
    /// The cluster's registered members, best first.
    pub ranking: Vec<RankedUnit>,
    /// Each indicator over the cluster's members, in the campaign's order.
    pub indicators: Vec<ClusterIndicator>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressResponse {
    pub campaign_id: Uuid,
    /// The scoring scheme version the points and ranks follow; null: ranked by mean completion.
    pub scoring_scheme_id: Option<Uuid>,
    pub scoring_scheme_version: Option<i32>,
    pub indicators: Vec<IndicatorProgress>,
    pub units: Vec<UnitProgress>,
    pub clusters: Vec<ClusterRanking>,
}

/// Progress of every registered unit, the province and each cluster. Targets of indicators the
/// campaign no longer has are left out; a unit without a verified value scores 0 on it.
pub fn compute(inputs: ProgressInputs) -> Result<ProgressResponse, NotADecimal> {
    let ProgressInputs { campaign_id, indicators, registrations, actuals, unit_names, clusters, scheme } = inputs;
    let decimal = |text: &str, what| stored_decimal(text).ok_or(NotADecimal(what));
    let actual: HashMap<(Uuid, Uuid), Decimal> = actuals
        .iter()
        .map(|a| Ok(((a.unit_id, a.indicator_id), decimal(&a.value, "value")?)))
        .collect::<Result<_, NotADecimal>>()?;
    let parts: HashMap<(Uuid, Uuid), (Decimal, Decimal)> = actuals
        .iter()
        .filter_map(|a| a.parts.as_ref().map(|p| (a, p)))
        .map(|(a, (n, d))| Ok(((a.unit_id, a.indicator_id), (decimal(n, "numerator")?, decimal(d, "denominator")?))))
        .collect::<Result<_, NotADecimal>>()?;
    let spec: HashMap<Uuid, (IndicatorKind, Direction)> =
        indicators.iter().map(|i| (i.id, (i.kind, i.direction))).collect();
    let name_of = |unit: &Uuid| unit_names.get(unit).map_or(("", ""), |(code, name)| (code.as_str(), name.as_str()));

    let mut units = Vec::with_capacity(registrations.len());
    let mut scores: Vec<(Uuid, Decimal)> = Vec::with_capacity(registrations.len());
    for UnitTargets { unit_id, status, targets } in registrations {
        let mut rows = Vec::with_capacity(targets.len());
        let mut completions = Vec::with_capacity(targets.len());
        let mut by_indicator: HashMap<Uuid, Decimal> = HashMap::with_capacity(targets.len());
        for (indicator_id, target) in targets {
            let Some((kind, direction)) = spec.get(&indicator_id) else { continue };
            let target_value = decimal(&target, "target")?;
            let got = actual.get(&(unit_id, indicator_id)).copied();
            let done = completion(*kind, *direction, target_value, got);
            completions.push(done);
            by_indicator.insert(indicator_id, done);
            rows.push(UnitIndicatorProgress {
                indicator_id,
                target,
                actual: got.map(decimal_text),
                completion: decimal_text(done),
            });
        }
        let (score, points) = match &scheme {
            Some((_, _, scheme)) => {
                let (points, score) = unit_points(scheme, &by_indicator);
                (score, Some(points))
            }
            None => (overall_score(&completions), None),
        };
        scores.push((unit_id, score));
        let (code, name) = name_of(&unit_id);
        units.push(UnitProgress {
            rank: 0,
            unit_id,
            unit_code: code.to_string(),
            unit_name: name.to_string(),
            registration_status: status,
            registration_status_label: status.label_vi(),
            overall_score: decimal_text(score),
            indicators: rows,
            points,
        });
    }
    // Province-wide ranking, best first. `scores` and `units` are in the same order, and `rank`
    // returns each index once.
    let indexed: Vec<(usize, Decimal)> = scores.iter().enumerate().map(|(i, (_, score))| (i, *score)).collect();
    let mut slots: Vec<Option<UnitProgress>> = units.into_iter().map(Some).collect();
    let ordered: Vec<UnitProgress> = rank(&indexed)
        .into_iter()
        .filter_map(|(position, index, _)| {
            let mut unit = slots[index].take()?;
            unit.rank = position;
            Some(unit)
        })
        .collect();

    // An indicator over the given units (all when `None`): (figure, units reporting).
    let aggregate = |i: &IndicatorInput, among: Option<&[Uuid]>| {
        let included = |unit: &Uuid| among.is_none_or(|members| members.contains(unit));
        let values: Vec<Decimal> =
            actual.iter().filter(|((unit, ind), _)| *ind == i.id && included(unit)).map(|(_, v)| *v).collect();
        let total = if i.ratio {
            let of_units: Vec<(Decimal, Decimal)> =
                parts.iter().filter(|((unit, ind), _)| *ind == i.id && included(unit)).map(|(_, p)| *p).collect();
            ratio_of_sums(&of_units).unwrap_or(Decimal::ZERO)
        } else {
            province_actual(i.kind, &values)
        };
        (total, values.len())
    };
    let cluster_figures: Vec<Vec<ClusterIndicator>> = clusters
        .iter()
        .map(|cluster| {
            indicators
                .iter()
                .map(|i| {
                    let (total, reporting) = aggregate(i, Some(cluster.members.as_slice()));
                    ClusterIndicator { indicator_id: i.id, actual: decimal_text(total), units_reporting: reporting }
                })
                .collect()
        })
        .collect();
    let indicator_rows = indicators
        .iter()
        .map(|i| {
            let (total, units_reporting) = aggregate(i, None);
            let target = i.province_target.as_deref().map(|t| decimal(t, "province target")).transpose()?;
            Ok(IndicatorProgress {
                indicator_id: i.id,
                name: i.name.clone(),
                unit_of_measure: i.unit_of_measure.clone(),
                kind: i.kind,
                kind_label: i.kind.label_vi(),
                direction: i.direction,
                direction_label: i.direction.label_vi(),
                province_target: i.province_target.clone(),
                province_actual: decimal_text(total),
                ratio: i.ratio,
                // For yes/no, the province target counts units, so it compares like a quantity.
                province_completion: target.map(|t| {
                    let counted_as = if i.kind == IndicatorKind::YesNo { IndicatorKind::Quantity } else { i.kind };
                    decimal_text(completion(counted_as, i.direction, t, Some(total)))
                }),
                units_reporting,
            })
        })
        .collect::<Result<Vec<_>, NotADecimal>>()?;

    let score_of: HashMap<Uuid, Decimal> = scores.into_iter().collect();
    let points_of: HashMap<Uuid, (String, String)> = ordered
        .iter()
        .filter_map(|u| u.points.as_ref().map(|p| (u.unit_id, (p.total.clone(), p.max_points.clone()))))
        .collect();
    let cluster_rows = clusters
        .into_iter()
        .zip(cluster_figures)
        .map(|(cluster, figures)| {
            let member_scores: Vec<(Uuid, Decimal)> =
                cluster.members.iter().filter_map(|m| score_of.get(m).map(|s| (*m, *s))).collect();
            let ranking = rank(&member_scores)
                .into_iter()
                .map(|(position, unit_id, score)| RankedUnit {
                    rank: position,
                    unit_name: name_of(&unit_id).1.to_string(),
                    unit_id,
                    overall_score: decimal_text(score),
                    total_points: points_of.get(&unit_id).map(|p| p.0.clone()),
                    max_points: points_of.get(&unit_id).map(|p| p.1.clone()),
                })
                .collect();
            ClusterRanking {
                cluster_id: cluster.id,
                name: cluster.name,
                leading_unit_id: cluster.leading_unit_id,
                ranking,
                indicators: figures,
            }
        })
        .collect();

    Ok(ProgressResponse {
        campaign_id,
        scoring_scheme_id: scheme.as_ref().map(|(id, ..)| *id),
        scoring_scheme_version: scheme.as_ref().map(|(_, version, _)| *version),
        indicators: indicator_rows,
        units: ordered,
        clusters: cluster_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    const CAMPAIGN: u128 = 1;
    // Indicators.
    const TREES: u128 = 10;
    const ACCIDENTS: u128 = 11;
    const POVERTY: u128 = 12;
    const PLAN: u128 = 13;
    // Units.
    const A: u128 = 100;
    const B: u128 = 101;
    const C: u128 = 102;
    const D: u128 = 103;

    fn indicator(n: u128, kind: IndicatorKind, direction: Direction, province_target: Option<&str>) -> IndicatorInput {
        IndicatorInput {
            id: id(n),
            name: format!("indicator {n}"),
            unit_of_measure: "u".into(),
            kind,
            direction,
            province_target: province_target.map(String::from),
            ratio: false,
        }
    }

    fn registered(unit: u128, targets: &[(u128, &str)]) -> UnitTargets {
        UnitTargets {
            unit_id: id(unit),
            status: RegistrationStatus::Accepted,
            targets: targets.iter().map(|(i, t)| (id(*i), (*t).to_string())).collect(),
        }
    }

    fn actual(unit: u128, indicator: u128, value: &str) -> UnitActual {
        UnitActual { unit_id: id(unit), indicator_id: id(indicator), value: value.into(), parts: None }
    }

    fn inputs(
        indicators: Vec<IndicatorInput>,
        registrations: Vec<UnitTargets>,
        actuals: Vec<UnitActual>,
    ) -> ProgressInputs {
        let unit_names = [A, B, C, D].into_iter().map(|u| (id(u), (format!("{u}"), format!("unit {u}")))).collect();
        ProgressInputs {
            campaign_id: id(CAMPAIGN),
            indicators,
            registrations,
            actuals,
            unit_names,
            clusters: vec![],
            scheme: None,
        }
    }

    /// (unit, rank, score) in the order answered.
    fn ranking(progress: &ProgressResponse) -> Vec<(Uuid, u32, &str)> {
        progress.units.iter().map(|u| (u.unit_id, u.rank, u.overall_score.as_str())).collect()
    }

    fn completions(unit: &UnitProgress) -> Vec<(&str, Option<&str>, &str)> {
        unit.indicators.iter().map(|i| (i.target.as_str(), i.actual.as_deref(), i.completion.as_str())).collect()
    }

    #[test]
    fn units_are_measured_against_their_own_targets_and_ranked_with_ties() {
        let progress = compute(inputs(
            vec![indicator(TREES, IndicatorKind::Quantity, Direction::HigherIsBetter, Some("300"))],
            vec![
                registered(A, &[(TREES, "100")]),
                registered(B, &[(TREES, "200")]),
                registered(C, &[(TREES, "50")]),
                registered(D, &[(TREES, "40")]),
            ],
            vec![actual(A, TREES, "50"), actual(B, TREES, "100"), actual(C, TREES, "75"), actual(D, TREES, "10")],
        ))
        .unwrap();
        assert_eq!(progress.campaign_id, id(CAMPAIGN));
        // Over-achievement: C's 150% shows uncapped, and its score is capped at 100.
        assert_eq!(
            ranking(&progress),
            [(id(C), 1, "100"), (id(A), 2, "50"), (id(B), 2, "50"), (id(D), 4, "25")],
            "ties share a rank and keep the registrations' order"
        );
        assert_eq!(completions(&progress.units[0]), [("50", Some("75"), "150")]);
        assert_eq!(progress.units[0].unit_code, C.to_string());
        assert_eq!(progress.units[0].unit_name, format!("unit {C}"));
        assert_eq!(progress.units[0].registration_status, RegistrationStatus::Accepted);
        let trees = &progress.indicators[0];
        assert_eq!(trees.province_actual, "235");
        assert_eq!(trees.province_completion.as_deref(), Some("78.33"));
        assert_eq!(trees.units_reporting, 4);
        assert_eq!(trees.province_target.as_deref(), Some("300"));
    }

    #[test]
    fn lower_is_better_zero_targets_and_missing_values() {
        let progress = compute(inputs(
            vec![
                indicator(ACCIDENTS, IndicatorKind::Quantity, Direction::LowerIsBetter, Some("10")),
                indicator(TREES, IndicatorKind::Quantity, Direction::HigherIsBetter, None),
            ],
            vec![
                // A halves its accidents target; a zero target met by anything.
                registered(A, &[(ACCIDENTS, "4"), (TREES, "0")]),
                // B doubles its accidents and has reported no trees yet.
                registered(B, &[(ACCIDENTS, "4"), (TREES, "10")]),
                // C had no accidents at all.
                registered(C, &[(ACCIDENTS, "4")]),
            ],
            vec![
                actual(A, ACCIDENTS, "2"),
                actual(A, TREES, "0"),
                actual(B, ACCIDENTS, "8"),
                actual(C, ACCIDENTS, "0"),
            ],
        ))
        .unwrap();
        let unit = |u| progress.units.iter().find(|p| p.unit_id == id(u)).unwrap();
        assert_eq!(completions(unit(A)), [("4", Some("2"), "200"), ("0", Some("0"), "100")]);
        assert_eq!(completions(unit(B)), [("4", Some("8"), "50"), ("10", None, "0")]);
        assert_eq!(completions(unit(C)), [("4", Some("0"), "100")]);
        assert_eq!(ranking(&progress), [(id(A), 1, "100"), (id(C), 1, "100"), (id(B), 3, "25")]);
        // The province had 10 accidents against a ceiling of 10; trees have no province target.
        assert_eq!(progress.indicators[0].province_actual, "10");
        assert_eq!(progress.indicators[0].province_completion.as_deref(), Some("100"));
        assert_eq!(progress.indicators[1].province_actual, "0");
        assert_eq!(progress.indicators[1].province_completion, None);
        assert_eq!(progress.indicators[1].units_reporting, 1);
    }

    #[test]
    fn yes_no_counts_units_and_percentages_average() {
        let progress = compute(inputs(
            vec![
                indicator(PLAN, IndicatorKind::YesNo, Direction::HigherIsBetter, Some("4")),
                indicator(POVERTY, IndicatorKind::Percentage, Direction::LowerIsBetter, Some("3")),
            ],
            vec![registered(A, &[(PLAN, "1"), (POVERTY, "3")]), registered(B, &[(PLAN, "1"), (POVERTY, "3")])],
            vec![actual(A, PLAN, "1"), actual(B, PLAN, "0"), actual(A, POVERTY, "2"), actual(B, POVERTY, "5")],
        ))
        .unwrap();
        let (plan, poverty) = (&progress.indicators[0], &progress.indicators[1]);
        // Yes/no: one unit of the four the province aims at did it.
        assert_eq!((plan.province_actual.as_str(), plan.province_completion.as_deref()), ("1", Some("25")));
        // Percentages: the mean of the units' values, lower is better.
        assert_eq!((poverty.province_actual.as_str(), poverty.province_completion.as_deref()), ("3.5", Some("85.71")));
        let unit = |u| progress.units.iter().find(|p| p.unit_id == id(u)).unwrap();
        assert_eq!(completions(unit(A)), [("1", Some("1"), "100"), ("3", Some("2"), "150")]);
        assert_eq!(completions(unit(B)), [("1", Some("0"), "0"), ("3", Some("5"), "60")]);
        assert_eq!(ranking(&progress), [(id(A), 1, "100"), (id(B), 2, "30")]);
    }

    #[test]
    fn nothing_registered_or_reported_yet() {
        let progress = compute(inputs(
            vec![indicator(TREES, IndicatorKind::Quantity, Direction::HigherIsBetter, Some("100"))],
            vec![registered(A, &[])],
            vec![],
        ))
        .unwrap();
        assert_eq!(ranking(&progress), [(id(A), 1, "0")], "no targets score 0");
        assert!(progress.units[0].indicators.is_empty());
        let trees = &progress.indicators[0];
        assert_eq!((trees.province_actual.as_str(), trees.province_completion.as_deref()), ("0", Some("0")));
        assert_eq!(trees.units_reporting, 0);
        let empty = compute(inputs(vec![], vec![], vec![])).unwrap();
        assert!(empty.indicators.is_empty() && empty.units.is_empty() && empty.clusters.is_empty());
    }

    #[test]
    fn targets_of_removed_indicators_and_unnamed_units_are_tolerated() {
        let progress = compute(ProgressInputs {
            unit_names: HashMap::new(),
            ..inputs(
                vec![indicator(TREES, IndicatorKind::Quantity, Direction::HigherIsBetter, None)],
                vec![registered(A, &[(ACCIDENTS, "5"), (TREES, "10")])],
                vec![actual(A, ACCIDENTS, "5"), actual(A, TREES, "5")],
            )
        })
        .unwrap();
        let a = &progress.units[0];
        assert_eq!(completions(a), [("10", Some("5"), "50")], "the removed indicator is left out");
        assert_eq!(a.overall_score, "50");
        assert_eq!((a.unit_code.as_str(), a.unit_name.as_str()), ("", ""));
    }

    #[test]
    fn clusters_rank_their_registered_members() {
        let progress = compute(ProgressInputs {
            clusters: vec![
                ClusterInput {
                    id: id(1000),
                    name: "Khối 1".into(),
                    leading_unit_id: Some(id(B)),
                    members: vec![id(B), id(C), id(D)],
                },
                ClusterInput { id: id(1001), name: "Khối 2".into(), leading_unit_id: None, members: vec![] },
            ],
            ..inputs(
                vec![indicator(TREES, IndicatorKind::Quantity, Direction::HigherIsBetter, None)],
                vec![registered(A, &[(TREES, "10")]), registered(B, &[(TREES, "10")]), registered(C, &[(TREES, "10")])],
                vec![actual(A, TREES, "10"), actual(B, TREES, "2"), actual(C, TREES, "8")],
            )
        })
        .unwrap();
        let first = &progress.clusters[0];
        assert_eq!((first.cluster_id, first.name.as_str(), first.leading_unit_id), (id(1000), "Khối 1", Some(id(B))));
        let ranked: Vec<_> =
            first.ranking.iter().map(|r| (r.rank, r.unit_id, r.unit_name.as_str(), r.overall_score.as_str())).collect();
        let (name_b, name_c) = (format!("unit {B}"), format!("unit {C}"));
        // D is a member but not registered: not ranked. A is registered but not a member.
        assert_eq!(ranked, [(1, id(C), name_c.as_str(), "80"), (2, id(B), name_b.as_str(), "20")]);
        assert!(progress.clusters[1].ranking.is_empty());
        // The province-wide ranks are unaffected by clusters.
        assert_eq!(ranking(&progress), [(id(A), 1, "100"), (id(C), 2, "80"), (id(B), 3, "20")]);
    }

    #[test]
    fn the_worked_example_scores_and_ranks_by_the_scheme() {
        use crate::domain::scoring::tests::{example, CULTURE, HOUSEHOLDS, ONLINE, ROADS};
        let scheme =
            crate::domain::scoring::check_scheme(&example(), &[id(HOUSEHOLDS), id(ROADS), id(ONLINE), id(CULTURE)])
                .unwrap();
        let mut online = indicator(ONLINE, IndicatorKind::Percentage, Direction::HigherIsBetter, Some("85"));
        online.ratio = true;
        let ratio = |unit, value: &str, n: &str, d: &str| UnitActual {
            parts: Some((n.into(), d.into())),
            ..actual(unit, ONLINE, value)
        };
        let progress = compute(ProgressInputs {
            scheme: Some((id(77), 3, scheme)),
            clusters: vec![ClusterInput {
                id: id(1000),
                name: "Cụm xã".into(),
                leading_unit_id: None,
                members: vec![id(A), id(B), id(C)],
            }],
            ..inputs(
                vec![
                    indicator(HOUSEHOLDS, IndicatorKind::Quantity, Direction::HigherIsBetter, None),
                    indicator(ROADS, IndicatorKind::Quantity, Direction::HigherIsBetter, None),
                    online,
                    indicator(CULTURE, IndicatorKind::YesNo, Direction::HigherIsBetter, None),
                ],
                vec![
                    registered(C, &[(HOUSEHOLDS, "20"), (ROADS, "2"), (CULTURE, "1")]),
                    registered(B, &[(HOUSEHOLDS, "60"), (ONLINE, "90")]),
                    registered(A, &[(HOUSEHOLDS, "40"), (ROADS, "5"), (ONLINE, "80"), (CULTURE, "1")]),
                ],
                vec![
                    actual(A, HOUSEHOLDS, "50"),
                    actual(A, ROADS, "4.2"),
                    ratio(A, "75", "120", "160"),
                    actual(A, CULTURE, "1"),
                    actual(B, HOUSEHOLDS, "45"),
                    ratio(B, "90", "27", "30"),
                    actual(C, HOUSEHOLDS, "20"),
                    actual(C, ROADS, "3"),
                    actual(C, CULTURE, "0"),
                ],
            )
        })
        .unwrap();
        assert_eq!((progress.scoring_scheme_id, progress.scoring_scheme_version), (Some(id(77)), Some(3)));
        assert_eq!(ranking(&progress), [(id(A), 1, "92.12"), (id(B), 2, "87.5"), (id(C), 3, "50")]);
        let totals: Vec<(&str, &str)> = progress
            .units
            .iter()
            .map(|u| u.points.as_ref().unwrap())
            .map(|p| (p.total.as_str(), p.max_points.as_str()))
            .collect();
        assert_eq!(totals, [("92.12", "100"), ("52.5", "60"), ("50", "100")]);
        let cluster: Vec<(u32, Option<&str>)> =
            progress.clusters[0].ranking.iter().map(|r| (r.rank, r.total_points.as_deref())).collect();
        assert_eq!(cluster, [(1, Some("92.12")), (2, Some("52.5")), (3, Some("50"))]);
        // Over the cluster: households 50 + 45 + 20; online files 147 of 190.
        let figures: Vec<(&str, usize)> =
            progress.clusters[0].indicators.iter().map(|i| (i.actual.as_str(), i.units_reporting)).collect();
        assert_eq!(figures, [("115", 3), ("7.2", 2), ("77.37", 2), ("1", 2)]);
        // The province's online ratio is 147 of 190 files, not the mean of 75% and 90%.
        let online = progress.indicators.iter().find(|i| i.indicator_id == id(ONLINE)).unwrap();
        assert!(online.ratio);
        assert_eq!((online.province_actual.as_str(), online.province_completion.as_deref()), ("77.37", Some("91.02")));
    }

    #[test]
    fn a_stored_value_that_is_not_a_decimal_is_an_error_naming_it() {
        let trees = || vec![indicator(TREES, IndicatorKind::Quantity, Direction::HigherIsBetter, Some("x"))];
        let bad_value = inputs(trees(), vec![], vec![actual(A, TREES, "many")]);
        assert_eq!(compute(bad_value).unwrap_err(), NotADecimal("value"));
        let bad_target = inputs(trees(), vec![registered(A, &[(TREES, "ten")])], vec![]);
        assert_eq!(compute(bad_target).unwrap_err(), NotADecimal("target"));
        assert_eq!(compute(inputs(trees(), vec![], vec![])).unwrap_err(), NotADecimal("province target"));
    }
}
