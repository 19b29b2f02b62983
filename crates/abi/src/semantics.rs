//! The rule semantics both sides share: rounding, the level a score's thresholds give, the level
//! tables of the criteria, and every static check of a ruleset, each with a stable code.
//!
//! `sovstack ruleset validate` (`sovstack-ruleset`) runs [`check`] over the whole file and
//! attaches a line and column to each [`Problem`] from its [`Place`]; a plugin built on the SDK
//! runs the same [`check`] over the [`RulesetView`] it receives and refuses the request with the
//! first problem. So a ruleset that validates is never refused by a built-in plugin for what it
//! says, and a ruleset a plugin would refuse does not validate. The conformance corpus
//! (`tests/conformance/rulesets/`) holds one ruleset per code of [`REFUSALS`] and checks that both
//! sides give the same verdict.
//!
//! What is not here: checks that need the knowledge base (whether a bloc or a country is known)
//! or the whole file (a ruleset with no rule at all, a rule for a layer that does not exist: no
//! plugin is ever shown such a rule), which `sovstack-ruleset` makes alone; and checks of a
//! request's items and of what a plugin supports ([`REQUEST_REFUSALS`]), which only a plugin can
//! make.

use crate::{
    Actor, AttributedItem, Criterion, Layer, LevelThreshold, Pole, Rule, RulesetView, Scoring,
    ScoringMethod, Severity, SupportStatus,
};
use std::collections::BTreeSet;
use std::fmt;

/// Decimals of a score (0-100) as reported.
pub const SCORE_DECIMALS: i32 = 2;
/// Decimals of a share and of the concentration index (0-1) as reported.
pub const SHARE_DECIMALS: i32 = 4;
/// The highest level; levels run from 0 to this.
pub const MAX_LEVEL: u8 = 4;
/// The level a `supported` rule gives an item known to be supported: the requirement is met.
pub const SUPPORTED_LEVEL: u8 = 4;
/// The level a `supported` rule gives an item in its extended support window (regular support
/// ended, an extended programme such as Debian LTS still runs): security fixes still come, but
/// for fewer packages or architectures, from another team, sometimes for a fee; below the pass
/// mark of every built-in ruleset (3), not 0, since the system is not unpatched.
pub const EXTENDED_SUPPORT_LEVEL: u8 = 2;
/// The level a `supported` rule gives an item past the end of its support, extended included.
pub const ENDED_SUPPORT_LEVEL: u8 = 0;
/// The level a `certified` rule gives an item whose supplier declares one of its certifications.
pub const CERTIFIED_LEVEL: u8 = 4;
/// The level a `certified` rule gives an item whose supplier declares none of them (not met,
/// or not shown).
pub const NOT_CERTIFIED_LEVEL: u8 = 0;

/// The level a `supported` rule gives an item ([`AttributedItem::support_status`]):
/// [`SUPPORTED_LEVEL`], [`EXTENDED_SUPPORT_LEVEL`] or [`ENDED_SUPPORT_LEVEL`]; `None` when its
/// support is unknown, so that the rule does not judge it.
pub fn support_level(item: &AttributedItem) -> Option<u8> {
    item.support_status().map(|s| match s {
        SupportStatus::Supported => SUPPORTED_LEVEL,
        SupportStatus::Extended => EXTENDED_SUPPORT_LEVEL,
        SupportStatus::Ended => ENDED_SUPPORT_LEVEL,
    })
}

/// Whether an item's declared certifications hold one of `any_of` (compared ignoring ASCII
/// case), as a `certified` rule asks.
pub fn is_certified(item: &AttributedItem, any_of: &[String]) -> bool {
    item.certifications
        .iter()
        .any(|c| any_of.iter().any(|w| w.eq_ignore_ascii_case(c)))
}

/// The level a rule of a per-item verdict criterion (`supported`, `certified`) gives an item;
/// `None` for an item it does not judge, and for every other criterion (whose levels, when they
/// give any, come from the rule's own tables).
pub fn verdict_level(rule: &Rule, item: &AttributedItem) -> Option<u8> {
    match &rule.criterion {
        Criterion::Supported {} => support_level(item),
        Criterion::Certified { any_of } => Some(if is_certified(item, any_of) {
            CERTIFIED_LEVEL
        } else {
            NOT_CERTIFIED_LEVEL
        }),
        _ => None,
    }
}

/// The severity of a finding of `rule` about `item` before criticality
/// ([`AttributedItem::finding_severity`] raises it for a `critical` item): the rule's, one step
/// lower ([`Severity::step_down`]) for a `supported` finding about an item in its extended
/// support window, which still gets security fixes.
pub fn base_severity(rule: &Rule, item: &AttributedItem) -> Severity {
    match (&rule.criterion, item.support_status()) {
        (Criterion::Supported {}, Some(SupportStatus::Extended)) => rule.severity.step_down(),
        _ => rule.severity,
    }
}

