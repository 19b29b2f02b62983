//! Parsers of the pack's files, from bytes (so the fuzz target reaches them without a
//! directory). Each CSV table must have exactly its columns, in order; a bad row is an error
//! naming the file, line and field.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::Error;

/// Reads a CSV table with exactly `columns`, each row with its 1-based line.
pub(crate) fn read_table<T: DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    columns: &[&str],
) -> Result<Vec<(u64, T)>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| Error::line(path, 1, e.to_string()))?
        .clone();
    let found: Vec<&str> = header.iter().collect();
    if found != columns {
        return Err(Error::line(
            path,
            1,
            format!(
                "expected columns {} but found {}",
                columns.join(","),
                found.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::line(path, line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row: T = record
            .deserialize(Some(&header))
            .map_err(|e| Error::line(path, line, e.to_string()))?;
        rows.push((line, row));
    }
    Ok(rows)
}

/// An ISO 3166-1 alpha-2 code's shape: two ASCII capitals.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn code(path: &str, line: u64, field: &str, value: &str) -> Result<String, Error> {
    if is_country_code(value) {
        Ok(value.to_string())
    } else {
        Err(Error::line(
            path,
            line,
            format!("{field}: {value:?} is not an ISO 3166-1 alpha-2 code"),
        ))
    }
}

fn source(path: &str, line: u64, value: &str) -> Result<(), Error> {
    match value.trim().is_empty() {
        true => Err(Error::line(
            path,
            line,
            "source: empty (every row needs one)",
        )),
        false => Ok(()),
    }
}

/// `countries.csv`: the dataset's country name -> ISO code.
pub fn parse_countries(path: &str, bytes: &[u8]) -> Result<BTreeMap<String, String>, Error> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
        code: String,
        source: String,
    }
    let mut out = BTreeMap::new();
    for (line, r) in read_table::<Row>(path, bytes, &["name", "code", "source"])? {
        source(path, line, &r.source)?;
        let c = code(path, line, "code", &r.code)?;
        if out.insert(r.name.clone(), c).is_some() {
            return Err(Error::line(path, line, format!("name: {:?} twice", r.name)));
        }
    }
    Ok(out)
}

/// `sovereignty.csv`: territory -> sovereign state.
pub fn parse_sovereignty(path: &str, bytes: &[u8]) -> Result<BTreeMap<String, String>, Error> {
    #[derive(Deserialize)]
    struct Row {
        territory: String,
        sovereign: String,
        source: String,
    }
    let mut out = BTreeMap::new();
    for (line, r) in read_table::<Row>(path, bytes, &["territory", "sovereign", "source"])? {
        source(path, line, &r.source)?;
        let t = code(path, line, "territory", &r.territory)?;
        let s = code(path, line, "sovereign", &r.sovereign)?;
        if t == s {
            return Err(Error::line(path, line, "sovereign: the territory itself"));
        }
        if out.insert(t, s).is_some() {
            return Err(Error::line(
                path,
                line,
                format!("territory: {} twice", r.territory),
            ));
        }
    }
    Ok(out)
}

/// `land-borders.csv`: unordered pairs of countries sharing a land border.
pub fn parse_borders(path: &str, bytes: &[u8]) -> Result<BTreeSet<(String, String)>, Error> {
    #[derive(Deserialize)]
    struct Row {
        a: String,
        b: String,
        source: String,
    }
    let mut out = BTreeSet::new();
    for (line, r) in read_table::<Row>(path, bytes, &["a", "b", "source"])? {
        source(path, line, &r.source)?;
        let a = code(path, line, "a", &r.a)?;
        let b = code(path, line, "b", &r.b)?;
        if a == b {
            return Err(Error::line(path, line, "b: the same country as a"));
        }
        let pair = if a < b { (a, b) } else { (b, a) };
        out.insert(pair);
    }
    Ok(out)
}

/// `landing-points.csv`: each landing station's id -> (longitude, latitude) in degrees. A
/// repeated id, or a coordinate that is not a number within its range, is an error naming the
/// line and field.
pub fn parse_landing_points(
    path: &str,
    bytes: &[u8],
) -> Result<BTreeMap<String, (f64, f64)>, Error> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        lon: String,
        lat: String,
    }
    let mut out = BTreeMap::new();
    for (line, r) in read_table::<Row>(path, bytes, &["id", "lon", "lat"])? {
        let degrees = |field: &str, v: &str, max: f64| match v.parse::<f64>() {
            Ok(d) if d.is_finite() && d.abs() <= max => Ok(d),
            _ => Err(Error::line(
                path,
                line,
                format!("{field}: {v:?} is not a number from -{max} to {max}"),
            )),
        };
        let at = (
            degrees("lon", &r.lon, 180.0)?,
            degrees("lat", &r.lat, 90.0)?,
        );
        if r.id.is_empty() || out.insert(r.id.clone(), at).is_some() {
            return Err(Error::line(
                path,
                line,
                format!("id: {:?} empty or repeated", r.id),
            ));
        }
    }
    Ok(out)
}

