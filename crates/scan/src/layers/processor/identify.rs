//! What the fields of a parsed `/proc/cpuinfo` say: which instruction-set family each logical
//! CPU belongs to, its architecture, its identifying values, and which logical CPUs are the
//! same processor.
//!
//! Two logical CPUs are the same processor when their family, architecture and identifying
//! values are equal; steppings, frequencies and feature lists are not part of the identity (a
//! big.LITTLE SoC has two processors because its cores have different `CPU part`s, not
//! because their `BogoMIPS` differ). Groups keep the order of first appearance.
//!
//! This module knows field names, never organisations: looking identifiers up in the
//! knowledge base is the collector's job.

use super::parse_cpuinfo::{CpuInfo, Field, LogicalCpu};
use std::collections::BTreeMap;

/// The instruction-set family a cpuinfo block is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// `vendor_id` present.
    X86,
    /// `CPU implementer` present.
    Arm,
    /// `isa : rv…`, `mvendorid`, `hart` or `uarch` present.
    RiscV,
    /// `isa : loongarch…`, or a `Loongson` family or model name.
    LoongArch,
}

/// The architecture of a processor and the field it was derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    /// `x86_64`, `i686`, `aarch64`, `arm`, `riscv64`, `riscv32`, `loongarch64`.
    pub name: &'static str,
    /// The field it follows from.
    pub field: Field,
    /// The part of the field's value that decided it (`lm` of x86 `flags`).
    pub token: String,
}

/// One distinct processor: logical CPUs with the same identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distinct {
    /// Instruction-set family.
    pub family: Family,
    /// Architecture, when the fields establish it.
    pub architecture: Option<Architecture>,
    /// Identifier name (as in the inventory: `vendor_id`, `implementer`, `part`, `mvendorid`,
    /// `model_name`, `hardware`, ...) to the field of its first appearance.
    pub identifiers: BTreeMap<&'static str, Field>,
    /// Logical processor numbers, ascending.
    pub logical_cpus: Vec<u32>,
}

impl Distinct {
    /// The identifier's field.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.identifiers.get(name)
    }
}

/// Per family: inventory identifier name and the cpuinfo keys it may be read from, in order
/// of preference. Old-world LoongArch kernels write `cpu family`/`model name`/`isa` in lower
/// case where mainline writes `CPU Family`/`Model Name`/`ISA`; keys compare case-insensitively.
const X86_KEYS: &[(&str, &[&str])] = &[
    ("vendor_id", &["vendor_id"]),
    ("cpu_family", &["cpu family"]),
    ("cpu_model", &["model"]),
    ("model_name", &["model name"]),
];
const ARM_KEYS: &[(&str, &[&str])] = &[
    ("implementer", &["CPU implementer"]),
    ("part", &["CPU part"]),
    ("cpu_architecture", &["CPU architecture"]),
    ("model_name", &["model name"]),
];
const RISCV_KEYS: &[(&str, &[&str])] = &[
    ("mvendorid", &["mvendorid"]),
    ("marchid", &["marchid"]),
    ("uarch", &["uarch"]),
    ("isa", &["isa"]),
    ("model_name", &["model name"]),
];
const LOONGARCH_KEYS: &[(&str, &[&str])] = &[
    ("cpu_family", &["cpu family"]),
    ("model_name", &["model name"]),
    ("isa", &["isa"]),
];

/// Global fields (outside any CPU block) that belong to every processor of the file.
const GLOBAL_KEYS: &[(&str, &str)] = &[("hardware", "Hardware"), ("system_type", "system type")];

