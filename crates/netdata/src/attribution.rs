//! Queries over loaded [`NetData`]: address → AS, operator, parent and headquarters country,
//! location country and cloud provider; AS number → operator; DNS name → provider.
//!
//! [`NetData::attribute`] answers everything about one address at once and records, rather
//! than raises, a lookup that fails on a corrupt database, so one bad record does not stop a
//! scan. Which jurisdictions follow from the countries is the knowledge base's business.

use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;

use crate::cloud::{CloudEntry, CloudMatch};
use crate::cname::CnameMatch;
use crate::datadir::NetData;
use crate::mmdb::{AsnRecord, CountryRecord};
use crate::operators::{Operator, OperatorBasis, Provider};
use crate::registrations::Registration;
use crate::Error;

/// Everything the data directory says about one address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    /// The address.
    pub ip: IpAddr,
    /// The announcing autonomous system, if the ASN database places the address.
    pub asn: Option<AsnRecord>,
    /// The AS's operator, parent and headquarters (known) or just its name (`AsName`).
    pub operator: Option<Operator>,
    /// The country the AS's address space was delegated to (`asn/asn-org-country.csv`): the
    /// low-confidence fallback when the operator's headquarters is unknown, never a
    /// headquarters. Given for every AS the table lists, known operator or not.
    pub registration: Option<Registration>,
    /// Where the address is located, if the country database places it.
    pub location: Option<CountryRecord>,
    /// The provider range containing the address, if any.
    pub cloud: Option<CloudAttribution>,
    /// Lookups that failed (a corrupt database record), as messages naming the file.
    pub errors: Vec<String>,
}

/// The most specific provider range containing an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudAttribution {
    /// The matching prefix.
    pub prefix: ipnet::IpNet,
    /// The entries listed for it, best first.
    pub entries: Vec<CloudEntry>,
}

impl NetData {
    /// The AS announcing `ip`. `Ok(None)` when no network contains it or no ASN database is
    /// loaded (see [`NetData::datasets`] for why).
    pub fn asn(&self, ip: IpAddr) -> Result<Option<AsnRecord>, Error> {
        self.asn.as_ref().map_or(Ok(None), |db| db.lookup(ip))
    }

    /// The country where `ip` is located (not who controls it).
    pub fn location(&self, ip: IpAddr) -> Result<Option<CountryRecord>, Error> {
        self.country.as_ref().map_or(Ok(None), |db| db.lookup(ip))
    }

    /// The operator of AS `asn`: the compiled table's row, else the AS's registered name with
    /// parent and headquarters unknown, else `None`.
    pub fn operator(&self, asn: u32) -> Option<Operator> {
        if let Some(op) = self.operators.get(asn) {
            return Some(op.clone());
        }
        let name = self.asn.as_ref()?.as_name(asn)?;
        Some(name_only(asn, name))
    }

    /// The country AS `asn`'s address space was delegated to (see [`Registration`]).
    pub fn registration(&self, asn: u32) -> Option<Registration> {
        self.registrations.get(asn)
    }

    /// The provider range containing `ip`.
    pub fn cloud(&self, ip: IpAddr) -> Option<CloudMatch<'_>> {
        self.cloud.lookup(ip)
    }

    /// The provider revealed by a DNS name's suffix (a CNAME, MX or NS target).
    pub fn cname_provider(&self, name: &str) -> Option<&CnameMatch> {
        self.cnames.lookup(name)
    }

    /// A provider by id (`aws`, `ovh`, ...).
    pub fn provider(&self, id: &str) -> Option<&Arc<Provider>> {
        self.providers.get(id)
    }

    /// Everything known about `ip`.
    pub fn attribute(&self, ip: IpAddr) -> Attribution {
        let mut errors = Vec::new();
        let asn = self.asn(ip).unwrap_or_else(|e| {
            errors.push(e.to_string());
            None
        });
        let location = self.location(ip).unwrap_or_else(|e| {
            errors.push(e.to_string());
            None
        });
        // The record already carries the AS name, so the name index is not needed here.
        let operator = asn.as_ref().and_then(|r| match self.operators.get(r.asn) {
            Some(op) => Some(op.clone()),
            None => r.org.as_deref().map(|name| name_only(r.asn, name)),
        });
        let registration = asn.as_ref().and_then(|r| self.registration(r.asn));
        let cloud = self.cloud(ip).map(|m| CloudAttribution {
            prefix: m.prefix,
            entries: m.entries.to_vec(),
        });
        Attribution {
            ip,
            asn,
            operator,
            registration,
            location,
            cloud,
            errors,
        }
    }
}

fn name_only(asn: u32, name: &str) -> Operator {
    Operator {
        asn,
        operator: name.to_owned(),
        parent_company: None,
        parent_hq_country: None,
        category: None,
        reference: None,
        basis: OperatorBasis::AsName,
    }
}
