//! The syntax of `/proc/cpuinfo`: `key : value` lines in blank-line-separated blocks.
//!
//! The kernel's format differs by architecture and age, and captured copies differ again
//! (tabs turned into spaces, keys in another case), so this parser is deliberately loose:
//!
//! - the key is everything before the first `:`, with tabs and spaces trimmed (x86 pads with
//!   tabs, `CPU architecture:` has none, LoongArch pads with several tabs);
//! - the raw value is everything after the `:` minus the one space the kernel prints there;
//!   it keeps any other spacing, because some values are exact byte strings (the Zhaoxin CPUID
//!   vendor `"  Shanghai  "`);
//! - a numeric `processor` line starts a logical CPU, even inside a block (32-bit Arm kernels
//!   before 3.8 listed several `processor` lines in one block);
//! - blocks that carry neither a processor number nor an identifying key are global: the Arm
//!   trailing `Hardware`/`Revision`/`Serial` block, LoongArch's leading `system type`, the
//!   Android `Processor : AArch64 Processor rev 4 (aarch64)` header;
//! - lines without a `:` are recorded as malformed and skipped.
//!
//! What the fields mean (which CPUs are the same, which architecture) is left to
//! `identify.rs`; attribution to organisations is left to the collector.

/// One `key : value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The key as written, trimmed (`vendor_id`, `CPU implementer`).
    pub key: String,
    /// The value after the separator, with surrounding whitespace trimmed.
    pub value: String,
    /// The value exactly as written after `: ` (one space removed), for values that are byte
    /// strings.
    pub raw: String,
    /// 1-based line number.
    pub line: u32,
}

/// One logical CPU's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogicalCpu {
    /// The `processor` number, when the block has one.
    pub number: Option<u32>,
    /// The fields, in file order (the `processor` line included).
    pub fields: Vec<Field>,
}

/// A parsed `/proc/cpuinfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpuInfo {
    /// Logical CPUs in file order.
    pub cpus: Vec<LogicalCpu>,
    /// Fields of blocks that describe no single CPU (`Hardware`, `system type`), in file order.
    pub globals: Vec<Field>,
    /// Line numbers of lines that are not `key : value`.
    pub malformed_lines: Vec<u32>,
}

/// Keys whose presence makes a block describe a CPU even without a `processor` line
/// (lower case; keys are compared case-insensitively).
const IDENTIFYING_KEYS: &[&str] = &[
    "vendor_id",
    "cpu implementer",
    "cpu part",
    "mvendorid",
    "marchid",
    "isa",
    "uarch",
    "hart",
    "cpu family",
    "model name",
];

impl LogicalCpu {
    /// The first field with this key, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&Field> {
        find(&self.fields, key)
    }

    fn is_cpu(&self) -> bool {
        self.number.is_some()
            || self
                .fields
                .iter()
                .any(|f| IDENTIFYING_KEYS.contains(&f.key.to_ascii_lowercase().as_str()))
    }
}

impl CpuInfo {
    /// The first global field with this key, compared case-insensitively.
    pub fn global(&self, key: &str) -> Option<&Field> {
        find(&self.globals, key)
    }
}

fn find<'a>(fields: &'a [Field], key: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.key.eq_ignore_ascii_case(key))
}

/// Parses `/proc/cpuinfo` text. Never fails: what it cannot read it records in
/// [`CpuInfo::malformed_lines`].
pub fn cpuinfo(text: &str) -> CpuInfo {
    let mut info = CpuInfo::default();
    // The logical CPUs of the current block, and whether the block has started any.
    let mut block: Vec<LogicalCpu> = vec![LogicalCpu::default()];
    for (index, line) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            close_block(&mut info, &mut block);
            continue;
        }
        let Some((key, rest)) = line.split_once(':') else {
            info.malformed_lines.push(line_no);
            continue;
        };
        let key = key.trim_matches(|c| c == ' ' || c == '\t');
        if key.is_empty() {
            info.malformed_lines.push(line_no);
            continue;
        }
        let raw = rest.strip_prefix(' ').unwrap_or(rest);
        let field = Field {
            key: key.to_string(),
            value: raw.trim().to_string(),
            raw: raw.to_string(),
            line: line_no,
        };
        let number = if key.eq_ignore_ascii_case("processor") {
            field.value.parse::<u32>().ok()
        } else {
            None
        };
        let current = block.last_mut().expect("a block always has a current CPU");
        if number.is_some() && current.number.is_some() {
            block.push(LogicalCpu {
                number,
                fields: vec![field],
            });
        } else {
            if number.is_some() {
                current.number = number;
            }
            current.fields.push(field);
        }
    }
    close_block(&mut info, &mut block);
    info
}

