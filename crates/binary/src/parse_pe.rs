//! PE/COFF: reads the DOS and PE headers and the section table, then
//!
//! - the Rich header (MSVC compilers and linker, decoded with `kb:toolchain/msvc-rich-*.csv`),
//!   with the optional header's linker version as supporting evidence;
//! - the CLI header and metadata root (.NET assemblies);
//! - `.rdata` and `.comment`: GCC/clang/LLD/rustc idents as MinGW and LLVM toolchains leave them,
//!   the MinGW-w64 runtime's message, rustc panic paths;
//! - the first 64 KiB of `.data` for Go's build info (where `go version` looks too); without a
//!   version from it, Go's pclntab, found by its magic in `.rdata`, the runtime version string
//!   and the module text ([`crate::parse_go_pclntab`]);
//! - `.dep-v0` (cargo-auditable).
//!
//! The linker version alone (`2.x` from GNU ld, `14.0` from link.exe or lld-link) is never
//! turned into a detection. The section table is read here rather than by goblin, whose parser
//! resolves long section names through the COFF string table near the end of the file.

use crate::detections::{detection, file_evidence, Found};
use crate::parse_elf::{auditable, go};
use crate::parse_go_pclntab::{self, Layout, Region};
use crate::parse_rich_header::{self, Rich};
use crate::report::{BinaryReport, Component, Format, RichEntry};
use crate::scan_rodata::{self, Marks};
use crate::source::Source;
use crate::{parse_dotnet, parse_go_buildinfo, DetectOptions, Error};
use goblin::pe::header::{machine_to_str, CoffHeader};
use goblin::pe::optional_header::OptionalHeader;
use scroll::Pread;
use sovstack_inventory::{Confidence, Method};
use sovstack_kb::{Signature, ToolchainMarks};

const MAX_RDATA: u64 = 64 << 20;
const GO_DATA_PREFIX: u64 = 64 << 10;
/// Rich object kinds that come from a compiler (C, C++, LTCG, PGO, CIL variants).
const COMPILER_KINDS: &[&str] = &[
    "C", "CPP", "C++", "LTC", "LT+", "LTM", "PGO", "PG+", "POC", "PO+", "CIL", "CI+", "C S", "C+S",
    "C B", "C+B",
];

struct Section {
    name: String,
    virtual_size: u32,
    virtual_address: u32,
    raw_size: u32,
    raw_ptr: u32,
}

