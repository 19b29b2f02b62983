//! Output formats. Each writes a whole [`Report`] to any `io::Write`; adding one means a module
//! here and a line in [`FormatKind`] (its name, its help and its renderer: the CLI's `--format`
//! and `-o FORMAT=PATH` take their values from [`FormatKind::ALL`]).

mod csv;
pub(crate) mod html;
mod json;
mod jsonl;
mod markdown;
mod markup;
mod sarif;
mod table;
mod world;

pub use csv::{safe as csv_field, Csv};
pub use html::Html;
pub use json::Json;
pub use jsonl::{jsonl_schema, Jsonl, JSONL_FORMAT};
pub use markdown::Markdown;
pub use sarif::Sarif;
pub(crate) use table::role_words;
pub use table::{Table, TableOptions, DEFAULT_WIDTH};

use crate::{Diagnostic, Inputs, MaterialsReport, Report, Sobriety};
use std::io;

/// Where an actor is, as every format and `diff` say it: `United States (US)`, or `US` when the
/// report has no country name; with no headquarters known, the country the registries delegated
/// its addresses to (never a headquarters, said as such), `none (international)` for a community
/// or an open standard (`community`: it has no country of its own), and `not known` otherwise.
pub(crate) fn country_words(
    country: Option<&str>,
    country_name: Option<&str>,
    registered_country: Option<&str>,
    community: bool,
) -> String {
    match (country, country_name, registered_country) {
        (Some(c), Some(n), _) => format!("{n} ({c})"),
        (Some(c), None, _) => c.to_string(),
        (None, _, Some(r)) => format!("registered in {r} (low confidence)"),
        (None, _, None) if community => "none (international)".to_string(),
        (None, _, None) => "not known".to_string(),
    }
}

/// [`country_words`] of an actor of the report.
pub(crate) fn actor_country(a: &crate::ActorReport) -> String {
    country_words(
        a.country.as_deref(),
        a.country_name.as_deref(),
        a.registered_country.as_deref(),
        is_community(a.governance),
    )
}

/// Whether an organisation is a community or an open standard: no single controller, and no
/// country of its own.
pub(crate) fn is_community(g: sovstack_abi::Governance) -> bool {
    matches!(
        g,
        sovstack_abi::Governance::Community | sovstack_abi::Governance::OpenStandard
    )
}

/// Whether an actor is a place, not an organisation: a country the item is located in, whose
/// jurisdiction a supplier claims, where it says the data is or where it was observed, or a
/// country producing a raw material (a state). Its "name" is the country (a code or a name): every
/// format shows it as a country, never among the organisations.
pub(crate) fn is_place(a: &crate::ActorReport) -> bool {
    use sovstack_abi::Role;
    matches!(
        Role::from_name(&a.role),
        Some(
            Role::Location
                | Role::ClaimedJurisdiction
                | Role::DataLocation
                | Role::ObservedLocation
                | Role::Producer
        )
    )
}

