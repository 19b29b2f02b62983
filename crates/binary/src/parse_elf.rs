//! ELF: reads the header, the program and section header tables and the section-name table,
//! then only the sections that carry toolchain marks:
//!
//! - `.comment`: compiler and linker idents (GCC, clang, rustc, LLD, mold), see [`crate::idents`];
//! - `.note.gnu.gold-version`: GNU gold;
//! - the section layout, when no linker marked the file: GNU ld (bfd) writes no mark of its own,
//!   but its default script orders sections in a way LLD, gold and mold do not (see
//!   [`gnu_ld_layout`]), and that survives stripping. Medium confidence, never from absence alone;
//! - `.go.buildinfo` and `.note.go.buildid`: Go, with its version and main module; without a
//!   version from them, Go's pclntab, runtime version string and module text
//!   ([`crate::parse_go_pclntab`]);
//! - `.dep-v0`: cargo-auditable's crate list (Rust);
//! - `PT_INTERP`, `DT_NEEDED` and `.gnu.version_r`: glibc or musl;
//! - `.rodata` / `.fpc` (optional): marks that survive stripping, see [`crate::scan_rodata`].
//!
//! Debian strips `.comment` from its packages, so for most of `/usr/bin` this yields the C
//! library and no compiler: the compiler is then unknown, as it should be.

use crate::detections::{detection, file_evidence, Found};
use crate::parse_go_pclntab::{self, Layout, Region};
use crate::report::{BinaryReport, Component, Format};
use crate::scan_rodata::{self, Marks};
use crate::source::Source;
use crate::{idents, parse_dep_v0, parse_elf_dynamic, parse_go_buildinfo, DetectOptions, Error};
use goblin::container::Ctx;
use goblin::elf::header::{machine_to_str, Header};
use goblin::elf::program_header::{ProgramHeader, PF_W, PT_INTERP, PT_LOAD};
use goblin::elf::section_header::{SectionHeader, SHN_XINDEX, SHT_GNU_VERNEED, SHT_NOBITS};
use goblin::elf::Elf;
use sovstack_inventory::{Confidence, Method};
use sovstack_kb::{Signature, ToolchainMarks};

/// The soname of glibc's C library (`kb:toolchain/binary-signatures.csv` `glibc-needed`).
pub(crate) const GLIBC_SONAME: &str = "libc.so.6";

/// Caps per section: marks sit near the start of `.rodata` or nowhere we would look.
const MAX_COMMENT: u64 = 1 << 20;
const MAX_SHSTRTAB: u64 = 1 << 20;
const MAX_SMALL: u64 = 8 << 20;
const MAX_RODATA: u64 = 64 << 20;

/// GNU ld's default layout, told by the addresses of sections every C or C++ program has:
/// `.text` before `.rodata` (LLD and mold put read-only data first, in its own segment),
/// `.eh_frame_hdr` before `.eh_frame` (gold and mold put `.eh_frame` first), and, when both
/// exist, `.init_array` before `.fini_array` (gold, LLD and mold reverse them). A file missing
/// any of the first four sections (Go's own linker writes no `.eh_frame`) says nothing.
fn gnu_ld_layout(
    sections: &[Section],
    path: &str,
    sig: &Signature,
) -> Option<Vec<sovstack_inventory::Evidence>> {
    let addr = |name: &str| {
        sections
            .iter()
            .find(|s| s.name == name && s.sh.sh_addr != 0)
            .map(|s| s.sh.sh_addr)
    };
    let (text, rodata) = (addr(".text")?, addr(".rodata")?);
    let (hdr, eh) = (addr(".eh_frame_hdr")?, addr(".eh_frame")?);
    if text > rodata || hdr > eh {
        return None;
    }
    let arrays = match (addr(".init_array"), addr(".fini_array")) {
        (Some(i), Some(f)) if i > f => return None,
        (Some(i), Some(f)) => format!("; .init_array {i:#x} < .fini_array {f:#x}"),
        _ => String::new(),
    };
    let value = format!(
        ".text {text:#x} < .rodata {rodata:#x}; .eh_frame_hdr {hdr:#x} < .eh_frame {eh:#x}{arrays}"
    );
    Some(vec![
        file_evidence(
            path,
            "section headers (addresses)".into(),
            value,
            Method::KbPattern,
            sig.confidence,
        ),
        sig.evidence(),
    ])
}

