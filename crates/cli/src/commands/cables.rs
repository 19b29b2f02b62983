//! `sovstack cables FROM TO`: the candidate routes between two countries over submarine cables
//! and land, from the cable data pack (`data/cables/`, read at run time).

use crate::common::{load_kb, OutputFormat};
use crate::config::Config;
use crate::{data_packs, exit, output};
use anyhow::{bail, Result};
use clap::Args as ClapArgs;
use comfy_table::{presets, Table};
use sovstack_cables::{CableData, Routes, Segment, System, NOTE};
use sovstack_kb::Kb;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// List the candidate routes between two countries: the submarine cable systems landing in both,
/// routes through one intermediate country, and whether they are joined over land.
#[derive(ClapArgs, Debug)]
#[command(after_help = format!("{}\n\n{}", "\
Examples:
  sovstack cables FR US                    the transatlantic systems landing in France and the US
  sovstack cables FR BR                    no direct system: over land to Portugal, then a cable
  sovstack cables FR GP --format json      an overseas territory (Guadeloupe, under FR)
  sovstack cables FR ZA --include-planned  with systems not yet in service when published

Countries are ISO 3166-1 alpha-2 codes. A territory keeps its own landing stations (GP, RE, GU,
PR, ...) and is shown with the state whose jurisdiction it is under. A land leg crosses at most
two land borders (France to Portugal through Spain); a pair joined over land needs no cable, so
no route through a third country is listed for it. Routes through one intermediate country go
over land then by cable, or by cable then over land; by cable twice only when nothing shorter
exists.

The data is TeleGeography's submarine cable map as last released under CC BY-NC-SA 3.0 (no
commercial use), as of late 2022 (shown as `data as of 2022`), shipped as the separate data
pack cables/ with its licence. Systems still planned in that data (Amitie, 2Africa) are left
out of the routes unless --include-planned is given; the output names those landing in both
countries, `planned for RFS YYYY in the 2022 data; status since unknown`.

