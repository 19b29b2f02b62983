//! `sovstack scan`: collect the inventory of a root (the host, a mounted image, a container root).

use crate::common::load_kb;
use crate::config::Config;
use crate::{data_packs, exit, output};
use anyhow::Result;
use clap::Args as ClapArgs;
use sovstack_inventory::Layer;
use sovstack_inventory::{ImportFormat, Inventory};
use sovstack_kb::Kb;
use sovstack_report::source_date_epoch;
use sovstack_scan::LayerOptions;
use std::path::{Path, PathBuf};

/// Collect facts about processors, operating system, toolchains and network endpoints into an inventory (JSON).
#[derive(ClapArgs, Debug)]
#[command(after_help = format!("{}\n\n{}", "\
Examples:
  sovstack scan                                  this host (processor, os), to stdout
  sovstack scan --root /mnt/image -o inv.json    a mounted disk image or container root
  sovstack scan --layers processor               one layer
  sovstack scan --layers processor,devices,materials
                                                 the critical raw materials behind the
                                                 processor and the machine, and who produces
                                                 them (USGS shares of world production)
  sovstack scan --endpoints services.yaml        the network layer for the listed services
  sovstack scan --domain example.org --resolver 192.0.2.53:53
                                                 a domain's mail, DNS and web hosting
  sovstack scan --layers network --endpoints services.txt --offline
  sovstack scan --root /mnt/image --layers toolchain
                                                 which compilers built the image's binaries
  sovstack scan --paths /usr --paths /opt        the toolchain layer for two trees
  sovstack scan --declared suppliers.yaml        the declared suppliers, checked against the
                                                 network layer's observations
  sovstack scan --import /srv/glpi --declared suppliers.yaml
                                                 an organisation: its fleet and its suppliers

With a --root other than /, only files under it are read (DIR/proc/cpuinfo, DIR/etc/os-release,
...), never the live host; links are followed only inside the root.

Endpoints file: YAML (.yaml, .yml) or text, one entry per line: a host name, a URL, a mail
domain (mail:example.org or @example.org, resolved through its MX), or an IP address. In text,
labels follow the entry as label=NAME criticality=low|medium|high|critical; in YAML an entry is
a string or a map {endpoint, label, criticality}. Errors name the file, line and column.

Toolchain layer: every ELF, PE and Mach-O file under the paths (inside the root; default the
whole root, without proc, sys and dev) is read for compiler, linker and C library marks. Files
whose name marks a format that is never executable (.py, .gz, .png, ...) are counted but not
opened unless --all-files is given.

Exit codes: 0 success; 2 usage or input error, including the network layer asked for with
nothing to resolve (no --endpoints, no --domain), and a DNS resolver that answered none of the
queries (the inventory is still written, with the diagnostic scan/dns-no-answer).", crate::data_packs::LOOKUP_HELP))]
pub struct Args {
    #[command(flatten)]
    pub scan: ScanOptions,

    /// Write the inventory to FILE instead of stdout: a regular file is replaced atomically (keeping
    /// its mode); devices, FIFOs, sockets and /dev/fd/N are written directly; - is stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of the scan step, shared by `scan` and `audit`: the root, the layers, and each
/// layer's own options as the scanner defines them (flattened, one help heading per layer).
#[derive(ClapArgs, Debug)]
pub struct ScanOptions {
    /// Root of the system to scan: / for this host, or a mounted image or unpacked container.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// Layers to scan, comma-separated [default: processor,os,materials, plus network when
    /// --endpoints or --domain is given, plus toolchain when --paths is given]. The materials
    /// layer reads nothing: it is derived from the processor and devices layers' items (name
    /// them with it), and from an imported fleet's.
    #[arg(long, value_name = "LAYER,...", value_delimiter = ',')]
    pub layers: Option<Vec<String>>,

    #[command(flatten)]
    pub options: LayerOptions,

    /// Import an organisation's fleet instead of scanning a root: GLPI inventories (JSON),
    /// FusionInventory inventories (XML), sovstack inventories and SBOMs (CycloneDX 1.4-1.6 and
    /// SPDX 2.3 JSON, whose components make the software layer), files or directories (walked
    /// in name order). Each host counts once (the newest of two files of the same device id);
    /// the processor and os items count the hosts they stand for. A bad file is a diagnostic
    /// naming it, and is skipped.
    #[arg(
        long = "import",
        value_name = "PATH",
        num_args = 1..,
        conflicts_with_all = ["root", "layers"],
        help_heading = "Organisation"
    )]
    pub import: Vec<PathBuf>,

    /// Read every imported file as this format instead of telling it from its content.
    #[arg(long, value_name = "FORMAT", requires = "import", value_parser = import_format, help_heading = "Organisation")]
    pub import_format: Option<ImportFormat>,
}