fn close_block(info: &mut CpuInfo, block: &mut Vec<LogicalCpu>) {
    for cpu in block.drain(..) {
        if cpu.is_cpu() {
            info.cpus.push(cpu);
        } else {
            info.globals.extend(cpu.fields);
        }
    }
    block.push(LogicalCpu::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, input, logical CPU numbers, global keys, malformed lines)
    type Case = (
        &'static str,
        &'static str,
        Vec<Option<u32>>,
        Vec<&'static str>,
        Vec<u32>,
    );

    #[test]
    fn blocks_cpus_and_globals() {
        let cases: Vec<Case> = vec![
            ("empty", "", vec![], vec![], vec![]),
            ("only blank lines", "\n\n \n\t\n", vec![], vec![], vec![]),
            (
                "x86 two cpus",
                "processor\t: 0\nvendor_id\t: GenuineIntel\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n",
                vec![Some(0), Some(1)],
                vec![],
                vec![],
            ),
            (
                "arm trailing hardware block",
                "processor\t: 0\nCPU implementer\t: 0x41\n\nHardware\t: BCM2835\nRevision\t: 000e\n",
                vec![Some(0)],
                vec!["Hardware", "Revision"],
                vec![],
            ),
            (
                "android header block",
                "Processor\t: AArch64 Processor rev 4 (aarch64)\n\nprocessor\t: 0\nCPU part\t: 0xd03\n",
                vec![Some(0)],
                vec!["Processor"],
                vec![],
            ),
            (
                "old arm: several processor lines in one block, identity in the next",
                "Processor: ARMv7 Processory rev 0 (v71)\nprocessor: 0\nBogoMIPS: 13.50\n\nProcessor: 1\nBogoMIPS: 13.50\n\nFeatures: swp\nCPU implementer : 0x51\n\nHardware: SAMSUNG M2\n",
                vec![Some(0), Some(1), None],
                vec!["Hardware"],
                vec![],
            ),
            (
                "riscv without processor lines",
                "\nhart\t: 0\nisa\t: rv64i\n\nhart\t: 1\nisa\t: rv64i",
                vec![None, None],
                vec![],
                vec![],
            ),
            (
                "no blank line between cpus",
                "processor : 0\nvendor_id : X\nprocessor : 1\nvendor_id : X\n",
                vec![Some(0), Some(1)],
                vec![],
                vec![],
            ),
            (
                "loongarch leading system type",
                "system type\t\t: generic-loongson-machine\n\nprocessor\t\t: 0\nCPU Family\t\t: Loongson-64bit\n",
                vec![Some(0)],
                vec!["system type"],
                vec![],
            ),
            (
                "malformed lines are skipped and counted",
                "processor : 0\ngarbage without colon\n: value without key\nvendor_id : X\n",
                vec![Some(0)],
                vec![],
                vec![2, 3],
            ),
            ("non-numeric processor is not a number", "processor : zero\nflags : x\n", vec![], vec!["processor", "flags"], vec![]),
            ("huge processor number is not a number", "processor : 99999999999\nvendor_id : X\n", vec![None], vec![], vec![]),
            ("crlf line ends", "processor\t: 0\r\nvendor_id\t: X\r\n\r\nHardware : Y\r\n", vec![Some(0)], vec!["Hardware"], vec![]),
        ];
        for (name, input, numbers, globals, malformed) in cases {
            let info = cpuinfo(input);
            let got: Vec<_> = info.cpus.iter().map(|c| c.number).collect();
            assert_eq!(got, numbers, "{name}: cpus");
            let got: Vec<_> = info.globals.iter().map(|f| f.key.as_str()).collect();
            assert_eq!(got, globals, "{name}: globals");
            assert_eq!(info.malformed_lines, malformed, "{name}: malformed");
        }
    }

    #[test]
    fn keys_values_and_raw_values() {
        let info = cpuinfo("processor\t: 0\nvendor_id\t:   Shanghai  \nCPU architecture: 8\nFeatures\t: half thumb tls \nmodel name      : ZHAOXIN KaiXian\npower management:\nflags\t\t:\n");
        let cpu = &info.cpus[0];
        let f = cpu.get("vendor_id").unwrap();
        assert_eq!(
            (f.value.as_str(), f.raw.as_str(), f.line),
            ("Shanghai", "  Shanghai  ", 2)
        );
        assert_eq!(cpu.get("cpu architecture").unwrap().value, "8");
        assert_eq!(cpu.get("CPU ARCHITECTURE").unwrap().key, "CPU architecture");
        assert_eq!(cpu.get("features").unwrap().raw, "half thumb tls ");
        assert_eq!(cpu.get("model name").unwrap().value, "ZHAOXIN KaiXian");
        assert_eq!(cpu.get("power management").unwrap().value, "");
        assert_eq!(cpu.get("flags").unwrap().value, "");
        // A value may itself contain colons; only the first one separates.
        let info = cpuinfo("processor : 0\nHardware Watchpoint\t: yes, iwatch count: 8\n");
        assert_eq!(
            info.cpus[0].get("hardware watchpoint").unwrap().value,
            "yes, iwatch count: 8"
        );
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        let inputs: &[&[u8]] = &[
            b"\x00\x01\x02:\xff\xfe\n\n:::\n\x7fELF\x02\x01\x01",
            b"processor : 0\n\xc3\x28 : \xa0\xa1\n",
            b"\n\n\n:",
            b"processor:",
            b"processor :4294967295\nprocessor : 4294967295\n",
        ];
        for input in inputs {
            let text = String::from_utf8_lossy(input);
            let _ = cpuinfo(&text);
        }
    }
}
