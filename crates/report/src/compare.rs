//! Several audits side by side (`sovstack compare A.json B.json ...`): a league table per
//! ruleset (overall score and level, and each layer's), ranked by overall score, and, for the
//! rulesets that measure poles of power (`bloc_balance`), the share of each pole in each audit.
//! A comparison must be like for like: a warning names every audit whose rulesets, plugins,
//! knowledge base or data packs differ from the first one's ([`crate::diff::input_warnings`]).
//! Layers and rulesets come from the reports: a new layer appears without an edit here. When
//! the audits of a league scored different layers, their overall scores are different measures:
//! the league is marked not comparable (no ranks shown) and a warning names what each lacks.

use crate::{Report, RulesetResult};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// The comparison of several audits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Differences of tools between the audits, one sentence each.
    pub warnings: Vec<String>,
    /// The audits, in the order given.
    pub audits: Vec<Audit>,
    /// One league table per ruleset, in the order the rulesets first appear.
    pub leagues: Vec<League>,
}

/// One audit compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// The organisation's name, or the file's name without one.
    pub name: String,
    /// The report file.
    pub source: String,
}

/// A ruleset's league table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct League {
    /// Ruleset name.
    pub ruleset: String,
    /// Its title.
    pub title: String,
    /// The layers any audit scored, in order.
    pub layers: Vec<String>,
    /// The poles of power some audit depends on (a share above 0; `bloc_balance` rulesets
    /// only), in order.
    pub poles: Vec<String>,
    /// One row per audit that applied the ruleset, best overall score first.
    pub rows: Vec<LeagueRow>,
    /// Whether the overall scores can be ranked: every audit scored the same layers. When not,
    /// the rows keep the order of their scores, but the ranks mean nothing and are shown as
    /// "not comparable"; a warning names the layers each audit lacks.
    pub comparable: bool,
    /// When not comparable: what each audit lacks (`Beta lacks network, software`), one per
    /// audit that lacks a layer another scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lacking: Vec<String>,
}

/// The text shown in place of a rank in a league that is not comparable.
const NOT_COMPARABLE: &str = "not comparable";

impl League {
    fn rank_text(&self, r: &LeagueRow) -> String {
        if self.comparable {
            r.rank.to_string()
        } else {
            NOT_COMPARABLE.to_string()
        }
    }
}

/// An audit's place in a league.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueRow {
    /// 1 for the best; equal scores share a rank; an audit without a score comes last.
    pub rank: usize,
    /// The audit's name.
    pub audit: String,
    /// Overall score, when one could be computed.
    pub score: Option<f64>,
    /// Overall level.
    pub level: Option<u8>,
    /// Each layer's score and level (absent: not scored).
    pub layers: BTreeMap<String, LayerCell>,
    /// The share of the stack each pole controls (`bloc_balance`): the mean shares over the
    /// layers of control ([`crate::RulesetResult::control_shares`]; the producing countries of
    /// raw materials control nothing of the stack).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shares: BTreeMap<String, f64>,
}

/// A layer's result in a league row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerCell {
    /// Score 0-100.
    pub score: f64,
    /// Level 0-4.
    pub level: u8,
}

fn row(audit: &str, r: &RulesetResult) -> LeagueRow {
    LeagueRow {
        rank: 0,
        audit: audit.to_string(),
        score: r.overall.score,
        level: r.overall.level,
        layers: r
            .layers
            .iter()
            .filter_map(|(l, res)| {
                res.score.as_ref().map(|s| {
                    (
                        l.clone(),
                        LayerCell {
                            score: s.score,
                            level: s.level,
                        },
                    )
                })
            })
            .collect(),
        shares: r.control_shares().1,
    }
}