/// The family a logical CPU's fields are written for, if any.
pub fn family_of(cpu: &LogicalCpu) -> Option<Family> {
    let isa = cpu
        .get("isa")
        .map(|f| f.value.to_ascii_lowercase())
        .unwrap_or_default();
    let loongson = |key| {
        cpu.get(key)
            .is_some_and(|f| f.value.starts_with("Loongson"))
    };
    if cpu.get("vendor_id").is_some() {
        Some(Family::X86)
    } else if cpu.get("CPU implementer").is_some() {
        Some(Family::Arm)
    } else if isa.contains("loongarch") || loongson("cpu family") || loongson("model name") {
        Some(Family::LoongArch)
    } else if isa.starts_with("rv")
        || ["mvendorid", "hart", "uarch"]
            .iter()
            .any(|k| cpu.get(k).is_some())
    {
        Some(Family::RiscV)
    } else {
        None
    }
}

/// The architecture a logical CPU's fields establish.
pub fn architecture_of(family: Family, cpu: &LogicalCpu) -> Option<Architecture> {
    let arch = |name, field: &Field, token: &str| {
        Some(Architecture {
            name,
            field: field.clone(),
            token: token.to_string(),
        })
    };
    match family {
        Family::X86 => {
            // `lm` (long mode) is the CPUID bit for x86-64; a 32-bit-only part lacks it.
            let flags = cpu.get("flags")?;
            if flags.value.split_whitespace().any(|t| t == "lm") {
                arch("x86_64", flags, "lm")
            } else {
                arch("i686", flags, "")
            }
        }
        Family::Arm => {
            // arm64 kernels print 8 (very old ones `AArch64`) for every 64-bit core, v9 too;
            // 32-bit kernels print 7 or less, even on a v8 core they run in AArch32.
            let field = cpu.get("CPU architecture")?;
            let v = field.value.as_str();
            if v.eq_ignore_ascii_case("aarch64") || v.parse::<u32>().is_ok_and(|n| n >= 8) {
                arch("aarch64", field, v)
            } else if v.parse::<u32>().is_ok() || v.starts_with(|c: char| c.is_ascii_digit()) {
                arch("arm", field, v)
            } else {
                None
            }
        }
        Family::RiscV => {
            let field = cpu.get("isa")?;
            let isa = field.value.to_ascii_lowercase();
            if isa.starts_with("rv64") {
                arch("riscv64", field, "rv64")
            } else if isa.starts_with("rv32") {
                arch("riscv32", field, "rv32")
            } else {
                None
            }
        }
        Family::LoongArch => {
            let field = cpu.get("isa")?;
            let token = field
                .value
                .split_whitespace()
                .find(|t| t.eq_ignore_ascii_case("loongarch64"))?;
            arch("loongarch64", field, token)
        }
    }
}

