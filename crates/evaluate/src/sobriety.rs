//! The report's sobriety section (objective SOV-8): how old the machines are, how long their
//! systems and processors stay supported, and which processors a vendor's newer OS refuses
//! while a free OS still runs on them ("software obsolescence").
//!
//! Everything is read from the inventory (firmware dates, support windows) and the knowledge
//! base (the free OS of an architecture); ages and the time left are counted from `as_of`, the
//! day of `SOURCE_DATE_EPOCH`, and left out without it, so the same inputs give the same bytes.

use sovstack_inventory::{Inventory, Lifecycle, OperatingSystem, Processor};
use sovstack_kb::{day_number, Kb};
use sovstack_report::{AgeBand, Obsolescence, Sobriety, SupportWindow};

/// Age bands, in whole years: `[min, max)`, the last open.
const BANDS: &[(u32, Option<u32>)] = &[
    (0, Some(3)),
    (3, Some(5)),
    (5, Some(8)),
    (8, Some(10)),
    (10, None),
];

const DAYS_PER_YEAR: f64 = 365.25;

fn band_label(min: u32, max: Option<u32>) -> String {
    match (min, max) {
        (0, Some(m)) => format!("under {m} years"),
        (a, Some(b)) => format!("{a} to {b} years"),
        (a, None) => format!("{a} years or more"),
    }
}

/// Whether a support window has ended on `as_of`.
pub(crate) fn ended(l: &Lifecycle, as_of: Option<&str>) -> bool {
    l.ended || as_of.is_some_and(|d| l.end_of_support.as_deref().is_some_and(|e| e < d))
}

/// Years between two dates, to a tenth.
fn years_between(from: &str, to: &str) -> Option<f64> {
    let days = day_number(to)? - day_number(from)?;
    Some((days as f64 / DAYS_PER_YEAR * 10.0).round() / 10.0)
}

/// Years of support left on `as_of` for a window, to a tenth (negative once ended): `None` when
/// its end is not announced (a window the source says has ended without a date included). The
/// sobriety section's `years_left` and the plugins' `support_years_left` are this one value.
pub(crate) fn years_left(l: &Lifecycle, as_of: &str) -> Option<f64> {
    l.end_of_support
        .as_deref()
        .and_then(|e| years_between(as_of, e))
}

fn window(
    layer: &str,
    item: &str,
    label: String,
    l: &Lifecycle,
    machines: u64,
    as_of: Option<&str>,
) -> SupportWindow {
    SupportWindow {
        layer: layer.to_string(),
        item: item.to_string(),
        label,
        product: l.product.clone(),
        cycle: l.cycle.clone(),
        end_of_support: l.end_of_support.clone(),
        ended: ended(l, as_of),
        end_of_extended_support: l.end_of_extended_support.clone(),
        years_left: as_of.and_then(|d| years_left(l, d)),
        machines,
    }
}

/// Why a processor is past its support on `as_of`: its family's end of support (Intel's), and
/// software obsolescence (its vendor's newer OS refuses it and the last release that runs on it
/// is past its end) with the free OS that still supports it, when [`floor_machines`] says the
/// claim applies to its machines. `None` when neither holds.
pub fn processor_support_ended(
    kb: &Kb,
    inventory: &Inventory,
    p: &Processor,
    as_of: &str,
) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(l) = p.lifecycle.as_ref().filter(|l| ended(l, Some(as_of))) {
        parts.push(match &l.end_of_support {
            Some(d) => format!("the maker's support of the {} family ended on {d}", l.cycle),
            None => format!("the maker's support of the {} family has ended", l.cycle),
        });
    }
    if let Some(o) = obsolescence(kb, inventory, p, Some(as_of)).filter(|o| o.last_release_ended) {
        parts.push(o.message);
    }
    (!parts.is_empty()).then(|| {
        format!(
            "{} (endoflife.date; checked as of {as_of})",
            parts.join("; ")
        )
    })
}