struct Section {
    name: String,
    sh: SectionHeader,
}

/// Sections only Go's linker writes (`.noptrdata` also in Go programs the system linker linked).
const GO_SECTIONS: &[&str] = &[
    ".note.go.buildid",
    ".go.buildinfo",
    ".gopclntab",
    ".data.rel.ro.gopclntab",
    ".gosymtab",
    ".noptrdata",
    ".typelink",
    ".itablink",
];

/// Where a Go program keeps its pclntab, strings and string headers; `None` for a file with
/// section headers none of which is Go's, so other programs cost nothing. With no section
/// headers at all (removed by a stripping tool) the loadable segments stand in for them.
fn go_layout<'a>(sections: &[Section], phdrs: &[ProgramHeader]) -> Option<Layout<'a>> {
    let region = |s: &Section| Region {
        name: s.name.clone(),
        offset: s.sh.sh_offset,
        vaddr: s.sh.sh_addr,
        size: s.sh.sh_size,
        bytes: None,
    };
    let in_file = |s: &&Section| s.sh.sh_type != SHT_NOBITS && s.sh.sh_size > 0;
    let named = |names: &[&str]| -> Vec<Region<'a>> {
        names
            .iter()
            .filter_map(|n| sections.iter().filter(in_file).find(|s| s.name == *n))
            .map(region)
            .collect()
    };
    if sections.is_empty() {
        let loads: Vec<(usize, &ProgramHeader)> = phdrs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.p_type == PT_LOAD && p.p_filesz > 0)
            .collect();
        let seg = |(i, p): &(usize, &ProgramHeader)| Region {
            name: format!("PT_LOAD #{i}"),
            offset: p.p_offset,
            vaddr: p.p_vaddr,
            size: p.p_filesz,
            bytes: None,
        };
        let writable = |p: &ProgramHeader| p.p_flags & PF_W != 0;
        return Some(Layout {
            named: None,
            search: loads.iter().map(seg).collect(),
            rodata: loads
                .iter()
                .filter(|(_, p)| !writable(p))
                .map(seg)
                .collect(),
            data: loads.iter().filter(|(_, p)| writable(p)).map(seg).collect(),
        });
    }
    if !sections
        .iter()
        .any(|s| GO_SECTIONS.contains(&s.name.as_str()))
    {
        return None;
    }
    let table = named(&[".gopclntab", ".data.rel.ro.gopclntab"])
        .into_iter()
        .next();
    Some(Layout {
        search: if table.is_some() {
            vec![]
        } else {
            named(&[".data.rel.ro", ".rodata"])
        },
        named: table,
        rodata: named(&[".rodata"]),
        data: named(&[".data", ".noptrdata"]),
    })
}

