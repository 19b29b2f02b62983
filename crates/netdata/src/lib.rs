//! Network data for sovstack's `network` layer: who announces, operates, owns and hosts an
//! address, where it is located, and a bounded DNS resolver that records how names lead there.
//!
//! Data is loaded at run time from a data directory (`data/network` in the source tree,
//! described by its `MANIFEST.csv` and `README.md`), never compiled in; each dataset's sha256
//! and version are kept for the inventory's evidence, and a broken dataset is recorded rather
//! than fatal. Turning these facts into inventory items, and laws, is for `sovstack-scan` and
//! the knowledge base.
//!
//! ```
//! use sovstack_netdata::DataDir;
//!
//! let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/network");
//! let data = DataDir::new(root).load()?;
//! assert!(data.errors().is_empty());
//!
//! let a = data.attribute("5.9.0.1".parse()?);
//! let op = a.operator.unwrap();
//! assert_eq!((a.asn.unwrap().asn, op.parent_hq_country.as_deref()), (24940, Some("DE")));
//!
//! let cloud = data.cloud("52.95.110.1".parse()?).unwrap();
//! assert_eq!(cloud.best().provider.id, "aws");
//!
//! let cdn = data.cname_provider("d111111abcdef8.cloudfront.net.").unwrap();
//! assert_eq!(cdn.service.as_deref(), Some("CloudFront"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod attribution;
pub mod cloud;
mod cname;
mod coverage;
mod datadir;
pub mod dns;
mod error;
mod manifest;
mod mmdb;
mod operators;
mod parse_csv;
mod registrations;

pub use attribution::{Attribution, CloudAttribution};
pub use cloud::{CloudEntry, CloudMatch, CloudRanges};
pub use cname::{CnameMatch, CnameSuffixes};
pub use coverage::Ipv4Space;
pub use datadir::{DataDir, NetData};
pub use error::Error;
pub use manifest::{Basis, Dataset, DatasetKind, MANIFEST};
pub use mmdb::{AsnDb, AsnRecord, CountryDb, CountryRecord};
pub use operators::{Operator, OperatorBasis, OperatorTable, Provider, ProviderTable};
pub use registrations::{Registration, RegistrationTable};