/// Whether the claim of a processor's vendor OS floor (the vendor's newer release refuses it,
/// and `last_product`'s last release that runs on it has a support window) concerns a machine
/// whose system is `os`: yes when the system is not known, or is a release of that product
/// (its support window's endoflife.date product: `windows`, the client, not `windows-server`),
/// or, with no support window, when the knowledge base says its kernel and names are a release
/// of it ([`Kb::vendor_system_product`], the `os/vendor-systems.csv` row its steward comes from:
/// `MSWin32` or `Windows_NT` with the word Windows, and not the word Server). No for any other
/// known system: a free OS, or a Windows Server release, which the floor does not speak of
/// (Windows Server 2022 and 2025 run on processors Windows 11 refuses).
fn floor_concerns(kb: &Kb, os: Option<&OperatingSystem>, last_product: &str) -> bool {
    let Some(os) = os else {
        return true;
    };
    if let Some(l) = &os.lifecycle {
        return l.product == last_product;
    }
    let names: Vec<&str> = [&os.name, &os.pretty_name]
        .into_iter()
        .flatten()
        .map(|f| f.value.as_str())
        .filter(|n| !n.trim().is_empty())
        .collect();
    let kernel = os.kernel.as_ref().map(|k| k.value.as_str());
    if names.is_empty() && kernel.is_none() {
        return true;
    }
    kb.vendor_system_product(kernel, &names.join(" ")) == Some(last_product)
}

/// How many machines the vendor OS floor of `p` concerns ([`floor_concerns`]): in a fleet, the
/// hosts with this processor whose system it concerns (a host whose system is not known
/// counts; with no host linked to the processor, its host count); in a single host's
/// inventory, the processor's machine unless every system the inventory holds is one the floor
/// does not concern. `None` when the processor has no floor or it concerns no machine.
pub(crate) fn floor_machines(kb: &Kb, inventory: &Inventory, p: &Processor) -> Option<u64> {
    let f = p.vendor_os_floor.as_ref()?;
    let product = f.last.product.as_str();
    let systems: Vec<&OperatingSystem> = inventory.layers.os.iter().flatten().collect();
    let n = match &inventory.fleet {
        Some(fleet) => {
            let hosts: Vec<_> = fleet
                .hosts
                .iter()
                .filter(|h| h.processor.contains(&p.id))
                .collect();
            if hosts.is_empty() {
                p.hosts.unwrap_or(1)
            } else {
                hosts
                    .iter()
                    .filter(|h| {
                        let os =
                            h.os.as_deref()
                                .and_then(|id| systems.iter().copied().find(|o| o.id == id));
                        floor_concerns(kb, os, product)
                    })
                    .count() as u64
            }
        }
        None if systems.is_empty()
            || systems.iter().any(|o| floor_concerns(kb, Some(o), product)) =>
        {
            p.hosts.unwrap_or(1)
        }
        None => 0,
    };
    (n > 0).then_some(n)
}

/// A processor below its vendor's OS floor, and what that means on `as_of`, for the machines
/// the floor concerns ([`floor_machines`]).
fn obsolescence(
    kb: &Kb,
    inventory: &Inventory,
    p: &Processor,
    as_of: Option<&str>,
) -> Option<Obsolescence> {
    use sovstack_inventory::Item;
    let f = p.vendor_os_floor.as_ref()?;
    let machines = floor_machines(kb, inventory, p)?;
    let last = format!("{} {}", f.last.product, f.last.cycle);
    let last_ended = ended(&f.last, as_of);
    let free = as_of.and_then(|d| kb.free_os(&p.architecture.value, d));
    let free_name = free
        .as_ref()
        .map(|o| format!("{} {} ({})", o.release.product, o.release.cycle, o.port));
    let until = |l: &Lifecycle| match &l.end_of_support {
        Some(d) => format!("until {d}"),
        None => "with no announced end".to_string(),
    };
    let mut message = format!("{} refuses this processor", f.refused_by);
    match (&f.last.end_of_support, last_ended) {
        (Some(d), true) => message.push_str(&format!(
            ", and support of {last}, the last release that runs on it, ended on {d}"
        )),
        (_, true) => message.push_str(&format!(
            ", and support of {last}, the last release that runs on it, has ended"
        )),
        (_, false) => message.push_str(&format!(
            "; {last}, the last release that runs on it, is supported {}",
            until(&f.last)
        )),
    }
    if let Some(x) = f.last.end_of_extended_support.as_deref() {
        message.push_str(&format!(" (paid extended security updates until {x})"));
    }
    if let (Some(name), Some(o)) = (&free_name, &free) {
        message.push_str(&format!(
            "; {name}, supported {}, runs on it",
            until(&o.release)
        ));
        if last_ended {
            message.push_str(
                ": software obsolescence, the sober answer is a free OS, not a new machine",
            );
        }
    }
    Some(Obsolescence {
        layer: "processor".to_string(),
        item: p.id.clone(),
        label: p.label(),
        machines,
        refused_by: f.refused_by.clone(),
        last_release: last,
        last_release_end_of_support: f.last.end_of_support.clone(),
        last_release_ended: last_ended,
        free_os: free_name,
        free_os_end_of_support: free.and_then(|o| o.release.end_of_support),
        message,
    })
}

