//! One self-contained HTML page for people who publish or hand over an audit: no script, no
//! font, no image or style from elsewhere, and a Content-Security-Policy that forbids loading
//! anything (`default-src 'none'`; the one inline style sheet allowed by its sha256). It reads
//! without JavaScript, prints (print CSS), and is accessible: one `h1`, sections with headings,
//! table headers with scopes, the dependency map an SVG with a title and a description in
//! words, severity said in words, not colour alone.
//!
//! Sections: a summary in plain words (each ruleset's overall level and score; the three
//! organisations the stack depends on most, by the number of roles they hold; the countries that locate addresses or produce raw materials are not organisations and are left out), the dependency
//! map (layers -> organisations -> countries; a layer tied to a place, where its items are, a
//! jurisdiction or data location declared, a producing country, goes straight to that country by
//! a dashed line: a country is one node, by its name, never an organisation), the world map of where the services are located
//! (`world.rs`), the scores per ruleset and layer, each layer's
//! items with their organisations and the findings on them with their evidence, the waivers,
//! the diagnostics, and the versions and sha256 of everything the result depends on. Layers,
//! roles and items come from the generic model: a new layer appears without an edit here.

use super::table::{legend, role_words, waiver_status, FindingsAre, SEAL_NAMES};
use super::Format;
use crate::{ActorReport, Report, RulesetResult};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use sovstack_abi::ScoringMethod;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;

/// HTML renderer.
pub struct Html;

