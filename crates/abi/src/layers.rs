//! The layers and the roles of their actors: the one definition every other part derives from.
//!
//! It lives here because this crate is the only one both sides compile: the host (scan, inventory,
//! evaluation, report, ruleset validation) and every plugin (built by Debian's rustc 1.63). A role
//! a plugin judges, a role a ruleset may name and a role the scan records are therefore the same
//! list. Every `match` on [`Layer`] and [`Role`] is exhaustive, so a new variant is a compile error
//! wherever it is not handled yet, never a silent drop (`crates/README.md`, "Adding a layer").

use serde::{Deserialize, Serialize};
use std::fmt;

/// A layer of the stack, in report order ([`Layer::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Who designs, licenses and fabricates the processors.
    Processor,
    /// Who stewards the operating system, its lineage and its kernel.
    Os,
    /// Who stewards the compilers, linkers, C libraries and runtimes that built the binaries.
    Toolchain,
    /// Who operates, hosts and holds jurisdiction over the network services the organisation uses.
    Network,
    /// Which submarine cables can carry the organisation's data to the countries its services are
    /// located in, and who owns them.
    Cable,
    /// The services the organisation declares it buys (`--declared`): who supplies them, what
    /// the supplier claims (jurisdiction, data locations, certifications) and what the network
    /// layer observed of the endpoints that deliver them.
    Suppliers,
    /// Who makes the organisation's computers, network equipment, printers and phones.
    Devices,
    /// Which registries the organisation's software components arrive through (from its SBOMs),
    /// who operates them, and under which licences the components come.
    Software,
    /// The critical raw materials the processors and devices depend on (through the knowledge
    /// base's component classes) and the countries producing them, each with its share of world
    /// production (USGS Mineral Commodity Summaries). Derived from the processor and devices
    /// layers, so it comes after them.
    Materials,
}

impl Layer {
    /// Every layer, in report order.
    pub const ALL: [Layer; 9] = [
        Layer::Processor,
        Layer::Os,
        Layer::Toolchain,
        Layer::Network,
        Layer::Cable,
        Layer::Suppliers,
        Layer::Devices,
        Layer::Software,
        Layer::Materials,
    ];

