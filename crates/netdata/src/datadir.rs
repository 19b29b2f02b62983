//! The data directory: reads `MANIFEST.csv`, loads and hashes every dataset it lists, and
//! assembles the lookup tables into one [`NetData`].
//!
//! Data is loaded at run time, never compiled in, so a user can update a feed or point
//! `--data-dir` elsewhere. A dataset that is missing or malformed is recorded as a [`Dataset`]
//! with its error, and the rest still loads: a broken Azure feed costs Azure attribution, not
//! the scan. Only an unreadable or malformed manifest fails the load, since without it nothing
//! can be interpreted. Queries over the loaded data live in `attribution`.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cloud::{parse_feeds, CloudRanges, CloudRangesBuilder};
use crate::cname::CnameSuffixes;
use crate::manifest::{parse_manifest, Dataset, DatasetKind, ManifestRow, MANIFEST};
use crate::mmdb::{AsnDb, CountryDb};
use crate::operators::{OperatorTable, ProviderTable};
use crate::registrations::RegistrationTable;
use crate::Error;

/// A data directory (`data/network` in the source tree).
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// Everything loaded from a data directory, ready for lookups.
pub struct NetData {
    pub(crate) datasets: Vec<Dataset>,
    pub(crate) errors: Vec<Error>,
    pub(crate) asn: Option<AsnDb>,
    pub(crate) country: Option<CountryDb>,
    pub(crate) operators: OperatorTable,
    pub(crate) registrations: RegistrationTable,
    pub(crate) providers: ProviderTable,
    pub(crate) cnames: CnameSuffixes,
    pub(crate) cloud: CloudRanges,
}

impl DataDir {
    /// A data directory rooted at `root`. Nothing is read until [`DataDir::load`].
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The directory's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Loads every dataset of the manifest. Fails only if the manifest itself cannot be read
    /// or parsed; each other failure is recorded on its [`Dataset`] and in
    /// [`NetData::errors`].
    pub fn load(&self) -> Result<NetData, Error> {
        let manifest = std::fs::read(self.root.join(MANIFEST)).map_err(|source| Error::Io {
            path: PathBuf::from(MANIFEST),
            source,
        })?;
        let rows = parse_manifest(&manifest)?;

        let mut data = NetData::empty(rows.len() + 1);
        let mut me = record(&manifest, MANIFEST, DatasetKind::Manifest);
        me.format = "csv".into();
        me.entries = Some(rows.len());
        me.licence = "Apache-2.0 OR MIT".into();
        me.origin = "the data directory's index".into();
        data.datasets.push(me);

        // Providers first: the suffix table and every range feed refer to them.
        let (first, rest): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|(_, r)| r.kind == DatasetKind::Providers);
        // The databases and AS tables refer to nothing else: they load on a second thread while
        // this one loads the providers, then the suffixes and range feeds in manifest order (the
        // range table's order depends on it). Datasets and errors are recorded in that order
        // whichever thread loaded them.
        let (side_rows, main_rows): (Vec<_>, Vec<_>) = first
            .into_iter()
            .chain(rest)
            .map(|(_, row)| row)
            .enumerate()
            .partition(|(_, row)| {
                matches!(
                    row.kind,
                    DatasetKind::AsnMmdb
                        | DatasetKind::CountryMmdb
                        | DatasetKind::AsnOperators
                        | DatasetKind::AsnRegistrations
                )
            });
        let mut side = NetData::empty(0);
        let mut cloud = CloudRangesBuilder::default();
        let mut loaded = std::thread::scope(|scope| {
            let side_thread = scope.spawn(|| {
                let mut unused = CloudRangesBuilder::default();
                side_rows
                    .iter()
                    .map(|(i, row)| (*i, self.load_row(row, &mut side, &mut unused)))
                    .collect::<Vec<_>>()
            });
            let mut loaded: Vec<_> = main_rows
                .iter()
                .map(|(i, row)| (*i, self.load_row(row, &mut data, &mut cloud)))
                .collect();
            data.cloud = cloud.build();
            loaded.extend(
                side_thread
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
            loaded
        });
        data.asn = side.asn;
        data.country = side.country;
        data.operators = side.operators;
        data.registrations = side.registrations;
        loaded.sort_by_key(|(i, _)| *i);
        for (_, (ds, error)) in loaded {
            data.datasets.push(ds);
            data.errors.extend(error);
        }
        Ok(data)
    }