const CSS: &str = "\
:root{color-scheme:light}
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1a1a1a;background:#fff;max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.8rem;margin:.5rem 0}h2{font-size:1.4rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #c6cbd1;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:0.9em ui-monospace,'DejaVu Sans Mono',monospace;overflow-wrap:anywhere}
.sev{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-weight:600}
.sev-critical,.sev-high{background:#fde8e8;color:#8a1111}.sev-medium{background:#fff4d6;color:#6b4a00}.sev-low,.sev-info{background:#e8f0fe;color:#1a3f7a}
.waived{background:#eef1f4;color:#333}
.evidence{color:#333;font-size:.9rem;margin:.2rem 0 .6rem 1rem}
.summary p{font-size:1.05rem}
svg{max-width:100%;height:auto}svg text{font:13px system-ui,'DejaVu Sans',sans-serif;fill:#1a1a1a}
.map-box{fill:#eef1f4;stroke:#57606a}
.w0,.w1,.w2,.w3,.w4{stroke:#fff;stroke-width:.4}.w0{fill:#dfe3e8}.w1{fill:#9ecae1}.w2{fill:#4292c6}.w3{fill:#2171b5}.w4{fill:#08306b}
.w-sea{fill:#f3f8fc;stroke:#c6cbd1}.w-dot{stroke:#1a1a1a;stroke-width:.8}.w-home{fill:none;stroke:#c2410c;stroke-width:2}.w-cable{fill:none;stroke:#6d28d9;stroke-width:1.2;stroke-opacity:.85}.w-landing{fill:#fff;stroke:#6d28d9;stroke-width:1}svg.swatch{width:12px;height:12px;vertical-align:middle}.map-edge{stroke:#57606a;fill:none;stroke-opacity:.6}.map-place{stroke-dasharray:5 4}
.scroll{overflow-x:auto;max-width:100%}.scroll table{min-width:100%}.scroll caption{text-align:left}
footer{margin-top:2rem;font-size:.9rem;color:#333}
@media print{body{max-width:none;font-size:11pt;padding:0}h2{break-after:avoid}tr,li,svg{break-inside:avoid}a{color:inherit;text-decoration:none}}
";

pub use super::markup::esc;

/// The policy: nothing may load; the one style element by its hash.
fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; img-src 'none'; base-uri 'none'; form-action 'none'")
}

fn level_words(method: ScoringMethod, level: Option<u8>) -> String {
    match (method, level) {
        (_, None) => "no level (nothing could be scored)".to_string(),
        (ScoringMethod::SealWeakestLink, Some(l)) => format!(
            "SEAL-{l} ({})",
            SEAL_NAMES.get(l as usize).copied().unwrap_or("")
        ),
        (ScoringMethod::BlocBalance, Some(l)) => format!("level {l} of 4"),
    }
}

fn score_words(s: Option<f64>) -> String {
    s.map_or("not scored".to_string(), crate::score_shown)
}

fn country_words(a: &ActorReport) -> String {
    super::actor_country(a)
}

/// Where an organisation is, as a phrase of the summary.
fn where_words(a: &ActorReport) -> String {
    match (
        &a.country,
        &a.registered_country,
        super::is_community(a.governance),
    ) {
        (Some(_), _, _) => format!("headquartered in {}", country_words(a)),
        (None, Some(r), _) => format!("registered in {r} (low confidence; headquarters not known)"),
        (None, None, true) => "a community or open standard with no country of its own".to_string(),
        (None, None, false) => "headquarters not known".to_string(),
    }
}

fn layer_title(id: &str) -> String {
    sovstack_abi::Layer::from_id(id).map_or(id.to_string(), |l| l.title().to_string())
}

impl Format for Html {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let mut h = String::new();
        page(report, &mut h).expect("writing to a String does not fail");
        out.write_all(h.as_bytes())
    }
}

fn page(r: &Report, h: &mut String) -> std::fmt::Result {
    let title = match &r.organisation {
        Some(o) => format!("Sovereignty audit of {}", o.name),
        None => "Sovereignty audit".to_string(),
    };
    start(h, &title, &r.generator.name, &r.generator.version)?;
    writeln!(h, "<header>\n<h1>{}</h1>", esc(&title))?;
    let audited = if r.scan.audited.is_empty() {
        format!("root {}", r.scan.root)
    } else {
        r.scan.audited.join("; ")
    };
    write!(h, "<p>Audited: {}.", esc(&audited))?;
    if let Some(t) = &r.generated_at {
        write!(
            h,
            " Generated at <time datetime=\"{0}\">{0}</time>.",
            esc(t)
        )?;
    }
    writeln!(
        h,
        " Made by {} {}.</p>\n</header>\n<main>",
        esc(&r.generator.name),
        esc(&r.generator.version)
    )?;
    summary(r, h)?;
    dependency_map(r, h)?;
    super::world::section(r, h)?;
    scores(r, h)?;
    layers(r, h)?;
    waivers(r, h)?;
    sobriety(r, h)?;
    materials(r, h)?;
    diagnostics(r, h)?;
    inputs(r, h)?;
    end(h)
}

/// The page from `</main>`: the footer saying it loads nothing, and the end of the document.
/// Shared by the report and the comparison, as [`start`] is.
pub(crate) fn end(h: &mut String) -> std::fmt::Result {
    writeln!(h, "</main>\n<footer><p>This page loads nothing from the network and runs no script.</p></footer>\n</body>\n</html>")
}

/// The page up to `<body>`: the policy, the style sheet, the title. Shared by the report and
/// the comparison (`compare --format html`), so both load nothing.
pub(crate) fn start(
    h: &mut String,
    title: &str,
    generator: &str,
    version: &str,
) -> std::fmt::Result {
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        h,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        csp()
    )?;
    writeln!(
        h,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        h,
        "<meta name=\"generator\" content=\"{} {}\">",
        esc(generator),
        esc(version)
    )?;
    writeln!(
        h,
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        esc(title)
    )?;
    Ok(())
}

/// Where an organisation is, the roles it holds, and how many times it holds one.
type Holding = (String, BTreeSet<String>, usize);

/// Organisations by the number of roles they hold over the items, most first.
fn biggest(r: &Report) -> Vec<(String, String, Vec<String>)> {
    let mut by: BTreeMap<String, Holding> = BTreeMap::new();
    for l in &r.layers {
        for i in &l.items {
            for a in i.actors.iter().filter(|a| !super::is_place(a)) {
                if let Some(n) = &a.name {
                    let e = by
                        .entry(n.clone())
                        .or_insert_with(|| (where_words(a), BTreeSet::new(), 0));
                    e.1.insert(format!(
                        "{} ({} layer)",
                        role_words(&a.role),
                        layer_title(&l.id).to_lowercase()
                    ));
                    e.2 += 1;
                }
            }
        }
    }
    let mut v: Vec<(String, Holding)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1 .2.cmp(&a.1 .2).then_with(|| a.0.cmp(&b.0)));
    v.into_iter()
        .map(|(n, (c, roles, _))| (n, c, roles.into_iter().collect()))
        .collect()
}

fn summary(r: &Report, h: &mut String) -> std::fmt::Result {
    writeln!(
        h,
        "<section class=\"summary\" aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>"
    )?;
    for rs in &r.rulesets {
        write!(
            h,
            "<p>Under the <strong>{}</strong> view, the stack reaches <strong>{}</strong>, with an overall score of {} out of 100.",
            esc(&rs.title),
            esc(&level_words(rs.method, rs.overall.level)),
            score_words(rs.overall.score)
        )?;
        let headline = super::headline(rs);
        if let Some(c) = &headline.control {
            write!(h, " {}", esc(c))?;
        }
        for p in &headline.production {
            write!(h, " {}", esc(p))?;
        }
        let n: usize = rs.layers.values().map(|l| l.findings.len()).sum();
        writeln!(h, " Its rules made {n} finding(s).</p>")?;
    }
    let top = biggest(r);
    if !top.is_empty() {
        writeln!(
            h,
            "<p>The organisations the stack depends on most:</p>\n<ol>"
        )?;
        for (name, country, roles) in top.iter().take(3) {
            writeln!(
                h,
                "<li><strong>{}</strong>, {}: {}.</li>",
                esc(name),
                esc(country),
                esc(&roles.join(", "))
            )?;
        }
        writeln!(h, "</ol>")?;
    }
    writeln!(h, "</section>")
}

/// The name of an organisation the map could not identify.
const NOT_IDENTIFIED: &str = "organisation not identified";

fn dependency_map(r: &Report, h: &mut String) -> std::fmt::Result {
    // Columns: layers, organisations, countries. A layer depends on organisations, each in its
    // country; a layer tied to a place (where it is located, a jurisdiction claimed, a producing
    // country) goes straight to that country: a country is not an organisation. Each country is
    // one node, by its name.
    let mut layers: Vec<String> = Vec::new();
    let mut orgs: BTreeSet<String> = BTreeSet::new();
    let mut countries: BTreeSet<String> = BTreeSet::new();
    let mut e1: BTreeSet<(String, String)> = BTreeSet::new();
    let mut e2: BTreeSet<(String, String)> = BTreeSet::new();
    let mut e3: BTreeSet<(String, String)> = BTreeSet::new();
    for l in &r.layers {
        let title = layer_title(&l.id);
        layers.push(title.clone());
        for i in &l.items {
            for a in &i.actors {
                if super::is_place(a) {
                    // USGS's "other countries" are a place with no one country.
                    let place = match (&a.country, &a.name) {
                        (None, Some(n)) => n.clone(),
                        _ => country_words(a),
                    };
                    countries.insert(place.clone());
                    e3.insert((title.clone(), place));
                    continue;
                }
                let org = a.name.clone().unwrap_or_else(|| NOT_IDENTIFIED.to_string());
                let country = country_words(a);
                orgs.insert(org.clone());
                countries.insert(country.clone());
                e1.insert((title.clone(), org.clone()));
                e2.insert((org, country));
            }
        }
    }
    writeln!(
        h,
        "<section aria-labelledby=\"map\">\n<h2 id=\"map\">Dependency map</h2>"
    )?;
    if orgs.is_empty() && countries.is_empty() {
        return writeln!(
            h,
            "<p>No organisation or country was identified.</p>\n</section>"
        );
    }
    let orgs: Vec<String> = orgs.into_iter().collect();
    let countries: Vec<String> = countries.into_iter().collect();
    let rows = layers.len().max(orgs.len()).max(countries.len());
    let (row_h, box_h, col_w, gap) = (34usize, 26usize, 260usize, 120usize);
    let height = rows * row_h + 40;
    let width = 3 * col_w + 2 * gap;
    let y = |i: usize| 30 + i * row_h;
    let x = |c: usize| c * (col_w + gap);
    let pos = |list: &[String], v: &str| list.iter().position(|x| x == v).unwrap_or(0);
    let desc = map_words(&layers, &e1, &e2, &e3);
    writeln!(
        h,
        "<svg role=\"img\" aria-labelledby=\"map-title map-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"map-title\">Dependency map: layers, the organisations behind them, and their countries</title>\n<desc id=\"map-desc\">{}</desc>",
        esc(desc.trim_end())
    )?;
    for (c, head) in ["Layers", "Organisations", "Countries"].iter().enumerate() {
        writeln!(
            h,
            "<text x=\"{}\" y=\"16\" font-weight=\"bold\">{head}</text>",
            x(c)
        )?;
    }
    for (a, b) in &e1 {
        let (ya, yb) = (y(pos(&layers, a)) + box_h / 2, y(pos(&orgs, b)) + box_h / 2);
        writeln!(
            h,
            "<path class=\"map-edge\" d=\"M{} {ya} C{} {ya} {} {yb} {} {yb}\"/>",
            x(0) + col_w,
            x(0) + col_w + gap / 2,
            x(1) - gap / 2,
            x(1)
        )?;
    }
    for (a, b) in &e2 {
        let (ya, yb) = (
            y(pos(&orgs, a)) + box_h / 2,
            y(pos(&countries, b)) + box_h / 2,
        );
        writeln!(
            h,
            "<path class=\"map-edge\" d=\"M{} {ya} C{} {ya} {} {yb} {} {yb}\"/>",
            x(1) + col_w,
            x(1) + col_w + gap / 2,
            x(2) - gap / 2,
            x(2)
        )?;
    }
    // A layer tied to a country directly: a dashed line across the organisations' column.
    for (a, b) in &e3 {
        let (ya, yb) = (
            y(pos(&layers, a)) + box_h / 2,
            y(pos(&countries, b)) + box_h / 2,
        );
        writeln!(
            h,
            "<path class=\"map-edge map-place\" d=\"M{} {ya} C{} {ya} {} {yb} {} {yb}\"/>",
            x(0) + col_w,
            x(1) + col_w / 2,
            x(1) + col_w / 2,
            x(2)
        )?;
    }
    for (c, list) in [&layers, &orgs, &countries].iter().enumerate() {
        for (i, label) in list.iter().enumerate() {
            let shown: String = if label.chars().count() > 34 {
                label.chars().take(33).collect::<String>() + "…"
            } else {
                label.clone()
            };
            writeln!(
                h,
                "<rect class=\"map-box\" x=\"{}\" y=\"{}\" width=\"{col_w}\" height=\"{box_h}\" rx=\"4\"/><text x=\"{}\" y=\"{}\">{}</text>",
                x(c),
                y(i),
                x(c) + 8,
                y(i) + 18,
                esc(&shown)
            )?;
        }
    }
    writeln!(h, "</svg>")?;
    if !e3.is_empty() {
        writeln!(
            h,
            "<p>A dashed line ties a layer straight to a country, which is not an organisation: where \
             the layer's items are located, the jurisdiction or data location a supplier declares or \
             where it was observed, or a country producing a raw material.</p>"
        )?;
    }
    writeln!(h, "</section>")
}

/// The map in words, for its description: per layer the organisations it depends on (those not
/// identified counted, not named) and the countries it is tied to, then each organisation's
/// country.
fn map_words(
    layers: &[String],
    e1: &BTreeSet<(String, String)>,
    e2: &BTreeSet<(String, String)>,
    e3: &BTreeSet<(String, String)>,
) -> String {
    let mut desc: Vec<String> = Vec::new();
    for layer in layers {
        let orgs: Vec<&str> = e1
            .iter()
            .filter(|(l, o)| l == layer && o != NOT_IDENTIFIED)
            .map(|(_, o)| o.as_str())
            .collect();
        let unnamed = e1.contains(&(layer.clone(), NOT_IDENTIFIED.to_string()));
        let mut on: Vec<String> = orgs.iter().map(|o| o.to_string()).collect();
        if unnamed {
            on.push(format!("an {NOT_IDENTIFIED}"));
        }
        if !on.is_empty() {
            desc.push(super::sentence(&format!(
                "The {} layer depends on {}",
                layer.to_lowercase(),
                and_list(&on)
            )));
        }
        let places: Vec<String> = e3
            .iter()
            .filter(|(l, _)| l == layer)
            .map(|(_, c)| c.clone())
            .collect();
        if !places.is_empty() {
            desc.push(super::sentence(&format!(
                "The {} layer is tied to the {} {}",
                layer.to_lowercase(),
                if places.len() == 1 {
                    "country"
                } else {
                    "countries"
                },
                and_list(&places)
            )));
        }
    }
    for (org, country) in e2.iter().filter(|(o, _)| o != NOT_IDENTIFIED) {
        desc.push(super::sentence(&format!("{org}: {country}")));
    }
    desc.join(" ")
}

/// `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn scores(r: &Report, h: &mut String) -> std::fmt::Result {
    writeln!(
        h,
        "<section aria-labelledby=\"scores\">\n<h2 id=\"scores\">Scores</h2>"
    )?;
    for rs in &r.rulesets {
        ruleset_scores(rs, h)?;
    }
    writeln!(h, "</section>")
}

fn ruleset_scores(rs: &RulesetResult, h: &mut String) -> std::fmt::Result {
    writeln!(
        h,
        "<h3>{} <code>{}</code> {}</h3>",
        esc(&rs.title),
        esc(&rs.name),
        esc(&rs.version)
    )?;
    writeln!(h, "<table>\n<thead><tr><th scope=\"col\">Layer</th><th scope=\"col\">Score (0-100)</th><th scope=\"col\">Level</th></tr></thead>\n<tbody>")?;
    for (layer, res) in &rs.layers {
        let (s, l) = match &res.score {
            Some(s) => (
                score_words(Some(s.score)),
                level_words(rs.method, Some(s.level)),
            ),
            None => match &res.not_evaluated {
                Some(why) => ("not evaluated".to_string(), res.not_evaluated_label(why)),
                None => (
                    "not scored".to_string(),
                    format!("plugin {}", res.plugin_label()),
                ),
            },
        };
        writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{s}</td><td>{}</td></tr>",
            esc(&layer_title(layer)),
            esc(&l)
        )?;
    }
    writeln!(
        h,
        "<tr><th scope=\"row\">Overall</th><td class=\"num\">{}</td><td>{}</td></tr>\n</tbody>\n</table>\n<p>{}</p>",
        score_words(rs.overall.score),
        esc(&level_words(rs.method, rs.overall.level)),
        // `page` writes the scores before the layers and their findings.
        esc(&legend(rs.method, FindingsAre::Below))
    )
}

fn sev(severity: &str, waived: bool) -> String {
    if waived {
        format!("<span class=\"sev waived\">{severity}, waived</span>")
    } else {
        format!("<span class=\"sev sev-{severity}\">{severity}</span>")
    }
}

fn layers(r: &Report, h: &mut String) -> std::fmt::Result {
    for l in &r.layers {
        let id = format!("layer-{}", esc(&l.id));
        writeln!(
            h,
            "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{} layer</h2>",
            esc(&layer_title(&l.id))
        )?;
        if l.items.is_empty() {
            writeln!(h, "<p>No item.</p>\n</section>")?;
            continue;
        }
        writeln!(h, "<table>\n<thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Role</th><th scope=\"col\">Organisation</th><th scope=\"col\">Country</th><th scope=\"col\">Confidence</th></tr></thead>\n<tbody>")?;
        for i in &l.items {
            let mut label = format!("<code>{}</code> {}", esc(&i.id), esc(&i.label));
            for (k, v) in &i.facts {
                let _ = write!(label, "<br>{}: {}", esc(&k.replace('_', " ")), esc(v));
            }
            let n = i.actors.len().max(1);
            if i.actors.is_empty() {
                writeln!(h, "<tr><th scope=\"row\">{label}</th><td colspan=\"4\">no actor recorded</td></tr>")?;
            }
            for (k, a) in i.actors.iter().enumerate() {
                let head = if k == 0 {
                    format!("<th scope=\"row\" rowspan=\"{n}\">{label}</th>")
                } else {
                    String::new()
                };
                writeln!(
                    h,
                    "<tr>{head}<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&super::actor_role(a)),
                    esc(a.name.as_deref().unwrap_or("not identified")),
                    esc(&country_words(a)),
                    super::actor_confidence(a)
                )?;
            }
        }
        writeln!(h, "</tbody>\n</table>")?;
        let findings: Vec<_> = l
            .items
            .iter()
            .flat_map(|i| i.findings.iter().map(move |f| (i, f)))
            .collect();
        let wide: Vec<_> = r
            .rulesets
            .iter()
            .flat_map(|rs| {
                rs.layers.get(&l.id).into_iter().flat_map(move |res| {
                    res.findings
                        .iter()
                        .filter(|f| f.item.is_none())
                        .map(move |f| (rs, f))
                })
            })
            .collect();
        if findings.is_empty() && wide.is_empty() {
            writeln!(h, "<p>No findings on this layer.</p>\n</section>")?;
            continue;
        }
        writeln!(h, "<h3>Findings</h3>\n<ul>")?;
        for (rs, f) in wide {
            let waived = r.waiver_on(&rs.name, &l.id, &l.id, &f.rule).is_some();
            writeln!(
                h,
                "<li>{} {} <small>(rule <code>{}</code>, {}; the whole layer)</small>{}</li>",
                sev(f.severity.as_str(), waived),
                esc(&f.message),
                esc(&f.rule),
                esc(&rs.name),
                remediation_html(r.remediation(&rs.name, &f.rule))
            )?;
        }
        for (i, f) in findings {
            let waiver = r.waiver_on(&f.ruleset, &l.id, &i.label, &f.finding.rule);
            write!(
                h,
                "<li>{} <code>{}</code>: {} <small>(rule <code>{}</code>, {})</small>",
                sev(f.finding.severity.as_str(), waiver.is_some()),
                esc(&i.id),
                esc(&f.finding.message),
                esc(&f.finding.rule),
                esc(&f.ruleset)
            )?;
            write!(
                h,
                "{}",
                remediation_html(r.remediation(&f.ruleset, &f.finding.rule))
            )?;
            if let Some(w) = waiver {
                write!(
                    h,
                    "<br><small>Waived until {} by {}: {}</small>",
                    esc(&w.expires),
                    esc(&w.owner),
                    esc(&w.justification)
                )?;
            }
            let actors: Vec<&ActorReport> = f
                .finding
                .actors
                .iter()
                .filter_map(|k| i.actors.get(*k))
                .collect();
            if !actors.is_empty() {
                writeln!(h, "\n<ul class=\"evidence\">")?;
                for a in actors {
                    writeln!(
                        h,
                        "<li>Evidence for the {}: {}</li>",
                        esc(&super::evidence_for(a)),
                        esc(&a.evidence.join("; "))
                    )?;
                }
                write!(h, "</ul>")?;
            }
            writeln!(h, "</li>")?;
        }
        writeln!(h, "</ul>\n</section>")?;
    }
    Ok(())
}

fn waivers(r: &Report, h: &mut String) -> std::fmt::Result {
    if r.waivers.is_empty() {
        return Ok(());
    }
    writeln!(h, "<section aria-labelledby=\"waivers\">\n<h2 id=\"waivers\">Waivers</h2>\n<table>\n<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">On</th><th scope=\"col\">Status</th><th scope=\"col\">Expires</th><th scope=\"col\">Owner</th><th scope=\"col\">Justification</th><th scope=\"col\">Findings waived</th></tr></thead>\n<tbody>")?;
    for w in &r.waivers {
        let on = w
            .item
            .clone()
            .or_else(|| w.pattern.as_ref().map(|p| format!("items matching {p}")))
            .unwrap_or_default();
        writeln!(
            h,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&w.rule),
            esc(&on),
            waiver_status(w.status),
            esc(&w.expires),
            esc(&w.owner),
            esc(&w.justification),
            w.waived.len()
        )?;
    }
    writeln!(h, "</tbody>\n</table>\n</section>")
}

fn sobriety(r: &Report, h: &mut String) -> std::fmt::Result {
    let Some(s) = &r.sobriety else {
        return Ok(());
    };
    let rows = super::sobriety_rows(s);
    writeln!(
        h,
        "<section aria-labelledby=\"sobriety\">\n<h2 id=\"sobriety\">Sobriety</h2>\n<p>{}</p>",
        esc(&rows.intro)
    )?;
    if !rows.ages.is_empty() {
        writeln!(h, "<table>\n<thead><tr><th scope=\"col\">Firmware age</th><th scope=\"col\">Machines</th></tr></thead>\n<tbody>")?;
        for (label, n) in &rows.ages {
            writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>",
                esc(label)
            )?;
        }
        writeln!(h, "</tbody>\n</table>")?;
    }
    if !rows.support.is_empty() {
        write!(h, "<table>\n<thead><tr>")?;
        for c in super::SUPPORT_HEADINGS {
            write!(h, "<th scope=\"col\">{c}</th>")?;
        }
        writeln!(h, "</tr></thead>\n<tbody>")?;
        for [item, window, ends, left, machines] in &rows.support {
            writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(item),
                esc(window),
                esc(ends),
                esc(left),
                esc(machines)
            )?;
        }
        writeln!(h, "</tbody>\n</table>")?;
    }
    if !rows.obsolescence.is_empty() {
        writeln!(h, "<ul>")?;
        for o in &rows.obsolescence {
            writeln!(h, "<li>{}</li>", esc(o))?;
        }
        writeln!(h, "</ul>")?;
    }
    writeln!(
        h,
        "<p>Sources: {}.</p>\n</section>",
        esc(&rows.sources.join("; "))
    )
}