Exit codes: 0 success; 2 usage or input error (a malformed or unknown country code, no cable
data pack, a corrupt pack file).", crate::data_packs::LOOKUP_HELP))]
pub struct Args {
    /// Origin country (ISO 3166-1 alpha-2, e.g. FR).
    #[arg(value_name = "FROM")]
    pub from: String,
    /// Destination country (ISO 3166-1 alpha-2, e.g. US).
    #[arg(value_name = "TO")]
    pub to: String,
    /// Count systems that were still planned when the data was published.
    #[arg(long)]
    pub include_planned: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Data directory holding cables/ (or the pack's own directory); see the lookup below.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Write to FILE instead of stdout (a regular file is replaced atomically); - is stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `code` as an ISO 3166-1 alpha-2 code the knowledge base knows, upper-cased; the error names it.
pub fn country_arg(kb: &Kb, what: &str, code: &str) -> Result<String> {
    let upper = code.to_ascii_uppercase();
    if !sovstack_cables::is_country_code(&upper) {
        bail!("{what} `{code}` is not an ISO 3166-1 alpha-2 country code (two letters, e.g. FR)");
    }
    if kb.country(&upper).is_none() {
        bail!("{what} `{code}` is not an ISO 3166-1 alpha-2 country code the knowledge base knows");
    }
    Ok(upper)
}

/// Finds and loads the cable pack. `Err` says why (no pack, a corrupt file).
pub fn load_pack(
    flag: Option<&Path>,
    config_data_dir: Option<&Path>,
) -> Result<(CableData, sovstack_inventory::DataPackRef), String> {
    let candidates = data_packs::candidates(flag, config_data_dir, &data_packs::Env::process());
    let found = data_packs::find("cables", &candidates)?;
    let data = CableData::load(&found.pack_dir)
        .map_err(|e| format!("cable data pack {}: {e}", found.pack_dir.display()))?;
    let pack = data_packs::describe("cables", &found)?;
    Ok((data, pack))
}

impl Args {
    pub fn execute(self, config: Option<&Path>) -> Result<u8> {
        let kb = load_kb()?;
        let config = Config::load(config, &kb)?;
        let from = country_arg(&kb, "FROM", &self.from)?;
        let to = country_arg(&kb, "TO", &self.to)?;
        if from == to {
            bail!("FROM and TO are the same country ({from})");
        }
        let (data, pack) = load_pack(self.data_dir.as_deref(), config.data_dir.as_deref())
            .map_err(|e| anyhow::anyhow!("no cable data: {e}"))?;
        let routes = data.routes(&from, &to, self.include_planned);
        let diversity = routes.diversity();
        // The direct systems still planned in the data, which the routes leave out unless
        // asked: said, never silently dropped (the data may be years old: `as_of`).
        let planned: Vec<System> = if self.include_planned {
            Vec::new()
        } else {
            data.systems_between(&from, &to, true)
                .into_iter()
                .filter(|s| s.planned)
                .collect()
        };
        let text = match self.format {
            OutputFormat::Json => {
                let v = serde_json::json!({
                    "note": NOTE,
                    "data_pack": pack,
                    "routes": routes,
                    "diversity": diversity,
                    "planned_left_out": planned,
                });
                serde_json::to_string_pretty(&v)? + "\n"
            }
            OutputFormat::Table => render_table(&kb, &routes, &pack, &planned)?,
        };
        output::emit(self.output.as_deref(), text.as_bytes())?;
        Ok(exit::SUCCESS)
    }
}

fn country_name(kb: &Kb, code: &str) -> String {
    let name = kb.country(code).map_or(code, |c| c.name.as_str());
    format!("{name} ({code})")
}

fn owners(s: &System) -> String {
    s.owners
        .iter()
        .map(|o| match &o.hq_country {
            Some(c) => format!("{} [{c}]", o.name),
            None => format!("{} [?]", o.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn landings(v: &[sovstack_cables::LandingRef]) -> String {
    v.iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A planned system's ready-for-service year as the data gives it: `2023 (planned)`, or, when
/// the pack says how old its data is (`as_of`), `planned for RFS 2023 in the 2022 data; status
/// since unknown`: it may be in service by now, late, or abandoned.
fn planned_rfs(s: &System, as_of: Option<&str>) -> String {
    match (s.rfs_year, as_of) {
        (Some(y), Some(d)) => format!("planned for RFS {y} in the {d} data; status since unknown"),
        (None, Some(d)) => format!("planned in the {d} data; status since unknown"),
        (Some(y), None) => format!("{y} (planned)"),
        (None, None) => "planned".to_string(),
    }
}

fn systems_table(systems: &[System], a: &str, b: &str, as_of: Option<&str>) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED).force_no_tty();
    t.set_width(sovstack_report::DEFAULT_WIDTH);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t.set_header(vec![
        "System".to_string(),
        "RFS".to_string(),
        "Owners [HQ]".to_string(),
        format!("Lands in {a}"),
        format!("Lands in {b}"),
    ]);
    for s in systems {
        let rfs = match (s.rfs_year, s.planned) {
            (_, true) => planned_rfs(s, as_of),
            (Some(y), false) => y.to_string(),
            (None, false) => "-".to_string(),
        };
        t.add_row(vec![
            s.name.clone(),
            rfs,
            owners(s),
            landings(&s.from_landings),
            landings(&s.to_landings),
        ]);
    }
    t.to_string()
}

fn render_table(
    kb: &Kb,
    r: &Routes,
    pack: &sovstack_inventory::DataPackRef,
    planned: &[System],
) -> Result<String> {
    let as_of = pack.as_of.as_deref();
    let mut s = String::new();
    let place = |p: &sovstack_cables::Place| {
        let mut n = country_name(kb, &p.code);
        if p.sovereign != p.code {
            n.push_str(&format!(", under {}", p.sovereign));
        }
        n
    };
    writeln!(s, "{} -> {}", place(&r.from), place(&r.to))?;
    writeln!(
        s,
        "({NOTE}{})",
        if r.include_planned {
            "; planned systems included"
        } else {
            ""
        }
    )?;
    if let Some(path) = &r.land {
        writeln!(
            s,
            "\nOver land: {} (no submarine cable needed)",
            path.join(" - ")
        )?;
    }
    writeln!(s, "\nDirect systems: {}", r.direct.len())?;
    if !r.direct.is_empty() {
        writeln!(
            s,
            "{}",
            systems_table(&r.direct, &r.from.code, &r.to.code, as_of)
        )?;
    }
    if !planned.is_empty() {
        let named: Vec<String> = planned
            .iter()
            .map(|p| format!("{} ({})", p.name, planned_rfs(p, as_of)))
            .collect();
        writeln!(
            s,
            "\n{} planned system(s) landing in both left out: {}. --include-planned counts them.",
            planned.len(),
            named.join("; ")
        )?;
    }
    if !r.via.is_empty() {
        writeln!(s, "\nThrough one intermediate country: {}", r.via.len())?;
        for v in &r.via {
            let leg = |seg: &Segment| match seg {
                Segment::Land { path } => format!("over land {}", path.join(" - ")),
                Segment::Cable { systems } => format!(
                    "by cable: {}",
                    systems
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            writeln!(
                s,
                "- via {}: {}; then {}",
                place(&v.via),
                leg(&v.first),
                leg(&v.second)
            )?;
        }
    }
    let d = r.diversity();
    writeln!(s, "\nDiversity:")?;
    writeln!(s, "  cable systems: {}", d.systems)?;
    writeln!(
        s,
        "  landing stations used in {}: {}",
        r.from.code, d.origin_landings
    )?;
    let shares = sovstack_cables::owner_shares_words(&d.owner_shares);
    writeln!(
        s,
        "  ownership by jurisdiction: {}",
        or_none(&shares.join(", "))
    )?;
    writeln!(
        s,
        "  hyperscaler share: {:.1}%",
        d.hyperscaler_share * 100.0
    )?;
    writeln!(
        s,
        "  cables every route needs: {}",
        or_none(&d.spof_cables.join(", "))
    )?;
    writeln!(
        s,
        "  landing stations every route needs: {}",
        or_none(&d.spof_landings.join(", "))
    )?;
    writeln!(
        s,
        "  jurisdictions holding part of every route: {}",
        or_none(&d.spof_jurisdictions.join(", "))
    )?;
    writeln!(
        s,
        "\nData: {} pack {} (sha256 {}) in {}; licences: {}",
        pack.name,
        pack.dated(),
        pack.sha256,
        pack.dir,
        pack.licences.join(", ")
    )?;
    Ok(s)
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "none"
    } else {
        s
    }
}