/// Detects a PE file's toolchains; `None` when the `MZ` file has no PE header (a DOS
/// program, or text that starts with "MZ").
pub(crate) fn detect(
    src: &Source<'_>,
    marks: &ToolchainMarks,
    options: &DetectOptions,
) -> Result<Option<BinaryReport>, Error> {
    // .rdata is always read: it is where PE toolchains keep their idents.
    let path = src.path();
    let bad = |e: goblin::error::Error| src.malformed(Format::Pe, e.to_string());
    let mut head = src.read_prefix(0, 4096, "PE headers")?.into_owned();
    let Some(pe_off) = head
        .get(0x3c..0x40)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()) as u64)
    else {
        return Ok(None);
    };
    let sig = src.read_prefix(pe_off, 4, "PE signature")?;
    if &*sig != b"PE\0\0" {
        return Ok(None);
    }
    let coff_bytes = src.read(pe_off + 4, 20, "COFF header")?;
    let coff = CoffHeader::parse(&coff_bytes, &mut 0).map_err(bad)?;
    let opt_at = pe_off + 24;
    let sect_at = opt_at + u64::from(coff.size_of_optional_header);
    let headers_end = sect_at + 40 * u64::from(coff.number_of_sections);
    if headers_end > head.len() as u64 {
        head = src.read(0, headers_end, "PE headers")?.into_owned();
    }
    let opt = if coff.size_of_optional_header > 0 {
        Some(
            head[opt_at as usize..sect_at as usize]
                .pread::<OptionalHeader>(0)
                .map_err(bad)?,
        )
    } else {
        None
    };
    let sections: Vec<Section> = head[sect_at as usize..headers_end as usize]
        .chunks_exact(40)
        .map(|s| {
            let d = |at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
            let name = s[..8].split(|&b| b == 0).next().unwrap_or_default();
            Section {
                name: String::from_utf8_lossy(name).into_owned(),
                virtual_size: d(8),
                virtual_address: d(12),
                raw_size: d(16),
                raw_ptr: d(20),
            }
        })
        .collect();

    let mut found = Found::new(marks);
    let mut rich_entries = Vec::new();
    let dos = &head[..(pe_off as usize).min(head.len())];
    match parse_rich_header::parse(dos) {
        Ok(Some(rich)) => {
            rich_entries = msvc(&rich, path, opt.as_ref().map(|o| (o, opt_at)), &mut found)
        }
        Ok(None) => {}
        Err(why) => found.unattributed.push(file_evidence(
            path,
            "Rich header".into(),
            why,
            Method::FileField,
            Confidence::Low,
        )),
    }
    if let (Some(opt), false) = (&opt, found.has(Component::Linker, "msvc")) {
        let v = format!(
            "{}.{}",
            opt.standard_fields.major_linker_version, opt.standard_fields.minor_linker_version
        );
        found.unattributed.push(linker_version_evidence(
            path,
            opt_at,
            v,
            found.signature("pe-linker-version"),
        ));
    }

    if let Some(clr) = opt
        .as_ref()
        .and_then(|o| o.data_directories.get_clr_runtime_header())
    {
        if clr.virtual_address != 0 {
            dotnet(src, &sections, clr.virtual_address, &mut found)?;
        }
    }

    let mut rdata = None;
    for s in &sections {
        let (at, size) = (u64::from(s.raw_ptr), u64::from(s.raw_size));
        let field_base = s.name.as_str();
        match s.name.as_str() {
            ".rdata" | ".comment" => {
                let data = src.read(at, size.min(MAX_RDATA), "read-only data")?;
                let marks = Marks {
                    rust: true,
                    fpc: true,
                    mingw: true,
                    idents: true,
                };
                scan_rodata::scan(&data, at, field_base, path, marks, &mut found);
                if s.name == ".rdata" && rdata.is_none() {
                    rdata = Some((s, data));
                }
            }
            ".data" => {
                let data = src.read(at, size.min(GO_DATA_PREFIX), ".data")?;
                if let Some(i) = parse_go_buildinfo::find(&data) {
                    go(
                        &data[i..],
                        path,
                        format!(".data @ {:#x}", at + i as u64),
                        &mut found,
                    );
                }
            }
            ".dep-v0" => {
                let data = src.read(at, size.min(8 << 20), ".dep-v0")?;
                auditable(&data, path, format!(".dep-v0 @ {at:#x}"), &mut found);
            }
            _ => {}
        }
    }

    // Go without a build-info version: its pclntab lies inside `.rdata`, found by its magic
    // in the bytes already read; the version string's header is in `.data`.
    if let (Some((s, data)), false) = (&rdata, found.has_version(Component::Compiler, "go")) {
        let image_base = opt.as_ref().map_or(0, |o| o.windows_fields.image_base);
        let region = |s: &Section, bytes| Region {
            name: s.name.clone(),
            offset: u64::from(s.raw_ptr),
            vaddr: image_base.wrapping_add(u64::from(s.virtual_address)),
            size: u64::from(s.raw_size),
            bytes,
        };
        let rdata = region(s, Some(&data[..]));
        let layout = Layout {
            named: None,
            search: vec![rdata.clone()],
            rodata: vec![rdata],
            data: sections
                .iter()
                .filter(|s| s.name == ".data")
                .map(|s| region(s, None))
                .collect(),
        };
        parse_go_pclntab::detect(src, &layout, options, &mut found)?;
    }

    let (detections, unattributed) = found.finish();
    Ok(Some(BinaryReport {
        format: Format::Pe,
        arches: vec![machine_to_str(coff.machine).to_string()],
        detections,
        platforms: vec![],
        rich: rich_entries,
        unattributed,
    }))
}

fn linker_version_evidence(
    path: &str,
    at: u64,
    v: String,
    sig: &Signature,
) -> sovstack_inventory::Evidence {
    file_evidence(
        path,
        format!(
            "optional header MajorLinkerVersion.MinorLinkerVersion @ {:#x}",
            at + 2
        ),
        v,
        Method::FileField,
        sig.confidence,
    )
}