/// An actor's confidence as the formats' tables show it: `-` for an actor with no name (what is
/// not identified has no confidence: the evidence says what was read, not who it is).
pub(crate) fn actor_confidence(a: &crate::ActorReport) -> String {
    if a.name.is_none() {
        return "-".to_string();
    }
    serde_json::to_value(a.confidence)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The actor a finding's evidence is for, as every format introduces it: `foundry TSMC (high
/// confidence)`, or `foundry not identified` (no confidence for what has no name).
pub(crate) fn evidence_for(a: &crate::ActorReport) -> String {
    match &a.name {
        Some(n) => format!(
            "{} {n} ({} confidence)",
            role_words(&a.role),
            actor_confidence(a)
        ),
        None => format!("{} not identified", role_words(&a.role)),
    }
}

/// `text` ended as a sentence: a full stop added unless it already ends in one (`GitHub, Inc.`).
pub(crate) fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// An actor's role as every format shows it ([`role_words`]), with its share of the item when
/// the item's actors do not hold it evenly: a producing country's share of a material's
/// production (`producer (98.9%)`: its share of the production USGS attributes to countries).
pub(crate) fn actor_role(a: &crate::ActorReport) -> String {
    match a.share {
        Some(s) => format!(
            "{} ({}%)",
            role_words(&a.role),
            sovstack_abi::semantics::round(s * 100.0, 1)
        ),
        None => role_words(&a.role),
    }
}

/// Shares as every format lists them: poles holding nothing left out, the largest first, ties
/// by name (`commons 50%, US 38%, TW 13%`).
pub(crate) fn shares_words(shares: &std::collections::BTreeMap<String, f64>) -> String {
    let mut parts: Vec<(&String, f64)> = shares
        .iter()
        .filter(|(_, v)| **v > 0.0)
        .map(|(k, v)| (k, *v))
        .collect();
    parts.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(b.0))
    });
    parts
        .iter()
        .map(|(k, v)| format!("{k} {:.0}%", v * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The pole of power holding the largest share (not the commons, `other` or `unknown`, which
/// are no single pole), ties by name; `None` when no pole holds anything.
fn top_pole(shares: &std::collections::BTreeMap<String, f64>) -> Option<(&str, f64)> {
    shares
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "commons" | "other" | "unknown") && **v > 0.0)
        .max_by(|a, b| {
            a.1.partial_cmp(b.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| b.0.cmp(a.0))
        })
        .map(|(k, v)| (k.as_str(), *v))
}

/// Layer ids as words, in report order: `the processor and operating-system layers`.
fn layers_words(ids: &[String]) -> String {
    let mut layers: Vec<sovstack_abi::Layer> = ids
        .iter()
        .filter_map(|id| sovstack_abi::Layer::from_id(id))
        .collect();
    layers.sort();
    let names: Vec<String> = layers.iter().map(|l| l.title().to_lowercase()).collect();
    let list = match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let noun = if names.len() == 1 { "layer" } else { "layers" };
    format!("the {list} {noun}")
}

/// What a bloc-balance ruleset says of who controls the stack, as the HTML and Markdown
/// summaries and the table's overall row say it: the shares of control over the layers of
/// control only ([`crate::RulesetResult::control_shares`]), and, apart, the production shares
/// of the layers that are not of control (the materials layer's producing countries, which
/// supply raw materials and control nothing of the stack). The overall score and level stay the
/// means over every scored layer. Empty for a SEAL ruleset.
pub(crate) struct Headline {
    /// `Control over the stack (the processor and operating-system layers): commons 50%, US
    /// 38%, TW 13%; the pole of power holding the largest share of control is US (38%).`
    pub control: Option<String>,
    /// One sentence per layer of production.
    pub production: Vec<String>,
}

pub(crate) fn headline(rs: &crate::RulesetResult) -> Headline {
    let (layers, shares) = rs.control_shares();
    let control = (!layers.is_empty()).then(|| {
        let mut s = format!(
            "Control over the stack ({}): {}",
            layers_words(&layers),
            shares_words(&shares)
        );
        match top_pole(&shares) {
            Some((pole, share)) => s.push_str(&format!(
                "; the pole of power holding the largest share of control is {pole} ({:.0}%).",
                share * 100.0
            )),
            None => s.push('.'),
        }
        s
    });
    let production = rs
        .production_shares()
        .into_iter()
        .map(|(layer, shares)| {
            let mut s = format!(
                "Production of the raw materials the hardware needs ({}), shown apart because \
                 producing countries supply the stack and control none of it: {} of world \
                 production",
                layers_words(&[layer.to_string()]),
                shares_words(shares)
            );
            match top_pole(shares) {
                Some((pole, share)) => s.push_str(&format!(
                    "; {pole} produces the largest share ({:.0}%).",
                    share * 100.0
                )),
                None => s.push('.'),
            }
            s
        })
        .collect();
    Headline {
        control,
        production,
    }
}

/// The sobriety section as every format shows it: a sentence, the machines by age band, one
/// row per support window (item, window, end, time left, machines), the obsolescence
/// conclusions and the sources.
pub(crate) struct SobrietyRows {
    pub intro: String,
    pub ages: Vec<(String, u64)>,
    pub support: Vec<[String; 5]>,
    pub obsolescence: Vec<String>,
    pub sources: Vec<String>,
}

/// The column headings of [`SobrietyRows::support`].
pub(crate) const SUPPORT_HEADINGS: [&str; 5] =
    ["Item", "Support window", "Ends", "Left", "Machines"];

pub(crate) fn sobriety_rows(s: &Sobriety) -> SobrietyRows {
    let dated = format!(
        "{} machine(s) with a firmware date, {} without",
        s.machines_dated, s.machines_undated
    );
    let intro = match &s.as_of {
        Some(d) => format!("As of {d}: {dated}."),
        None => format!(
            "{dated}. SOURCE_DATE_EPOCH was not set: ages and the time left are not counted, so \
             that the report stays reproducible."
        ),
    };
    let support = s
        .support
        .iter()
        .map(|w| {
            let mut ends = w.end_of_support.clone().unwrap_or_else(|| {
                if w.ended {
                    "ended".into()
                } else {
                    "not announced".into()
                }
            });
            if let Some(x) = &w.end_of_extended_support {
                ends.push_str(&format!(" (extended until {x})"));
            }
            let left = match (w.ended, w.years_left) {
                (true, _) => match w.extended_years_left.filter(|y| *y >= 0.0) {
                    Some(y) => format!("ended; {y:.1} years of extended support"),
                    None => "ended".to_string(),
                },
                (false, Some(y)) => format!("{y:.1} years"),
                (false, None) => String::new(),
            };
            [
                format!("{} ({})", w.label, w.item),
                format!("{} {}", w.product, w.cycle),
                ends,
                left,
                w.machines.to_string(),
            ]
        })
        .collect();
    SobrietyRows {
        intro,
        ages: s
            .ages
            .iter()
            .map(|a| (a.label.clone(), a.machines))
            .collect(),
        support,
        obsolescence: s
            .obsolescence
            .iter()
            .map(|o| {
                format!(
                    "{} ({}, {} machine(s)): {}",
                    o.label, o.item, o.machines, o.message
                )
            })
            .collect(),
        sources: s.sources.clone(),
    }
}

/// The critical raw materials section as every format shows it.
pub(crate) struct MaterialsRows {
    pub components: Vec<[String; 4]>,
    pub materials: Vec<[String; 6]>,
    pub sources: Vec<String>,
}

/// The column headings of [`MaterialsRows::components`].
pub(crate) const COMPONENT_HEADINGS: [&str; 4] =
    ["Component", "Machines", "Materials", "Confidence"];
/// The column headings of [`MaterialsRows::materials`].
pub(crate) const MATERIAL_HEADINGS: [&str; 6] = [
    "Material",
    "EU CRMA",
    "Supply step",
    "Leading producer",
    "Share",
    "Needed by",
];

pub(crate) fn materials_rows(m: &MaterialsReport) -> MaterialsRows {
    let mut sources: Vec<String> = Vec::new();
    for x in &m.materials {
        for s in &x.sources {
            if !sources.contains(s) {
                sources.push(s.clone());
            }
        }
    }
    MaterialsRows {
        components: m
            .components
            .iter()
            .map(|c| {
                [
                    c.component.clone(),
                    c.machines.to_string(),
                    c.materials.join(", "),
                    format!("{:?}", c.confidence).to_lowercase(),
                ]
            })
            .collect(),
        materials: m
            .materials
            .iter()
            .map(|x| {
                [
                    x.material.clone(),
                    crate::crma_words(&x.crma),
                    format!(
                        "{} {} (world {} {})",
                        x.step,
                        x.year,
                        crate::thousands(x.world),
                        x.unit
                    ),
                    x.dominant_country.clone(),
                    format!("{:.1}%", x.dominant_share * 100.0),
                    x.needed_by.join(", "),
                ]
            })
            .collect(),
        sources,
    }
}

/// One line of a report's "versions and hashes": what the input is, its name, version, sha256
/// and where it came from. The formats that list the inputs take them from [`input_rows`].
pub(crate) struct InputRow<'a> {
    pub kind: &'static str,
    pub name: &'a str,
    pub version: std::borrow::Cow<'a, str>,
    pub sha256: &'a str,
    pub from: &'a str,
}

