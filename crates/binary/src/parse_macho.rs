//! Mach-O, single-architecture or fat (universal): for each slice, the header and load
//! commands, then
//!
//! - `LC_BUILD_VERSION`: the platform, minimum OS and SDK, and the tools that built the slice
//!   (clang, swift, ld, lld; ids in `kb:toolchain/macho-build-tools.csv`), or the older
//!   `LC_VERSION_MIN_*` (platform only);
//! - `__go_buildinfo` (or the start of `__DATA,__data`): Go; without a version from it, Go's
//!   `__gopclntab`, runtime version string and module text ([`crate::parse_go_pclntab`]);
//! - `__swift5_*` sections: Swift; `.dep-v0`: cargo-auditable;
//! - `__TEXT,__const` / `__cstring` (optional): rustc panic paths.
//!
//! Tool id 1 is "clang" for Apple's and upstream builds alike; Apple numbers its clang after
//! Xcode's LLVM branch (`1500.1.0`) while upstream uses its release (`17.0.6`), so a major
//! version of 100 or more is read as Apple clang. Segment data is never read whole.

use crate::detections::{detection, file_evidence, Found};
use crate::parse_elf::{auditable, go};
use crate::parse_go_pclntab::{self, Layout, Region};
use crate::report::{BinaryReport, Component, Format, Platform};
use crate::scan_rodata::{self, Marks};
use crate::source::Source;
use crate::{parse_go_buildinfo, DetectOptions, Error};
use goblin::mach::constants::cputype::get_arch_name_from_types;
use goblin::mach::header::Header;
use goblin::mach::load_command::{CommandVariant, LoadCommand, Section32, Section64};
use scroll::Pread;
use sovstack_inventory::{Confidence, Method};
use sovstack_kb::ToolchainMarks;

/// The prefix of Swift's metadata sections (`swift-sections`).
pub(crate) const SWIFT_SECTIONS: &str = "__swift5_";
const MAX_CMDS: u64 = 16 << 20;
const MAX_RODATA: u64 = 64 << 20;
const LC_BUILD_VERSION_SIZE: usize = 24;

pub(crate) fn detect(
    src: &Source<'_>,
    format: Format,
    marks: &ToolchainMarks,
    options: &DetectOptions,
) -> Result<BinaryReport, Error> {
    let mut found = Found::new(marks);
    let mut arches = Vec::new();
    let mut platforms = Vec::new();
    if format == Format::MachOFat {
        let head = src.read(0, 8, "fat header")?;
        let magic64 = head[3] == 0xbf;
        let n = u32::from_be_bytes(head[4..8].try_into().unwrap_or_default()) as u64;
        let entry = if magic64 { 32 } else { 20 };
        let table = src.read(8, n * entry, "fat architectures")?;
        for e in table.chunks_exact(entry as usize) {
            let be = |at: usize| u32::from_be_bytes(e[at..at + 4].try_into().unwrap_or_default());
            let offset = if magic64 {
                u64::from(be(8)) << 32 | u64::from(be(12))
            } else {
                u64::from(be(8))
            };
            slice(
                src,
                offset,
                options,
                &mut found,
                &mut arches,
                &mut platforms,
            )?;
        }
    } else {
        slice(src, 0, options, &mut found, &mut arches, &mut platforms)?;
    }
    let (detections, unattributed) = found.finish();
    Ok(BinaryReport {
        format,
        arches,
        detections,
        platforms,
        rich: vec![],
        unattributed,
    })
}

fn name16(b: &[u8; 16]) -> String {
    String::from_utf8_lossy(b.split(|&c| c == 0).next().unwrap_or_default()).into_owned()
}

/// `xxxx.yy.zz` nibble-packed versions (minimum OS, SDK, tool versions).
fn packed(v: u32) -> String {
    format!("{}.{}.{}", v >> 16, (v >> 8) & 0xff, v & 0xff)
}

struct Sect {
    seg: String,
    name: String,
    offset: u64,
    addr: u64,
    size: u64,
}

/// Sections only Go's linker writes.
const GO_SECTIONS: &[&str] = &[
    "__gopclntab",
    "__go_buildinfo",
    "__gosymtab",
    "__noptrdata",
    "__typelink",
    "__itablink",
];