/// The ids a pole may not take: the shares of their own that `bloc_balance` reports besides the
/// poles' (`sovstack-abi`, "Criteria", `concentration`).
pub const RESERVED_SHARES: [&str; 3] = ["commons", "other", "unknown"];

/// Where an actor's share of control goes for `concentration` (and so for `bloc_balance`'s
/// shares): the plugins' SDK sums these per layer, and the host's JSON Lines output gives them
/// per item, so that both come from this one function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Index into the ruleset's poles.
    Pole(usize),
    Commons,
    Other,
    Unknown,
}

/// First match wins: an open standard or community project → commons, whatever its country (a
/// commons is not a controller); no country → unknown; the first pole, in the ruleset's order,
/// listing the country or one of its blocs (ASCII case ignored) → that pole; else other.
pub fn bucket(actor: &Actor, poles: &[Pole]) -> Bucket {
    if actor.governance.is_commons() {
        return Bucket::Commons;
    }
    let country = match actor
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => return Bucket::Unknown,
        Some(c) => c,
    };
    let has = |list: &[String], code: &str| list.iter().any(|c| c.eq_ignore_ascii_case(code));
    poles
        .iter()
        .position(|p| has(&p.countries, country) || actor.blocs.iter().any(|b| has(&p.blocs, b)))
        .map_or(Bucket::Other, Bucket::Pole)
}

/// How `of_item`, the part of a layer's control an item holds, is split among its actors of a
/// rule's roles (`held`, in the item's order) for `concentration`: evenly (`of_item / n` each),
/// unless every one carries an [`Actor::share`] and those shares add up to more than 0, in which
/// case each holds `of_item × share / sum of the shares`, so that the parts add up to `of_item`
/// either way. The plugins' SDK sums these per layer and the host's JSON Lines output gives them
/// per item (with `of_item` 1): both call this one function.
pub fn control_fractions(of_item: f64, held: &[&Actor]) -> Vec<f64> {
    let even = || vec![of_item / held.len() as f64; held.len()];
    // No let-else: this file is compiled by Debian's rustc 1.63 too.
    let shares = match held.iter().map(|a| a.share).collect::<Option<Vec<f64>>>() {
        Some(shares) => shares,
        None => return even(),
    };
    // Summed in item order, so the same request always gives the same bits.
    let sum: f64 = shares.iter().sum();
    if held.is_empty() || !(sum > 0.0 && sum.is_finite()) {
        return even();
    }
    shares.iter().map(|s| of_item * s / sum).collect()
}

/// `x` rounded to `decimals` places, half away from zero. Scores are reported to
/// [`SCORE_DECIMALS`], shares and the index to [`SHARE_DECIMALS`], on every platform the same.
pub fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// The level `level_thresholds` give a score: the level of the first threshold, in the ruleset's
/// order, whose `min_score` the score reaches; 0 when none does. [`check`] refuses thresholds
/// that are not listed from the highest `min_score` and level down (`ruleset/threshold-order`)
/// or that do not end at `min_score: 0` (`ruleset/incomplete-thresholds`), so in a valid ruleset
/// the first threshold reached is also the one with the highest level, and every score from 0 to
/// 100 reaches one.
pub fn threshold_level(thresholds: &[LevelThreshold], score: f64) -> u8 {
    thresholds
        .iter()
        .find(|t| score >= t.min_score)
        .map_or(0, |t| t.level)
}

/// Whether `code` is an ISO 3166-1 alpha-2 code as sovstack writes them: two ASCII upper-case
/// letters.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Declares the refusals: one line each, `Variant = "code": "meaning"`, from which the enum,
/// its `code()` and `meaning()` and the const list are derived.
macro_rules! refusals {
    ($(#[$doc:meta])* $name:ident, $list:ident { $($variant:ident = $code:literal : $meaning:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code (`ruleset/bad-level`).
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// What the code means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $($name::$variant => $meaning,)*
                }
            }
        }

        /// `(code, meaning)` of every variant, in declaration order.
        pub const $list: &[(&str, &str)] = &[$(($code, $meaning)),*];
    };
}