fn materials(r: &Report, h: &mut String) -> std::fmt::Result {
    let Some(m) = &r.materials else {
        return Ok(());
    };
    let rows = super::materials_rows(m);
    writeln!(
        h,
        "<section aria-labelledby=\"materials\">\n<h2 id=\"materials\">Critical raw materials</h2>"
    )?;
    for (headings, body) in [
        (
            &super::COMPONENT_HEADINGS[..],
            rows.components
                .iter()
                .map(|r| r.to_vec())
                .collect::<Vec<_>>(),
        ),
        (
            &super::MATERIAL_HEADINGS[..],
            rows.materials
                .iter()
                .map(|r| r.to_vec())
                .collect::<Vec<_>>(),
        ),
    ] {
        write!(h, "<table>\n<thead><tr>")?;
        for c in headings {
            write!(h, "<th scope=\"col\">{c}</th>")?;
        }
        writeln!(h, "</tr></thead>\n<tbody>")?;
        for row in body {
            write!(h, "<tr><th scope=\"row\">{}</th>", esc(&row[0]))?;
            for c in &row[1..] {
                write!(h, "<td>{}</td>", esc(c))?;
            }
            writeln!(h, "</tr>")?;
        }
        writeln!(h, "</tbody>\n</table>")?;
    }
    writeln!(h, "<ul>")?;
    for s in &rows.sources {
        writeln!(h, "<li>{}</li>", esc(s))?;
    }
    writeln!(h, "</ul>\n</section>")
}