/// One row of `owners.csv`: what an owner name of the dataset stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerFacts {
    /// The organisation the name stands for.
    pub organisation: String,
    /// Its headquarters country (ISO code; a territory stays itself, see `sovereignty.csv`).
    pub hq_country: String,
    /// Google, Meta, Microsoft or Amazon.
    pub hyperscaler: bool,
    /// Where the facts come from.
    pub source: String,
}

/// `owners.csv`: the dataset's owner name -> organisation facts.
pub fn parse_owners(path: &str, bytes: &[u8]) -> Result<BTreeMap<String, OwnerFacts>, Error> {
    #[derive(Deserialize)]
    struct Row {
        owner: String,
        organisation: String,
        hq_country: String,
        hyperscaler: String,
        source: String,
    }
    let cols = [
        "owner",
        "organisation",
        "hq_country",
        "hyperscaler",
        "source",
    ];
    let mut out = BTreeMap::new();
    for (line, r) in read_table::<Row>(path, bytes, &cols)? {
        source(path, line, &r.source)?;
        let hyperscaler = match r.hyperscaler.as_str() {
            "yes" => true,
            "" => false,
            other => {
                return Err(Error::line(
                    path,
                    line,
                    format!("hyperscaler: {other:?} is neither `yes` nor empty"),
                ))
            }
        };
        if r.owner.trim().is_empty() || r.organisation.trim().is_empty() {
            return Err(Error::line(path, line, "owner or organisation: empty"));
        }
        let facts = OwnerFacts {
            organisation: r.organisation,
            hq_country: code(path, line, "hq_country", &r.hq_country)?,
            hyperscaler,
            source: r.source,
        };
        if out.insert(r.owner.clone(), facts).is_some() {
            return Err(Error::line(
                path,
                line,
                format!("owner: {:?} twice", r.owner),
            ));
        }
    }
    Ok(out)
}

/// One cable record of `cables.json`, as published.
#[derive(Debug, Deserialize)]
pub(crate) struct RawCable {
    pub id: String,
    pub name: String,
    pub rfs_year: Option<u16>,
    pub is_planned: bool,
    pub owners: Option<String>,
    pub landing_points: Vec<RawLanding>,
}

/// One landing point of a cable record.
#[derive(Debug, Deserialize)]
pub(crate) struct RawLanding {
    pub id: String,
    pub name: String,
    pub country: String,
}

/// `cables.json`: the array of cable records.
pub(crate) fn parse_cables_json(path: &str, bytes: &[u8]) -> Result<Vec<RawCable>, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Json {
        path: path.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Legal-form words that follow a comma inside one owner's name (`Blackburn Technologies,
/// LLC.`), so that they stay with it.
const LEGAL_SUFFIXES: &[&str] = &[
    "Inc", "LLC", "Ltd", "Lda", "S.A", "SA", "S.A.S", "Co", "Corp", "plc", "AG", "GmbH", "B.V",
    "N.V", "Pte. Ltd", "Limited",
];

/// Splits the dataset's `owners` string into owner names: on commas outside parentheses, a
/// legal-form suffix staying with the name before it.
///
/// ```
/// use sovstack_cables::split_owners;
/// assert_eq!(
///     split_owners("Telia Eesti (formerly Eesti Telekom, EMT, Elion), Seren Juno Network Co., Ltd., KPN"),
///     ["Telia Eesti (formerly Eesti Telekom, EMT, Elion)", "Seren Juno Network Co., Ltd.", "KPN"]
/// );
/// ```
pub fn split_owners(owners: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, ch) in owners.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&owners[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&owners[start..]);
    let mut out: Vec<String> = Vec::new();
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        let bare = p.strip_suffix('.').unwrap_or(p);
        match out.last_mut() {
            Some(last) if LEGAL_SUFFIXES.contains(&bare) => {
                last.push_str(", ");
                last.push_str(p);
            }
            _ => out.push(p.to_string()),
        }
    }
    out
}