/// `--import-format`'s values.
fn import_format(s: &str) -> std::result::Result<ImportFormat, String> {
    ImportFormat::from_id(s).ok_or_else(|| {
        format!(
            "expected one of {}",
            ImportFormat::ALL.map(ImportFormat::id).join(", ")
        )
    })
}

/// The layers scanned beside `--import` when their options ask for them: they read nothing
/// under a root (the organisation's endpoints, the cables to them, its declared suppliers).
const IMPORT_COMPANIONS: [Layer; 3] = [Layer::Network, Layer::Cable, Layer::Suppliers];

impl ScanOptions {
    /// Whether the network layer is among `layers` (none: the layers the options ask for).
    fn wants_network(&self, layers: &[String]) -> bool {
        match layers {
            l if !l.is_empty() => l.iter().any(|l| l == "network"),
            // `--declared` brings the network layer to observe the declared endpoints.
            _ => self.options.ask_for(Layer::Network),
        }
    }

    /// Runs the scan. `config_data_dir` is the configuration file's `data_dir`, third in the
    /// data directory lookup ([`crate::data_packs`]).
    pub fn run(&self, kb: &Kb, config_data_dir: Option<&Path>) -> Result<Inventory> {
        if !self.import.is_empty() {
            let mut inventory = self.import(kb)?;
            // The organisation's network endpoints (`--endpoints`, `--domain`), its declared
            // suppliers (`--declared`) and the network layer that observes them, and the cables
            // to the countries those endpoints are in (`--to`, `--org-country`), beside its
            // imported fleet: none of them reads anything under a root.
            let layers: Vec<String> = IMPORT_COMPANIONS
                .iter()
                .filter(|&&l| self.options.ask_for(l))
                .map(|l| l.id().to_string())
                .collect();
            if !layers.is_empty() {
                let scanned = self.scan_layers(kb, config_data_dir, layers)?;
                inventory.layers.network = scanned.layers.network;
                inventory.layers.cable = scanned.layers.cable;
                inventory.layers.suppliers = scanned.layers.suppliers;
                inventory.data_packs.extend(scanned.data_packs);
                inventory.diagnostics.extend(scanned.diagnostics);
            }
            return Ok(inventory);
        }
        self.scan_layers(kb, config_data_dir, self.layers.clone().unwrap_or_default())
    }

    /// Scans `layers` (none: the default layers and those the options ask for) of the root.
    fn scan_layers(
        &self,
        kb: &Kb,
        config_data_dir: Option<&Path>,
        layers: Vec<String>,
    ) -> Result<Inventory> {
        let mut options = self.options.clone();
        let candidates = data_packs::candidates(
            options.network.data_dir.as_deref(),
            config_data_dir,
            &data_packs::Env::process(),
        );
        let network = data_packs::find("network", &candidates);
        match &network {
            Ok(found) if self.wants_network(&layers) && !found.pack_dir.is_dir() => {
                // The pack is looked for in DIR itself, then in DIR/network: say which part is
                // missing.
                let given = found.pack_dir.parent().unwrap_or(&found.pack_dir);
                let what = if given.is_file() {
                    format!("{} is a file, not a directory", given.display())
                } else if !given.exists() {
                    format!("{} does not exist", given.display())
                } else {
                    format!(
                        "{} holds no network data pack (neither MANIFEST.csv nor network/MANIFEST.csv)",
                        given.display()
                    )
                };
                anyhow::bail!("data directory {what} (from {})", found.found_by)
            }
            Ok(found) => options.network.data_dir = Some(found.pack_dir.clone()),
            Err(e) if self.wants_network(&layers) => anyhow::bail!("{e}"),
            Err(_) => {}
        }
        // The cable layer's codes are checked against the knowledge base here (the scanner checks
        // their shape only); its pack is looked up like the network's, and a missing one is the
        // layer's own diagnostic, not an error.
        let cable = options.cable.clone();
        for (flag, code) in cable
            .org_country
            .iter()
            .map(|c| ("--org-country", c))
            .chain(cable.to.iter().map(|c| ("--to", c)))
        {
            crate::commands::cables::country_arg(kb, flag, code)?;
        }
        let cables = data_packs::find("cables", &candidates);
        if let Ok(found) = &cables {
            if found.pack_dir.join(data_packs::MANIFEST).is_file() {
                options.cable.data_dir = Some(found.pack_dir.clone());
            }
        }
        let generated_at = source_date_epoch().map_err(anyhow::Error::msg)?;
        let shown = if layers.is_empty() {
            "default layers".to_string()
        } else {
            layers.join(", ")
        };
        output::progress(&format!("scanning {} ({shown})", self.root.display()));
        let opts = sovstack_scan::ScanOptions {
            root: self.root.clone(),
            layers,
            options,
        };
        let bar = output::ScanProgress::start();
        let inventory = sovstack_scan::scan_with_progress(&opts, kb, &|p| bar.update(p));
        bar.finish();
        let mut inventory = inventory?;
        inventory.generated_at = generated_at;
        // The pack is recorded when the network layer read it.
        if let (Ok(found), Some(net)) = (&network, &inventory.layers.network) {
            if !net.datasets.is_empty() {
                inventory
                    .data_packs
                    .push(data_packs::describe("network", found).map_err(anyhow::Error::msg)?);
            }
        }
        // The cable pack is recorded when the cable layer read it.
        if let (Ok(found), Some(c)) = (&cables, &inventory.layers.cable) {
            if c.not_evaluated.is_none() {
                inventory
                    .data_packs
                    .push(data_packs::describe("cables", found).map_err(anyhow::Error::msg)?);
            }
        }
        Ok(inventory)
    }
}

