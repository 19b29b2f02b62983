//! [`FleetBuilder`]: hosts in, aggregated items out. Each imported host is attributed through
//! the knowledge base as a scanned one is (the processor layer's `actors`), and counted in the
//! item it shares with every other host of the same processor or system: memory grows with the
//! distinct items and a small record per host, never with the documents read.
//!
//! Two files of the same device id are one host: the newer (by `collected_at`; the later file
//! when that cannot tell) replaces the older, whose counts are taken back.

use super::codes;
use super::record::{CpuRecord, HostRecord, Located, MakerRecord, OsRecord};
use crate::layers::devices;
use crate::layers::processor::{self, Attributed};
use crate::live::normalise_architecture;
use sovstack_inventory::{
    Actor, Confidence, Device, DeviceKind, Diagnostic, DiagnosticSeverity, Evidence, Fact, Fleet,
    Host, ImportFormat, Inventory, Item, Lifecycle, Method, OperatingSystem, Processor, Role,
};
use sovstack_kb::Kb;
use std::collections::{BTreeMap, HashMap};

/// An item and the number of hosts it stands for.
struct Slot<T> {
    item: T,
    hosts: u64,
}

/// The index of the slot `key` names, made by `make` the first time the key is seen.
fn slot_for<T>(
    slots: &mut Vec<Slot<T>>,
    keys: &mut HashMap<String, usize>,
    key: String,
    make: impl FnOnce() -> T,
) -> usize {
    *keys.entry(key).or_insert_with(|| {
        slots.push(Slot {
            item: make(),
            hosts: 0,
        });
        slots.len() - 1
    })
}

/// A host, with the slots it counts in.
struct Entry {
    host: Host,
    processors: Vec<usize>,
    os: Option<usize>,
    /// Its device's slot, with the model it counts in there.
    device: Option<(usize, Option<String>)>,
}

/// Aggregates hosts as they are read.
pub(crate) struct FleetBuilder<'k> {
    kb: &'k Kb,
    processors: Vec<Slot<Processor>>,
    processor_keys: HashMap<String, usize>,
    systems: Vec<Slot<OperatingSystem>>,
    system_keys: HashMap<String, usize>,
    devices: Vec<Slot<Device>>,
    device_keys: HashMap<String, usize>,
    /// In file order; `None` where a newer file of the same device replaced it.
    hosts: Vec<Option<Entry>>,
    by_device: HashMap<String, usize>,
    /// Problems met, in the order met.
    pub diagnostics: Vec<Diagnostic>,
}

fn warning(code: &str, path: &str, message: String) -> Diagnostic {
    Diagnostic {
        code: code.to_string(),
        severity: DiagnosticSeverity::Warning,
        message,
        path: Some(path.to_string()),
    }
}

/// A field's value, or nothing.
fn value(l: &Option<Located>) -> &str {
    l.as_ref().map_or("", |l| l.value.as_str())
}

/// What an imported field says, as evidence.
fn read(source: &str, l: &Located, confidence: Confidence) -> Evidence {
    Evidence {
        source: source.to_string(),
        field: Some(l.field.clone()),
        line: l.line,
        value: Some(l.value.clone()),
        method: Method::FileField,
        confidence,
    }
}

/// Windows agents write the system's word size as its `arch` (`64-bit`, `32-bit`: the GLPI and
/// FusionInventory agents' `is64bit()`), which does not name the instruction set (Windows also
/// runs on Arm). It does with a processor an x86 designer made (Intel, AMD: its manufacturer or
/// model name) that reports a CPUID family: `x86_64` or `i686`, derived (medium confidence).
fn windows_x86(kb: &Kb, cpu: &CpuRecord, os_arch: &Located) -> Option<&'static str> {
    let name = match os_arch.value.as_str() {
        "64-bit" => "x86_64",
        "32-bit" => "i686",
        _ => return None,
    };
    cpu.family.as_ref()?;
    let x86 = [&cpu.name, &cpu.manufacturer]
        .into_iter()
        .flatten()
        .find_map(|l| kb.model_designer(&l.value))
        .is_some_and(|a| kb.is_x86_designer(&a.name));
    x86.then_some(name)
}

/// The architecture an agent's `arch` names. Android lists its ABIs (`arm64-v8a,armeabi-v7a`):
/// the first is the processor's own.
fn architecture(arch: &str) -> Option<&'static str> {
    let first = arch.split(',').next().unwrap_or_default().trim();
    match first {
        "arm64-v8a" => Some("aarch64"),
        "armeabi-v7a" | "armeabi" => Some("arm"),
        other => normalise_architecture(other),
    }
}