pub(crate) fn detect(
    src: &Source<'_>,
    marks: &ToolchainMarks,
    options: &DetectOptions,
) -> Result<BinaryReport, Error> {
    let path = src.path();
    let bad = |e: goblin::error::Error| src.malformed(Format::Elf, e.to_string());
    let head = src.read_prefix(0, 64, "ELF header")?;
    let header: Header = Elf::parse_header(&head).map_err(bad)?;
    let ctx = Ctx::new(
        header.container().map_err(bad)?,
        header.endianness().map_err(bad)?,
    );
    let mut found = Found::new(marks);

    // Program headers: PT_INTERP, and the segments when there are no section headers.
    let mut phdrs = Vec::new();
    if header.e_phnum > 0 && header.e_phoff > 0 {
        let size = ProgramHeader::size(ctx);
        if usize::from(header.e_phentsize) != size {
            return Err(src.malformed(
                Format::Elf,
                format!("program header size {}", header.e_phentsize),
            ));
        }
        let table = src.read(
            header.e_phoff,
            (size * usize::from(header.e_phnum)) as u64,
            "program headers",
        )?;
        phdrs = ProgramHeader::parse(&table, 0, usize::from(header.e_phnum), ctx).map_err(bad)?;
        if let Some(ph) = phdrs.iter().find(|p| p.p_type == PT_INTERP) {
            let interp = src.read(ph.p_offset, ph.p_filesz.min(4096), "PT_INTERP")?;
            let interp =
                String::from_utf8_lossy(interp.split(|&b| b == 0).next().unwrap_or_default())
                    .into_owned();
            libc_from_interp(&interp, ph.p_offset, path, &mut found);
        }
    }

    let sections = section_headers(src, &header, ctx)?;
    let find = |name: &str| {
        sections
            .iter()
            .find(|s| s.name == name && s.sh.sh_type != SHT_NOBITS)
    };
    let field = |s: &Section, at: u64| format!("{} @ {at:#x}", s.name);

    if let Some(s) = find(".comment") {
        let data = src.read(s.sh.sh_offset, s.sh.sh_size.min(MAX_COMMENT), ".comment")?;
        for (off, ident) in idents::split(&data) {
            idents::classify(
                &ident,
                path,
                field(s, s.sh.sh_offset + off as u64),
                &mut found,
            );
        }
    }
    if let Some(s) = find(".note.gnu.gold-version") {
        let data = src.read(
            s.sh.sh_offset,
            s.sh.sh_size.min(4096),
            ".note.gnu.gold-version",
        )?;
        if let Some((off, desc)) = note(&data, ctx, b"GNU", 4) {
            let text = String::from_utf8_lossy(desc.split(|&b| b == 0).next().unwrap_or_default())
                .into_owned();
            idents::classify_with(
                &text,
                "gold-note",
                path,
                field(s, s.sh.sh_offset + off as u64),
                &mut found,
            );
        }
    }
    if let Some(s) = find(".go.buildinfo") {
        let data = src.read(s.sh.sh_offset, s.sh.sh_size.min(MAX_SMALL), ".go.buildinfo")?;
        if let Some(i) = parse_go_buildinfo::find(&data) {
            go(
                &data[i..],
                path,
                field(s, s.sh.sh_offset + i as u64),
                &mut found,
            );
        }
    }
    if let Some(s) = find(".note.go.buildid") {
        // Only its presence is used, but evidence must not cite bytes the file does not have.
        src.read(s.sh.sh_offset, s.sh.sh_size.min(64), ".note.go.buildid")?;
        let sig = found.signature("go-buildid-note");
        let ev = vec![
            file_evidence(
                path,
                field(s, s.sh.sh_offset),
                "Go build ID note",
                Method::KbLookup,
                sig.confidence,
            ),
            sig.evidence(),
        ];
        found.add(detection(Component::Compiler, "go", None, ev));
    }
    if let Some(s) = find(".dep-v0") {
        let data = src.read(s.sh.sh_offset, s.sh.sh_size.min(MAX_SMALL), ".dep-v0")?;
        auditable(&data, path, field(s, s.sh.sh_offset), &mut found);
    }

    // Go without a build-info version: the pclntab, the runtime version string, the modules.
    if !found.has_version(Component::Compiler, "go") {
        if let Some(layout) = go_layout(&sections, &phdrs) {
            parse_go_pclntab::detect(src, &layout, options, &mut found)?;
        }
    }

    // The C library, from the dynamic section and the version needs, through `sh_link`.
    let strtab_of = |s: &SectionHeader| sections.get(s.sh_link as usize).map(|t| &t.sh);
    if let Some(d) = find(".dynamic") {
        if let Some(strtab) = strtab_of(&d.sh) {
            for (at, lib) in parse_elf_dynamic::needed(src, &d.sh, strtab, ctx)? {
                libc_from_needed(&lib, at, path, &mut found);
            }
        }
    }
    if let Some(v) = sections.iter().find(|s| s.sh.sh_type == SHT_GNU_VERNEED) {
        if let Some(strtab) = strtab_of(&v.sh) {
            let needs = parse_elf_dynamic::version_needs(src, &v.sh, strtab, ctx)?;
            glibc_floor(&needs, path, &mut found);
        }
    }

    if options.scan_rodata {
        let comment_has_rustc = found.has(Component::Compiler, "rustc");
        for name in [".rodata", ".fpc"] {
            if let Some(s) = find(name) {
                let marks = Marks {
                    rust: !comment_has_rustc,
                    fpc: true,
                    mingw: false,
                    idents: false,
                };
                scan_rodata::scan_section(
                    src,
                    s.sh.sh_offset,
                    s.sh.sh_size.min(MAX_RODATA),
                    name,
                    marks,
                    &mut found,
                )?;
            }
        }
    }

    if !found.has_any(Component::Linker) {
        if let Some(evidence) = gnu_ld_layout(&sections, path, found.signature("gnu-ld-layout")) {
            found.add(detection(Component::Linker, "gnu-ld", None, evidence));
        }
    }

    let (detections, unattributed) = found.finish();
    Ok(BinaryReport {
        format: Format::Elf,
        arches: vec![machine_to_str(header.e_machine).to_string()],
        detections,
        platforms: vec![],
        rich: vec![],
        unattributed,
    })
}