/// A report's inputs in the order every format lists them: the two knowledge bases, the
/// rulesets, the plugins, the data packs.
/// What a layer without item findings says: that none of its items has a finding, and where
/// its layer-wide findings (concentration, which no single item carries) are, when it has any.
pub(crate) fn no_item_findings(report: &Report, layer: &str) -> String {
    let wide: usize = report
        .rulesets
        .iter()
        .filter_map(|r| r.layers.get(layer))
        .map(|l| l.findings.iter().filter(|f| f.item.is_none()).count())
        .sum();
    match wide {
        0 => format!("No findings on the {layer} layer's items."),
        n => format!(
            "No findings on the {layer} layer's items; {n} layer-wide finding(s), on the layer as a whole, are given with the rulesets' scores."
        ),
    }
}

pub(crate) fn input_rows<'a>(i: &'a Inputs) -> Vec<InputRow<'a>> {
    let kb = |kind, d: &'a crate::DataRef| InputRow {
        kind,
        name: &d.name,
        version: d.version.as_str().into(),
        sha256: &d.sha256,
        from: "built in",
    };
    let mut rows = vec![
        kb("knowledge base (scan)", &i.scan_knowledge_base),
        kb("knowledge base (evaluation)", &i.knowledge_base),
    ];
    rows.extend(i.rulesets.iter().map(|x| InputRow {
        kind: "ruleset",
        name: &x.data.name,
        version: x.data.version.as_str().into(),
        sha256: &x.data.sha256,
        from: &x.origin,
    }));
    rows.extend(i.plugins.iter().map(|x| InputRow {
        kind: "plugin",
        name: &x.data.name,
        version: x.data.version.as_str().into(),
        sha256: &x.data.sha256,
        from: &x.origin,
    }));
    rows.extend(i.data_packs.iter().map(|p| InputRow {
        kind: "data pack",
        name: &p.name,
        // A pack whose data is older than its packaging says so (the cable map as of 2022).
        version: p.dated().into(),
        sha256: &p.sha256,
        from: &p.dir,
    }));
    rows
}

