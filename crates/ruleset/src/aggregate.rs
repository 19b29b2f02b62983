//! Combines the layer scores the plugins returned into one overall score per ruleset, following
//! the ruleset's scoring method. The plugins judge each layer; only the cross-layer step lives
//! here, so that it is the same whichever plugins ran.

use serde::Serialize;
use sovstack_abi::semantics::{round, threshold_level, SCORE_DECIMALS, SHARE_DECIMALS};
use sovstack_abi::{LayerScore, ObjectiveScore, Scoring, ScoringMethod};
use std::collections::BTreeMap;

/// A ruleset's result over all layers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Overall {
    /// 0-100; absent when no layer could be scored.
    pub score: Option<f64>,
    /// 0-4; absent when no layer could be scored.
    pub level: Option<u8>,
    /// `seal_weakest_link`: each assessed objective, weakest layer's level and mean score.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub objectives: BTreeMap<String, ObjectiveScore>,
    /// `seal_weakest_link`: declared objectives no layer assessed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_assessed: Vec<String>,
    /// `bloc_balance`: mean share of each pole over the scored layers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub shares: BTreeMap<String, f64>,
    /// `bloc_balance`: mean share of each pole over the scored layers whose roles are all
    /// control roles (`sovstack_abi::Layer::controls`: every layer but the materials layer,
    /// whose producing countries supply raw materials and control nothing of the stack). What
    /// a report says when it names who controls the stack. Added in report 1.0.10.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub control_shares: BTreeMap<String, f64>,
    /// `bloc_balance`: the layers `control_shares` is the mean over. Added in report 1.0.10.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub control_layers: Vec<String>,
    /// `bloc_balance`: mean concentration index over the scored layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concentration_index: Option<f64>,
}

/// Aggregates layer scores (keyed by layer id) under a ruleset's scoring.
///
/// * `seal_weakest_link`: an objective's level is the lowest any layer gave it and its score the
///   mean of the layers' scores for it; the overall level is the lowest objective level (the
///   weakest link decides), the overall score the objective-weighted mean over the assessed
///   objectives.
/// * `bloc_balance`: shares, index and score are the means over the scored layers; the level
///   comes from `level_thresholds` as it does for a layer (`sovstack_abi::semantics::threshold_level`).
pub fn aggregate(scoring: &Scoring, layers: &BTreeMap<String, LayerScore>) -> Overall {
    match scoring.method {
        ScoringMethod::SealWeakestLink => seal(scoring, layers),
        ScoringMethod::BlocBalance => balance(scoring, layers),
    }
}

fn seal(scoring: &Scoring, layers: &BTreeMap<String, LayerScore>) -> Overall {
    let mut out = Overall::default();
    let (mut weighted, mut weights) = (0.0, 0.0);
    for objective in &scoring.objectives {
        let found: Vec<&ObjectiveScore> = layers
            .values()
            .filter_map(|l| l.objectives.get(&objective.id))
            .collect();
        if found.is_empty() {
            out.not_assessed.push(objective.id.clone());
            continue;
        }
        let level = found.iter().map(|o| o.level).min().unwrap_or(0);
        let score = round(
            found.iter().map(|o| o.score).sum::<f64>() / found.len() as f64,
            SCORE_DECIMALS,
        );
        weighted += score * objective.weight;
        weights += objective.weight;
        out.level = Some(out.level.map_or(level, |l: u8| l.min(level)));
        out.objectives
            .insert(objective.id.clone(), ObjectiveScore { level, score });
    }
    if weights > 0.0 {
        out.score = Some(round(weighted / weights, SCORE_DECIMALS));
    }
    out
}

fn balance(scoring: &Scoring, layers: &BTreeMap<String, LayerScore>) -> Overall {
    let mut out = Overall::default();
    let n = layers.len() as f64;
    if layers.is_empty() {
        return out;
    }
    out.shares = mean_shares(layers.values());
    (out.control_layers, out.control_shares) = control_shares(layers);
    let indices: Vec<f64> = layers
        .values()
        .filter_map(|l| l.concentration_index)
        .collect();
    if !indices.is_empty() {
        out.concentration_index = Some(round(
            indices.iter().sum::<f64>() / indices.len() as f64,
            SHARE_DECIMALS,
        ));
    }
    let score = round(
        layers.values().map(|l| l.score).sum::<f64>() / n,
        SCORE_DECIMALS,
    );
    out.score = Some(score);
    out.level = Some(threshold_level(&scoring.level_thresholds, score));
    out
}

/// The layers of control among `layers` (keyed by layer id; those whose roles are all control
/// roles, `sovstack_abi::Layer::controls`), and the mean share of each pole over them: who
/// controls the stack, without the producers of raw materials.
pub fn control_shares(
    layers: &BTreeMap<String, LayerScore>,
) -> (Vec<String>, BTreeMap<String, f64>) {
    let (ids, control): (Vec<&String>, Vec<&LayerScore>) = layers
        .iter()
        .filter(|(id, _)| sovstack_abi::Layer::from_id(id).is_some_and(|l| l.controls()))
        .unzip();
    (
        ids.into_iter().cloned().collect(),
        mean_shares(control.into_iter()),
    )
}