/// The distinct processors of a parsed cpuinfo, in order of first appearance.
///
/// Logical CPUs whose family cannot be told are left out; so are numbered blocks with no
/// identifying field, unless the file has exactly one distinct processor, which they then
/// belong to (old 32-bit Arm kernels listed `processor` lines apart from the one identity
/// block). When no block in the file has a `processor` number (some RISC-V kernels), CPUs are
/// numbered in file order.
pub fn distinct(info: &CpuInfo) -> Vec<Distinct> {
    let numbered = info.cpus.iter().any(|c| c.number.is_some());
    // Groups in order of first appearance, and an index by identity: a hostile file can hold
    // a hundred thousand blocks that all differ, and a linear search per block would make
    // that quadratic.
    let mut groups: Vec<Distinct> = Vec::new();
    let mut index_of: BTreeMap<Vec<(&'static str, String)>, usize> = BTreeMap::new();
    let mut anonymous: Vec<u32> = Vec::new();
    for (index, cpu) in info.cpus.iter().enumerate() {
        let number = if numbered {
            cpu.number
        } else {
            u32::try_from(index).ok()
        };
        let Some(family) = family_of(cpu) else {
            anonymous.extend(number);
            continue;
        };
        let architecture = architecture_of(family, cpu);
        let keys = match family {
            Family::X86 => X86_KEYS,
            Family::Arm => ARM_KEYS,
            Family::RiscV => RISCV_KEYS,
            Family::LoongArch => LOONGARCH_KEYS,
        };
        let mut identifiers = BTreeMap::new();
        for (name, candidates) in keys {
            if let Some(field) = candidates.iter().find_map(|k| cpu.get(k)) {
                identifiers.insert(*name, field.clone());
            }
        }
        // The identity: family, architecture and every identifier's value. vendor_id is
        // compared raw because its spacing is part of the CPUID string.
        let mut key: Vec<(&'static str, String)> = identifiers
            .iter()
            .map(|(name, f)| {
                (
                    *name,
                    if *name == "vendor_id" {
                        f.raw.clone()
                    } else {
                        f.value.clone()
                    },
                )
            })
            .collect();
        key.push(("family", format!("{family:?}")));
        key.push((
            "architecture",
            architecture.as_ref().map_or("", |a| a.name).to_string(),
        ));
        match index_of.get(&key) {
            Some(&i) => groups[i].logical_cpus.extend(number),
            None => {
                // Old-world LoongArch kernels print `system type` right above `processor : 0`,
                // with no blank line, so a "global" key can sit in the first CPU's block.
                for (name, key) in GLOBAL_KEYS {
                    if let Some(field) = cpu.get(key) {
                        identifiers.insert(name, field.clone());
                    }
                }
                let d = Distinct {
                    family,
                    architecture,
                    identifiers,
                    logical_cpus: number.into_iter().collect(),
                };
                index_of.insert(key, groups.len());
                groups.push(d);
            }
        }
    }
    let mut out = groups;
    if let [only] = out.as_mut_slice() {
        only.logical_cpus.extend(anonymous);
    }
    for d in &mut out {
        d.logical_cpus.sort_unstable();
        d.logical_cpus.dedup();
        for (name, key) in GLOBAL_KEYS {
            if let Some(field) = info.global(key) {
                d.identifiers.insert(name, field.clone());
            }
        }
    }
    out
}

/// Parses a cpuinfo number: `0x41` as hexadecimal (the kernel's format for implementer, part
/// and the RISC-V ids), anything else as decimal.
pub fn parse_number(value: &str) -> Option<u64> {
    let v = value.trim();
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::processor::parse_cpuinfo::cpuinfo;

    fn fixture(case: &str) -> String {
        let path = format!(
            "{}/testdata/{case}/proc/cpuinfo",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// One expected distinct processor: family, architecture, identifiers (name=value), CPUs.
    type Want = (
        Family,
        Option<&'static str>,
        Vec<(&'static str, &'static str)>,
        Vec<u32>,
    );

    fn check(name: &str, text: &str, want: Vec<Want>) {
        let got = distinct(&cpuinfo(text));
        assert_eq!(got.len(), want.len(), "{name}: {got:#?}");
        for (d, (family, arch, ids, cpus)) in got.iter().zip(want) {
            assert_eq!(d.family, family, "{name}");
            assert_eq!(d.architecture.as_ref().map(|a| a.name), arch, "{name}");
            for (id, value) in ids {
                let f = d
                    .get(id)
                    .unwrap_or_else(|| panic!("{name}: no {id} in {:?}", d.identifiers.keys()));
                let v = if id == "vendor_id" { &f.raw } else { &f.value };
                assert_eq!(v, value, "{name}: {id}");
            }
            assert_eq!(d.logical_cpus, cpus, "{name}");
        }
    }

    #[test]
    fn real_fixtures() {
        use Family::*;
        let table: Vec<(&str, Vec<Want>)> = vec![
            (
                "x86-amd-epyc-debian12",
                vec![(
                    X86,
                    Some("x86_64"),
                    vec![
                        ("vendor_id", "AuthenticAMD"),
                        ("model_name", "AMD EPYC"),
                        ("cpu_family", "26"),
                        ("cpu_model", "2"),
                    ],
                    vec![0, 1],
                )],
            ),
            (
                "x86-hygon-c86",
                vec![(
                    X86,
                    Some("x86_64"),
                    vec![
                        ("vendor_id", "HygonGenuine"),
                        ("model_name", "Hygon C86 3250  8-core Processor"),
                    ],
                    vec![0],
                )],
            ),
            (
                "x86-zhaoxin-kx-u6780a",
                vec![(
                    X86,
                    Some("x86_64"),
                    vec![("vendor_id", "CentaurHauls"), ("cpu_family", "7")],
                    vec![0],
                )],
            ),
            (
                "arm-rpi1-bcm2835",
                vec![(
                    Arm,
                    Some("arm"),
                    vec![
                        ("implementer", "0x41"),
                        ("part", "0xb76"),
                        ("hardware", "BCM2835"),
                        ("model_name", "ARMv6-compatible processor rev 7 (v6l)"),
                    ],
                    vec![0],
                )],
            ),
            (
                "arm-rpi3-bcm2835-aarch64",
                vec![(
                    Arm,
                    Some("aarch64"),
                    vec![
                        ("implementer", "0x41"),
                        ("part", "0xd03"),
                        ("hardware", "BCM2835"),
                    ],
                    vec![0, 1, 2, 3],
                )],
            ),
            (
                "arm-qualcomm-sdm450",
                vec![(
                    Arm,
                    Some("aarch64"),
                    vec![
                        ("part", "0xd03"),
                        ("hardware", "Qualcomm Technologies, Inc SDM450"),
                    ],
                    (0..8).collect(),
                )],
            ),
            (
                "arm-rk3588-biglittle",
                vec![
                    (
                        Arm,
                        Some("aarch64"),
                        vec![("implementer", "0x41"), ("part", "0xd05")],
                        vec![0, 1, 2, 3],
                    ),
                    (
                        Arm,
                        Some("aarch64"),
                        vec![("implementer", "0x41"), ("part", "0xd0b")],
                        vec![4, 5, 6, 7],
                    ),
                ],
            ),
            (
                "arm-server-phytium-ft2000plus",
                vec![(
                    Arm,
                    Some("aarch64"),
                    vec![("implementer", "0x70"), ("part", "0x662")],
                    (0..64).collect(),
                )],
            ),
            (
                "arm-server-graviton3",
                vec![(
                    Arm,
                    Some("aarch64"),
                    vec![("implementer", "0x41"), ("part", "0xd40")],
                    vec![0],
                )],
            ),
            (
                "riscv-visionfive2-jh7110",
                vec![(
                    RiscV,
                    Some("riscv64"),
                    vec![
                        ("mvendorid", "0x489"),
                        ("uarch", "sifive,u74-mc"),
                        ("marchid", "0x8000000000000007"),
                    ],
                    vec![0, 1, 2, 3],
                )],
            ),
            (
                "riscv-lpi4a-thead-c910",
                vec![(
                    RiscV,
                    Some("riscv64"),
                    vec![("mvendorid", "0x5b7"), ("uarch", "thead,c910")],
                    vec![0, 1, 2, 3],
                )],
            ),
            (
                "riscv-jh7100-no-mvendorid",
                vec![(
                    RiscV,
                    Some("riscv64"),
                    vec![("uarch", "sifive,u74-mc"), ("isa", "rv64imafdc")],
                    vec![0, 1],
                )],
            ),
            (
                "loongarch-3a5000",
                vec![(
                    LoongArch,
                    Some("loongarch64"),
                    vec![
                        ("model_name", "Loongson-3A5000-HV"),
                        ("cpu_family", "Loongson-64bit"),
                        ("system_type", "generic-loongson-machine"),
                    ],
                    vec![0, 1, 2, 3],
                )],
            ),
            (
                "loongarch-3a5000-oldworld",
                vec![(
                    LoongArch,
                    Some("loongarch64"),
                    vec![
                        ("model_name", "Loongson-3A5000-H"),
                        ("system_type", "generic-loongson-machine"),
                    ],
                    vec![0, 1, 2, 3],
                )],
            ),
        ];
        for (case, want) in table {
            check(case, &fixture(case), want);
        }
    }

    #[test]
    fn inline_cases() {
        use Family::*;
        let table: Vec<(&str, &str, Vec<Want>)> = vec![
            ("nothing", "", vec![]),
            ("unrecognised family (powerpc)", "processor\t: 0\ncpu\t\t: POWER9\nclock\t\t: 2300MHz\n", vec![]),
            ("x86 without flags has no architecture", "processor : 0\nvendor_id : GenuineIntel\n", vec![(X86, None, vec![], vec![0])]),
            ("x86 without lm is i686", "processor : 0\nvendor_id : GenuineIntel\nflags : fpu vme lmx\n", vec![(X86, Some("i686"), vec![], vec![0])]),
            ("zhaoxin spacing kept raw", "processor : 0\nvendor_id :   Shanghai  \nflags : lm\n", vec![(X86, Some("x86_64"), vec![("vendor_id", "  Shanghai  ")], vec![0])]),
            ("different vendor strings are different processors", "processor : 0\nvendor_id : A\n\nprocessor : 1\nvendor_id : B\n\nprocessor : 2\nvendor_id : A\n", vec![(X86, None, vec![("vendor_id", "A")], vec![0, 2]), (X86, None, vec![("vendor_id", "B")], vec![1])]),
            ("arm AArch64 spelling", "processor : 0\nCPU implementer : 0x41\nCPU architecture: AArch64\n", vec![(Arm, Some("aarch64"), vec![], vec![0])]),
            ("arm garbage architecture", "processor : 0\nCPU implementer : 0x41\nCPU architecture: ?\n", vec![(Arm, None, vec![], vec![0])]),
            ("arm v9 core still reports 8", "processor : 0\nCPU implementer : 0x41\nCPU architecture: 8\nCPU part : 0xd4f\n", vec![(Arm, Some("aarch64"), vec![("part", "0xd4f")], vec![0])]),
            (
                "old arm: processor lines apart from the identity",
                "Processor: ARMv7 Processory rev 0 (v71)\nprocessor: 0\nBogoMIPS: 13.50\n\nprocessor: 1\nBogoMIPS: 13.50\n\nFeatures: swp\nCPU implementer : 0x51\nCPU architecture: 7\nCPU part: 0x04d\n\nHardware: SAMSUNG M2\n",
                vec![(Arm, Some("arm"), vec![("implementer", "0x51"), ("hardware", "SAMSUNG M2")], vec![0, 1])],
            ),
            ("riscv numbered in file order when no processor lines", "hart : 0\nisa : rv64imafdc\n\nhart : 1\nisa : rv64imafdc\n", vec![(RiscV, Some("riscv64"), vec![], vec![0, 1])]),
            ("riscv32", "processor : 0\nisa : rv32imac\n", vec![(RiscV, Some("riscv32"), vec![], vec![0])]),
            ("riscv unknown isa", "processor : 0\nhart : 0\nisa : zz\n", vec![(RiscV, None, vec![], vec![0])]),
            ("loongarch without isa", "processor : 0\nModel Name : Loongson-3A6000\n", vec![(LoongArch, None, vec![("model_name", "Loongson-3A6000")], vec![0])]),
            ("duplicate processor numbers are listed once", "processor : 3\nvendor_id : A\n\nprocessor : 3\nvendor_id : A\n", vec![(X86, None, vec![], vec![3])]),
        ];
        for (name, text, want) in table {
            check(name, text, want);
        }
    }

    #[test]
    fn numbers() {
        let table = [
            ("0x41", Some(0x41)),
            ("0X5b7", Some(0x5b7)),
            ("0x8000000000000007", Some(0x8000_0000_0000_0007)),
            ("8", Some(8)),
            (" 0x48 ", Some(0x48)),
            ("0x", None),
            ("", None),
            ("0xzz", None),
            ("-1", None),
            ("0x1ffffffffffffffff", None),
        ];
        for (input, want) in table {
            assert_eq!(parse_number(input), want, "{input:?}");
        }
    }
}