impl<'k> FleetBuilder<'k> {
    pub fn new(kb: &'k Kb) -> Self {
        FleetBuilder {
            kb,
            processors: Vec::new(),
            processor_keys: HashMap::new(),
            systems: Vec::new(),
            system_keys: HashMap::new(),
            devices: Vec::new(),
            device_keys: HashMap::new(),
            hosts: Vec::new(),
            by_device: HashMap::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Adds the host a GLPI or FusionInventory file describes.
    pub fn add_record(&mut self, source: &str, format: ImportFormat, record: HostRecord) {
        if let Some(bad) = &record.bad_collected_at {
            self.diagnostics.push(warning(
                codes::BAD_LOGDATE,
                source,
                format!("{source}: logdate `{bad}` is not YYYY-MM-DD HH:MM:SS; the host's collection time is unknown"),
            ));
        }
        let id = match &record.device_id {
            Some(id) => id.clone(),
            None => {
                self.diagnostics.push(warning(
                    codes::NO_DEVICE_ID,
                    source,
                    format!("{source}: no deviceid; the host is counted by its file, so another file of the same host would count twice"),
                ));
                format!("file:{source}")
            }
        };
        let mut processors = Vec::new();
        let os_arch = record.os.as_ref().and_then(|o| o.arch.as_ref());
        for cpu in &record.cpus {
            if cpu.name.is_none() && cpu.manufacturer.is_none() {
                continue;
            }
            let slot = self.processor_slot(source, cpu, os_arch);
            if !processors.contains(&slot) {
                processors.push(slot);
            }
        }
        let os = record
            .os
            .as_ref()
            .filter(|o| o.name.is_some() || o.full_name.is_some())
            .map(|o| self.system_slot(source, o));
        // A hypervisor guest's system is virtual: its SMBIOS maker is the hypervisor's vendor
        // (`innotek GmbH` for VirtualBox, `Xen`), which made no machine. It counts in no
        // system device item (its processor is the real one its host lends it, and stays).
        let guest = record.guest_of(self.kb).map(|g| Fact {
            value: g.name,
            evidence: g
                .read
                .iter()
                .map(|l| read(source, l, Confidence::High))
                .chain(std::iter::once(g.row))
                .collect(),
        });
        let is_guest = guest.is_some();
        let device = device_kind(record.kind.as_deref())
            .filter(|k| !(is_guest && *k == DeviceKind::System))
            .zip(record.maker.as_ref())
            .and_then(|(kind, maker)| self.device_slot(source, kind, maker));
        let hypervisor = guest;
        // What the file lists (its batteries, its displays), with the fields that show it.
        let components = record
            .components()
            .into_iter()
            .map(|(class, fields)| Fact {
                value: class.to_string(),
                evidence: fields
                    .into_iter()
                    .map(|l| read(source, l, Confidence::High))
                    .collect(),
            })
            .collect();
        let host = Host {
            id,
            kind: record.kind,
            name: record.name,
            source: source.to_string(),
            format,
            collected_at: record.collected_at,
            labels: record.labels,
            processor: Vec::new(),
            os: None,
            // A hypervisor guest's firmware date is its virtual BIOS's (VirtualBox writes
            // 12/01/2006 on every guest): no machine's age, so left unknown.
            firmware_date: record
                .firmware_date
                .as_ref()
                .filter(|_| !is_guest)
                .and_then(|l| {
                    let date = super::record::firmware_date(&l.value)?;
                    let mut e = read(source, l, Confidence::High);
                    if date != l.value {
                        e.method = Method::Derived;
                    }
                    Some(Fact::new(date, e))
                }),
            device: None,
            hypervisor,
            components,
        };
        self.add_entry(Entry {
            host,
            processors,
            os,
            device,
        });
    }

    /// Adds the host a sovstack inventory describes: its processors and system as they were
    /// attributed on the host (its evidence kept), counted once.
    pub fn add_inventory(&mut self, source: &str, inventory: Inventory) {
        let mut processors = Vec::new();
        for p in inventory.layers.processor.into_iter().flatten() {
            let key = format!("sovstack\u{1f}{}\u{1f}{}", p.architecture.value, p.label());
            let slot = self.slot_for_processor(key, || p);
            if !processors.contains(&slot) {
                processors.push(slot);
            }
        }
        let os = inventory.layers.os.into_iter().flatten().next().map(|o| {
            let key = format!("sovstack\u{1f}{}", o.label());
            self.slot_for_system(key, || o)
        });
        let firmware_date = inventory
            .layers
            .devices
            .as_ref()
            .and_then(|d| d.first())
            .and_then(|d| d.firmware_date.clone());
        let device = inventory
            .layers
            .devices
            .into_iter()
            .flatten()
            .next()
            .map(|d| {
                let model = d.models.keys().next().cloned();
                let key = devices::item_key(self.kb, d.kind, &d.maker.value, model.as_deref());
                let slot = slot_for(&mut self.devices, &mut self.device_keys, key, || Device {
                    models: BTreeMap::new(),
                    firmware_date: None,
                    ..d
                });
                (slot, model)
            });
        let host = Host {
            id: format!("file:{source}"),
            kind: None,
            name: None,
            source: source.to_string(),
            format: ImportFormat::Sovstack,
            collected_at: inventory.generated_at,
            labels: BTreeMap::new(),
            processor: Vec::new(),
            os: None,
            firmware_date,
            device: None,
            hypervisor: None,
            components: Vec::new(),
        };
        self.add_entry(Entry {
            host,
            processors,
            os,
            device,
        });
    }

    fn add_entry(&mut self, entry: Entry) {
        for &p in &entry.processors {
            self.processors[p].hosts += 1;
        }
        if let Some(o) = entry.os {
            self.systems[o].hosts += 1;
        }
        if let Some((d, model)) = &entry.device {
            let slot = &mut self.devices[*d];
            slot.hosts += 1;
            if let Some(m) = model {
                *slot.item.models.entry(m.clone()).or_insert(0) += 1;
            }
        }
        let index = self.hosts.len();
        let previous = self.by_device.insert(entry.host.id.clone(), index);
        let Some(previous) = previous else {
            self.hosts.push(Some(entry));
            return;
        };
        let old = self.hosts[previous]
            .as_ref()
            .expect("by_device points at a kept host");
        let new_wins = match (&entry.host.collected_at, &old.host.collected_at) {
            (Some(new), Some(old)) => new >= old,
            _ => true,
        };
        let (kept, dropped) = if new_wins {
            (&entry, old)
        } else {
            (old, &entry)
        };
        let why = match (&kept.host.collected_at, &dropped.host.collected_at) {
            (Some(k), Some(d)) if k != d => format!("collected {k}, newer than {d}"),
            (Some(_), Some(_)) => "both collected at the same time; the later file wins".into(),
            _ => "not both dated; the later file wins".into(),
        };
        self.diagnostics.push(warning(
            codes::DUPLICATE_HOST,
            &entry.host.source,
            format!(
                "device {} is in {} and {}: counted once, from {} ({why})",
                entry.host.id, old.host.source, entry.host.source, kept.host.source
            ),
        ));
        if new_wins {
            let old = self.hosts[previous].take().expect("checked above");
            self.forget(&old);
            self.hosts.push(Some(entry));
        } else {
            self.by_device.insert(old.host.id.clone(), previous);
            self.forget(&entry);
        }
    }

    /// Takes back a host's counts.
    fn forget(&mut self, entry: &Entry) {
        for &p in &entry.processors {
            self.processors[p].hosts -= 1;
        }
        if let Some(o) = entry.os {
            self.systems[o].hosts -= 1;
        }
        if let Some((d, model)) = &entry.device {
            let slot = &mut self.devices[*d];
            slot.hosts -= 1;
            if let Some(m) = model {
                if let Some(n) = slot.item.models.get_mut(m) {
                    *n -= 1;
                    if *n == 0 {
                        slot.item.models.remove(m);
                    }
                }
            }
        }
    }

    fn slot_for_processor(&mut self, key: String, make: impl FnOnce() -> Processor) -> usize {
        slot_for(&mut self.processors, &mut self.processor_keys, key, make)
    }

    fn slot_for_system(&mut self, key: String, make: impl FnOnce() -> OperatingSystem) -> usize {
        slot_for(&mut self.systems, &mut self.system_keys, key, make)
    }

    fn processor_slot(
        &mut self,
        source: &str,
        cpu: &CpuRecord,
        os_arch: Option<&Located>,
    ) -> usize {
        let kb = self.kb;
        let arch = os_arch
            .and_then(|a| architecture(&a.value).map(|n| (n, a, true)))
            .or_else(|| {
                let a = os_arch?;
                windows_x86(kb, cpu, a).map(|n| (n, a, true))
            })
            .or_else(|| {
                cpu.arch
                    .as_ref()
                    .and_then(|a| architecture(&a.value).map(|n| (n, a, false)))
            });
        // GLPI and FusionInventory records are attributed alike, so one item holds both; a
        // sovstack inventory's items (attributed on the host) are kept apart.
        // An Arm agent's `model` names the SoC (`imported_soc`), which one name (`AArch64
        // Processor rev 14`) shared by different SoCs does not: it is part of the key there.
        let arch_name = arch.map_or("unknown", |a| a.0);
        let key = format!(
            "agent\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            arch_name,
            value(&cpu.manufacturer),
            value(&cpu.name),
            soc_field(cpu, arch_name).map_or("", |m| m.value.as_str())
        );
        self.slot_for_processor(key, || imported_processor(kb, source, cpu, arch))
    }

    /// The slot of the maker a record names, with the model it reports; `None` when the record
    /// names no maker (a model alone says nothing about who made it).
    fn device_slot(
        &mut self,
        source: &str,
        kind: DeviceKind,
        maker: &MakerRecord,
    ) -> Option<(usize, Option<String>)> {
        let m = maker.manufacturer.as_ref()?;
        let model = maker.model.as_ref().map(|l| l.value.as_str());
        let key = devices::item_key(self.kb, kind, &m.value, model);
        let kb = self.kb;
        let slot = slot_for(&mut self.devices, &mut self.device_keys, key, || {
            let ev = read(source, m, Confidence::High);
            let mut evidence = vec![ev.clone()];
            evidence.extend(
                maker
                    .model
                    .iter()
                    .map(|l| read(source, l, Confidence::High)),
            );
            Device {
                id: String::new(),
                kind,
                actors: devices::actors(kb, kind, &m.value, model, evidence),
                maker: Fact::new(m.value.clone(), ev),
                models: BTreeMap::new(),
                firmware_date: None,
                hosts: None,
            }
        });
        Some((slot, maker.model.as_ref().map(|l| l.value.clone())))
    }

    fn system_slot(&mut self, source: &str, os: &OsRecord) -> usize {
        // Hosts whose support windows differ (Debian 12.11 and 11.9 under one name, two kernel
        // series) are different items; their exact kernel builds are not.
        let (lifecycle, kernel_lifecycle) = lifecycles(self.kb, source, os);
        let cycle = |l: &Option<Lifecycle>| {
            l.as_ref()
                .map_or(String::new(), |l| format!("{} {}", l.product, l.cycle))
        };
        let key = format!(
            "agent\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            value(&os.name),
            value(&os.full_name),
            value(&os.kernel_name),
            cycle(&lifecycle),
            cycle(&kernel_lifecycle)
        );
        let kb = self.kb;
        self.slot_for_system(key, || {
            let mut system = imported_system(kb, source, os);
            system.lifecycle = lifecycle;
            system.kernel_lifecycle = kernel_lifecycle;
            system
        })
    }

    /// The fleet and its items: items no kept host counts in are dropped, the others sorted by
    /// the hosts they stand for (most first, then by label) and numbered in that order.
    pub fn finish(self) -> Finished {
        /// The live items, ordered, each with its new id and count; and, by old index, the
        /// new ids.
        type Ordered<T> = (Vec<(T, String, u64)>, Vec<Option<String>>);
        fn order<T: Item>(slots: Vec<Slot<T>>, prefix: &str) -> Ordered<T> {
            let mut ids = vec![None; slots.len()];
            let mut live: Vec<(usize, Slot<T>)> = slots
                .into_iter()
                .enumerate()
                .filter(|(_, s)| s.hosts > 0)
                .collect();
            live.sort_by(|(ia, a), (ib, b)| {
                b.hosts
                    .cmp(&a.hosts)
                    .then_with(|| a.item.label().cmp(&b.item.label()))
                    .then(ia.cmp(ib))
            });
            let items = live
                .into_iter()
                .enumerate()
                .map(|(n, (i, slot))| {
                    let id = format!("{prefix}{n}");
                    ids[i] = Some(id.clone());
                    (slot.item, id, slot.hosts)
                })
                .collect();
            (items, ids)
        }
        let (processors, processor_ids) = order(self.processors, "cpu");
        let processors = processors
            .into_iter()
            .map(|(mut p, id, n)| {
                p.id = id;
                p.hosts = Some(n);
                p
            })
            .collect();
        let (systems, system_ids) = order(self.systems, "os");
        let systems = systems
            .into_iter()
            .map(|(mut o, id, n)| {
                o.id = id;
                o.hosts = Some(n);
                o
            })
            .collect();
        let (devices, device_ids) = order(self.devices, "dev");
        let devices = devices
            .into_iter()
            .map(|(mut d, id, n)| {
                d.id = id;
                d.hosts = Some(n);
                d
            })
            .collect();
        let hosts = self
            .hosts
            .into_iter()
            .flatten()
            .map(|e| {
                let mut host = e.host;
                host.processor = e
                    .processors
                    .iter()
                    .filter_map(|&i| processor_ids.get(i).cloned().flatten())
                    .collect();
                host.os = e.os.and_then(|i| system_ids.get(i).cloned().flatten());
                host.device = e
                    .device
                    .and_then(|(i, _)| device_ids.get(i).cloned().flatten());
                host
            })
            .collect();
        let fleet = Fleet {
            hosts,
            ..Default::default()
        };
        Finished {
            fleet,
            processors,
            systems,
            devices,
            diagnostics: self.diagnostics,
        }
    }
}

/// What [`FleetBuilder::finish`] gives: the fleet and each layer's items.
pub(crate) struct Finished {
    pub fleet: Fleet,
    pub processors: Vec<Processor>,
    pub systems: Vec<OperatingSystem>,
    pub devices: Vec<Device>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The kind of device a host of GLPI's `itemtype` is: a computer's (or, with no `itemtype`, as
/// FusionInventory's computer inventories) system, network equipment, a printer, a phone.
/// Other item types give no device item.
fn device_kind(itemtype: Option<&str>) -> Option<DeviceKind> {
    match itemtype.map(str::trim) {
        None | Some("Computer") => Some(DeviceKind::System),
        Some("NetworkEquipment") => Some(DeviceKind::Network),
        Some("Printer") => Some(DeviceKind::Printer),
        Some("Phone") => Some(DeviceKind::Phone),
        Some(_) => None,
    }
}

/// A processor as an inventory agent reported it, attributed as the processor layer does.
///
/// The architecture comes from the operating system's `arch` when it names one (a system
/// built for x86_64 runs on a processor that implements it; medium confidence, since a 32-bit
/// system may run on a 64-bit part), else from the processor's own `arch`, which agents fill
/// loosely (GLPI's examples say `i386` for 64-bit Core i5 parts: low confidence). The core
/// designer comes from the model name's patterns, else the manufacturer's.
fn imported_processor(
    kb: &Kb,
    source: &str,
    cpu: &CpuRecord,
    arch: Option<(&'static str, &Located, bool)>,
) -> Processor {
    let architecture = match arch {
        Some((name, l, from_os)) => Fact::new(
            name.to_string(),
            Evidence {
                method: if from_os {
                    Method::Derived
                } else {
                    Method::FileField
                },
                ..read(
                    source,
                    l,
                    if from_os {
                        Confidence::Medium
                    } else {
                        Confidence::Low
                    },
                )
            },
        ),
        None => Fact {
            value: "unknown".to_string(),
            evidence: Vec::new(),
        },
    };
    let model = cpu
        .name
        .as_ref()
        .map(|n| Fact::new(n.value.clone(), read(source, n, Confidence::High)));
    let mut identifiers = BTreeMap::new();
    if let Some(m) = &cpu.manufacturer {
        identifiers.insert(
            "manufacturer".to_string(),
            Fact::new(m.value.clone(), read(source, m, Confidence::High)),
        );
    }
    let mut seen = Vec::new();
    let mut designer: Option<Attributed> = None;
    for l in [&cpu.name, &cpu.manufacturer].into_iter().flatten() {
        let ev = read(source, l, Confidence::High);
        seen.push(ev.clone());
        if let Some(a) = kb.model_designer(&l.value) {
            designer = Some(Ok((a, vec![ev])));
            break;
        }
    }
    let designer = designer.unwrap_or(Err(seen));
    let by_cpuid = x86_foundry(kb, source, cpu, &architecture, &designer);
    let lifecycle = intel_lifecycle(kb, source, cpu, &architecture, &designer);
    let vendor_os_floor = vendor_os_floor(kb, source, cpu, &architecture, &designer);
    let (soc, soc_hardware) = imported_soc(kb, source, cpu, &architecture);
    let actors = processor::actors(
        kb,
        &architecture,
        designer,
        soc,
        model.as_ref(),
        soc_hardware,
        by_cpuid,
    );
    Processor {
        id: String::new(),
        architecture,
        model,
        logical_cpus: Vec::new(),
        identifiers,
        actors,
        lifecycle,
        vendor_os_floor,
        hosts: None,
    }
}

/// The SoC of a processor that is not x86, from the agent's `model` field: on x86 the GLPI
/// agent writes the CPUID model there (`78`), but on Arm it copies `/proc/cpuinfo`'s
/// `Hardware` line (`Qualcomm Technologies, Inc SM8150` in GLPI's phone example), the very
/// field the live scan reads the SoC from. The SoC vendor is then looked up as the live scan
/// does (`processors/soc-vendors.csv`), and the foundry asked about that SoC name first; a
/// name the tables do not know leaves the SoC vendor unknown with the field as evidence. A
/// number, or an x86 or unknown architecture, names no SoC: `(None, None)`.
fn imported_soc(
    kb: &Kb,
    source: &str,
    cpu: &CpuRecord,
    architecture: &Fact<String>,
) -> (Option<Attributed>, Option<(String, Evidence)>) {
    let Some(model) = soc_field(cpu, &architecture.value) else {
        return (None, None);
    };
    let ev = read(source, model, Confidence::High);
    match kb.soc_vendor(&model.value) {
        Some(a) => (
            Some(Ok((a, vec![ev.clone()]))),
            Some((model.value.clone(), ev)),
        ),
        None => (Some(Err(vec![ev])), None),
    }
}

/// The agent's `model` field when it names a SoC ([`imported_soc`]): text, on an architecture
/// known and not x86.
fn soc_field<'c>(cpu: &'c CpuRecord, architecture: &str) -> Option<&'c Located> {
    cpu.model.as_ref().filter(|m| {
        !matches!(architecture, "x86_64" | "i686" | "unknown")
            && !m.value.chars().all(|c| c.is_ascii_digit())
    })
}

/// Whether a vendor's newer OS refuses an x86 processor, from the CPUID family and model the
/// agent reported and the core designer found (agents give no vendor id): the designer's
/// evidence, the fields read, then the knowledge-base rows. Unknown otherwise.
fn vendor_os_floor(
    kb: &Kb,
    source: &str,
    cpu: &CpuRecord,
    architecture: &Fact<String>,
    designer: &Attributed,
) -> Option<sovstack_inventory::VendorOsFloor> {
    if !matches!(architecture.value.as_str(), "x86_64" | "i686") {
        return None;
    }
    let (designer, designer_evidence) = designer.as_ref().ok()?;
    let (family, model) = (cpu.family.as_ref()?, cpu.model.as_ref()?);
    let f = kb.vendor_os_floor_by_designer(
        &designer.name,
        family.value.parse().ok()?,
        model.value.parse().ok()?,
    )?;
    let mut last = f.last;
    let mut evidence = designer_evidence.clone();
    evidence.push(read(source, family, Confidence::High));
    evidence.push(read(source, model, Confidence::High));
    evidence.append(&mut last.evidence);
    last.evidence = evidence;
    Some(sovstack_inventory::VendorOsFloor {
        refused_by: f.refused_by,
        last,
    })
}

/// The support window of an Intel processor's family from the CPUID family and model the agent
/// reported (`familynumber`, `model`, decimal), when the core designer found is Intel: the
/// fields read, the designer's evidence, then the knowledge-base rows. Unknown otherwise.
fn intel_lifecycle(
    kb: &Kb,
    source: &str,
    cpu: &CpuRecord,
    architecture: &Fact<String>,
    designer: &Attributed,
) -> Option<Lifecycle> {
    if !matches!(architecture.value.as_str(), "x86_64" | "i686") {
        return None;
    }
    let (designer, designer_evidence) = designer.as_ref().ok()?;
    if designer.name != "Intel Corporation" {
        return None;
    }
    let (family, model) = (cpu.family.as_ref()?, cpu.model.as_ref()?);
    let mut l =
        kb.intel_processor_lifecycle(family.value.parse().ok()?, model.value.parse().ok()?)?;
    let mut evidence = designer_evidence.clone();
    evidence.push(read(source, family, Confidence::High));
    evidence.push(read(source, model, Confidence::High));
    evidence.append(&mut l.evidence);
    l.evidence = evidence;
    Some(l)
}

/// The foundry of an x86 processor from the CPUID family and model the agent reported
/// (`familynumber`, `model`, decimal), through the same table the live scan asks with the
/// vendor id (`processors/x86-family-foundry.csv`), here reached through the core designer the
/// manufacturer or model name gave. Unknown when either number is missing or not a number, or
/// the processor is not x86.
fn x86_foundry(
    kb: &Kb,
    source: &str,
    cpu: &CpuRecord,
    architecture: &Fact<String>,
    designer: &Attributed,
) -> Option<(sovstack_kb::Attribution, Vec<Evidence>)> {
    if !matches!(architecture.value.as_str(), "x86_64" | "i686") {
        return None;
    }
    let (family, model) = (cpu.family.as_ref()?, cpu.model.as_ref()?);
    let (f, m) = (family.value.parse().ok()?, model.value.parse().ok()?);
    let (designer, designer_evidence) = designer.as_ref().ok()?;
    let a = kb.x86_foundry_by_designer(&designer.name, f, m)?;
    let mut evidence = designer_evidence.clone();
    evidence.push(read(source, family, Confidence::High));
    evidence.push(read(source, model, Confidence::High));
    Some((a, evidence))
}

/// The support windows of an imported system, by the same endoflife.date look-ups as the live
/// OS collector: the release's from the os-release `ID` its `name` is the `NAME` of (else, for a
/// one-word name, the name lower-cased taken as the ID, low confidence, as for the steward) and
/// the first word of its `version` (`12.11`; `31 (Workstation Edition)` → `31`); the Linux
/// kernel series' from `kernel_version` when `kernel_name` is Linux and the version starts with
/// a digit (Android agents write the whole `uname -a` line: left unknown). Either is `None`
/// when not found: unknown, never guessed.
fn lifecycles(kb: &Kb, source: &str, os: &OsRecord) -> (Option<Lifecycle>, Option<Lifecycle>) {
    let release = os.name.as_ref().and_then(|n| {
        let read = read(source, n, Confidence::High);
        if let Some((id, row)) = kb.os_release_id_by_name(&n.value) {
            return Some((id, vec![read, row]));
        }
        let id = n.value.to_lowercase();
        (!id.contains(char::is_whitespace) && kb.os_steward(&id).is_some()).then(|| {
            let guess = Evidence {
                source: source.to_string(),
                field: Some(n.field.clone()),
                line: n.line,
                value: Some(format!("{} taken as os-release ID {id}", n.value)),
                method: Method::Derived,
                confidence: Confidence::Low,
            };
            (id, vec![read, guess])
        })
    });
    if let Some(l) = windows_lifecycle(kb, source, os) {
        return (Some(l), None);
    }
    if let Some(l) = vendor_system_lifecycle(kb, source, os) {
        return (Some(l), None);
    }
    let lifecycle = release
        .zip(os.version.as_ref())
        .and_then(|((id, mut evidence), v)| {
            let version = v.value.split_whitespace().next()?;
            let name = os.name.as_ref().map(|n| n.value.as_str());
            let mut l = kb.os_lifecycle(&id, name, version)?;
            evidence.push(read(source, v, Confidence::High));
            evidence.append(&mut l.evidence);
            l.evidence = evidence;
            Some(l)
        });
    let is_linux = os
        .kernel_name
        .as_ref()
        .is_some_and(|k| k.value.eq_ignore_ascii_case("linux"));
    let kernel_lifecycle = os
        .kernel_version
        .as_ref()
        .filter(|k| is_linux && k.value.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|k| {
            let mut l = kb.linux_kernel_lifecycle(&k.value)?;
            let mut evidence = vec![read(source, k, Confidence::High)];
            evidence.append(&mut l.evidence);
            l.evidence = evidence;
            Some(l)
        });
    (lifecycle, kernel_lifecycle)
}

/// The support window of a Windows release (`kernel_name` `MSWin32`, as the agents write Perl's
/// `$^O`, or another kernel `os/vendor-systems.csv` gives Windows for): the version of `kernel_version` (`10.0.19045`) and the edition or server year of
/// `full_name` (`Microsoft Windows 10 Pro`), through [`Kb::windows_lifecycle`]. The agents'
/// `version` is not used: older agents write the registry's `ReleaseId`, which stays `2009` on
/// every release since 20H2 (Rudder's Windows 11 23H2 capture says `2009`).
fn windows_lifecycle(kb: &Kb, source: &str, os: &OsRecord) -> Option<Lifecycle> {
    let (name, kernel) = (os.full_name.as_ref()?, os.kernel_version.as_ref()?);
    // Windows by the knowledge base's `os/vendor-systems.csv`, the rows its steward comes from.
    let names: Vec<&str> = [&os.name, &os.full_name]
        .into_iter()
        .flatten()
        .map(|n| n.value.as_str())
        .collect();
    let product = kb.vendor_system_product(
        os.kernel_name.as_ref().map(|k| k.value.as_str()),
        &names.join(" "),
    );
    if !matches!(
        product,
        Some(sovstack_kb::WINDOWS | sovstack_kb::WINDOWS_SERVER)
    ) {
        return None;
    }
    let mut l = kb.windows_lifecycle(&name.value, &kernel.value)?;
    let mut evidence = vec![
        read(source, name, Confidence::High),
        read(source, kernel, Confidence::High),
    ];
    evidence.append(&mut l.evidence);
    l.evidence = evidence;
    Some(l)
}

/// The support window of a system with no os-release `ID` whose release its name gives
/// (Android: `kernel_name` `linux`, `name` `Q Android 10.0` → endoflife.date's `android` 10),
/// through [`Kb::vendor_system_lifecycle`]. Its Linux kernel series is not looked up: Android
/// agents write a whole `uname -a` line as `kernel_version`.
fn vendor_system_lifecycle(kb: &Kb, source: &str, os: &OsRecord) -> Option<Lifecycle> {
    let (kernel, name) = (os.kernel_name.as_ref()?, os.name.as_ref()?);
    let mut l = kb.vendor_system_lifecycle(&kernel.value, &name.value)?;
    let mut evidence = vec![
        read(source, kernel, Confidence::High),
        read(source, name, Confidence::High),
    ];
    evidence.append(&mut l.evidence);
    l.evidence = evidence;
    Some(l)
}

/// An operating system as an inventory agent reported it. Its `name` is, on Linux, os-release's
/// `NAME`, looked up as such (medium confidence); a one-word name that is no table's `NAME`
/// (`Fedora`, before Fedora 35's `Fedora Linux`) is tried, lower-cased, as an os-release `ID`,
/// with low confidence. A system with no os-release `ID` (Microsoft Windows, whose agents write
/// `kernel_name` `MSWin32`; Android) gets its steward from `kernel_name` and a word of `name`
/// ([`Kb::vendor_system_steward`]). The kernel's steward comes from `kernel_name`.
fn imported_system(kb: &Kb, source: &str, os: &OsRecord) -> OperatingSystem {
    let fact = |l: &Option<Located>| {
        l.as_ref()
            .map(|l| Fact::new(l.value.clone(), read(source, l, Confidence::High)))
    };
    let mut actors = Vec::new();
    let steward = os.name.as_ref().and_then(|n| {
        let ev = read(source, n, Confidence::High);
        if let Some(a) = kb.os_steward_by_name(&n.value) {
            return Some(a.into_actor(Role::Steward, vec![ev]));
        }
        let id = n.value.to_lowercase();
        if id.contains(char::is_whitespace) {
            return None;
        }
        kb.os_steward(&id).map(|a| {
            let guess = Evidence {
                source: source.to_string(),
                field: Some(n.field.clone()),
                line: n.line,
                value: Some(format!("{} taken as os-release ID {id}", n.value)),
                method: Method::Derived,
                confidence: Confidence::Low,
            };
            a.into_actor(Role::Steward, vec![ev, guess])
        })
    });
    // Systems with no os-release `ID` (Microsoft Windows, Android): by the kernel name and a
    // word of the name, both read from the file.
    let steward = steward.or_else(|| {
        let (k, n) = (os.kernel_name.as_ref()?, os.name.as_ref()?);
        let a = kb.vendor_system_steward(&k.value, &n.value)?;
        Some(a.into_actor(
            Role::Steward,
            vec![
                read(source, k, Confidence::High),
                read(source, n, Confidence::High),
            ],
        ))
    });
    actors.push(steward.unwrap_or_else(|| {
        Actor::unknown(
            Role::Steward,
            os.name
                .iter()
                .map(|n| read(source, n, Confidence::High))
                .collect(),
        )
    }));
    let kernel = fact(&os.kernel_name);
    let kernel_evidence = kernel.iter().flat_map(|k| k.evidence.clone()).collect();
    actors.push(
        match os
            .kernel_name
            .as_ref()
            .and_then(|k| kb.kernel_steward(&k.value))
        {
            Some(a) => a.into_actor(Role::Kernel, kernel_evidence),
            None => Actor::unknown(Role::Kernel, kernel_evidence),
        },
    );
    OperatingSystem {
        id: String::new(),
        release_id: None,
        name: fact(&os.name),
        version_id: None,
        pretty_name: fact(&os.full_name),
        id_like: Vec::new(),
        kernel,
        // Set by the caller ([`lifecycles`]), which keys the item by them.
        lifecycle: None,
        kernel_lifecycle: None,
        actors,
        hosts: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_glpi_json::glpi_json;
    use crate::testutil::kb;

    fn record(device: &str, logdate: Option<&str>, cpu: &str, os: &str) -> HostRecord {
        let logdate = logdate.map_or(String::new(), |d| {
            format!(r#""accesslog":{{"logdate":"{d}"}},"#)
        });
        glpi_json(&format!(
            r#"{{"deviceid":"{device}","content":{{{logdate}"cpus":[{{"manufacturer":"x","name":"{cpu}"}}],"operatingsystem":{{"name":"{os}","arch":"x86_64","kernel_name":"linux"}}}}}}"#
        ))
        .unwrap()
    }

    /// Rudder's real Windows 11 capture (a VirtualBox guest, SMBIOS maker `innotek GmbH`) as
    /// its agent wrote it, and with its `HARDWARE/VMSYSTEM` said otherwise: a hypervisor's
    /// guest counts in no system device item and records its hypervisor, whatever the agent
    /// said, since its SMBIOS maker is VirtualBox's (a container reads the SMBIOS tables of the
    /// machine it runs on, here a VirtualBox guest); with a physical machine's maker, a
    /// container or a machine keeps its device.
    #[test]
    fn a_hypervisor_guest_has_no_system_device_and_a_container_keeps_its_own() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/windows/rudder-workstation1-windows11.xml"
        );
        let xml = std::fs::read_to_string(path).unwrap();
        assert!(xml.contains("<VMSYSTEM>VirtualBox</VMSYSTEM>"));
        assert!(xml.contains("<SMANUFACTURER>innotek GmbH</SMANUFACTURER>"));
        assert!(xml.contains("<SMODEL>VirtualBox</SMODEL>"));
        // systemd reads the product name first: `VirtualBox` says so.
        let vbox = Some("CONTENT/BIOS/SMODEL");
        for (vmsystem, (maker, model), guest_field) in [
            (
                "VirtualBox",
                ("innotek GmbH", "VirtualBox"),
                Some("CONTENT/HARDWARE/VMSYSTEM"),
            ),
            ("Docker", ("innotek GmbH", "VirtualBox"), vbox),
            ("lxc", ("innotek GmbH", "VirtualBox"), vbox),
            ("Physical", ("innotek GmbH", "VirtualBox"), vbox),
            ("Docker", ("Dell Inc.", "PowerEdge R640"), None),
            ("Physical", ("Dell Inc.", "PowerEdge R640"), None),
        ] {
            let text = xml
                .replace(
                    "<VMSYSTEM>VirtualBox</VMSYSTEM>",
                    &format!("<VMSYSTEM>{vmsystem}</VMSYSTEM>"),
                )
                .replace(
                    "<SMANUFACTURER>innotek GmbH</SMANUFACTURER>",
                    &format!("<SMANUFACTURER>{maker}</SMANUFACTURER>"),
                )
                .replace(
                    "<SMODEL>VirtualBox</SMODEL>",
                    &format!("<SMODEL>{model}</SMODEL>"),
                );
            let record = crate::import::parse_fusion_xml::fusion_xml(&text).unwrap();
            let mut b = FleetBuilder::new(kb());
            b.add_record("w11.xml", ImportFormat::FusioninventoryXml, record);
            let Finished {
                fleet,
                processors,
                devices,
                ..
            } = b.finish();
            let host = &fleet.hosts[0];
            let case = format!("{vmsystem} {maker}");
            assert_eq!(
                host.hypervisor.as_ref().map(|h| h.value.as_str()),
                guest_field.map(|_| "VirtualBox"),
                "{case}"
            );
            // The processor is the real one the machine lends its guest: kept either way.
            assert_eq!(processors.len(), 1);
            let makers: Vec<&str> = devices.iter().map(|d| d.maker.value.as_str()).collect();
            if let Some(field) = guest_field {
                assert!(makers.is_empty() && host.device.is_none(), "{makers:?}");
                let e = &host.hypervisor.as_ref().unwrap().evidence;
                assert_eq!(e[0].field.as_deref(), Some(field), "{case}");
                assert_eq!(e.last().unwrap().source, "kb:devices/hypervisors.csv");
            } else {
                assert_eq!(makers, [maker], "{case}");
                assert_eq!(host.device.as_deref(), Some("dev0"));
            }
        }
    }

    #[test]
    fn items_count_hosts_and_duplicates_count_once() {
        let mut b = FleetBuilder::new(kb());
        let g = ImportFormat::GlpiJson;
        b.add_record(
            "a",
            g,
            record(
                "h1",
                Some("2020-01-01 00:00:00"),
                "Intel Core i5",
                "Debian GNU/Linux",
            ),
        );
        b.add_record(
            "b",
            g,
            record("h2", None, "Intel Core i5", "Debian GNU/Linux"),
        );
        b.add_record("c", g, record("h3", None, "AMD EPYC", "Debian GNU/Linux"));
        // h1 again, newer, now on AMD: its Intel count is taken back.
        b.add_record(
            "d",
            g,
            record("h1", Some("2021-01-01 00:00:00"), "AMD EPYC", "Fedora"),
        );
        // h1 again, older: ignored.
        b.add_record(
            "e",
            g,
            record(
                "h1",
                Some("2019-01-01 00:00:00"),
                "Loongson-3A5000",
                "Debian GNU/Linux",
            ),
        );
        let Finished {
            fleet,
            processors,
            systems,
            diagnostics,
            ..
        } = b.finish();
        let hosts: Vec<_> = fleet
            .hosts
            .iter()
            .map(|h| (h.id.as_str(), h.source.as_str()))
            .collect();
        assert_eq!(hosts, [("h2", "b"), ("h3", "c"), ("h1", "d")]);
        let counts: Vec<_> = processors
            .iter()
            .map(|p| (p.id.as_str(), p.label(), p.hosts))
            .collect();
        assert_eq!(
            counts,
            [
                ("cpu0", "AMD EPYC".to_string(), Some(2)),
                ("cpu1", "Intel Core i5".to_string(), Some(1))
            ]
        );
        assert_eq!(fleet.hosts[2].processor, ["cpu0"]);
        let systems: Vec<_> = systems.iter().map(|o| (o.label(), o.hosts)).collect();
        assert_eq!(
            systems,
            [
                ("Debian GNU/Linux".to_string(), Some(2)),
                ("Fedora".to_string(), Some(1))
            ]
        );
        let dups: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.code == codes::DUPLICATE_HOST)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(dups.len(), 2);
        assert!(dups[0].contains("counted once, from d (collected 2021-01-01 00:00:00, newer than 2020-01-01 00:00:00)"), "{}", dups[0]);
        assert!(dups[1].contains("counted once, from d"), "{}", dups[1]);
    }

    #[test]
    fn attribution_of_an_imported_host() {
        let mut b = FleetBuilder::new(kb());
        b.add_record(
            "f",
            ImportFormat::GlpiJson,
            record(
                "h",
                None,
                "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz",
                "Fedora",
            ),
        );
        let Finished {
            processors,
            systems,
            ..
        } = b.finish();
        let p = &processors[0];
        assert_eq!(p.architecture.value, "x86_64");
        assert_eq!(p.architecture.evidence[0].confidence, Confidence::Medium);
        let designer = p
            .actors
            .iter()
            .find(|a| a.role == Role::CoreDesigner)
            .unwrap();
        assert_eq!(designer.name.as_deref(), Some("Intel Corporation"));
        assert_eq!(
            designer.evidence[0].field.as_deref(),
            Some("content.cpus[0].name")
        );
        let owners: Vec<_> = p
            .actors
            .iter()
            .filter(|a| a.role == Role::IsaOwner)
            .filter_map(|a| a.name.as_deref())
            .collect();
        assert_eq!(owners, ["Intel Corporation", "Advanced Micro Devices"]);
        // `Fedora` is no table's NAME (`Fedora Linux` is): the ID `fedora`, low confidence.
        let steward = &systems[0].actors[0];
        assert_eq!(steward.name.as_deref(), Some("Fedora Project"));
        assert!(steward
            .evidence
            .iter()
            .any(|e| e.confidence == Confidence::Low));
        assert_eq!(
            systems[0].actors[1].name.as_deref(),
            Some("Linux kernel community")
        );
    }

    #[test]
    fn android_abis_and_unknown_architectures() {
        assert_eq!(
            architecture("arm64-v8a,armeabi-v7a,armeabi"),
            Some("aarch64")
        );
        assert_eq!(architecture("i386"), Some("i686"));
        assert_eq!(architecture("sparc"), None);
    }
}