impl ScanOptions {
    /// `--import`: the fleet from the files, with the organisation of the configuration.
    fn import(&self, kb: &Kb) -> Result<Inventory> {
        if self.options.ask_for(Layer::Software) {
            anyhow::bail!(
                "--sbom cannot be combined with --import: give the SBOMs to --import, among the \
                 other files (their format is told from their content)"
            );
        }
        // The layers that read nothing under a root are scanned beside the import (`run`);
        // the others' options have no place here.
        if let Some(&layer) = Layer::ALL
            .iter()
            .find(|&&l| self.options.ask_for(l) && !IMPORT_COMPANIONS.contains(&l))
        {
            anyhow::bail!(
                "{} cannot be combined with --import, which builds the processor, os and \
                 devices layers from the imported files: scan that layer separately",
                LayerOptions::asking_flags(layer)
            );
        }
        let generated_at = source_date_epoch().map_err(anyhow::Error::msg)?;
        let opts = sovstack_scan::import::ImportOptions {
            paths: self.import.clone(),
            format: self.import_format,
        };
        let bar = output::ScanProgress::start();
        let inventory = sovstack_scan::import::import(&opts, kb, &|p| bar.update(p));
        bar.finish();
        let mut inventory = inventory?;
        // Files that could not be read are skipped, each with its diagnostic; when every file
        // was, there is nothing to audit, and an empty audit must not pass a gate.
        if let Some(fleet) = &inventory.fleet {
            if fleet.files_imported == 0 {
                let why: Vec<String> = inventory
                    .diagnostics
                    .iter()
                    .map(|d| format!("  {}: {}", d.code, d.message))
                    .collect();
                anyhow::bail!(
                    "nothing was imported: none of the {} file(s) given to --import could be read\n{}",
                    fleet.files_skipped,
                    why.join("\n")
                );
            }
        }
        inventory.generated_at = generated_at;
        Ok(inventory)
    }
}

/// A fleet inventory names the organisation the configuration declares.
pub fn set_organisation(inventory: &mut Inventory, org: Option<&sovstack_report::Organisation>) {
    if let (Some(fleet), Some(org)) = (inventory.fleet.as_mut(), org) {
        fleet.organisation = Some(sovstack_inventory::Organisation {
            name: org.name.clone(),
            country: org.country.clone(),
            source: org.source.clone(),
        });
    }
}

impl Args {
    pub fn execute(mut self, config: Option<&Path>) -> Result<u8> {
        let kb = load_kb()?;
        let config = Config::load(config, &kb)?;
        config.apply_to_scan(&mut self.scan);
        let mut inventory = self.scan.run(&kb, config.data_dir.as_deref())?;
        set_organisation(&mut inventory, config.organisation.as_ref());
        output::emit(self.output.as_deref(), inventory.to_json().as_bytes())?;
        Ok(crate::common::unassessed_exit(&inventory.diagnostics).unwrap_or(exit::SUCCESS))
    }
}