/// The mean share of each pole over `layers` (a pole a layer does not name counts 0 there),
/// rounded as shares are; empty for no layer. The overall shares and the control shares are
/// both this mean, over all the scored layers and over those of control.
pub fn mean_shares<'a>(
    layers: impl ExactSizeIterator<Item = &'a LayerScore>,
) -> BTreeMap<String, f64> {
    let n = layers.len() as f64;
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for layer in layers {
        for (pole, share) in &layer.shares {
            *out.entry(pole.clone()).or_insert(0.0) += share / n;
        }
    }
    for share in out.values_mut() {
        *share = round(*share, SHARE_DECIMALS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sovstack_abi::{LevelThreshold, Objective};

    fn seal_scoring() -> Scoring {
        Scoring {
            method: ScoringMethod::SealWeakestLink,
            home_blocs: vec!["EU".into()],
            home_countries: vec![],
            objectives: vec![
                Objective {
                    id: "SOV-2".into(),
                    name: "Legal".into(),
                    weight: 10.0,
                },
                Objective {
                    id: "SOV-5".into(),
                    name: "Supply".into(),
                    weight: 20.0,
                },
                Objective {
                    id: "SOV-8".into(),
                    name: "Env".into(),
                    weight: 5.0,
                },
            ],
            poles: vec![],
            commons_credit: 0.0,
            level_thresholds: vec![],
        }
    }

    fn layer(objectives: &[(&str, u8, f64)], score: f64, level: u8) -> LayerScore {
        LayerScore {
            score,
            level,
            objectives: objectives
                .iter()
                .map(|(id, level, score)| {
                    (
                        id.to_string(),
                        ObjectiveScore {
                            level: *level,
                            score: *score,
                        },
                    )
                })
                .collect(),
            shares: BTreeMap::new(),
            concentration_index: None,
        }
    }

    #[test]
    fn the_weakest_objective_decides_the_seal_level() {
        let layers = BTreeMap::from([
            (
                "processor".to_string(),
                layer(&[("SOV-5", 1, 40.0), ("SOV-2", 3, 80.0)], 0.0, 1),
            ),
            ("os".to_string(), layer(&[("SOV-5", 3, 80.0)], 0.0, 3)),
        ]);
        let o = aggregate(&seal_scoring(), &layers);
        assert_eq!(o.level, Some(1));
        assert_eq!(
            o.objectives["SOV-5"],
            ObjectiveScore {
                level: 1,
                score: 60.0
            }
        );
        assert_eq!(
            o.objectives["SOV-2"],
            ObjectiveScore {
                level: 3,
                score: 80.0
            }
        );
        // (60 × 20 + 80 × 10) / 30
        assert_eq!(o.score, Some(66.67));
        assert_eq!(o.not_assessed, ["SOV-8"]);
    }

    #[test]
    fn nothing_assessed_gives_no_score() {
        let o = aggregate(&seal_scoring(), &BTreeMap::new());
        assert_eq!((o.score, o.level), (None, None));
        assert_eq!(o.not_assessed.len(), 3);
    }

    #[test]
    fn balance_averages_layers_and_applies_thresholds() {
        let scoring = Scoring {
            method: ScoringMethod::BlocBalance,
            level_thresholds: vec![
                LevelThreshold {
                    min_score: 60.0,
                    level: 3,
                },
                LevelThreshold {
                    min_score: 30.0,
                    level: 2,
                },
                LevelThreshold {
                    min_score: 0.0,
                    level: 0,
                },
            ],
            ..seal_scoring()
        };
        let mut a = layer(&[], 20.0, 1);
        a.shares = BTreeMap::from([("US".to_string(), 0.8), ("commons".to_string(), 0.2)]);
        a.concentration_index = Some(0.64);
        let mut b = layer(&[], 50.0, 2);
        b.shares = BTreeMap::from([("US".to_string(), 0.5), ("CN".to_string(), 0.5)]);
        b.concentration_index = Some(0.5);
        let o = aggregate(
            &scoring,
            &BTreeMap::from([("a".to_string(), a), ("b".to_string(), b)]),
        );
        assert_eq!(o.score, Some(35.0));
        assert_eq!(o.level, Some(2));
        assert_eq!(o.shares["US"], 0.65);
        assert_eq!(o.shares["CN"], 0.25);
        assert_eq!(o.shares["commons"], 0.1);
        assert_eq!(o.concentration_index, Some(0.57));
        // `a` and `b` are no layer's ids: no control shares.
        assert!(o.control_shares.is_empty() && o.control_layers.is_empty());
    }

    /// The raw materials' producing countries weigh in the overall score and shares, as
    /// documented, but not in who controls the stack.
    #[test]
    fn control_shares_leave_out_the_producers_of_raw_materials() {
        let scoring = Scoring {
            method: ScoringMethod::BlocBalance,
            ..seal_scoring()
        };
        let mut processor = layer(&[], 25.0, 1);
        processor.shares = BTreeMap::from([("US".to_string(), 0.75), ("TW".to_string(), 0.25)]);
        let mut os = layer(&[], 100.0, 4);
        os.shares = BTreeMap::from([("commons".to_string(), 1.0)]);
        let mut materials = layer(&[], 15.66, 0);
        materials.shares = BTreeMap::from([("CN".to_string(), 0.843), ("KR".to_string(), 0.157)]);
        let o = aggregate(
            &scoring,
            &BTreeMap::from([
                ("processor".to_string(), processor),
                ("os".to_string(), os),
                ("materials".to_string(), materials),
            ]),
        );
        assert_eq!(o.score, Some(46.89));
        assert_eq!(o.shares["CN"], 0.281);
        assert_eq!(o.control_layers, ["os", "processor"]);
        assert_eq!(
            o.control_shares,
            BTreeMap::from([
                ("US".to_string(), 0.375),
                ("TW".to_string(), 0.125),
                ("commons".to_string(), 0.5)
            ])
        );
    }
}