/// Decodes the Rich entries, adds the MSVC compiler (one per Visual Studio product seen) and
/// linker detections, and returns the entries for the report.
fn msvc(
    rich: &Rich,
    path: &str,
    opt: Option<(&OptionalHeader, u64)>,
    found: &mut Found,
) -> Vec<RichEntry> {
    let t = found.marks();
    let mut local = Found::new(t);
    let sig = local.signature("msvc-rich");
    let linker_version = local.signature("pe-linker-version");
    let mut entries = Vec::new();
    // (component, product label) → (build, entry index) of the newest build seen.
    let mut newest: Vec<(Component, String, u16, usize)> = Vec::new();
    for (i, &(comp_id, count, at)) in rich.entries.iter().enumerate() {
        let (prod_id, build) = ((comp_id >> 16) as u16, comp_id as u16);
        let prod = t.rich_product(prod_id);
        let comp = t.rich_build(comp_id);
        entries.push(RichEntry {
            prod_id,
            build,
            count,
            tool: prod.map(|p| p.tool.clone()),
            kind: prod.map(|p| p.kind.clone()),
            release: comp.map(|c| c.description.clone()),
        });
        let Some(prod) = prod else {
            local.unattributed.push(file_evidence(
                path,
                format!("Rich header @ {at:#x}"),
                format!("unknown comp.id {comp_id:#010x} x{count}"),
                Method::FileField,
                Confidence::High,
            ));
            continue;
        };
        let component = if prod.kind == "LNK" {
            Component::Linker
        } else if COMPILER_KINDS.contains(&prod.kind.as_str()) {
            Component::Compiler
        } else {
            continue;
        };
        let confidence = comp.map_or(Confidence::Medium, |c| c.confidence());
        let value = format!(
            "comp.id {comp_id:#010x} = {} build {build}, {count} objects",
            prod.tool
        );
        let mut ev = vec![
            file_evidence(
                path,
                format!("Rich header @ {at:#x}"),
                value,
                Method::KbLookup,
                confidence,
            ),
            sig.evidence(),
            prod.evidence(),
        ];
        if let Some(c) = comp {
            ev.push(c.evidence());
        }
        let d = detection(component, "msvc", Some(prod.visual_studio.clone()), ev);
        match newest
            .iter_mut()
            .find(|n| n.0 == component && n.1 == prod.visual_studio)
        {
            Some(n) if n.2 < build => (n.2, n.3) = (build, i),
            Some(_) => {}
            None => newest.push((component, prod.visual_studio.clone(), build, i)),
        }
        local.add(d);
    }
    // Name the newest build of each product in its detail: that is the release that built it.
    let (mut dets, un) = local.finish();
    for d in dets.iter_mut().filter(|d| d.toolchain == "msvc") {
        if let Some(n) = newest
            .iter()
            .find(|n| n.0 == d.component && Some(&n.1) == d.version.as_ref())
        {
            let e = &entries[n.3];
            d.detail = Some(match &e.release {
                Some(r) => r.clone(),
                None => format!("{} build {}", e.tool.as_deref().unwrap_or("?"), e.build),
            });
            if d.component == Component::Linker {
                if let Some((opt, opt_at)) = opt {
                    let v = format!(
                        "{}.{}",
                        opt.standard_fields.major_linker_version,
                        opt.standard_fields.minor_linker_version
                    );
                    d.evidence
                        .push(linker_version_evidence(path, opt_at, v, linker_version));
                }
            }
        }
    }
    found.unattributed.extend(un);
    for d in dets {
        found.add(d);
    }
    entries
}

fn rva_to_offset(sections: &[Section], rva: u32) -> Option<u64> {
    sections.iter().find_map(|s| {
        let span = s.virtual_size.max(s.raw_size);
        (rva >= s.virtual_address && rva - s.virtual_address < span)
            .then(|| u64::from(s.raw_ptr) + u64::from(rva - s.virtual_address))
    })
}