fn section_headers(src: &Source<'_>, header: &Header, ctx: Ctx) -> Result<Vec<Section>, Error> {
    if header.e_shoff == 0 {
        return Ok(vec![]);
    }
    let bad = |e: goblin::error::Error| src.malformed(Format::Elf, e.to_string());
    let size = SectionHeader::size(ctx);
    if usize::from(header.e_shentsize) != size {
        return Err(src.malformed(
            Format::Elf,
            format!("section header size {}", header.e_shentsize),
        ));
    }
    // With 0xff00 sections or more, the count lives in the first header's sh_size.
    let first = src.read(header.e_shoff, size as u64, "section headers")?;
    let first = SectionHeader::parse_from(&first, 0, 1, ctx)
        .map_err(bad)?
        .remove(0);
    let count = if header.e_shnum == 0 {
        first.sh_size
    } else {
        u64::from(header.e_shnum)
    };
    if count == 0 {
        return Ok(vec![]);
    }
    let bytes = count
        .checked_mul(size as u64)
        .ok_or_else(|| src.malformed(Format::Elf, "section count overflows"))?;
    let table = src.read(header.e_shoff, bytes, "section headers")?;
    let shdrs = SectionHeader::parse_from(&table, 0, count as usize, ctx).map_err(bad)?;
    let strndx = if u32::from(header.e_shstrndx) == SHN_XINDEX {
        first.sh_link as usize
    } else {
        usize::from(header.e_shstrndx)
    };
    let names = match shdrs.get(strndx) {
        Some(sh) if sh.sh_type != SHT_NOBITS && sh.sh_size <= MAX_SHSTRTAB => src
            .read(sh.sh_offset, sh.sh_size, "section names")?
            .into_owned(),
        Some(_) => return Err(src.malformed(Format::Elf, "section-name table too large or empty")),
        None => Vec::new(),
    };
    Ok(shdrs
        .into_iter()
        .map(|sh| {
            let name = names
                .get(sh.sh_name..)
                .and_then(|n| n.split(|&b| b == 0).next())
                .unwrap_or_default();
            Section {
                name: String::from_utf8_lossy(name).into_owned(),
                sh,
            }
        })
        .collect())
}