    /// The id used in `--layers`, as the inventory's section key, in rulesets and by plugins.
    pub const fn id(self) -> &'static str {
        match self {
            Layer::Processor => "processor",
            Layer::Os => "os",
            Layer::Toolchain => "toolchain",
            Layer::Network => "network",
            Layer::Cable => "cable",
            Layer::Suppliers => "suppliers",
            Layer::Devices => "devices",
            Layer::Software => "software",
            Layer::Materials => "materials",
        }
    }

    /// The layer with this id.
    pub fn from_id(id: &str) -> Option<Layer> {
        Layer::ALL.iter().copied().find(|l| l.id() == id)
    }

    /// What a person calls it, as a table heading (`Operating-system` layer).
    pub fn title(self) -> &'static str {
        match self {
            Layer::Processor => "Processor",
            Layer::Os => "Operating-system",
            Layer::Toolchain => "Toolchain",
            Layer::Network => "Network",
            Layer::Cable => "Cable",
            Layer::Suppliers => "Suppliers",
            Layer::Devices => "Devices",
            Layer::Software => "Software supply",
            Layer::Materials => "Critical raw materials",
        }
    }

    /// The roles an item of the layer can have actors in, in report order. A ruleset's rule for
    /// the layer may name these and no others; the layer's plugin judges exactly these.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Layer::Processor => &[
                Role::IsaOwner,
                Role::CoreDesigner,
                Role::SocVendor,
                Role::Foundry,
            ],
            Layer::Os => &[Role::Steward, Role::Lineage, Role::Kernel],
            Layer::Toolchain => &[Role::Compiler, Role::Linker, Role::Libc, Role::Runtime],
            Layer::Network => &[
                Role::NetworkOperator,
                Role::CloudProvider,
                Role::DnsProvider,
                Role::Location,
            ],
            Layer::Cable => &[Role::CableOwner],
            Layer::Suppliers => &[
                Role::Supplier,
                Role::SupplierParent,
                Role::ClaimedJurisdiction,
                Role::DataLocation,
                Role::ObservedOperator,
                Role::ObservedLocation,
            ],
            Layer::Devices => &[Role::Manufacturer, Role::Owner, Role::HighRiskVendor],
            Layer::Software => &[Role::RegistryOperator, Role::Licence],
            Layer::Materials => &[Role::Producer],
        }
    }

    /// Whether the layer's items are read from the scanned root (a host, an image), as opposed
    /// to inputs the user gives (the network layer's endpoints and domains).
    pub fn reads_root(self) -> bool {
        match self {
            Layer::Processor | Layer::Os | Layer::Toolchain | Layer::Devices => true,
            Layer::Network
            | Layer::Cable
            | Layer::Suppliers
            | Layer::Software
            | Layer::Materials => false,
        }
    }

    /// Whether a scan that names no layer reads it: the layers that need nothing but the root and
    /// read a few files only, and the materials layer, which reads nothing and is derived from
    /// the processor layer's items (and the devices layer's, when scanned). The others join when
    /// their own options are given (the network layer's endpoints, the toolchain layer's paths).
    pub fn scanned_by_default(self) -> bool {
        match self {
            Layer::Processor | Layer::Os | Layer::Materials => true,
            Layer::Toolchain
            | Layer::Network
            | Layer::Cable
            | Layer::Suppliers
            | Layer::Devices
            | Layer::Software => false,
        }
    }

    /// Whether every role of the layer is a control role ([`Role::controls`]): the layers a
    /// report counts when it says who controls the stack. The materials layer is not one: its
    /// producing countries supply raw materials, they control nothing of the stack.
    pub fn controls(self) -> bool {
        self.roles().iter().all(|r| r.controls())
    }

    /// The page that explains the layer to a user, relative to the repository's root
    /// (`docs/layers/ID.md`; a test checks that every layer has one).
    pub fn docs_page(self) -> String {
        format!("docs/layers/{}.md", self.id())
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The role an organisation plays for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Owns or licenses the instruction set.
    IsaOwner,
    /// Designed the core.
    CoreDesigner,
    /// Sells the system on chip that carries the core.
    SocVendor,
    /// Fabricated the chip.
    Foundry,
    /// Stewards the operating-system distribution.
    Steward,
    /// Stewards a distribution it derives from (`ID_LIKE`).
    Lineage,
    /// Stewards the kernel.
    Kernel,
    /// Operates the autonomous system announcing an address (its ultimate parent).
    NetworkOperator,
    /// The cloud or CDN provider whose published range holds an address, or whose name a CNAME
    /// or MX target carries.
    CloudProvider,
    /// Hosts a domain's name servers.
    DnsProvider,
    /// The country where an address is located, as a state actor: the jurisdiction the data
    /// sits in, whoever operates it.
    Location,
    /// Stewards the compiler that built a binary's code (schema 1.2.0).
    Compiler,
    /// Stewards the linker that produced a binary (schema 1.2.0).
    Linker,
    /// Stewards the C library a binary links (schema 1.2.0).
    Libc,
    /// Stewards the runtime a binary targets (schema 1.2.0).
    Runtime,
    /// Owns (alone or in a consortium) a submarine cable system on a route to a destination
    /// country (schema 1.2.4).
    CableOwner,
    /// Supplies a declared service (schema 1.2.6): its headquarters from the knowledge base, or
    /// as declared (low confidence).
    Supplier,
    /// Owns or controls the supplier of a declared service (schema 1.2.6).
    SupplierParent,
    /// The jurisdiction the supplier of a declared service claims, as a state actor (schema
    /// 1.2.6): a claim, not an observation.
    ClaimedJurisdiction,
    /// A country where the supplier of a declared service says the data is located, as a state
    /// actor (schema 1.2.6): a claim, not an observation.
    DataLocation,
    /// Operates the addresses the network layer observed for a declared service's endpoints (the
    /// autonomous system's ultimate parent, schema 1.2.6).
    ObservedOperator,
    /// A country where the network layer located an address of a declared service's endpoints,
    /// as a state actor (schema 1.2.6).
    ObservedLocation,
    /// Makes the device (its brand's company), for the devices layer (schema 1.2.7).
    Manufacturer,
    /// Owns or controls the manufacturer, at the top of its chain of parents (Lexmark → Xerox,
    /// Alcatel-Lucent Enterprise → China Huaxin); absent when the manufacturer answers to no one
    /// the knowledge base names (schema 1.2.7).
    Owner,
    /// The manufacturer, when a public authority has named it a high-risk supplier: the
    /// European Commission's communication of 15 June 2023 on the 5G cybersecurity toolbox
    /// names Huawei and ZTE (schema 1.2.7).
    HighRiskVendor,
    /// Operates the package registry the components arrive through (npm's registry: GitHub,
    /// Microsoft; PyPI: the Python Software Foundation) (schema 1.2.8).
    RegistryOperator,
    /// The licences the components come under, as an actor: free-software licences (OSI- or
    /// FSF-approved) make the components commons, whoever wrote them (schema 1.2.8).
    Licence,
    /// A country producing a critical raw material at the supply step the knowledge base records
    /// (mine, refinery or primary production), as a state actor, holding its share of the
    /// production USGS attributes to countries ([`crate::Actor::share`]); USGS's "other
    /// countries" are an actor with no country (schema 1.2.10).
    Producer,
}