fn dotnet(
    src: &Source<'_>,
    sections: &[Section],
    cli_rva: u32,
    found: &mut Found,
) -> Result<(), Error> {
    let path = src.path();
    let sig = found.signature("dotnet-clr");
    let bad = |m: &str| src.malformed(Format::Pe, m.to_string());
    let cli_at =
        rva_to_offset(sections, cli_rva).ok_or_else(|| bad("CLI header outside every section"))?;
    let cli = src.read(cli_at, 72, "CLI header")?;
    let (md_rva, _) =
        parse_dotnet::metadata_dir(&cli).ok_or_else(|| bad("CLI header truncated"))?;
    let md_at =
        rva_to_offset(sections, md_rva).ok_or_else(|| bad("metadata outside every section"))?;
    let root = src.read_prefix(md_at, 16 + 256, "metadata root")?;
    let version = parse_dotnet::runtime_version(&root).map_err(bad)?;
    let ev = vec![
        file_evidence(
            path,
            format!("CLI metadata root @ {md_at:#x}"),
            version.as_str(),
            Method::FileField,
            sig.confidence,
        ),
        sig.evidence(),
    ];
    found.add(detection(Component::Runtime, "dotnet", Some(version), ev));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_dotnet::tests::root;
    use crate::parse_rich_header::tests::dos_with_rich;

    /// A minimal PE32 image: a Rich header (VS2010 linker and C compiler), one section holding a
    /// CLI header and a .NET metadata root, and MinGW-style idents in `.rdata`.
    fn pe(with_cli: bool) -> Vec<u8> {
        let mut b = dos_with_rich(0x1234_5678, &[(0x009d_9d1b, 1), (0x00aa_9d1b, 12)]);
        b.resize(0x100, 0);
        b[0x3c..0x40].copy_from_slice(&0x100u32.to_le_bytes());
        b.extend(b"PE\0\0");
        let mut coff = vec![0u8; 20];
        coff[0..2].copy_from_slice(&0x14cu16.to_le_bytes());
        coff[2..4].copy_from_slice(&2u16.to_le_bytes());
        coff[16..18].copy_from_slice(&0xe0u16.to_le_bytes());
        b.extend(coff);
        let mut opt = vec![0u8; 0xe0];
        opt[0..2].copy_from_slice(&0x10bu16.to_le_bytes());
        (opt[2], opt[3]) = (10, 0);
        opt[92..96].copy_from_slice(&16u32.to_le_bytes());
        if with_cli {
            opt[96 + 14 * 8..96 + 14 * 8 + 4].copy_from_slice(&0x2000u32.to_le_bytes());
            opt[96 + 14 * 8 + 4..96 + 15 * 8].copy_from_slice(&72u32.to_le_bytes());
        }
        b.extend(opt);
        for (name, va, ptr) in [
            (b".text\0\0\0", 0x2000u32, 0x400u32),
            (b".rdata\0\0", 0x3000, 0x600),
        ] {
            let mut s = vec![0u8; 40];
            s[..8].copy_from_slice(name);
            s[8..12].copy_from_slice(&0x200u32.to_le_bytes());
            s[12..16].copy_from_slice(&va.to_le_bytes());
            s[16..20].copy_from_slice(&0x200u32.to_le_bytes());
            s[20..24].copy_from_slice(&ptr.to_le_bytes());
            b.extend(s);
        }
        b.resize(0x800, 0);
        let mut cli = vec![0u8; 72];
        cli[0..4].copy_from_slice(&72u32.to_le_bytes());
        cli[8..12].copy_from_slice(&0x2050u32.to_le_bytes());
        cli[12..16].copy_from_slice(&0x100u32.to_le_bytes());
        b[0x400..0x448].copy_from_slice(&cli);
        let r = root("v4.0.30319");
        b[0x450..0x450 + r.len()].copy_from_slice(&r);
        let idents = b"\0GCC: (GNU) 13.2.0\0\0\0Mingw-w64 runtime failure:\n\0";
        b[0x610..0x610 + idents.len()].copy_from_slice(idents);
        b
    }

    #[test]
    fn synthetic_pe_with_rich_dotnet_and_mingw_marks() {
        let b = pe(true);
        let r = crate::detect_bytes(crate::test_marks(), &b, "/a.exe")
            .unwrap()
            .unwrap();
        assert_eq!(r.format, Format::Pe);
        assert_eq!(r.arches, vec!["X86"]);
        let got: Vec<_> = r
            .detections
            .iter()
            .map(|d| (d.component, d.toolchain.as_str(), d.version.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Component::Compiler, "gcc", Some("13.2.0")),
                (Component::Compiler, "msvc", Some("VS2010 (10.0)")),
                (Component::Linker, "msvc", Some("VS2010 (10.0)")),
                (Component::Runtime, "dotnet", Some("v4.0.30319")),
                (Component::Runtime, "mingw-w64", None),
            ]
        );
        let linker = &r.detections[2];
        assert_eq!(linker.detail.as_deref(), Some("VS2010 SP1 build 40219"));
        assert!(linker
            .evidence
            .iter()
            .any(|e| e.value.as_deref() == Some("10.0")));
        assert_eq!(r.rich.len(), 2);
        assert_eq!(r.rich[1].tool.as_deref(), Some("Utc1600_C"));
    }

    #[test]
    fn broken_pe_structures_are_errors_or_not_pe() {
        let b = pe(true);
        // CLI header pointing outside every section.
        let mut bad = b.clone();
        let dd = 0x118 + 96 + 14 * 8;
        bad[dd..dd + 4].copy_from_slice(&0x9000u32.to_le_bytes());
        assert!(matches!(
            crate::detect_bytes(crate::test_marks(), &bad, "/a.exe"),
            Err(Error::Malformed { .. })
        ));
        // Section table cut off by the end of the file.
        assert!(matches!(
            crate::detect_bytes(crate::test_marks(), &b[..0x180], "/a.exe"),
            Err(Error::Truncated { .. })
        ));
        // No PE signature: a DOS program.
        let mut dos = b.clone();
        dos[0x100] = b'X';
        assert!(crate::detect_bytes(crate::test_marks(), &dos, "/a.exe")
            .unwrap()
            .is_none());
        // Without a Rich header the linker version is kept, unattributed.
        let mut plain = pe(false);
        plain[0x80..0x100].fill(0);
        let r = crate::detect_bytes(crate::test_marks(), &plain, "/a.exe")
            .unwrap()
            .unwrap();
        assert!(r.of(Component::Linker).next().is_none());
        assert!(r
            .unattributed
            .iter()
            .any(|e| e.value.as_deref() == Some("10.0")));
    }
}