/// The descriptor of the first note named `name` with type `ty`, and its offset in `data`.
fn note<'d>(data: &'d [u8], ctx: Ctx, name: &[u8], ty: u32) -> Option<(usize, &'d [u8])> {
    use scroll::Pread;
    let align4 = |n: usize| n.checked_add(3).map(|n| n & !3);
    let mut off = 0usize;
    while off + 12 <= data.len() {
        let namesz = data.pread_with::<u32>(off, ctx.le).ok()? as usize;
        let descsz = data.pread_with::<u32>(off + 4, ctx.le).ok()? as usize;
        let ntype = data.pread_with::<u32>(off + 8, ctx.le).ok()?;
        let name_at = off + 12;
        let desc_at = name_at.checked_add(align4(namesz)?)?;
        let desc = data.get(desc_at..desc_at.checked_add(descsz)?)?;
        let n = data.get(name_at..name_at + namesz)?;
        if ntype == ty && n.strip_suffix(&[0]).unwrap_or(n) == name {
            return Some((desc_at, desc));
        }
        off = desc_at.checked_add(align4(descsz)?)?;
    }
    None
}

pub(crate) fn go(data: &[u8], path: &str, field: String, found: &mut Found) {
    let sig = found.signature("go-buildinfo");
    match parse_go_buildinfo::parse(data) {
        Ok(info) => {
            let value = info
                .version
                .clone()
                .unwrap_or_else(|| "build info (pre-Go 1.18 pointer layout)".into());
            let mut d = detection(
                Component::Compiler,
                "go",
                info.version.clone(),
                vec![
                    file_evidence(path, field, value, Method::KbLookup, sig.confidence),
                    sig.evidence(),
                ],
            );
            d.detail = info.detail();
            found.add(d);
        }
        Err(why) => found.unattributed.push(file_evidence(
            path,
            field,
            format!("unreadable Go build info: {why}"),
            Method::FileField,
            Confidence::Low,
        )),
    }
}

pub(crate) fn auditable(data: &[u8], path: &str, field: String, found: &mut Found) {
    let sig = found.signature("cargo-auditable");
    match parse_dep_v0::parse(data) {
        Ok(a) => {
            let value = match &a.root {
                Some((n, v)) => format!("root package {n} {v}, {} packages", a.packages),
                None => format!("{} packages", a.packages),
            };
            let mut d = detection(
                Component::Compiler,
                "rustc",
                None,
                vec![
                    file_evidence(path, field, value.clone(), Method::KbLookup, sig.confidence),
                    sig.evidence(),
                ],
            );
            d.detail = Some(format!("cargo-auditable: {value}"));
            found.add(d);
        }
        Err(why) => found.unattributed.push(file_evidence(
            path,
            field,
            why,
            Method::FileField,
            Confidence::Low,
        )),
    }
}

fn libc_from_interp(interp: &str, at: u64, path: &str, found: &mut Found) {
    for id in ["glibc-interp", "musl-interp"] {
        let sig = found.signature(id);
        if sig.regex.as_ref().is_some_and(|re| re.is_match(interp)) {
            let ev = vec![
                file_evidence(
                    path,
                    format!("PT_INTERP @ {at:#x}"),
                    interp,
                    Method::KbPattern,
                    sig.confidence,
                ),
                sig.evidence(),
            ];
            found.add(detection(Component::Libc, &sig.toolchain, None, ev));
        }
    }
}

fn libc_from_needed(lib: &str, at: u64, path: &str, found: &mut Found) {
    let field = format!("DT_NEEDED @ {at:#x}");
    let glibc = found.signature("glibc-needed");
    let musl = found.signature("musl-needed");
    let sig = if lib == GLIBC_SONAME {
        glibc
    } else if musl.regex.as_ref().is_some_and(|re| re.is_match(lib)) {
        musl
    } else {
        return;
    };
    let ev = vec![
        file_evidence(path, field, lib, Method::KbLookup, sig.confidence),
        sig.evidence(),
    ];
    found.add(detection(Component::Libc, &sig.toolchain, None, ev));
}