refusals! {
    /// Why a ruleset is refused, by `sovstack ruleset validate` and by every built-in plugin
    /// alike ([`check`]).
    Refusal, REFUSALS {
        BadName = "ruleset/bad-name": "the ruleset's name is not kebab-case (a-z, 0-9, -)",
        BadVersion = "ruleset/bad-version": "the ruleset's version is empty",
        MissingObjectives = "ruleset/missing-objectives": "seal_weakest_link declares no objectives",
        MissingHome = "ruleset/missing-home": "seal_weakest_link declares neither home_blocs nor home_countries",
        MissingPoles = "ruleset/missing-poles": "bloc_balance declares no poles",
        MissingThresholds = "ruleset/missing-thresholds": "bloc_balance declares no level_thresholds",
        IncompleteThresholds = "ruleset/incomplete-thresholds": "level_thresholds do not end at min_score 0, so some score would get no level",
        ThresholdOrder = "ruleset/threshold-order": "level_thresholds are not listed from the highest min_score and level down",
        BadMinScore = "ruleset/bad-min-score": "a level threshold's min_score is not a number from 0 to 100",
        MisplacedSetting = "ruleset/misplaced-setting": "a setting of the other scoring method (an objective under bloc_balance, poles under seal_weakest_link, ...)",
        BadCommonsCredit = "ruleset/bad-commons-credit": "commons_credit is not a number from 0 to 1",
        DuplicateObjective = "ruleset/duplicate-objective": "an objective id is declared twice",
        BadWeight = "ruleset/bad-weight": "a rule's or an objective's weight is negative or not a finite number",
        DuplicatePole = "ruleset/duplicate-pole": "a pole id is declared twice",
        EmptyPole = "ruleset/empty-pole": "a pole holds no country and no bloc",
        ReservedPole = "ruleset/reserved-pole": "a pole is named commons, other or unknown, which are shares of their own",
        BadCountry = "ruleset/bad-country": "a country is not an ISO 3166-1 alpha-2 code (two upper-case letters)",
        BadLevel = "ruleset/bad-level": "a level (of a threshold, a class, a governance or pass_level) is above 4",
        DuplicateRule = "ruleset/duplicate-rule": "a rule id is declared twice",
        NoRoles = "ruleset/no-roles": "a rule whose criterion judges actors names no role",
        UnknownRole = "ruleset/unknown-role": "a rule names a role its layer has no actor in",
        DuplicateRole = "ruleset/duplicate-role": "a rule names the same role twice",
        MissingObjective = "ruleset/missing-objective": "under seal_weakest_link, a rule names no objective",
        UnknownObjective = "ruleset/unknown-objective": "a rule names an objective the scoring does not declare",
        BadThreshold = "ruleset/bad-threshold": "a concentration, route_ownership or hyperscaler_share rule's max_share or max_index is not a number from 0 to 1, a route_diversity rule's min_systems is 0, or a long_lived_commons rule's min_years is not a positive number",
        BadSeverity = "ruleset/bad-severity": "an assessed, supported or declared_vs_observed rule's severity is info (it must be low or higher)",
        NoCertification = "ruleset/no-certification": "a certified rule's any_of names no certification",
        UnknownCertification = "ruleset/unknown-certification": "a certified rule names a certification sovstack does not know (see sovstack_abi::certifications)",
    }
}

refusals! {
    /// Why a plugin built on the SDK refuses a request for what it holds besides the ruleset's
    /// text: no ruleset can cause these when the host builds the request.
    RequestRefusal, REQUEST_REFUSALS {
        BadRequest = "request/malformed": "the request is not an EvaluateRequest in JSON",
        AbiVersion = "request/abi-version": "the request is for another ABI version",
        WrongLayer = "request/wrong-layer": "the request, or one of its rules, is for a layer the plugin does not evaluate",
        UnsupportedCriterion = "request/unsupported-criterion": "a rule's criterion is one the plugin does not judge",
        DuplicateItem = "request/duplicate-item": "an item id appears twice in the request",
        BadItemWeight = "request/bad-item-weight": "an item's weight is negative or not a finite number, or the weights add up to infinity",
        BadActorShare = "request/bad-actor-share": "an actor's share is not a finite number from 0 to 1",
    }
}

/// Where in a ruleset a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The `name`.
    Name,
    /// The `version`.
    Version,
    /// The `scoring` settings.
    Scoring,
    /// The rule at this index of the rules checked.
    Rule(usize),
}

/// One thing [`check`] refuses, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is refused.
    pub refusal: Refusal,
    /// Where.
    pub place: Place,
    /// What is wrong, naming the rule, objective, pole or threshold involved.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.refusal.code(), self.message)
    }
}