/// Where a Go slice keeps its pclntab (`__gopclntab`, or found by its magic in `__rodata`),
/// strings (`__rodata`, in `__TEXT` and in `__DATA_CONST`) and string headers (`__data`,
/// `__noptrdata`); `None` for a slice with no Go section.
fn go_layout<'a>(base: u64, arch: &str, sects: &[Sect]) -> Option<Layout<'a>> {
    let in_file = |s: &&Sect| s.offset != 0 && s.size != 0;
    if !sects.iter().any(|s| GO_SECTIONS.contains(&s.name.as_str())) {
        return None;
    }
    let region = |s: &Sect| Region {
        name: format!("{arch}: {},{}", s.seg, s.name),
        offset: base + s.offset,
        vaddr: s.addr,
        size: s.size,
        bytes: None,
    };
    let of = |names: &[&str]| -> Vec<Region<'a>> {
        sects
            .iter()
            .filter(in_file)
            .filter(|s| names.contains(&s.name.as_str()))
            .map(region)
            .collect()
    };
    let named = of(&["__gopclntab"]).into_iter().next();
    let rodata = of(&["__rodata"]);
    Some(Layout {
        search: if named.is_some() {
            vec![]
        } else {
            rodata.clone()
        },
        named,
        rodata,
        data: of(&["__data", "__noptrdata"]),
    })
}

fn slice(
    src: &Source<'_>,
    base: u64,
    options: &DetectOptions,
    found: &mut Found,
    arches: &mut Vec<String>,
    platforms: &mut Vec<Platform>,
) -> Result<(), Error> {
    let path = src.path();
    let marks = found.marks();
    let bad = |e: goblin::error::Error| src.malformed(Format::MachO, e.to_string());
    let head = src.read(
        base,
        32.min(src.len().saturating_sub(base)),
        "Mach-O header",
    )?;
    let (_, ctx) = goblin::mach::parse_magic_and_ctx(&head, 0).map_err(bad)?;
    // An archive (static library) inside a fat file is not a linked binary.
    let Some(ctx) = ctx else { return Ok(()) };
    let header: Header = head.pread_with(0, ctx).map_err(bad)?;
    let arch = get_arch_name_from_types(header.cputype(), header.cpusubtype())
        .unwrap_or("unknown")
        .to_string();
    arches.push(arch.clone());
    let hsize = if ctx.is_big() { 32 } else { 28 };
    if u64::from(header.sizeofcmds) > MAX_CMDS {
        return Err(src.malformed(
            Format::MachO,
            format!("{} bytes of load commands", header.sizeofcmds),
        ));
    }
    let cmds = src.read(base + hsize, u64::from(header.sizeofcmds), "load commands")?;
    let mut sects = Vec::new();
    let mut off = 0usize;
    for _ in 0..header.ncmds {
        if off + 8 > cmds.len() {
            return Err(src.malformed(Format::MachO, "load commands run past sizeofcmds"));
        }
        let cmdsize = cmds
            .pread_with::<u32>(off + 4, ctx.le)
            .map_err(|e: scroll::Error| bad(e.into()))? as usize;
        if cmdsize < 8 || off + cmdsize > cmds.len() {
            return Err(src.malformed(
                Format::MachO,
                format!("load command size {cmdsize} at {off:#x}"),
            ));
        }
        let at = base + hsize + off as u64;
        let lc =
            LoadCommand::parse(&cmds[..off + cmdsize], &mut off.clone(), ctx.le).map_err(bad)?;
        let body = &cmds[off..off + cmdsize];
        match lc.command {
            CommandVariant::BuildVersion(bv) => {
                build_version(
                    marks,
                    &arch,
                    bv.platform,
                    bv.minos,
                    bv.sdk,
                    at,
                    path,
                    platforms,
                );
                let tools = body.get(LC_BUILD_VERSION_SIZE..).unwrap_or_default();
                for (i, t) in tools.chunks_exact(8).take(bv.ntools as usize).enumerate() {
                    let id = t.pread_with::<u32>(0, ctx.le).unwrap_or(0);
                    let v = t.pread_with::<u32>(4, ctx.le).unwrap_or(0);
                    let field = format!(
                        "{arch}: LC_BUILD_VERSION tool @ {:#x}",
                        at + (LC_BUILD_VERSION_SIZE + 8 * i) as u64
                    );
                    tool(id, v, field, path, found);
                }
            }
            CommandVariant::VersionMinMacosx(v) => {
                build_version(marks, &arch, 1, v.version, v.sdk, at, path, platforms)
            }
            CommandVariant::VersionMinIphoneos(v) => {
                build_version(marks, &arch, 2, v.version, v.sdk, at, path, platforms)
            }
            CommandVariant::VersionMinTvos(v) => {
                build_version(marks, &arch, 3, v.version, v.sdk, at, path, platforms)
            }
            CommandVariant::VersionMinWatchos(v) => {
                build_version(marks, &arch, 4, v.version, v.sdk, at, path, platforms)
            }
            CommandVariant::Segment64(s) => {
                for raw in body
                    .get(72..)
                    .unwrap_or_default()
                    .chunks_exact(80)
                    .take(s.nsects as usize)
                {
                    let s: Section64 = raw
                        .pread_with(0, ctx.le)
                        .map_err(|e: scroll::Error| bad(e.into()))?;
                    sects.push(Sect {
                        seg: name16(&s.segname),
                        name: name16(&s.sectname),
                        offset: u64::from(s.offset),
                        addr: s.addr,
                        size: s.size,
                    });
                }
            }
            CommandVariant::Segment32(s) => {
                for raw in body
                    .get(56..)
                    .unwrap_or_default()
                    .chunks_exact(68)
                    .take(s.nsects as usize)
                {
                    let s: Section32 = raw
                        .pread_with(0, ctx.le)
                        .map_err(|e: scroll::Error| bad(e.into()))?;
                    sects.push(Sect {
                        seg: name16(&s.segname),
                        name: name16(&s.sectname),
                        offset: u64::from(s.offset),
                        addr: u64::from(s.addr),
                        size: u64::from(s.size),
                    });
                }
            }
            _ => {}
        }
        off += cmdsize;
    }
    sections(src, base, &arch, &sects, options, found)
}

