//! `MANIFEST.csv`: the pack's files, each with its kind, date, licence, sha256 and origin. The
//! loader reads exactly the files it lists, and refuses one whose bytes differ from its sha256.

use serde::{Deserialize, Serialize};

use crate::parse::read_table;
use crate::Error;

/// The manifest's file name, at the root of the pack's directory.
pub const MANIFEST: &str = "MANIFEST.csv";

/// What a file of the pack is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `cables.json`: the cable systems.
    Cables,
    /// `countries.csv`: the dataset's country names -> ISO codes.
    CountryNames,
    /// `sovereignty.csv`: territories -> their sovereign.
    Sovereignty,
    /// `land-borders.csv`: land neighbours.
    LandBorders,
    /// `owners.csv`: owner names -> organisation and headquarters.
    Owners,
    /// `landing-points.csv`: landing stations' coordinates, for maps (optional: a pack without
    /// it gives routes without coordinates).
    LandingPoints,
}

impl Kind {
    /// The kinds a pack needs, each exactly once (the others are optional, at most once).
    pub const ALL: [Kind; 5] = [
        Kind::Cables,
        Kind::CountryNames,
        Kind::Sovereignty,
        Kind::LandBorders,
        Kind::Owners,
    ];
}

/// One file of the pack as the manifest describes it, and its checked sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Path relative to the pack's directory.
    pub path: String,
    /// What it is.
    pub kind: Kind,
    /// The date of the data.
    pub date: String,
    /// SPDX identifier of its licence.
    pub licence: String,
    /// Lower-case hex sha256 of its bytes (checked against the file).
    pub sha256: String,
    /// Where it came from.
    pub origin: String,
    /// When the data describes the world (`2022`: TeleGeography's map as of late 2022), when
    /// that is earlier than `date` (which a republication or a repackaging may set); empty
    /// when the data is as of its date.
    pub as_of: String,
}

/// Parses the manifest: one row per kind, paths inside the pack.
pub fn parse_manifest(bytes: &[u8]) -> Result<Vec<Dataset>, Error> {
    let cols = [
        "path", "kind", "date", "licence", "sha256", "origin", "as_of",
    ];
    let rows: Vec<(u64, Dataset)> = read_table(MANIFEST, bytes, &cols)?;
    let mut out: Vec<Dataset> = Vec::new();
    for (line, d) in rows {
        let p = std::path::Path::new(&d.path);
        if d.path.is_empty()
            || p.is_absolute()
            || p.components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::line(
                MANIFEST,
                line,
                format!(
                    "path: {:?} must be relative and stay inside the pack",
                    d.path
                ),
            ));
        }
        if d.sha256.len() != 64
            || !d
                .sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(Error::line(
                MANIFEST,
                line,
                format!("sha256: {:?} is not 64 lower-case hex digits", d.sha256),
            ));
        }
        if out.iter().any(|o| o.kind == d.kind) {
            return Err(Error::line(
                MANIFEST,
                line,
                format!("kind: {:?} listed twice", d.kind),
            ));
        }
        out.push(d);
    }
    if let Some(k) = Kind::ALL
        .iter()
        .find(|k| !out.iter().any(|d| d.kind == **k))
    {
        return Err(Error::line(
            MANIFEST,
            1,
            format!("kind: no {k:?} file listed"),
        ));
    }
    Ok(out)
}