/// Every problem of a ruleset's name, version, scoring and rules, in that order (rules in their
/// order). The host checks the whole file this way; a plugin, the view it receives (its layer's
/// rules only). A rule for a layer that does not exist is not checked for roles here (the host
/// refuses the layer; no plugin is shown such a rule).
pub fn check(view: &RulesetView) -> Vec<Problem> {
    let mut cx = Checks {
        problems: Vec::new(),
    };
    let name = &view.name;
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        cx.push(
            Refusal::BadName,
            Place::Name,
            format!("name `{name}` must be kebab-case (a-z, 0-9, -)"),
        );
    }
    if view.version.trim().is_empty() {
        cx.push(
            Refusal::BadVersion,
            Place::Version,
            "version must not be empty".to_string(),
        );
    }
    cx.scoring(&view.scoring);
    let mut ids = BTreeSet::new();
    for (i, rule) in view.rules.iter().enumerate() {
        if !ids.insert(rule.id.as_str()) {
            cx.push(
                Refusal::DuplicateRule,
                Place::Rule(i),
                format!("rule `{}` is declared twice", rule.id),
            );
        }
        cx.rule(i, &view.scoring, rule);
    }
    cx.problems
}

struct Checks {
    problems: Vec<Problem>,
}

impl Checks {
    fn push(&mut self, refusal: Refusal, place: Place, message: String) {
        self.problems.push(Problem {
            refusal,
            place,
            message,
        });
    }

    fn level(&mut self, place: Place, what: &str, level: u8) {
        if level > MAX_LEVEL {
            self.push(
                Refusal::BadLevel,
                place,
                format!("{what} is {level}; levels run from 0 to {MAX_LEVEL}"),
            );
        }
    }

    fn weight(&mut self, place: Place, what: &str, weight: f64) {
        // Written so that NaN fails too.
        if !(weight.is_finite() && weight >= 0.0) {
            self.push(
                Refusal::BadWeight,
                place,
                format!("{what} has weight {weight}; weights are finite and not negative"),
            );
        }
    }

    fn countries(&mut self, what: &str, countries: &[String]) {
        for c in countries {
            if !is_country_code(c) {
                self.push(Refusal::BadCountry, Place::Scoring, format!("{what} names `{c}`, which is not an ISO 3166-1 alpha-2 code (two upper-case letters)"));
            }
        }
    }

    fn scoring(&mut self, s: &Scoring) {
        let at = Place::Scoring;
        match s.method {
            ScoringMethod::SealWeakestLink => {
                if s.objectives.is_empty() {
                    self.push(
                        Refusal::MissingObjectives,
                        at,
                        "seal_weakest_link needs `objectives` with their weights".into(),
                    );
                }
                if s.home_blocs.is_empty() && s.home_countries.is_empty() {
                    self.push(Refusal::MissingHome, at, "seal_weakest_link needs `home_blocs` or `home_countries`: what counts as home".into());
                }
                for (key, empty) in [
                    ("poles", s.poles.is_empty()),
                    ("level_thresholds", s.level_thresholds.is_empty()),
                    ("commons_credit", s.commons_credit == 0.0),
                ] {
                    if !empty {
                        self.push(Refusal::MisplacedSetting, at, format!("`{key}` applies to bloc_balance, not seal_weakest_link (the weakest objective decides the level)"));
                    }
                }
            }
            ScoringMethod::BlocBalance => {
                if s.poles.is_empty() {
                    self.push(
                        Refusal::MissingPoles,
                        at,
                        "bloc_balance needs `poles`: the powers whose shares are measured".into(),
                    );
                }
                if s.level_thresholds.is_empty() {
                    self.push(
                        Refusal::MissingThresholds,
                        at,
                        "bloc_balance needs `level_thresholds`".into(),
                    );
                }
                if !(0.0..=1.0).contains(&s.commons_credit) {
                    self.push(
                        Refusal::BadCommonsCredit,
                        at,
                        format!(
                            "commons_credit is {}; it must lie in 0..1",
                            s.commons_credit
                        ),
                    );
                }
                for (key, empty) in [
                    ("objectives", s.objectives.is_empty()),
                    ("home_blocs", s.home_blocs.is_empty()),
                    ("home_countries", s.home_countries.is_empty()),
                ] {
                    if !empty {
                        self.push(
                            Refusal::MisplacedSetting,
                            at,
                            format!("`{key}` applies to seal_weakest_link, not bloc_balance"),
                        );
                    }
                }
            }
        }
        self.thresholds(&s.level_thresholds);
        let mut seen = BTreeSet::new();
        for o in &s.objectives {
            if !seen.insert(o.id.as_str()) {
                self.push(
                    Refusal::DuplicateObjective,
                    at,
                    format!("objective `{}` is declared twice", o.id),
                );
            }
            self.weight(at, &format!("objective `{}`", o.id), o.weight);
        }
        let mut seen = BTreeSet::new();
        for p in &s.poles {
            if RESERVED_SHARES.contains(&p.id.as_str()) {
                self.push(Refusal::ReservedPole, at, format!("pole `{}` takes the name of a share of its own (commons, other and unknown are reported besides the poles)", p.id));
            }
            if !seen.insert(p.id.as_str()) {
                self.push(
                    Refusal::DuplicatePole,
                    at,
                    format!("pole `{}` is declared twice", p.id),
                );
            }
            if p.countries.is_empty() && p.blocs.is_empty() {
                self.push(
                    Refusal::EmptyPole,
                    at,
                    format!("pole `{}` holds no country and no bloc", p.id),
                );
            }
            self.countries(&format!("pole `{}`", p.id), &p.countries);
        }
        self.countries("home_countries", &s.home_countries);
    }