/// A way to render a report.
pub trait Format {
    /// Writes the report.
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()>;
}

/// The formats the CLI offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormatKind {
    /// Tables for people.
    Table,
    /// The JSON document for machines.
    Json,
    /// JSON Lines: one object per host item, score and finding, for DuckDB, Spark, jq.
    Jsonl,
    /// SARIF 2.1.0, one run per ruleset, for CI code-scanning views.
    Sarif,
    /// CSV for spreadsheets: one row per finding, or per item.
    Csv,
    /// Markdown for wikis and merge requests.
    Markdown,
    /// One self-contained HTML page, for people.
    Html,
}

/// How a format is rendered beyond its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// How tables are drawn (only the table format reads it).
    pub table: TableOptions,
    /// CSV: one row per item instead of one per finding.
    pub csv_items: bool,
}

impl FormatKind {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [FormatKind] = &[
        FormatKind::Table,
        FormatKind::Json,
        FormatKind::Jsonl,
        FormatKind::Sarif,
        FormatKind::Csv,
        FormatKind::Markdown,
        FormatKind::Html,
    ];

    /// The name the command line uses (`--format NAME`, `-o NAME=PATH`).
    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Table => "table",
            FormatKind::Json => "json",
            FormatKind::Jsonl => "jsonl",
            FormatKind::Sarif => "sarif",
            FormatKind::Csv => "csv",
            FormatKind::Markdown => "markdown",
            FormatKind::Html => "html",
        }
    }

    /// One line of help.
    pub fn help(self) -> &'static str {
        match self {
            FormatKind::Table => "tables for people",
            FormatKind::Json => "the JSON report document, for machines",
            FormatKind::Jsonl => {
                "JSON Lines: one object per host item, score and finding, for DuckDB or Spark"
            }
            FormatKind::Sarif => "SARIF 2.1.0 (one run per ruleset), for CI code-scanning views",
            FormatKind::Csv => "CSV for spreadsheets, one row per finding (--csv-items: per item)",
            FormatKind::Markdown => "Markdown for wikis and merge requests",
            FormatKind::Html => {
                "one self-contained HTML page (no script, loads nothing), to publish or print"
            }
        }
    }

    /// The file name extensions that tell the format, for an `-o PATH` given without
    /// `--format` (`report.json`, `r.sarif`, `r.sarif.json`).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FormatKind::Table => &["txt"],
            FormatKind::Json => &["json"],
            FormatKind::Jsonl => &["jsonl", "ndjson"],
            FormatKind::Sarif => &["sarif", "sarif.json"],
            FormatKind::Csv => &["csv"],
            FormatKind::Markdown => &["md", "markdown"],
            FormatKind::Html => &["html", "htm"],
        }
    }

    /// The format a file name's extension tells (the longest extension that matches, so
    /// `r.sarif.json` is SARIF), ignoring case; `None` when none does.
    pub fn from_path(path: &std::path::Path) -> Option<FormatKind> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        Self::ALL
            .iter()
            .flat_map(|k| k.extensions().iter().map(move |e| (*k, *e)))
            .filter(|(_, e)| {
                name.len() > e.len() + 1
                    && name.ends_with(e)
                    && name.as_bytes()[name.len() - e.len() - 1] == b'.'
            })
            .max_by_key(|(_, e)| e.len())
            .map(|(k, _)| k)
    }

    /// The format a name designates.
    pub fn from_name(name: &str) -> Option<FormatKind> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The renderer.
    pub fn renderer(self, options: RenderOptions) -> Box<dyn Format> {
        match self {
            FormatKind::Table => Box::new(Table {
                options: options.table,
            }),
            FormatKind::Json => Box::new(Json),
            FormatKind::Jsonl => Box::new(Jsonl),
            FormatKind::Sarif => Box::new(Sarif),
            FormatKind::Csv => Box::new(Csv {
                items: options.csv_items,
            }),
            FormatKind::Markdown => Box::new(Markdown),
            FormatKind::Html => Box::new(Html),
        }
    }

    /// Renders a report into bytes.
    pub fn render(self, report: &Report, options: RenderOptions) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.renderer(options).write(report, &mut bytes)?;
        Ok(bytes)
    }
}

/// The path a diagnostic names, for the formats that print it after the message: `None` when
/// there is none, or when the message already names it (an import's diagnostics begin with
/// their file).
pub(crate) fn shown_path(d: &Diagnostic) -> Option<&str> {
    d.path.as_deref().filter(|p| !d.message.contains(p))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_from_file_names() {
        use super::FormatKind as K;
        let cases = [
            ("report.json", Some(K::Json)),
            ("r.SARIF", Some(K::Sarif)),
            ("out/r.sarif.json", Some(K::Sarif)),
            ("r.jsonl", Some(K::Jsonl)),
            ("r.htm", Some(K::Html)),
            ("r.md", Some(K::Markdown)),
            ("r.csv", Some(K::Csv)),
            ("r.txt", Some(K::Table)),
            ("report", None),
            (".json", None),
            ("r.yaml", None),
        ];
        for (name, want) in cases {
            assert_eq!(K::from_path(std::path::Path::new(name)), want, "{name}");
        }
    }

    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for k in FormatKind::ALL {
            assert!(seen.insert(k.name()), "{} twice", k.name());
            assert_eq!(FormatKind::from_name(k.name()), Some(*k));
        }
        assert_eq!(FormatKind::from_name("xml"), None);
    }
}