/// The processors of the machines that run an operating-system item: in a fleet, those of each
/// host whose system is that item (one list per host); in a single host's inventory, all of its
/// processors (one host).
fn machines_of<'a>(inventory: &'a Inventory, os: &OperatingSystem) -> Vec<Vec<&'a Processor>> {
    let processors: Vec<&Processor> = inventory.layers.processor.iter().flatten().collect();
    match &inventory.fleet {
        Some(fleet) => fleet
            .hosts
            .iter()
            .filter(|h| h.os.as_deref() == Some(os.id.as_str()))
            .map(|h| {
                processors
                    .iter()
                    .copied()
                    .filter(|p| h.processor.contains(&p.id))
                    .collect()
            })
            .collect(),
        None => vec![processors],
    }
}

/// Software obsolescence of a vendor operating system on `as_of`: its release is past its end of
/// support, and on some of the machines that run it the vendor's newer release refuses the
/// processor (the processor's floor names this OS's product), while a free OS release still
/// supported on `as_of` runs on that processor's architecture. The entry counts those machines
/// among the item's, names their processors and the free OS. `None` when the release is still
/// supported, its end is unknown, no machine's processor is known to be refused (a processor the
/// newer release accepts, or one the knowledge base does not know), or no free OS is known.
pub fn os_obsolescence(
    kb: &Kb,
    inventory: &Inventory,
    os: &OperatingSystem,
    as_of: &str,
) -> Option<Obsolescence> {
    os_obsolescence_parts(kb, inventory, os, as_of).map(|(o, _)| o)
}

/// [`os_obsolescence`], and the part of its message after the release's end of support (the
/// refused processors and the free OS), which [`os_support_ended`] appends to its own.
fn os_obsolescence_parts(
    kb: &Kb,
    inventory: &Inventory,
    os: &OperatingSystem,
    as_of: &str,
) -> Option<(Obsolescence, String)> {
    use sovstack_inventory::Item;
    let l = os.lifecycle.as_ref().filter(|l| ended(l, Some(as_of)))?;
    let machines = machines_of(inventory, os);
    let mut refused_by = None;
    let mut free = None;
    let mut labels: Vec<String> = Vec::new();
    let mut count = 0u64;
    for cpus in &machines {
        let hit = cpus.iter().find_map(|p| {
            let f = p.vendor_os_floor.as_ref()?;
            (f.last.product == l.product).then_some(())?;
            let o = kb.free_os(&p.architecture.value, as_of)?;
            Some((p, f, o))
        });
        if let Some((p, f, o)) = hit {
            count += 1;
            refused_by.get_or_insert_with(|| f.refused_by.clone());
            free.get_or_insert(o);
            if !labels.contains(&p.label()) {
                labels.push(p.label());
            }
        }
    }
    let (refused_by, free) = (refused_by?, free?);
    labels.sort();
    let release = format!("{} {}", l.product, l.cycle);
    let free_name = format!(
        "{} {} ({})",
        free.release.product, free.release.cycle, free.port
    );
    let mut message = match &l.end_of_support {
        Some(d) => format!("support of {release} ended on {d}"),
        None => format!("support of {release} has ended"),
    };
    if let Some(x) = l.end_of_extended_support.as_deref() {
        message.push_str(&format!(" (paid extended security updates until {x})"));
    }
    let refusal = format!(
        "{refused_by} refuses the processor of {count} of the {} machine(s) that run it ({}); \
         {free_name}, supported {}, runs on them: software obsolescence, the sober answer is a \
         free OS, not a new machine",
        machines.len(),
        labels.join(", "),
        match &free.release.end_of_support {
            Some(d) => format!("until {d}"),
            None => "with no announced end".to_string(),
        }
    );
    message.push_str("; ");
    message.push_str(&refusal);
    let o = Obsolescence {
        layer: "os".to_string(),
        item: os.id.clone(),
        label: os.label(),
        machines: count,
        refused_by,
        last_release: release,
        last_release_end_of_support: l.end_of_support.clone(),
        last_release_ended: true,
        free_os: Some(free_name),
        free_os_end_of_support: free.release.end_of_support.clone(),
        message,
    };
    Some((o, refusal))
}

