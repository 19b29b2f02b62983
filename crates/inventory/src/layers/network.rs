//! The `network` layer: the organisation's endpoints (services, mail domains, addresses, the
//! records of its own domains), how DNS led from each to its addresses, and who announces,
//! operates, hosts and locates each address.
//!
//! Two different countries are recorded on purpose: the operator's headquarters (whose law
//! reaches the operator wherever the server stands) and the address's location (where the data
//! sits). Both become actors, so rulesets can judge them separately. Facts from the network data
//! directory name the dataset file in their evidence; the dataset's sha256 and version are in
//! [`NetworkLayer::datasets`].

use crate::{Actor, CountryCode, Evidence, Fact, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The network layer's section: the data it was attributed with and its endpoints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct NetworkLayer {
    /// The resolver asked: `system`, an `IP:PORT`, or absent when nothing was resolved
    /// (`--offline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver: Option<String>,
    /// Every dataset of the network data directory, loaded or not, with its sha256 and version.
    #[serde(default)]
    pub datasets: Vec<NetworkDataset>,
    /// The endpoints, in the order given (`--endpoints` first, then `--domain` discoveries).
    #[serde(default)]
    pub endpoints: Vec<NetworkEndpoint>,
}

/// One dataset of the network data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NetworkDataset {
    /// Path inside the data directory (`mmdb/ip-asn.mmdb`); evidence sources name it as
    /// `data:network/<path>`.
    pub path: String,
    /// What it holds (`asn-mmdb`, `cloud-ranges`, ...).
    pub kind: String,
    /// The dataset's own version (a database build epoch, a feed's sync token), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Date of the data, from the manifest.
    pub date: String,
    /// sha256 of the file's bytes, lowercase hex; absent when it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Licence of the data.
    pub licence: String,
    /// Why it could not be used, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How much the organisation depends on an endpoint, as its owner labelled it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Nice to have.
    Low,
    /// Needed.
    Medium,
    /// Needed for daily work.
    High,
    /// The organisation stops without it.
    Critical,
}

/// What an endpoint is, which decides what is asked of DNS.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    /// A host name: A and AAAA.
    Host,
    /// A URL: its host's A and AAAA.
    Url,
    /// A mail domain: MX, then each exchanger's A and AAAA.
    Mail,
    /// An IP address: no DNS, attributed directly.
    Ip,
    /// A domain's name servers (`--domain`): NS, then each server's A and AAAA.
    NameServers,
    /// A domain's SPF record and the includes it names (`--domain`): TXT, followed.
    Spf,
}

/// Where resolution of an endpoint stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Every query answered (possibly with no record).
    Resolved,
    /// Some queries answered, some failed (see `errors`).
    Partial,
    /// Every query failed (see `errors`).
    Failed,
    /// Nothing was asked (`--offline`).
    Unresolved,
}

/// A service, domain or address the organisation depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NetworkEndpoint {
    /// `ep0`, `ep1`, ... in order.
    pub id: String,
    /// The endpoint as given (`https://app.example.org/`, `mail:example.org`, `192.0.2.1`).
    pub endpoint: String,
    /// The service's name, when labelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How critical the service is, when labelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Criticality>,
    /// Where it was given: the endpoints file and line, or `--domain` discovery.
    pub given: Evidence,
    /// What it is.
    pub kind: EndpointKind,
    /// The DNS name asked about (the URL's host, the mail domain), absent for an address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where resolution stands.
    pub resolution: Resolution,
    /// Every DNS query made for the endpoint, in order, with the CNAME chain each followed.
    #[serde(default)]
    pub lookups: Vec<DnsLookup>,
    /// The addresses reached, each attributed.
    #[serde(default)]
    pub addresses: Vec<Address>,
    /// Why some or all of the endpoint could not be resolved.
    #[serde(default)]
    pub errors: Vec<EndpointError>,
    /// Network operators, cloud and DNS providers, and the countries where the addresses are.
    pub actors: Vec<Actor>,
}

/// One DNS query and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DnsLookup {
    /// The name asked about.
    pub name: String,
    /// `A`, `AAAA`, `MX`, `NS` or `TXT`.
    pub record_type: String,
    /// Every CNAME hop followed, in order.
    #[serde(default)]
    pub chain: Vec<CnameHop>,
    /// The answers at the end of the chain, as text (`192.0.2.1`, `10 mx.example.org`).
    #[serde(default)]
    pub answers: Vec<String>,
    /// Why it failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<EndpointError>,
}