    /// Loads one row into `data` (and `cloud`): its dataset record, and its error if any.
    fn load_row(
        &self,
        row: &ManifestRow,
        data: &mut NetData,
        cloud: &mut CloudRangesBuilder,
    ) -> (Dataset, Option<Error>) {
        let mut ds = Dataset {
            path: row.path.clone(),
            kind: row.kind,
            format: row.format.clone(),
            provider: (!row.provider.is_empty()).then(|| row.provider.clone()),
            date: row.date.clone(),
            version: None,
            licence: row.licence.clone(),
            origin: row.origin.clone(),
            sha256: None,
            bytes: None,
            entries: None,
            error: None,
        };
        match self.load_one(row, &mut ds, data, cloud) {
            Ok(()) => (ds, None),
            Err(e) => {
                ds.error = Some(e.to_string());
                (ds, Some(e))
            }
        }
    }

    fn load_one(
        &self,
        row: &ManifestRow,
        ds: &mut Dataset,
        data: &mut NetData,
        cloud: &mut CloudRangesBuilder,
    ) -> Result<(), Error> {
        let rel = Path::new(&row.path);
        let bytes = std::fs::read(self.root.join(rel)).map_err(|source| Error::Io {
            path: rel.to_owned(),
            source,
        })?;
        ds.sha256 = Some(hex::encode(Sha256::digest(&bytes)));
        ds.bytes = Some(bytes.len() as u64);
        match row.kind {
            DatasetKind::Manifest => unreachable!("parse_manifest rejects rows of kind manifest"),
            DatasetKind::AsnMmdb => {
                let db = AsnDb::from_bytes(rel, bytes)?;
                ds.version = Some(db.version());
                ds.entries = Some(db.node_count());
                once(&mut data.asn, db, rel)?;
            }
            DatasetKind::CountryMmdb => {
                let db = CountryDb::from_bytes(rel, bytes)?;
                ds.version = Some(db.version());
                ds.entries = Some(db.node_count());
                once(&mut data.country, db, rel)?;
            }
            DatasetKind::AsnOperators => {
                data.operators = OperatorTable::parse(rel, &bytes)?;
                ds.entries = Some(data.operators.len());
            }
            DatasetKind::AsnRegistrations => {
                data.registrations = RegistrationTable::parse(rel, &bytes)?;
                ds.entries = Some(data.registrations.len());
            }
            DatasetKind::Providers => {
                data.providers = ProviderTable::parse(rel, &bytes)?;
                ds.entries = Some(data.providers.len());
            }
            DatasetKind::CnameSuffixes => {
                data.cnames = CnameSuffixes::parse(rel, &bytes, &data.providers)?;
                ds.entries = Some(data.cnames.len());
            }
            DatasetKind::CloudRanges => {
                let manifest = Path::new(MANIFEST);
                let provider = data.providers.get(&row.provider).ok_or_else(|| {
                    Error::value(
                        manifest,
                        &row.path,
                        format!("provider {:?} is not in providers.csv", row.provider),
                    )
                })?;
                let feed = parse_feeds::parse(&row.format, rel, &bytes).ok_or_else(|| {
                    Error::value(
                        manifest,
                        &row.path,
                        format!("unknown range format {:?}", row.format),
                    )
                })??;
                ds.version = feed.version.clone();
                ds.entries = Some(feed.ranges.len());
                let basis = row
                    .basis
                    .expect("parse_manifest requires a basis for cloud-ranges");
                cloud.add_feed(provider, &row.path, basis, feed);
            }
        }
        Ok(())
    }
}

fn once<T>(slot: &mut Option<T>, value: T, path: &Path) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error::value(
            Path::new(MANIFEST),
            path.display().to_string(),
            "a second database of this kind; only the first is used",
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn record(bytes: &[u8], path: &str, kind: DatasetKind) -> Dataset {
    Dataset {
        path: path.into(),
        kind,
        format: String::new(),
        provider: None,
        date: String::new(),
        version: None,
        licence: String::new(),
        origin: String::new(),
        sha256: Some(hex::encode(Sha256::digest(bytes))),
        bytes: Some(bytes.len() as u64),
        entries: None,
        error: None,
    }
}

impl NetData {
    fn empty(datasets: usize) -> Self {
        NetData {
            datasets: Vec::with_capacity(datasets),
            errors: Vec::new(),
            asn: None,
            country: None,
            operators: OperatorTable::default(),
            registrations: RegistrationTable::default(),
            providers: ProviderTable::default(),
            cnames: CnameSuffixes::default(),
            cloud: CloudRanges::default(),
        }
    }

    /// Every dataset of the manifest (the manifest itself first), loaded or not.
    pub fn datasets(&self) -> &[Dataset] {
        &self.datasets
    }

    /// The datasets that were rejected, with the reason.
    pub fn errors(&self) -> &[Error] {
        &self.errors
    }
}