/// Why an operating system is past its support on `as_of`: [`crate::support_ended`], and its
/// software obsolescence ([`os_obsolescence`]) when there is one.
pub fn os_support_ended(
    kb: &Kb,
    inventory: &Inventory,
    os: &OperatingSystem,
    as_of: &str,
) -> Option<String> {
    let ended = crate::support_ended(os, as_of)?;
    match os_obsolescence_parts(kb, inventory, os, as_of) {
        Some((_, refusal)) => {
            let source = format!(" (endoflife.date; checked as of {as_of})");
            let head = ended.strip_suffix(&source).unwrap_or(&ended);
            Some(format!("{head}; {refusal}{source}"))
        }
        None => Some(ended),
    }
}

/// The sobriety section, or `None` when the inventory gives no firmware date and no support
/// window.
pub fn sobriety(kb: &Kb, inventory: &Inventory, as_of: Option<&str>) -> Option<Sobriety> {
    use sovstack_inventory::Item;
    // Firmware dates: each imported host's, else the scanned machine's.
    let (dates, undated): (Vec<&str>, u64) = match &inventory.fleet {
        Some(fleet) => {
            let dates: Vec<&str> = fleet
                .hosts
                .iter()
                .filter_map(|h| h.firmware_date.as_ref().map(|f| f.value.as_str()))
                .collect();
            let undated = fleet.hosts.len() as u64 - dates.len() as u64;
            (dates, undated)
        }
        None => {
            let date = inventory
                .layers
                .devices
                .iter()
                .flatten()
                .find_map(|d| d.firmware_date.as_ref().map(|f| f.value.as_str()));
            // One machine was scanned (its processor or system was read): undated when its
            // firmware gave no date.
            let machine = inventory.layers.processor.is_some() || inventory.layers.os.is_some();
            (
                date.into_iter().collect(),
                u64::from(date.is_none() && machine),
            )
        }
    };
    let mut ages: Vec<AgeBand> = Vec::new();
    if let Some(today) = as_of {
        ages = BANDS
            .iter()
            .map(|&(min, max)| AgeBand {
                label: band_label(min, max),
                min_years: min,
                max_years: max,
                machines: 0,
            })
            .collect();
        for d in &dates {
            let Some(years) = day_number(today)
                .zip(day_number(d))
                .map(|(t, d)| (t - d) as f64 / DAYS_PER_YEAR)
            else {
                continue;
            };
            if let Some(b) = ages
                .iter_mut()
                .rev()
                .find(|b| years >= f64::from(b.min_years))
            {
                b.machines += 1;
            }
        }
    }

    let mut support = Vec::new();
    for os in inventory.layers.os.iter().flatten() {
        let machines = os.hosts.unwrap_or(1);
        if let Some(l) = &os.lifecycle {
            support.push(window("os", &os.id, os.label(), l, machines, as_of));
        }
        if let Some(l) = &os.kernel_lifecycle {
            let label = format!("the Linux {} kernel series ({})", l.cycle, os.label());
            support.push(window("os", &os.id, label, l, machines, as_of));
        }
    }
    let mut obsolete = Vec::new();
    if let Some(d) = as_of {
        for os in inventory.layers.os.iter().flatten() {
            obsolete.extend(os_obsolescence(kb, inventory, os, d));
        }
    }
    for p in inventory.layers.processor.iter().flatten() {
        if let Some(l) = &p.lifecycle {
            support.push(window(
                "processor",
                &p.id,
                p.label(),
                l,
                p.hosts.unwrap_or(1),
                as_of,
            ));
        }
        obsolete.extend(obsolescence(kb, inventory, p, as_of));
    }
    if dates.is_empty() && support.is_empty() && obsolete.is_empty() {
        return None;
    }
    // Soonest end first; no announced end last; then by item.
    support.sort_by(|a, b| {
        (
            a.end_of_support.is_none(),
            &a.end_of_support,
            &a.layer,
            &a.item,
            &a.label,
        )
            .cmp(&(
                b.end_of_support.is_none(),
                &b.end_of_support,
                &b.layer,
                &b.item,
                &b.label,
            ))
    });
    let mut sources = vec![
        "support windows: endoflife.date (MIT), commit a70eca33, through the knowledge base's \
         lifecycle/endoflife.csv"
            .to_string(),
    ];
    if !obsolete.is_empty() {
        sources.push(
            "processors a newer OS refuses: the knowledge base's lifecycle/vendor-os-floor.csv \
             (Windows 11 setup's processor block list); free OS ports: lifecycle/free-os-ports.csv \
             (Debian's release notes)"
                .to_string(),
        );
    }
    if !dates.is_empty() {
        sources.push(
            "machine ages: each inventory's firmware release date (SMBIOS BIOS date; GLPI \
             bios.bdate, FusionInventory BIOS/BDATE, /sys/class/dmi/id/bios_date)"
                .to_string(),
        );
    }
    Some(Sobriety {
        as_of: as_of.map(str::to_string),
        machines_dated: dates.len() as u64,
        machines_undated: undated,
        ages,
        support,
        obsolescence: obsolete,
        sources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_bands() {
        assert_eq!(years_between("2016-02-06", "2026-12-06"), Some(10.8));
        assert_eq!(years_between("2026-12-06", "2025-10-14"), Some(-1.1));
        assert_eq!(band_label(0, Some(3)), "under 3 years");
        assert_eq!(band_label(3, Some(5)), "3 to 5 years");
        assert_eq!(band_label(10, None), "10 years or more");
    }

    /// The systems a Windows 11 floor speaks of: the Windows client and an unknown system;
    /// not Windows Server (by its support window's product, or by its name when no window is
    /// known), nor a free OS.
    #[test]
    fn a_floor_concerns_windows_clients_and_unknown_systems() {
        use sovstack_inventory::{Confidence, Evidence, Fact, Method};
        let fact = |v: &str| {
            Some(Fact::new(
                v.to_string(),
                Evidence {
                    source: "t".into(),
                    field: None,
                    line: None,
                    value: None,
                    method: Method::FileField,
                    confidence: Confidence::High,
                },
            ))
        };
        let system = |product: Option<&str>,
                      name: Option<&str>,
                      pretty: Option<&str>,
                      kernel: Option<&str>| {
            OperatingSystem {
                id: "os0".into(),
                release_id: None,
                name: name.and_then(fact),
                version_id: None,
                pretty_name: pretty.and_then(fact),
                id_like: Vec::new(),
                kernel: kernel.and_then(fact),
                lifecycle: product.map(|p| Lifecycle {
                    product: p.into(),
                    cycle: "c".into(),
                    release_date: None,
                    end_of_support: None,
                    ended: false,
                    end_of_extended_support: None,
                    evidence: Vec::new(),
                }),
                kernel_lifecycle: None,
                actors: Vec::new(),
                hosts: None,
            }
        };
        let kb = Kb::builtin().unwrap();
        let concerns = |os: OperatingSystem| floor_concerns(&kb, Some(&os), "windows");
        assert!(floor_concerns(&kb, None, "windows"));
        assert!(concerns(system(None, None, None, None)));
        assert!(concerns(system(
            Some("windows"),
            Some("Windows"),
            None,
            Some("MSWin32")
        )));
        assert!(!concerns(system(
            Some("windows-server"),
            Some("Windows"),
            None,
            Some("MSWin32")
        )));
        assert!(!concerns(system(
            Some("fedora"),
            Some("Fedora"),
            None,
            Some("linux")
        )));
        // No support window: by the names and the kernel.
        let w7 = system(
            None,
            Some("Windows"),
            Some("Microsoft Windows 7 Professional"),
            Some("MSWin32"),
        );
        assert!(concerns(w7));
        let s2008 = system(
            None,
            Some("Windows"),
            Some("Microsoft Windows Server 2008 R2 Standard"),
            Some("MSWin32"),
        );
        assert!(!concerns(s2008));
        // Every kernel `os/vendor-systems.csv` gives Windows for, not only the agents' MSWin32.
        assert!(concerns(system(
            None,
            Some("Windows"),
            Some("Microsoft Windows 10 Pro"),
            Some("Windows_NT")
        )));
        assert!(!concerns(system(
            None,
            Some("Debian GNU/Linux"),
            None,
            Some("Linux")
        )));
        assert!(!concerns(system(None, None, None, Some("FreeBSD"))));
    }
}