impl Role {
    /// The snake_case name, as used in rulesets and in the ABI's messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::IsaOwner => "isa_owner",
            Role::CoreDesigner => "core_designer",
            Role::SocVendor => "soc_vendor",
            Role::Foundry => "foundry",
            Role::Steward => "steward",
            Role::Lineage => "lineage",
            Role::Kernel => "kernel",
            Role::NetworkOperator => "network_operator",
            Role::CloudProvider => "cloud_provider",
            Role::DnsProvider => "dns_provider",
            Role::Location => "location",
            Role::Compiler => "compiler",
            Role::Linker => "linker",
            Role::Libc => "libc",
            Role::Runtime => "runtime",
            Role::CableOwner => "cable_owner",
            Role::Supplier => "supplier",
            Role::SupplierParent => "supplier_parent",
            Role::ClaimedJurisdiction => "claimed_jurisdiction",
            Role::DataLocation => "data_location",
            Role::ObservedOperator => "observed_operator",
            Role::ObservedLocation => "observed_location",
            Role::Manufacturer => "manufacturer",
            Role::Owner => "owner",
            Role::HighRiskVendor => "high_risk_vendor",
            Role::RegistryOperator => "registry_operator",
            Role::Licence => "licence",
            Role::Producer => "producer",
        }
    }

    /// Whether an actor in this role holds a share of control over the stack: it owns,
    /// designs, makes, operates, stewards or supplies a part of it, or holds jurisdiction over
    /// where it or its data is. A producer of a raw material does not: the hardware depends on
    /// its production, but it decides nothing about the stack.
    pub fn controls(self) -> bool {
        match self {
            Role::IsaOwner
            | Role::CoreDesigner
            | Role::SocVendor
            | Role::Foundry
            | Role::Steward
            | Role::Lineage
            | Role::Kernel
            | Role::NetworkOperator
            | Role::CloudProvider
            | Role::DnsProvider
            | Role::Location
            | Role::Compiler
            | Role::Linker
            | Role::Libc
            | Role::Runtime
            | Role::CableOwner
            | Role::Supplier
            | Role::SupplierParent
            | Role::ClaimedJurisdiction
            | Role::DataLocation
            | Role::ObservedOperator
            | Role::ObservedLocation
            | Role::Manufacturer
            | Role::Owner
            | Role::HighRiskVendor
            | Role::RegistryOperator
            | Role::Licence => true,
            Role::Producer => false,
        }
    }

    /// The role with this snake_case name.
    pub fn from_name(name: &str) -> Option<Role> {
        Layer::ALL
            .iter()
            .flat_map(|l| l.roles().iter().copied())
            .find(|r| r.as_str() == name)
    }

    /// The layer whose items have actors in this role.
    pub fn layer(self) -> Layer {
        match self {
            Role::IsaOwner | Role::CoreDesigner | Role::SocVendor | Role::Foundry => {
                Layer::Processor
            }
            Role::Steward | Role::Lineage | Role::Kernel => Layer::Os,
            Role::Compiler | Role::Linker | Role::Libc | Role::Runtime => Layer::Toolchain,
            Role::NetworkOperator | Role::CloudProvider | Role::DnsProvider | Role::Location => {
                Layer::Network
            }
            Role::CableOwner => Layer::Cable,
            Role::Supplier
            | Role::SupplierParent
            | Role::ClaimedJurisdiction
            | Role::DataLocation
            | Role::ObservedOperator
            | Role::ObservedLocation => Layer::Suppliers,
            Role::Manufacturer | Role::Owner | Role::HighRiskVendor => Layer::Devices,
            Role::RegistryOperator | Role::Licence => Layer::Software,
            Role::Producer => Layer::Materials,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_every_role_belongs_to_exactly_its_layer() {
        for layer in Layer::ALL {
            assert_eq!(Layer::from_id(layer.id()), Some(layer));
            assert_eq!(serde_json::to_value(layer).unwrap(), layer.id());
            for &role in layer.roles() {
                assert_eq!(role.layer(), layer, "{role}");
                assert_eq!(Role::from_name(role.as_str()), Some(role));
                assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
            }
        }
        // Every role is some layer's: `Role::layer` is exhaustive and agrees with `roles`.
        let listed: usize = Layer::ALL.iter().map(|l| l.roles().len()).sum();
        let mut all: Vec<Role> = Layer::ALL
            .iter()
            .flat_map(|l| l.roles().iter().copied())
            .collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), listed, "a role is listed under two layers");
        assert_eq!(Layer::from_id("Processor"), None);
        // Every layer has its page (this crate is compiled from crates/abi and plugins/abi; the
        // repository's root is two levels up from either).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for layer in Layer::ALL {
            assert!(
                root.join(layer.docs_page()).is_file(),
                "{} is missing",
                layer.docs_page()
            );
        }
        assert_eq!(Role::from_name("nobody"), None);
        // Who controls the stack: every layer but the raw materials'.
        let control = Layer::ALL.iter().filter(|l| l.controls()).count();
        assert_eq!(control, Layer::ALL.len() - 1);
        assert!(!Layer::Materials.controls());
    }
}