/// The newest `GLIBC_x.y` version needed from `libc.so.6`: a floor for the glibc the file runs
/// on, recorded as a detail, not as the version it was built with.
fn glibc_floor(needs: &[(String, Vec<(u64, String)>)], path: &str, found: &mut Found) {
    let sig = found.signature("glibc-verneed");
    let Some(re) = &sig.regex else { return };
    let newest = needs
        .iter()
        .filter(|(file, _)| file == GLIBC_SONAME)
        .flat_map(|(_, names)| names)
        .filter_map(|(at, n)| {
            re.captures(n)
                .and_then(|c| c.get(1))
                .map(|v| (*at, n, v.as_str()))
        })
        .max_by(|a, b| crate::report::version_cmp(Some(a.2), Some(b.2)));
    if let Some((at, name, _)) = newest {
        let mut d = detection(
            Component::Libc,
            "glibc",
            None,
            vec![
                file_evidence(
                    path,
                    format!(".gnu.version_r @ {at:#x}"),
                    name.as_str(),
                    Method::KbPattern,
                    sig.confidence,
                ),
                sig.evidence(),
            ],
        );
        d.detail = Some(format!("requires {name}"));
        found.add(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::container::Container;

    #[test]
    fn notes_are_found_and_bounded() {
        let ctx = Ctx::new(Container::Big, scroll::LE);
        let mut n = Vec::new();
        for (name, ty, desc) in [
            (&b"XYZ\0"[..], 4u32, &b"nope"[..]),
            (b"GNU\0", 4, b"gold 1.16\0\0\0"),
        ] {
            n.extend((name.len() as u32).to_le_bytes());
            n.extend((desc.len() as u32).to_le_bytes());
            n.extend(ty.to_le_bytes());
            n.extend(name);
            n.extend(desc);
        }
        let (off, desc) = note(&n, ctx, b"GNU", 4).unwrap();
        assert_eq!(off, 36);
        assert_eq!(desc, b"gold 1.16\0\0\0");
        assert!(note(&n[..30], ctx, b"GNU", 4).is_none());
        let mut huge = n.clone();
        huge[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(note(&huge, ctx, b"GNU", 4).is_none());
    }

    #[test]
    fn interp_and_needed_name_the_libc() {
        let mut f = Found::new(crate::test_marks());
        libc_from_interp("/lib/ld-musl-x86_64.so.1", 0x2a8, "/f", &mut f);
        libc_from_needed("libc.musl-x86_64.so.1", 0x400, "/f", &mut f);
        libc_from_needed("libm.so.6", 0x410, "/f", &mut f);
        let (d, _) = f.finish();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].toolchain, "musl");
        assert_eq!(d[0].evidence.len(), 4);
        let mut f = Found::new(crate::test_marks());
        libc_from_interp("/lib64/ld-linux-x86-64.so.2", 0x2a8, "/f", &mut f);
        libc_from_interp("/lib/ld-uClibc.so.0", 0x2a8, "/f", &mut f);
        assert_eq!(f.finish().0[0].toolchain, "glibc");
    }

    #[test]
    fn glibc_floor_is_the_newest_version() {
        let needs = vec![
            ("libm.so.6".to_string(), vec![(1, "GLIBC_2.38".to_string())]),
            (
                "libc.so.6".to_string(),
                vec![
                    (2, "GLIBC_2.9".into()),
                    (3, "GLIBC_2.34".into()),
                    (4, "GLIBC_PRIVATE".into()),
                    (5, "GLIBC_2.2.5".into()),
                ],
            ),
        ];
        let mut f = Found::new(crate::test_marks());
        glibc_floor(&needs, "/f", &mut f);
        let (d, _) = f.finish();
        assert_eq!(d[0].detail.as_deref(), Some("requires GLIBC_2.34"));
        assert_eq!(d[0].version, None);
    }
}