    /// Each threshold's level and min_score, their order (from the highest min_score and level
    /// down, each strictly lower than the one before), and a last one at 0.
    fn thresholds(&mut self, thresholds: &[LevelThreshold]) {
        let at = Place::Scoring;
        for t in thresholds {
            self.level(
                at,
                &format!("the level of the threshold at min_score {}", t.min_score),
                t.level,
            );
            if !(t.min_score >= 0.0 && t.min_score <= 100.0) {
                self.push(
                    Refusal::BadMinScore,
                    at,
                    format!(
                        "a level threshold's min_score is {}; scores run from 0 to 100",
                        t.min_score
                    ),
                );
            }
        }
        for pair in thresholds.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            if !(after.min_score < before.min_score && after.level < before.level) {
                self.push(
                    Refusal::ThresholdOrder,
                    at,
                    format!(
                        "the threshold {{min_score: {}, level: {}}} follows {{min_score: {}, level: {}}}; list level_thresholds from the highest min_score and level down, each lower than the one before (the first threshold a score reaches gives its level)",
                        after.min_score, after.level, before.min_score, before.level
                    ),
                );
            }
        }
        if !thresholds.is_empty() && !thresholds.iter().any(|t| t.min_score == 0.0) {
            self.push(
                Refusal::IncompleteThresholds,
                at,
                "`level_thresholds` must end with `min_score: 0` so that every score gets a level"
                    .into(),
            );
        }
    }

    fn rule(&mut self, i: usize, scoring: &Scoring, r: &Rule) {
        let at = Place::Rule(i);
        let what = format!("rule `{}`", r.id);
        let roles = r.criterion.roles();
        if r.criterion.names_roles() && roles.is_empty() {
            self.push(
                Refusal::NoRoles,
                at,
                format!("{what} names no role to judge"),
            );
        }
        if let Some(layer) = Layer::from_id(&r.layer) {
            let known: Vec<&str> = layer.roles().iter().map(|role| role.as_str()).collect();
            for (n, role) in roles.iter().enumerate() {
                if !known.contains(&role.as_str()) {
                    self.push(Refusal::UnknownRole, at, format!("{what} names role `{role}`, which layer `{}` has no actor in (roles: {})", r.layer, known.join(", ")));
                } else if roles[..n].contains(role) {
                    self.push(
                        Refusal::DuplicateRole,
                        at,
                        format!("{what} names role `{role}` twice"),
                    );
                }
            }
        }
        self.weight(at, &what, r.weight);
        let objectives: Vec<&str> = scoring.objectives.iter().map(|o| o.id.as_str()).collect();
        match (scoring.method, &r.objective) {
            (ScoringMethod::SealWeakestLink, None) => self.push(
                Refusal::MissingObjective,
                at,
                format!(
                    "{what} needs an `objective` (one of {})",
                    objectives.join(", ")
                ),
            ),
            // With no objective declared at all, `ruleset/missing-objectives` says it once.
            (ScoringMethod::SealWeakestLink, Some(o))
                if !objectives.is_empty() && !objectives.contains(&o.as_str()) =>
            {
                self.push(
                    Refusal::UnknownObjective,
                    at,
                    format!(
                        "{what} names objective `{o}`, which `scoring.objectives` does not declare"
                    ),
                )
            }
            (ScoringMethod::BlocBalance, Some(_)) => self.push(
                Refusal::MisplacedSetting,
                at,
                format!("{what} names an objective, which bloc_balance does not use"),
            ),
            _ => {}
        }
        match &r.criterion {
            Criterion::Jurisdiction {
                levels, pass_level, ..
            } => {
                for (k, v) in levels.entries() {
                    self.level(at, &format!("{what}'s `{k}` level"), v);
                }
                self.level(at, &format!("{what}'s pass_level"), *pass_level);
            }
            Criterion::Openness {
                levels, pass_level, ..
            } => {
                for (k, v) in levels.entries() {
                    self.level(at, &format!("{what}'s `{k}` level"), v);
                }
                self.level(at, &format!("{what}'s pass_level"), *pass_level);
            }
            Criterion::Concentration {
                max_share,
                max_index,
                ..
            } => {
                for (k, v) in [("max_share", max_share), ("max_index", max_index)] {
                    if !(0.0..=1.0).contains(v) {
                        self.push(
                            Refusal::BadThreshold,
                            at,
                            format!("{what}'s {k} is {v}; it must lie in 0..1"),
                        );
                    }
                }
            }
            Criterion::RouteOwnership { max_share } | Criterion::HyperscalerShare { max_share } => {
                if !(0.0..=1.0).contains(max_share) {
                    self.push(
                        Refusal::BadThreshold,
                        at,
                        format!("{what}'s max_share is {max_share}; it must lie in 0..1"),
                    );
                }
            }
            Criterion::RouteDiversity { min_systems } => {
                if *min_systems == 0 {
                    self.push(
                        Refusal::BadThreshold,
                        at,
                        format!("{what}'s min_systems is 0; it must be at least 1"),
                    );
                }
            }
            Criterion::LongLivedCommons { min_years, .. } => {
                if !(min_years.is_finite() && *min_years > 0.0) {
                    self.push(
                        Refusal::BadThreshold,
                        at,
                        format!("{what}'s min_years is {min_years}; it must be a positive number"),
                    );
                }
            }
            Criterion::KnownAttribution { .. } => {}
            // A service that could not be assessed is never a mere remark: such a finding would
            // vanish among the informational ones and read like a pass.
            Criterion::Assessed {} => {
                if r.severity < Severity::Low {
                    self.push(Refusal::BadSeverity, at, format!("{what} reports items that could not be assessed; its severity must be low or higher, not {}", r.severity.as_str()));
                }
            }
            // A claim the observations contradict is never a mere remark.
            Criterion::DeclaredVsObserved {} => {
                if r.severity < Severity::Low {
                    self.push(Refusal::BadSeverity, at, format!("{what} reports claims contradicted by observations; its severity must be low or higher, not {}", r.severity.as_str()));
                }
            }
            Criterion::Certified { any_of } => {
                if any_of.is_empty() {
                    self.push(
                        Refusal::NoCertification,
                        at,
                        format!("{what} names no certification in `any_of`"),
                    );
                }
                for c in any_of {
                    if crate::certifications::canonical(c).is_none() {
                        let known: Vec<&str> =
                            crate::certifications::ALL.iter().map(|(n, _)| *n).collect();
                        self.push(
                            Refusal::UnknownCertification,
                            at,
                            format!(
                                "{what} names certification `{c}`, which sovstack does not know (known: {})",
                                known.join(", ")
                            ),
                        );
                    }
                }
            }
            // An unsupported system is a risk, never a mere remark.
            Criterion::Supported {} => {
                if r.severity < Severity::Low {
                    self.push(Refusal::BadSeverity, at, format!("{what} reports items past the end of their support; its severity must be low or higher, not {}", r.severity.as_str()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{JurisdictionLevels, Objective, Pole};

    #[test]
    fn control_is_split_by_shares_only_when_every_actor_has_one() {
        let actor = |share: Option<f64>| -> Actor {
            serde_json::from_value(serde_json::json!({
                "role": "producer", "name": null, "country": "CN",
                "governance": "state", "share": share,
            }))
            .unwrap()
        };
        let fractions = |shares: &[Option<f64>]| {
            let actors: Vec<Actor> = shares.iter().map(|s| actor(*s)).collect();
            control_fractions(1.0, &actors.iter().collect::<Vec<_>>())
        };
        // USGS's primary gallium, 2025: China 900,000 kg, Russia 6,000, Japan 3,000 of 909,000.
        let g = fractions(&[Some(0.99), Some(0.0066), Some(0.0033)]);
        assert!((g[0] - 0.99 / 0.9999).abs() < 1e-12, "{g:?}");
        assert!((g.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Shares that do not add up to 1 are normalised; one actor without a share: evenly.
        assert_eq!(fractions(&[Some(0.375), Some(0.125)]), [0.75, 0.25]);
        assert_eq!(fractions(&[Some(0.9), None]), [0.5, 0.5]);
        assert_eq!(fractions(&[None, None, None, None]), [0.25; 4]);
        // All zero: nothing to split by, evenly.
        assert_eq!(fractions(&[Some(0.0), Some(0.0)]), [0.5, 0.5]);
        assert!(fractions(&[]).is_empty());
        // The even split is `of_item / n`, to the bit what the SDK computed before shares.
        let a = [actor(None), actor(None), actor(None)];
        let held: Vec<&Actor> = a.iter().collect();
        assert_eq!(control_fractions(0.7, &held), [0.7 / 3.0; 3]);
    }

    #[test]
    fn codes_are_unique_kebab_case_and_qualified() {
        let mut seen = BTreeSet::new();
        for (code, meaning) in REFUSALS.iter().chain(REQUEST_REFUSALS) {
            assert!(seen.insert(*code), "{code} twice");
            let (area, name) = code.split_once('/').unwrap();
            assert!(["ruleset", "request"].contains(&area), "{code}");
            assert!(
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{code}"
            );
            assert!(!meaning.is_empty() && !meaning.contains('\n'), "{code}");
        }
        assert_eq!(Refusal::ALL.len(), REFUSALS.len());
        for r in Refusal::ALL {
            assert!(REFUSALS.contains(&(r.code(), r.meaning())));
        }
    }

    fn thresholds(pairs: &[(f64, u8)]) -> Vec<LevelThreshold> {
        pairs
            .iter()
            .map(|&(min_score, level)| LevelThreshold { min_score, level })
            .collect()
    }

    fn balance(pairs: &[(f64, u8)]) -> RulesetView {
        RulesetView {
            name: "t".into(),
            version: "1".into(),
            scoring: Scoring {
                method: ScoringMethod::BlocBalance,
                home_blocs: vec![],
                home_countries: vec![],
                objectives: vec![],
                poles: vec![Pole {
                    id: "US".into(),
                    name: "US".into(),
                    countries: vec!["US".into()],
                    blocs: vec![],
                }],
                commons_credit: 0.5,
                level_thresholds: thresholds(pairs),
            },
            rules: vec![],
        }
    }

    fn codes(view: &RulesetView) -> Vec<&'static str> {
        check(view).iter().map(|p| p.refusal.code()).collect()
    }

    #[test]
    fn the_first_threshold_reached_gives_the_level() {
        let t = thresholds(&[(80.0, 4), (60.0, 3), (40.0, 2), (20.0, 1), (0.0, 0)]);
        for (score, want) in [
            (100.0, 4),
            (80.0, 4),
            (79.99, 3),
            (60.0, 3),
            (40.0, 2),
            (20.0, 1),
            (19.99, 0),
            (0.0, 0),
        ] {
            assert_eq!(threshold_level(&t, score), want, "{score}");
        }
        assert_eq!(threshold_level(&[], 50.0), 0);
        assert_eq!(
            codes(&balance(&[(80.0, 4), (60.0, 3), (0.0, 0)])),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn thresholds_out_of_order_incomplete_or_out_of_range_are_refused() {
        type Case<'a> = (&'a [(f64, u8)], &'a [&'a str]);
        let cases: [Case; 7] = [
            (
                &[(60.0, 3), (80.0, 4), (0.0, 0)],
                &["ruleset/threshold-order"],
            ),
            (
                &[(80.0, 3), (60.0, 4), (0.0, 0)],
                &["ruleset/threshold-order"],
            ),
            (
                &[(80.0, 4), (80.0, 3), (0.0, 0)],
                &["ruleset/threshold-order"],
            ),
            (
                &[(80.0, 4), (60.0, 4), (0.0, 0)],
                &["ruleset/threshold-order"],
            ),
            (&[(80.0, 4), (20.0, 1)], &["ruleset/incomplete-thresholds"]),
            (&[(120.0, 4), (0.0, 0)], &["ruleset/bad-min-score"]),
            (&[(80.0, 5), (0.0, 0)], &["ruleset/bad-level"]),
        ];
        for (pairs, want) in cases {
            assert_eq!(codes(&balance(pairs)), want, "{pairs:?}");
        }
        assert_eq!(
            codes(&balance(&[(f64::NAN, 4), (0.0, 0)])),
            ["ruleset/bad-min-score", "ruleset/threshold-order"]
        );
        assert_eq!(codes(&balance(&[])), ["ruleset/missing-thresholds"]);
    }

    fn rule(criterion: Criterion) -> Rule {
        Rule {
            remediation: None,
            id: "r".into(),
            layer: "processor".into(),
            title: "t".into(),
            objective: None,
            severity: Severity::Low,
            weight: 1.0,
            criterion,
        }
    }

    fn concentration(roles: &[&str], max_share: f64) -> Criterion {
        Criterion::Concentration {
            roles: roles.iter().map(|r| r.to_string()).collect(),
            max_share,
            max_index: 1.0,
        }
    }

    #[test]
    fn rules_are_checked_for_roles_weights_limits_and_objectives() {
        let mut view = balance(&[(50.0, 2), (0.0, 0)]);
        let cases: Vec<(Rule, &[&str])> = vec![
            (rule(concentration(&["isa_owner"], 0.0)), &[]),
            (
                Rule {
                    remediation: None,
                    weight: 0.0,
                    ..rule(concentration(&["isa_owner"], 0.5))
                },
                &[],
            ),
            (
                rule(concentration(&["isa_owner"], 1.5)),
                &["ruleset/bad-threshold"],
            ),
            (
                rule(concentration(&["isa_owner", "isa_owner"], 0.5)),
                &["ruleset/duplicate-role"],
            ),
            (
                rule(concentration(&["kernel"], 0.5)),
                &["ruleset/unknown-role"],
            ),
            (rule(concentration(&[], 0.5)), &["ruleset/no-roles"]),
            (
                Rule {
                    remediation: None,
                    weight: -1.0,
                    ..rule(concentration(&["isa_owner"], 0.5))
                },
                &["ruleset/bad-weight"],
            ),
            (
                Rule {
                    remediation: None,
                    weight: f64::INFINITY,
                    ..rule(concentration(&["isa_owner"], 0.5))
                },
                &["ruleset/bad-weight"],
            ),
            (
                Rule {
                    remediation: None,
                    objective: Some("SOV-1".into()),
                    ..rule(concentration(&["isa_owner"], 0.5))
                },
                &["ruleset/misplaced-setting"],
            ),
            (
                Rule {
                    remediation: None,
                    severity: Severity::Info,
                    ..rule(Criterion::Assessed {})
                },
                &["ruleset/bad-severity"],
            ),
            (
                rule(Criterion::LongLivedCommons {
                    roles: vec!["isa_owner".into()],
                    min_years: 1.0,
                }),
                &[],
            ),
            (
                rule(Criterion::LongLivedCommons {
                    roles: vec!["isa_owner".into()],
                    min_years: 0.0,
                }),
                &["ruleset/bad-threshold"],
            ),
            (
                rule(Criterion::LongLivedCommons {
                    roles: vec!["isa_owner".into()],
                    min_years: f64::NAN,
                }),
                &["ruleset/bad-threshold"],
            ),
            (
                rule(Criterion::LongLivedCommons {
                    roles: vec![],
                    min_years: 1.0,
                }),
                &["ruleset/no-roles"],
            ),
            // A layer that does not exist is the host's to refuse; its roles are not checked.
            (
                Rule {
                    remediation: None,
                    layer: "oss".into(),
                    ..rule(concentration(&["kernel"], 0.5))
                },
                &[],
            ),
        ];
        for (r, want) in cases {
            view.rules = vec![r.clone()];
            assert_eq!(codes(&view), want, "{r:?}");
            assert!(check(&view).iter().all(|p| p.place == Place::Rule(0)));
        }
        view.rules = vec![
            rule(concentration(&["isa_owner"], 0.5)),
            rule(concentration(&["isa_owner"], 0.5)),
        ];
        let got = check(&view);
        assert_eq!(
            (got[0].refusal, got[0].place),
            (Refusal::DuplicateRule, Place::Rule(1))
        );
    }

    #[test]
    fn seal_weakest_link_needs_its_settings_and_declared_objectives() {
        let levels = JurisdictionLevels {
            home: 4,
            foreign: 2,
            extraterritorial: 1,
            commons: 3,
            unknown: 9,
        };
        let view = RulesetView {
            name: "Bad Name".into(),
            version: " ".into(),
            scoring: Scoring {
                method: ScoringMethod::SealWeakestLink,
                home_blocs: vec![],
                home_countries: vec!["de".into()],
                objectives: vec![Objective {
                    id: "SOV-1".into(),
                    name: "s".into(),
                    weight: 0.0,
                }],
                poles: vec![Pole {
                    id: "commons".into(),
                    name: "c".into(),
                    countries: vec![],
                    blocs: vec![],
                }],
                commons_credit: 0.0,
                level_thresholds: vec![],
            },
            rules: vec![
                rule(Criterion::Jurisdiction {
                    roles: vec!["isa_owner".into()],
                    levels,
                    pass_level: 3,
                }),
                Rule {
                    remediation: None,
                    objective: Some("SOV-9".into()),
                    ..rule(Criterion::KnownAttribution {
                        roles: vec!["isa_owner".into()],
                    })
                },
            ],
        };
        let got: Vec<(&str, Place)> = check(&view)
            .iter()
            .map(|p| (p.refusal.code(), p.place))
            .collect();
        assert_eq!(
            got,
            [
                ("ruleset/bad-name", Place::Name),
                ("ruleset/bad-version", Place::Version),
                ("ruleset/misplaced-setting", Place::Scoring),
                ("ruleset/reserved-pole", Place::Scoring),
                ("ruleset/empty-pole", Place::Scoring),
                ("ruleset/bad-country", Place::Scoring),
                ("ruleset/missing-objective", Place::Rule(0)),
                ("ruleset/bad-level", Place::Rule(0)),
                ("ruleset/duplicate-rule", Place::Rule(1)),
                ("ruleset/unknown-objective", Place::Rule(1)),
            ]
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round(2.0 / 3.0, SHARE_DECIMALS), 0.6667);
        assert_eq!(round(41.666_666, SCORE_DECIMALS), 41.67);
        assert_eq!(round(-0.125, 2), -0.13);
        assert_eq!(round(0.125, 2), 0.13);
    }
}