fn diagnostics(r: &Report, h: &mut String) -> std::fmt::Result {
    if r.diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(
        h,
        "<section aria-labelledby=\"diagnostics\">\n<h2 id=\"diagnostics\">Diagnostics</h2>\n<ul>"
    )?;
    for d in &r.diagnostics {
        writeln!(
            h,
            "<li>{:?} <code>{}</code>: {}{}</li>",
            d.severity,
            esc(&d.code),
            esc(&d.message),
            super::shown_path(d)
                .map(|p| format!(" ({})", esc(p)))
                .unwrap_or_default()
        )?;
    }
    writeln!(h, "</ul>\n</section>")
}

fn inputs(r: &Report, h: &mut String) -> std::fmt::Result {
    writeln!(h, "<section aria-labelledby=\"inputs\">\n<h2 id=\"inputs\">Versions and hashes</h2>\n<table>\n<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Name</th><th scope=\"col\">Version</th><th scope=\"col\">sha256</th><th scope=\"col\">From</th></tr></thead>\n<tbody>")?;
    for x in super::input_rows(&r.inputs) {
        writeln!(h, "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>", x.kind, esc(x.name), esc(&x.version), esc(x.sha256), esc(x.from))?;
    }
    writeln!(h, "</tbody>\n</table>\n</section>")
}

/// What the ruleset says to do about a finding, as a line of its own; nothing without one.
fn remediation_html(what: Option<&str>) -> String {
    what.map_or(String::new(), |w| {
        format!("<br><small class=\"remedy\">What to do: {}</small>", esc(w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_the_policy_names_the_style_sheet() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        let policy = csp();
        assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!policy.contains("unsafe"));
    }
}