fn sections(
    src: &Source<'_>,
    base: u64,
    arch: &str,
    sects: &[Sect],
    options: &DetectOptions,
    found: &mut Found,
) -> Result<(), Error> {
    let path = src.path();
    // Zero-fill sections (__bss) have offset 0 and nothing in the file.
    let in_file = |s: &&Sect| s.offset != 0 && s.size != 0;
    let field = |s: &Sect, at: u64| format!("{arch}: {},{} @ {at:#x}", s.seg, s.name);
    let go_sect = sects
        .iter()
        .filter(in_file)
        .find(|s| s.name == "__go_buildinfo")
        .or_else(|| {
            sects
                .iter()
                .filter(in_file)
                .find(|s| s.seg == "__DATA" && s.name == "__data")
        });
    if let Some(s) = go_sect {
        let at = base + s.offset;
        let limit = if s.name == "__go_buildinfo" {
            8 << 20
        } else {
            64 << 10
        };
        let data = src.read(at, s.size.min(limit), "Go build info")?;
        if let Some(i) = parse_go_buildinfo::find(&data) {
            go(&data[i..], path, field(s, at + i as u64), found);
        }
    }
    if !found.has_version(Component::Compiler, "go") {
        if let Some(layout) = go_layout(base, arch, sects) {
            parse_go_pclntab::detect(src, &layout, options, found)?;
        }
    }
    if let Some(s) = sects
        .iter()
        .filter(in_file)
        .find(|s| s.name.starts_with(SWIFT_SECTIONS))
    {
        // Only the name is used, but evidence must not cite bytes the file does not have.
        if (base + s.offset).saturating_add(s.size) > src.len() {
            return Err(src.malformed(
                Format::MachO,
                format!("section {} lies beyond the end of the file", s.name),
            ));
        }
        let sig = found.signature("swift-sections");
        let ev = vec![
            file_evidence(
                path,
                field(s, base + s.offset),
                s.name.as_str(),
                Method::KbPattern,
                sig.confidence,
            ),
            sig.evidence(),
        ];
        found.add(detection(Component::Compiler, "swift", None, ev));
    }
    if let Some(s) = sects.iter().filter(in_file).find(|s| s.name == ".dep-v0") {
        let data = src.read(base + s.offset, s.size.min(8 << 20), ".dep-v0")?;
        auditable(&data, path, field(s, base + s.offset), found);
    }
    if options.scan_rodata && !found.has(Component::Compiler, "rustc") {
        for s in sects
            .iter()
            .filter(in_file)
            .filter(|s| s.seg == "__TEXT" && (s.name == "__const" || s.name == "__cstring"))
        {
            let at = base + s.offset;
            let marks = Marks {
                rust: true,
                fpc: false,
                mingw: false,
                idents: false,
            };
            scan_rodata::scan_section(
                src,
                at,
                s.size.min(MAX_RODATA),
                &format!("{arch}: {},{}", s.seg, s.name),
                marks,
                found,
            )?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn build_version(
    marks: &ToolchainMarks,
    arch: &str,
    platform: u32,
    minos: u32,
    sdk: u32,
    at: u64,
    path: &str,
    platforms: &mut Vec<Platform>,
) {
    let name = marks.macho_platform(platform).map_or_else(
        || format!("unknown platform {platform}"),
        |p| p.name.clone(),
    );
    let value = format!(
        "platform {platform}, minos {}, sdk {}",
        packed(minos),
        packed(sdk)
    );
    let evidence = file_evidence(
        path,
        format!("{arch}: load command @ {at:#x}"),
        value,
        Method::FileField,
        Confidence::High,
    );
    platforms.push(Platform {
        arch: arch.to_string(),
        name,
        min_os: packed(minos),
        sdk: (sdk != 0).then(|| packed(sdk)),
        evidence,
    });
}

fn tool(id: u32, version: u32, field: String, path: &str, found: &mut Found) {
    let sig = found.signature("macho-build-version");
    let v = packed(version);
    let Some(known) = found.marks().macho_tool(id) else {
        found.unattributed.push(file_evidence(
            path,
            field,
            format!("unknown tool {id} version {v}"),
            Method::FileField,
            Confidence::High,
        ));
        return;
    };
    // GPU tools (metal, air*) build shaders, not the program: the table gives them no toolchain.
    let Some((component, toolchain)) = &known.builds else {
        found.unattributed.push(file_evidence(
            path,
            field,
            format!("{} {v}", known.name),
            Method::KbLookup,
            Confidence::High,
        ));
        return;
    };
    // Apple numbers its clang after Xcode's LLVM branch (1500.1.0), upstream after its release.
    let toolchain = if toolchain == "clang" && version >> 16 >= 100 {
        "apple-clang"
    } else {
        toolchain.as_str()
    };
    let ev = vec![
        file_evidence(
            path,
            field,
            format!("tool {id} ({}) {v}", known.name),
            Method::KbLookup,
            sig.confidence,
        ),
        sig.evidence(),
        known.evidence(),
    ];
    found.add(detection(*component, toolchain, Some(v), ev));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_versions() {
        assert_eq!(packed(0x000b_0000), "11.0.0");
        assert_eq!(packed(0x03b7_0300), "951.3.0");
    }

    #[test]
    fn tools_map_to_toolchains() {
        let mut f = Found::new(crate::test_marks());
        tool(1, 0x05dc_0100, "t".into(), "/f", &mut f);
        tool(1, 0x0011_0006, "t".into(), "/f", &mut f);
        tool(3, 0x03b7_0300, "t".into(), "/f", &mut f);
        tool(1024, 0x0001_0000, "t".into(), "/f", &mut f);
        tool(77, 0, "t".into(), "/f", &mut f);
        let (d, un) = f.finish();
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.toolchain.as_str(), d.version.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("apple-clang", "1500.1.0"),
                ("clang", "17.0.6"),
                ("apple-ld", "951.3.0")
            ]
        );
        assert_eq!(un.len(), 2);
    }
}