/// One CNAME hop: `name` is an alias of `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CnameHop {
    /// The alias.
    pub name: String,
    /// The name it points to.
    pub target: String,
    /// The provider the target's suffix reveals (`aws` for `*.cloudfront.net`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// A resolution failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointError {
    /// `nx_domain`, `serv_fail`, `refused`, `timeout`, `cname_loop`, `chain_too_long`,
    /// `malformed_name`, `offline`, `other`.
    pub kind: String,
    /// What happened, for a person.
    pub message: String,
}

/// An address an endpoint reached, and what the network data says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Address {
    /// The address.
    pub ip: String,
    /// The name whose record gave it (the end of the CNAME chain); absent for an IP endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The announcing autonomous system's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<Fact<u32>>,
    /// The autonomous system's registered name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_name: Option<Fact<String>>,
    /// The operator of the autonomous system, from the compiled operator table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<Fact<String>>,
    /// The operator's ultimate parent company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Fact<String>>,
    /// The parent's headquarters country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_hq_country: Option<Fact<CountryCode>>,
    /// The country the registries delegated the autonomous system's address space to (the
    /// largest share of it): where the addresses were registered, not a headquarters. Low
    /// confidence; recorded for every AS the data lists (schema 1.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_country: Option<Fact<CountryCode>>,
    /// The published cloud or CDN range holding the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CloudRange>,
    /// The country where the address is located (not who controls it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Fact<CountryCode>>,
    /// Lookups in the data that failed (a corrupt database record).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// A provider range holding an address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CloudRange {
    /// The provider's id (`aws`, `azure`, `hetzner`).
    pub provider: Fact<String>,
    /// The matching prefix.
    pub prefix: String,
    /// The provider's service, when the feed names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The provider's region, when the feed names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The country, when the feed is a geofeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// `published` by the provider, or `asn_derived` from routing data.
    pub basis: String,
}

impl Item for NetworkEndpoint {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        match &self.label {
            Some(l) => format!("{l} ({})", self.endpoint),
            None => self.endpoint.clone(),
        }
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn identity(&self) -> String {
        self.endpoint.clone()
    }
}

/// The evidence value of a provider named by a DNS name's suffix (`cname-suffixes.csv`):
/// `NAME ends in SUFFIX`. The scanner writes it, [`NetworkEndpoint::cloud_providers_of`] reads
/// the name back.
pub fn suffix_evidence_value(name: &str, suffix: &str) -> String {
    format!("{name}{SUFFIX_SEP}{suffix}")
}

const SUFFIX_SEP: &str = " ends in ";

impl NetworkEndpoint {
    /// The DNS names followed to reach `ip`: each name asked whose answers hold it (an MX
    /// target's A query asks the target) and every CNAME target on the way, in lookup order.
    pub fn names_to(&self, ip: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for l in self
            .lookups
            .iter()
            .filter(|l| l.answers.iter().any(|a| a == ip))
        {
            for n in
                std::iter::once(l.name.as_str()).chain(l.chain.iter().map(|h| h.target.as_str()))
            {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// The endpoint's cloud providers: its `cloud_provider` actors, however they were
    /// attributed (a published or ASN-derived range holding an address, a CNAME, MX or
    /// SPF-include target's suffix). The one definition `whatif`, `graph` and the reports use.
    pub fn cloud_providers(&self) -> impl Iterator<Item = &Actor> {
        self.actors
            .iter()
            .filter(|a| a.role == crate::Role::CloudProvider)
    }

    /// The cloud providers that host `address`: those of [`Self::cloud_providers`] whose
    /// evidence is the address's provider range (any of their evidence rows, not only the
    /// first: one provider may be named by a suffix and a range), or a suffix of a DNS name
    /// followed to the address ([`Self::names_to`]: a CNAME target, an MX target). A provider
    /// named only by a name that leads to no address (an SPF include) hosts none of them.
    pub fn cloud_providers_of(&self, address: &Address) -> Vec<&Actor> {
        let names = self.names_to(&address.ip);
        let via = address.via.as_deref();
        let named = |e: &Evidence| {
            e.field.as_deref() == Some("suffix")
                && e.value
                    .as_deref()
                    .and_then(|v| v.split_once(SUFFIX_SEP))
                    .is_some_and(|(name, _)| {
                        names
                            .iter()
                            .chain(via.iter())
                            .any(|n| n.eq_ignore_ascii_case(name))
                    })
        };
        let ranged = |e: &Evidence| {
            address
                .cloud
                .as_ref()
                .is_some_and(|c| c.provider.evidence.contains(e))
        };
        self.cloud_providers()
            .filter(|p| p.evidence.iter().any(|e| ranged(e) || named(e)))
            .collect()
    }
}
