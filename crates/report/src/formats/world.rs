//! The HTML report's world map: where the audited services are located, country by country, and
//! the organisation's own country, drawn on outlines built from Natural Earth by
//! `tools/report/build-world.py` (`assets/world.csv`; its origins and licences are in
//! `assets/README.md`). The map is an inline SVG: no tile, font or script is loaded.
//!
//! A country is shaded by the number of items with an actor in the `location` role there (for
//! the network layer: the endpoints whose addresses are located in it); the same figures are in
//! a table beside the map, so nothing is said by colour alone.

use super::markup::esc;
use crate::{CableMap, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The outlines, the plane's size and the projection's calibration points.
const WORLD: &str = include_str!("../../assets/world.csv");

/// Shading classes by number of items located, with the words of the legend.
const BANDS: [(usize, &str); 4] = [(1, "1"), (2, "2 to 4"), (5, "5 to 19"), (20, "20 or more")];

/// A country's outline.
pub(crate) struct Outline {
    /// ISO 3166-1 alpha-2; empty for land world-atlas gives no code.
    pub alpha2: String,
    /// Its name in Natural Earth.
    pub name: String,
    /// SVG path data on the plane.
    pub path: String,
}

/// The map's outlines and plane.
pub(crate) struct World {
    /// Width and height of the plane.
    pub size: (f64, f64),
    /// The globe's outline, drawn as the sea.
    pub sphere: String,
    /// Outlines, by numeric code.
    pub outlines: Vec<Outline>,
    /// `(lon, lat)` -> `(x, y)` as the build script projected them.
    pub calibration: Vec<((f64, f64), (f64, f64))>,
}

fn pair(s: &str) -> Option<(f64, f64)> {
    let (a, b) = s.split_once(' ')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// The outlines compiled in, parsed once per process. The file is the build script's output,
/// checked by tests; a malformed row is a build defect, hence the panic.
pub(crate) fn world() -> &'static World {
    static WORLD_PARSED: std::sync::OnceLock<World> = std::sync::OnceLock::new();
    WORLD_PARSED.get_or_init(parse_world)
}

fn parse_world() -> World {
    let mut reader = csv::Reader::from_reader(WORLD.as_bytes());
    let mut w = World {
        size: (0.0, 0.0),
        sphere: String::new(),
        outlines: Vec::new(),
        calibration: Vec::new(),
    };
    for row in reader.records() {
        let row = row.expect("assets/world.csv is well-formed CSV");
        let (a, b, c) = (&row[0], &row[2], &row[3]);
        match a {
            "#size" => w.size = pair(b).expect("assets/world.csv: #size is `W H`"),
            "#sphere" => w.sphere = c.to_string(),
            "#calibration" => w.calibration.push((
                pair(b).expect("assets/world.csv: calibration `LON LAT`"),
                pair(c).expect("assets/world.csv: calibration `X Y`"),
            )),
            _ => w.outlines.push(Outline {
                alpha2: a.to_string(),
                name: b.to_string(),
                path: c.to_string(),
            }),
        }
    }
    w
}

/// The projection of the outlines, for the points drawn on them (landing stations), checked
/// against the build script's calibration points.
pub(crate) mod projection {
    /// Equal Earth's constants (Šavrič, Patterson and Jenny 2018), as in `build-world.py`.
    const A1: f64 = 1.340264;
    const A2: f64 = -0.081106;
    const A3: f64 = 0.000893;
    const A4: f64 = 0.003796;

    /// The plane's width; the height follows from the projection.
    pub const WIDTH: f64 = 960.0;

    /// Equal Earth of `(lon, lat)` in degrees on the map's plane (origin top left, north up).
    pub(crate) fn project(lon: f64, lat: f64) -> (f64, f64) {
        fn raw(lon: f64, lat: f64) -> (f64, f64) {
            let m = 3f64.sqrt() / 2.0;
            let (lam, phi) = (lon.to_radians(), lat.to_radians());
            let t = (m * phi.sin()).asin();
            let t2 = t * t;
            let t6 = t2 * t2 * t2;
            let x = lam * t.cos() / (m * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
            let y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
            (x, y)
        }
        let (x_max, y_max) = (raw(180.0, 0.0).0, raw(0.0, 90.0).1);
        let scale = WIDTH / (2.0 * x_max);
        let (x, y) = raw(lon, lat);
        ((x + x_max) * scale, (y_max - y) * scale)
    }
}

/// The centre of a path's bounding box and its width and height.
fn bounds(path: &str) -> Option<((f64, f64), (f64, f64))> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for point in path.split(['M', 'L', 'Z']).filter(|p| !p.is_empty()) {
        let (x, y) = pair(point)?;
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    (x0 <= x1).then(|| (((x0 + x1) / 2.0, (y0 + y1) / 2.0), (x1 - x0, y1 - y0)))
}

fn band(n: usize) -> usize {
    BANDS
        .iter()
        .rposition(|(from, _)| n >= *from)
        .map_or(0, |b| b + 1)
}

/// The items located in each country: `alpha-2 -> (country name, items)`.
fn located(r: &Report) -> BTreeMap<String, (String, usize)> {
    let mut by: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for i in r.layers.iter().flat_map(|l| &l.items) {
        let mut here: Vec<(&str, &str)> = i
            .actors
            .iter()
            .filter(|a| a.role == "location")
            .filter_map(|a| {
                let c = a.country.as_deref()?;
                Some((c, a.country_name.as_deref().unwrap_or(c)))
            })
            .collect();
        here.sort();
        here.dedup_by(|a, b| a.0 == b.0);
        for (c, name) in here {
            let e = by.entry(c.to_string()).or_insert((name.to_string(), 0));
            e.1 += 1;
        }
    }
    by
}

/// The cable map's lines (path data, with the system and landing stations in words) and the
/// landing stations they join, projected.
struct CableLines {
    lines: Vec<(String, String)>,
    points: BTreeMap<String, (f64, f64)>,
}

/// Each link as straight segments from every landing station at one end to every one at the
/// other; a segment crossing the antimeridian (a Pacific cable) leaves at one edge of the map
/// and comes back at the other.
fn cable_lines(m: &CableMap) -> CableLines {
    use projection::project;
    let at: BTreeMap<&str, (f64, f64)> = m
        .landing_points
        .iter()
        .map(|p| (p.name.as_str(), (p.lon, p.lat)))
        .collect();
    let mut out = CableLines {
        lines: Vec::new(),
        points: BTreeMap::new(),
    };
    let xy = |(x, y): (f64, f64)| format!("{x:.1} {y:.1}");
    for l in &m.links {
        for f in &l.from {
            for t in &l.to {
                let (Some(&a), Some(&b)) = (at.get(f.as_str()), at.get(t.as_str())) else {
                    continue;
                };
                out.points.insert(f.clone(), project(a.0, a.1));
                out.points.insert(t.clone(), project(b.0, b.1));
                let d = if (a.0 - b.0).abs() <= 180.0 {
                    format!("M{}L{}", xy(project(a.0, a.1)), xy(project(b.0, b.1)))
                } else {
                    // Go the short way round: `b` seen from `a`'s side, cut at the edge.
                    let edge = if a.0 > 0.0 { 180.0 } else { -180.0 };
                    let bx = b.0 + 2.0 * edge;
                    let lat = a.1 + (edge - a.0) / (bx - a.0) * (b.1 - a.1);
                    format!(
                        "M{}L{}M{}L{}",
                        xy(project(a.0, a.1)),
                        xy(project(edge, lat)),
                        xy(project(-edge, lat)),
                        xy(project(b.0, b.1))
                    )
                };
                out.lines.push((d, format!("{}: {f} - {t}", l.system)));
            }
        }
    }
    out.lines.sort();
    out.lines.dedup();
    out
}

/// The "Where the services are located" section, with the cable layer's systems when the
/// report has them; nothing when no item is located, the organisation gives no country and
/// there is no cable map.
pub(crate) fn section(r: &Report, h: &mut String) -> std::fmt::Result {
    let located = located(r);
    let home = r.organisation.as_ref().and_then(|o| o.country.as_ref());
    let home = home.map(|c| c.to_string());
    let cables = r.cable_map.as_ref().map(cable_lines);
    if located.is_empty() && home.is_none() && cables.is_none() {
        return Ok(());
    }
    let w = world();
    writeln!(
        h,
        "<section aria-labelledby=\"world\">\n<h2 id=\"world\">Where the services are located</h2>"
    )?;
    let total: usize = located.values().map(|(_, n)| n).sum();
    let mut words: Vec<String> = located
        .iter()
        .map(|(c, (name, n))| format!("{name} ({c}): {n}"))
        .collect();
    if words.is_empty() {
        words.push("no service located".to_string());
    }
    let mut home_words = home
        .as_ref()
        .map(|c| format!(" The organisation's country, {c}, is outlined."))
        .unwrap_or_default();
    if let (Some(m), Some(c)) = (&r.cable_map, &cables) {
        let systems: BTreeSet<&str> = m.links.iter().map(|l| l.system.as_str()).collect();
        let systems: Vec<&str> = systems.into_iter().collect();
        let _ = write!(
            home_words,
            " Lines: the {} cable systems on the routes from {} ({}), drawn straight between their {} landing stations, not along the cables' paths.",
            systems.len(),
            m.origin,
            systems.join(", "),
            c.points.len()
        );
    }
    writeln!(
        h,
        "<figure>\n<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"world-title world-desc\">",
        w.size.0, w.size.1
    )?;
    writeln!(
        h,
        "<title id=\"world-title\">World map: where the audited services are located</title>\n<desc id=\"world-desc\">Items located per country: {}.{}</desc>",
        esc(&words.join("; ")),
        esc(&home_words)
    )?;
    writeln!(h, "<path class=\"w-sea\" d=\"{}\"/>", w.sphere)?;
    let mut small = Vec::new();
    for o in &w.outlines {
        let n = located.get(&o.alpha2).map_or(0, |(_, n)| *n);
        let b = band(n);
        if b == 0 {
            writeln!(h, "<path class=\"w0\" d=\"{}\"/>", o.path)?;
            continue;
        }
        writeln!(
            h,
            "<path class=\"w{b}\" d=\"{}\"><title>{}: {n}</title></path>",
            o.path,
            esc(&o.name)
        )?;
        if let Some((centre, _)) = bounds(&o.path).filter(|(_, (dx, dy))| dx.max(*dy) < 6.0) {
            small.push((centre, b, o.name.as_str(), n));
        }
    }
    // Countries too small to see at this scale get a dot where they are.
    for ((x, y), b, name, n) in small {
        writeln!(
            h,
            "<circle class=\"w{b} w-dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\"><title>{}: {n}</title></circle>",
            esc(name)
        )?;
    }
    if let Some(home) = &home {
        for o in w.outlines.iter().filter(|o| &o.alpha2 == home) {
            writeln!(h, "<path class=\"w-home\" d=\"{}\"/>", o.path)?;
        }
    }
    if let Some(c) = &cables {
        for (d, title) in &c.lines {
            writeln!(
                h,
                "<path class=\"w-cable\" d=\"{d}\"><title>{}</title></path>",
                esc(title)
            )?;
        }
        for (name, (x, y)) in &c.points {
            writeln!(
                h,
                "<circle class=\"w-landing\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.2\"><title>{}</title></circle>",
                esc(name)
            )?;
        }
    }
    writeln!(h, "</svg>")?;
    write!(
        h,
        "<figcaption>Shading: the number of items located in the country ("
    )?;
    let legend: Vec<String> = BANDS
        .iter()
        .enumerate()
        .map(|(k, (_, words))| {
            format!(
                "<svg class=\"swatch\" width=\"12\" height=\"12\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect class=\"w{}\" width=\"10\" height=\"10\"/></svg> {words}",
                k + 1
            )
        })
        .collect();
    write!(h, "{}", legend.join(", "))?;
    let cable_credit = match cables {
        Some(_) => " Cable data: TeleGeography, submarinecablemap.com, CC BY-NC-SA 3.0.",
        None => "",
    };
    writeln!(
        h,
        ").{} Outlines: Natural Earth (public domain), via world-atlas; country codes: GeoNames (CC BY 4.0).{cable_credit}</figcaption>\n</figure>",
        esc(&home_words)
    )?;
    if located.is_empty() {
        return writeln!(h, "<p>No item is located in any country.</p>\n</section>");
    }
    writeln!(h, "<table>\n<thead><tr><th scope=\"col\">Country</th><th scope=\"col\">Items located there</th><th scope=\"col\">Share</th></tr></thead>\n<tbody>")?;
    let mut rows: Vec<_> = located.iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    for (c, (name, n)) in rows {
        writeln!(
            h,
            "<tr><th scope=\"row\">{} ({})</th><td class=\"num\">{n}</td><td class=\"num\">{:.1}%</td></tr>",
            esc(name),
            esc(c),
            *n as f64 * 100.0 / total as f64
        )?;
    }
    writeln!(h, "</tbody>\n</table>\n</section>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outlines_cover_the_world_with_one_row_per_code() {
        let w = world();
        assert_eq!(w.size.0, super::projection::WIDTH);
        assert!(bounds(&w.sphere).is_some_and(
            |(_, (dx, dy))| (dx - w.size.0).abs() < 0.2 && (dy - w.size.1).abs() < 0.2
        ));
        assert!(w.outlines.len() >= 230, "{}", w.outlines.len());
        let mut codes: Vec<&str> = w
            .outlines
            .iter()
            .map(|o| o.alpha2.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n, "an alpha-2 code has two outlines");
        for c in [
            "FR", "US", "CN", "SG", "IE", "BR", "RU", "FJ", "LU", "MT", "HK",
        ] {
            assert!(codes.contains(&c), "{c} has no outline");
        }
        for o in &w.outlines {
            let (_, (dx, dy)) = bounds(&o.path).expect("every outline has points");
            assert!(dx >= 0.0 && dy >= 0.0);
        }
    }

    #[test]
    fn the_projection_agrees_with_the_build_script() {
        use super::projection::project;
        let w = world();
        assert!(w.calibration.len() >= 5);
        for ((lon, lat), (x, y)) in &w.calibration {
            let (px, py) = project(*lon, *lat);
            assert!(
                (px - x).abs() <= 0.051 && (py - y).abs() <= 0.051,
                "({lon}, {lat}): build script ({x}, {y}), here ({px:.2}, {py:.2})"
            );
        }
        let (_, y) = project(0.0, -90.0);
        assert!((y - w.size.1).abs() <= 0.051);
    }

    #[test]
    fn bands_follow_the_legend() {
        assert_eq!(band(0), 0);
        assert_eq!(band(1), 1);
        assert_eq!(band(4), 2);
        assert_eq!(band(5), 3);
        assert_eq!(band(19), 3);
        assert_eq!(band(20), 4);
    }
}