/// Compares reports, each with the name of the file it came from.
pub fn compare(reports: &[(String, Report)]) -> Comparison {
    let mut audits: Vec<Audit> = Vec::new();
    for (source, r) in reports {
        let base = r.organisation.as_ref().map_or_else(
            || {
                std::path::Path::new(source)
                    .file_stem()
                    .map_or(source.clone(), |s| s.to_string_lossy().into_owned())
            },
            |o| o.name.clone(),
        );
        // Two audits of one organisation (or two files of one name) stay apart.
        let name = if audits.iter().any(|a| a.name == base) {
            format!("{base} ({source})")
        } else {
            base
        };
        audits.push(Audit {
            name,
            source: source.clone(),
        });
    }
    let mut warnings = Vec::new();
    if let Some((_, first)) = reports.first() {
        for ((_, r), a) in reports.iter().zip(&audits).skip(1) {
            for w in crate::diff::input_warnings(first, r) {
                warnings.push(format!("{} and {}: {w}", audits[0].name, a.name));
            }
        }
    }
    let mut order: Vec<(String, String)> = Vec::new();
    for (_, r) in reports {
        for rs in &r.rulesets {
            if !order.iter().any(|(n, _)| *n == rs.name) {
                order.push((rs.name.clone(), rs.title.clone()));
            }
        }
    }
    let mut leagues = Vec::new();
    for (name, title) in order {
        let mut rows: Vec<LeagueRow> = reports
            .iter()
            .zip(&audits)
            .filter_map(|((_, r), a)| {
                r.rulesets
                    .iter()
                    .find(|x| x.name == name)
                    .map(|x| row(&a.name, x))
            })
            .collect();
        // Best first; no score last; ties by name, for stable bytes.
        rows.sort_by(|a, b| {
            let key = |r: &LeagueRow| r.score.map_or(f64::NEG_INFINITY, |s| s);
            key(b)
                .partial_cmp(&key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.audit.cmp(&b.audit))
        });
        for i in 0..rows.len() {
            rows[i].rank = if i > 0 && rows[i].score == rows[i - 1].score {
                rows[i - 1].rank
            } else {
                i + 1
            };
        }
        let layers: BTreeSet<String> = rows.iter().flat_map(|r| r.layers.keys().cloned()).collect();
        // Overall scores over different sets of layers are different measures.
        let lacking: Vec<String> = rows
            .iter()
            .filter_map(|r| {
                let missing: Vec<&str> = layers
                    .iter()
                    .filter(|l| !r.layers.contains_key(*l))
                    .map(String::as_str)
                    .collect();
                (!missing.is_empty()).then(|| format!("{} lacks {}", r.audit, missing.join(", ")))
            })
            .collect();
        let comparable = lacking.is_empty();
        if !comparable {
            warnings.push(format!(
                "{name}: the overall scores are not comparable, the audits scored different layers ({}): the league is not ranked; compare the layers they share",
                lacking.join("; ")
            ));
        }
        // Poles no audit depends on at all are left out of the columns (the JSON keeps them).
        let poles: BTreeSet<String> = rows
            .iter()
            .flat_map(|r| {
                r.shares
                    .iter()
                    .filter(|(_, v)| **v > 0.0)
                    .map(|(k, _)| k.clone())
            })
            .collect();
        leagues.push(League {
            ruleset: name,
            title,
            layers: layers.into_iter().collect(),
            poles: poles.into_iter().collect(),
            rows,
            comparable,
            lacking,
        });
    }
    Comparison {
        warnings,
        audits,
        leagues,
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("-".to_string(), |v| v.to_string())
}

fn pct(v: Option<&f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{:.0}%", v * 100.0))
}

impl Comparison {
    /// Tables for people: one per ruleset. The warnings are not among them: the command says
    /// them on stderr, so that the tables stay data (the JSON document and the HTML page carry
    /// them as fields and as a section).
    pub fn write_text(&self, out: &mut dyn io::Write) -> io::Result<()> {
        for l in &self.leagues {
            writeln!(out, "\n{} ({})", l.title, l.ruleset)?;
            if !l.comparable {
                writeln!(
                    out,
                    "Not comparable, not ranked: the audits scored different layers ({}).",
                    l.lacking.join("; ")
                )?;
            }
            let mut t = comfy_table::Table::new();
            t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
                .force_no_tty();
            let mut header = vec!["Rank".to_string(), "Audit".into(), "Overall".into()];
            header.extend(l.layers.iter().cloned());
            header.extend(l.poles.iter().cloned());
            t.set_header(header);
            for r in &l.rows {
                let mut cells = vec![
                    l.rank_text(r),
                    r.audit.clone(),
                    format!("{} (level {})", opt(r.score), opt(r.level)),
                ];
                for layer in &l.layers {
                    cells.push(r.layers.get(layer).map_or("-".to_string(), |c| {
                        format!("{} (level {})", c.score, c.level)
                    }));
                }
                for pole in &l.poles {
                    cells.push(pct(r.shares.get(pole)));
                }
                t.add_row(cells);
            }
            writeln!(out, "{t}")?;
        }
        Ok(())
    }

    /// Pretty JSON with a final newline.
    pub fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }

    /// CSV (as `--format csv` writes reports: UTF-8 with a byte-order mark, CRLF), one row per
    /// ruleset, audit and layer (`overall` included): `ruleset, rank, audit, layer, score,
    /// level`, then one column per pole any bloc-balance ruleset names (its overall share, on
    /// the `overall` rows).
    pub fn write_csv(&self, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let poles: BTreeSet<&String> = self.leagues.iter().flat_map(|l| l.poles.iter()).collect();
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let mut header: Vec<String> = ["ruleset", "rank", "audit", "layer", "score", "level"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        header.extend(poles.iter().map(|p| format!("share_{p}")));
        w.write_record(&header)?;
        for l in &self.leagues {
            for r in &l.rows {
                let mut overall = vec![
                    l.ruleset.clone(),
                    l.rank_text(r),
                    crate::formats::csv_field(&r.audit),
                    "overall".into(),
                    r.score.map(|s| s.to_string()).unwrap_or_default(),
                    r.level.map(|s| s.to_string()).unwrap_or_default(),
                ];
                overall.extend(
                    poles
                        .iter()
                        .map(|p| r.shares.get(*p).map(|v| v.to_string()).unwrap_or_default()),
                );
                w.write_record(&overall)?;
                for layer in &l.layers {
                    let c = r.layers.get(layer);
                    let mut cells = vec![
                        l.ruleset.clone(),
                        l.rank_text(r),
                        crate::formats::csv_field(&r.audit),
                        layer.clone(),
                        c.map(|c| c.score.to_string()).unwrap_or_default(),
                        c.map(|c| c.level.to_string()).unwrap_or_default(),
                    ];
                    cells.extend(poles.iter().map(|_| String::new()));
                    w.write_record(&cells)?;
                }
            }
        }
        w.flush()
    }
}

/// Colours of the poles' bars, in the order the league names the poles (the table beside
/// gives every share in words).
const POLE_COLOURS: [&str; 8] = [
    "#1f4e79", "#b3261e", "#2e7d32", "#6d28d9", "#8a5a00", "#00695c", "#5d4037", "#455a64",
];

impl Comparison {
    /// One self-contained HTML page, under the report's policy (nothing loaded, no script): the
    /// warnings, the audits, and per ruleset its league table (with each layer) and, for the
    /// rulesets that measure poles of power, a bar per audit of the share each pole holds.
    pub fn write_html(&self, out: &mut dyn io::Write) -> io::Result<()> {
        let mut h = String::new();
        self.html(&mut h)
            .expect("writing to a String does not fail");
        out.write_all(h.as_bytes())
    }

    fn html(&self, h: &mut String) -> std::fmt::Result {
        use crate::formats::html::{esc, start};
        use std::fmt::Write as _;
        let title = format!("Comparison of {} sovereignty audits", self.audits.len());
        start(h, &title, "sovstack", env!("CARGO_PKG_VERSION"))?;
        writeln!(h, "<header>\n<h1>{}</h1>\n</header>\n<main>", esc(&title))?;
        if !self.warnings.is_empty() {
            writeln!(h, "<section aria-labelledby=\"warnings\">\n<h2 id=\"warnings\">Not like for like</h2>\n<ul>")?;
            for w in &self.warnings {
                writeln!(h, "<li>{}</li>", esc(w))?;
            }
            writeln!(h, "</ul>\n</section>")?;
        }
        writeln!(h, "<section aria-labelledby=\"audits\">\n<h2 id=\"audits\">Audits</h2>\n<table>\n<thead><tr><th scope=\"col\">Audit</th><th scope=\"col\">Report</th></tr></thead>\n<tbody>")?;
        for a in &self.audits {
            writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr>",
                esc(&a.name),
                esc(&a.source)
            )?;
        }
        writeln!(h, "</tbody>\n</table>\n</section>")?;
        for (k, l) in self.leagues.iter().enumerate() {
            let id = format!("league-{k}");
            writeln!(
                h,
                "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{} <code>{}</code></h2>",
                esc(&l.title),
                esc(&l.ruleset)
            )?;
            if !l.comparable {
                writeln!(h, "<p><strong>Not comparable:</strong> the audits scored different layers ({}), so their overall scores measure different things and are not ranked; compare the layers they share.</p>", esc(&l.lacking.join("; ")))?;
            }
            writeln!(h, "<table>\n<caption>League table, best overall score first: score 0-100 and level per layer</caption>\n<thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Audit</th><th scope=\"col\">Overall</th>")?;
            for layer in &l.layers {
                write!(h, "<th scope=\"col\">{}</th>", esc(layer))?;
            }
            for pole in &l.poles {
                write!(h, "<th scope=\"col\">Share {}</th>", esc(pole))?;
            }
            writeln!(h, "</tr></thead>\n<tbody>")?;
            for r in &l.rows {
                write!(
                    h,
                    "<tr><td class=\"num\">{}</td><th scope=\"row\">{}</th><td>{} (level {})</td>",
                    l.rank_text(r),
                    esc(&r.audit),
                    opt(r.score),
                    opt(r.level)
                )?;
                for layer in &l.layers {
                    match r.layers.get(layer) {
                        Some(c) => write!(h, "<td>{} (level {})</td>", c.score, c.level)?,
                        None => write!(h, "<td>not scored</td>")?,
                    }
                }
                for pole in &l.poles {
                    write!(h, "<td class=\"num\">{}</td>", pct(r.shares.get(pole)))?;
                }
                writeln!(h, "</tr>")?;
            }
            writeln!(h, "</tbody>\n</table>")?;
            if !l.poles.is_empty() {
                self.pole_bars(l, &id, h)?;
            }
            writeln!(h, "</section>")?;
        }
        crate::formats::html::end(h)
    }

    /// A bar per audit, its length split by the share each pole holds.
    fn pole_bars(&self, l: &League, id: &str, h: &mut String) -> std::fmt::Result {
        use crate::formats::html::esc;
        use std::fmt::Write as _;
        let (label_w, bar_w, row_h) = (220.0, 520.0, 26.0);
        let height = row_h * (l.rows.len() as f64 + 1.0) + 10.0;
        let words: Vec<String> = l
            .rows
            .iter()
            .map(|r| {
                let shares: Vec<String> = l
                    .poles
                    .iter()
                    .map(|p| format!("{p} {}", pct(r.shares.get(p))))
                    .collect();
                format!("{}: {}", r.audit, shares.join(", "))
            })
            .collect();
        writeln!(
            h,
            "<figure>\n<svg viewBox=\"0 0 {} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">Who each audit depends on, by pole of power</title><desc id=\"{id}-d\">{}</desc>",
            label_w + bar_w + 10.0,
            esc(&words.join("; "))
        )?;
        for (i, r) in l.rows.iter().enumerate() {
            let y = row_h * i as f64 + 4.0;
            writeln!(
                h,
                "<text x=\"0\" y=\"{:.1}\">{}</text>",
                y + 16.0,
                esc(&r.audit)
            )?;
            let mut x = label_w;
            for (k, p) in l.poles.iter().enumerate() {
                let share = r.shares.get(p).copied().unwrap_or(0.0).clamp(0.0, 1.0);
                let w = share * bar_w;
                if w > 0.0 {
                    writeln!(
                        h,
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"20\" fill=\"{}\"><title>{}: {p} {}</title></rect>",
                        POLE_COLOURS[k % POLE_COLOURS.len()],
                        esc(&r.audit),
                        pct(Some(&share))
                    )?;
                }
                x += w;
            }
        }
        // The legend: the poles' colours, named.
        let y = row_h * l.rows.len() as f64 + 8.0;
        let mut x = label_w;
        for (k, p) in l.poles.iter().enumerate() {
            writeln!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                POLE_COLOURS[k % POLE_COLOURS.len()],
                x + 16.0,
                y + 11.0,
                esc(p)
            )?;
            x += 24.0 + 8.0 * p.chars().count() as f64 + 16.0;
        }
        writeln!(h, "</svg>\n<figcaption>The share of each audit's stack each pole of power controls; the table above gives the same shares.</figcaption>\n</figure>")
    }
}
