//! Go binaries without build info: the function table (pclntab), the runtime version string
//! and the module information text.
//!
//! A release pipeline can remove `.go.buildinfo` (`objcopy --remove-section .go.buildinfo`) or
//! overwrite its `\xff Go buildinf:` header; the program still runs, because the runtime never
//! reads that blob. What it does read survives:
//!
//! - **the pclntab**, whose header starts with a magic number that changes with the table's
//!   layout (Go `src/runtime/symtab.go`, `pcHeader`; `src/debug/gosym/pclntab.go`):
//!   `0xfffffffb` Go 1.2–1.15, `0xfffffffa` 1.16–1.17, `0xfffffff0` 1.18–1.19, `0xfffffff1`
//!   1.20 and later, in the target's byte order, then two zero bytes, the instruction size
//!   quantum (1, 2 or 4) and the pointer size (4 or 8). The header's counts and offsets are
//!   checked too ([`parse_header`]): the magic alone is four bytes any data can hold. The table is
//!   the section `.gopclntab` (ELF, internal linking), `.data.rel.ro.gopclntab` or the middle of
//!   `.data.rel.ro` (ELF position-independent executables linked by the system linker), inside
//!   `.rdata` (PE: found by its magic), `__gopclntab` (Mach-O);
//! - **`runtime.buildVersion`**, the string `runtime.Version()` returns (`go1.19.8`, `go1.22.2
//!   X:loopvar`). Go strings carry no terminator and the linker packs them back to back, so the
//!   bytes after `go1.19.8` may be the next string's: the string is taken only through its
//!   header, a (pointer, length) pair in initialised data whose pointer is the address of a
//!   `go1.` candidate in read-only data. A version outside the magic's range is not used;
//!   the range is kept and the evidence says why;
//! - **`runtime.modinfo`**, the module text `go version -m` prints (`path`, `mod`, `dep`,
//!   `build` lines), framed by the same 16-byte sentinels as in the build info.
//!
//! Every search is bounded: the magic is searched in at most [`MAX_MAGIC_SEARCH`] bytes, the
//! version candidates and the module text in at most [`MAX_RODATA_SEARCH`] bytes of read-only
//! data, the string headers in at most [`MAX_DATA_SEARCH`] bytes of data, and never past what is
//! left of the file's read cap; past a bound the search stops and what it did not reach stays
//! unknown. The caller runs this only for files that show a Go mark (a Go section, the Go
//! build-ID note) or have no section table, and only when the build info gave no version.

use crate::detections::{detection, file_evidence, Found};
use crate::parse_go_buildinfo::{self, GoBuildInfo};
use crate::report::Component;
use crate::source::Source;
use crate::{DetectOptions, Error};
use memchr::memmem;
use sovstack_inventory::{Confidence, Method};
use sovstack_kb::ToolchainMarks;
use std::cell::RefCell;
use std::sync::OnceLock;

/// Bytes searched for the pclntab magic at most, all regions together.
pub(crate) const MAX_MAGIC_SEARCH: u64 = 64 << 20;
/// Bytes of read-only data searched for version candidates and the module text at most.
pub(crate) const MAX_RODATA_SEARCH: u64 = 64 << 20;
/// Bytes of initialised data searched for the version string's header at most.
pub(crate) const MAX_DATA_SEARCH: u64 = 16 << 20;
/// The module text read at most after its start sentinel (the build info allows 4 MiB; a
/// program with a thousand dependencies needs about 100 KiB).
const MAX_MODINFO: u64 = 1 << 20;
/// `go1.` candidates kept at most; a program has a handful.
const MAX_CANDIDATES: usize = 4096;
/// Longest version string accepted (`go1.22.2 X:loopvar,rangefunc`).
const MAX_VERSION: u64 = 128;
/// More functions or files than this is not a real program's table.
const MAX_COUNT: u64 = 1 << 24;
const CHUNK: u64 = 256 << 10;
/// Chunks overlap by this much, so a needle or a header straddling a boundary is seen whole.
const OVERLAP: u64 = 128;

pub(crate) const MODINFO_START: &[u8] =
    b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
const MODINFO_END: &[u8] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

/// A part of the file, with the address it is loaded at.
#[derive(Debug, Clone)]
pub(crate) struct Region<'a> {
    /// How evidence names it (`.rodata`, `arm64: __TEXT,__rodata`, `PT_LOAD #3`).
    pub name: String,
    /// File offset.
    pub offset: u64,
    /// Virtual address (image base included for PE).
    pub vaddr: u64,
    /// Bytes in the file.
    pub size: u64,
    /// Its bytes when the caller has already read them (PE `.rdata`).
    pub bytes: Option<&'a [u8]>,
}

impl Region<'_> {
    /// Where it ends in the file (headers may claim any size).
    fn end(&self) -> u64 {
        self.offset.saturating_add(self.size)
    }

    /// The address of file offset `at` inside it.
    fn addr_of(&self, at: u64) -> u64 {
        self.vaddr.wrapping_add(at.wrapping_sub(self.offset))
    }
}

/// Where a format keeps what this module reads.
#[derive(Debug, Default)]
pub(crate) struct Layout<'a> {
    /// A section that holds exactly the pclntab, whose header is at its start.
    pub named: Option<Region<'a>>,
    /// Regions searched for the magic when there is no such section.
    pub search: Vec<Region<'a>>,
    /// Read-only data: the version string and the module text.
    pub rodata: Vec<Region<'a>>,
    /// Initialised data: the version string's header.
    pub data: Vec<Region<'a>>,
}

/// The pclntab layout, told by its magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generation {
    /// `0xfffffffb`.
    Go12,
    /// `0xfffffffa`.
    Go116,
    /// `0xfffffff0`.
    Go118,
    /// `0xfffffff1`.
    Go120,
}

impl Generation {
    fn from_magic(m: u32) -> Option<Self> {
        match m {
            0xffff_fffb => Some(Generation::Go12),
            0xffff_fffa => Some(Generation::Go116),
            0xffff_fff0 => Some(Generation::Go118),
            0xffff_fff1 => Some(Generation::Go120),
            _ => None,
        }
    }

    fn magic(self) -> u32 {
        match self {
            Generation::Go12 => 0xffff_fffb,
            Generation::Go116 => 0xffff_fffa,
            Generation::Go118 => 0xffff_fff0,
            Generation::Go120 => 0xffff_fff1,
        }
    }

    /// The Go releases that write this layout.
    pub fn range(self) -> &'static str {
        match self {
            Generation::Go12 => "Go 1.2 to 1.15",
            Generation::Go116 => "Go 1.16 to 1.17",
            Generation::Go118 => "Go 1.18 to 1.19",
            Generation::Go120 => "Go 1.20 or later",
        }
    }

    /// Whether Go 1.`minor` writes this layout.
    pub fn admits(self, minor: u32) -> bool {
        match self {
            Generation::Go12 => (2..=15).contains(&minor),
            Generation::Go116 => (16..=17).contains(&minor),
            Generation::Go118 => (18..=19).contains(&minor),
            Generation::Go120 => minor >= 20,
        }
    }
}

/// A checked pclntab header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub generation: Generation,
    pub big_endian: bool,
    pub quantum: u8,
    pub ptr_size: u8,
    pub nfunc: u64,
}

impl Header {
    fn describe(&self) -> String {
        format!(
            "magic {:#010x} ({}), {}-endian, instruction size quantum {}, pointer size {}, {} functions",
            self.generation.magic(),
            self.generation.range(),
            if self.big_endian { "big" } else { "little" },
            self.quantum,
            self.ptr_size,
            self.nfunc
        )
    }
}

/// Bytes of `data` a header needs at most: 8, then up to 8 words of 8 bytes.
const HEADER_MAX: u64 = 8 + 8 * 8;

fn word(data: &[u8], at: usize, size: u8, big_endian: bool) -> Option<u64> {
    let b = data.get(at..at.checked_add(usize::from(size))?)?;
    Some(match (size, big_endian) {
        (4, false) => u64::from(u32::from_le_bytes(b.try_into().ok()?)),
        (4, true) => u64::from(u32::from_be_bytes(b.try_into().ok()?)),
        (8, false) => u64::from_le_bytes(b.try_into().ok()?),
        (8, true) => u64::from_be_bytes(b.try_into().ok()?),
        _ => return None,
    })
}

/// Parses the pclntab header at the start of `data` and checks that it is one: the magic, the
/// two zero bytes, quantum and pointer size, plausible counts, and offsets that follow the
/// header, increase as the linker lays the tables out, and stay within `bound` bytes (the
/// section's size, when known).
pub(crate) fn parse_header(data: &[u8], bound: Option<u64>) -> Option<Header> {
    let m: [u8; 4] = data.get(..4)?.try_into().ok()?;
    let (generation, big_endian) = match (
        Generation::from_magic(u32::from_le_bytes(m)),
        Generation::from_magic(u32::from_be_bytes(m)),
    ) {
        (Some(g), _) => (g, false),
        (None, Some(g)) => (g, true),
        (None, None) => return None,
    };
    let (pad, quantum, ptr_size) = (data.get(4..6)?, *data.get(6)?, *data.get(7)?);
    if pad != [0, 0] || !matches!(quantum, 1 | 2 | 4) || !matches!(ptr_size, 4 | 8) {
        return None;
    }
    let w = |i: usize| word(data, 8 + i * usize::from(ptr_size), ptr_size, big_endian);
    let bound = bound.unwrap_or(u64::from(u32::MAX));
    let ptr = u64::from(ptr_size);
    let nfunc = w(0)?;
    if !(2..=MAX_COUNT).contains(&nfunc) {
        return None;
    }
    match generation {
        Generation::Go12 => {
            // nfunctab, then (entry pc, offset of the func) pairs in pc order, then the end pc.
            let (pc0, off0, pc1, off1) = (w(1)?, w(2)?, w(3)?, w(4)?);
            let after_functab = 8 + ptr * (2 * nfunc + 2);
            if pc1 <= pc0 || off0 < after_functab || off1 <= off0 || off1 >= bound {
                return None;
            }
        }
        Generation::Go116 | Generation::Go118 | Generation::Go120 => {
            // nfunc, nfiles, [textStart,] then the offsets of funcnametab, cutab, filetab,
            // pctab and the func table, laid out in that order after the header.
            let nfiles = w(1)?;
            if !(1..=MAX_COUNT).contains(&nfiles) {
                return None;
            }
            let first = if generation == Generation::Go116 {
                2
            } else {
                3
            };
            let header_len = 8 + ptr * (first as u64 + 5);
            let offs = [
                w(first)?,
                w(first + 1)?,
                w(first + 2)?,
                w(first + 3)?,
                w(first + 4)?,
            ];
            if offs[0] < header_len || offs.windows(2).any(|p| p[0] > p[1]) || offs[4] >= bound {
                return None;
            }
        }
    }
    Some(Header {
        generation,
        big_endian,
        quantum,
        ptr_size,
        nfunc,
    })
}

/// Offsets in `data` where a pclntab magic, its two zero bytes, a quantum and a pointer size
/// start; the caller checks the alignment, which follows the address.
fn magic_candidates(data: &[u8]) -> impl Iterator<Item = usize> + '_ {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::bytes::Regex::new(r"(?-u)(?:[\xf0\xf1\xfa\xfb]\xff\xff\xff|\xff\xff\xff[\xf0\xf1\xfa\xfb])\x00\x00[\x01\x02\x04][\x04\x08]")
            .expect("valid pattern")
    });
    // find_iter skips overlapping matches; a table's magic cannot overlap another's.
    re.find_iter(data).map(|m| m.start())
}

/// Calls `f(file offset, bytes)` for successive chunks of `region`, overlapping by
/// [`OVERLAP`], within `budget` bytes (decremented) and the file, until `f` returns false.
fn chunks(
    src: &Source<'_>,
    region: &Region<'_>,
    budget: &mut u64,
    mut f: impl FnMut(u64, &[u8]) -> bool,
) -> Result<(), Error> {
    thread_local! {
        static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let size = region.size.min(src.len().saturating_sub(region.offset));
    if let Some(bytes) = region.bytes {
        let n = (size.min(*budget) as usize).min(bytes.len());
        *budget -= n as u64;
        f(region.offset, &bytes[..n]);
        return Ok(());
    }
    BUF.with(|buf| {
        let mut owned = Vec::new();
        let mut guard = buf.try_borrow_mut().ok();
        let buf = guard.as_deref_mut().unwrap_or(&mut owned);
        let mut start = 0;
        while start < size {
            let len = CHUNK.min(size - start).min(*budget).min(src.remaining());
            if len == 0 {
                break;
            }
            *budget -= len;
            let data = src.read_reusing(region.offset + start, len, "Go data", buf)?;
            if !f(region.offset + start, data) || start + len >= size || len <= OVERLAP {
                break;
            }
            start += len - OVERLAP;
        }
        Ok(())
    })
}

/// Where the pclntab was found and what its header says.
struct Table {
    region: String,
    at: u64,
    header: Header,
}

fn find_table(src: &Source<'_>, layout: &Layout<'_>) -> Result<Option<Table>, Error> {
    if let Some(r) = &layout.named {
        if r.offset < src.len() && src.remaining() >= HEADER_MAX {
            let head = src.read_prefix(r.offset, HEADER_MAX.min(r.size), "Go pclntab header")?;
            if let Some(header) = parse_header(&head, Some(r.size)) {
                return Ok(Some(Table {
                    region: r.name.clone(),
                    at: r.offset,
                    header,
                }));
            }
        }
    }
    let mut budget = MAX_MAGIC_SEARCH;
    let mut hit = None;
    for r in &layout.search {
        let mut pending = Vec::new();
        chunks(src, r, &mut budget, |base, data| {
            for i in magic_candidates(data) {
                // Alignment is the table's, which follows the address.
                let at = base + i as u64;
                if !r.addr_of(at).is_multiple_of(4) {
                    continue;
                }
                let end = data.len().min(i + HEADER_MAX as usize);
                if end - i == HEADER_MAX as usize {
                    if let Some(h) = parse_header(&data[i..end], Some(r.end().saturating_sub(at))) {
                        hit = Some(Table {
                            region: r.name.clone(),
                            at,
                            header: h,
                        });
                        return false;
                    }
                } else {
                    pending.push(at);
                }
            }
            true
        })?;
        if hit.is_some() {
            break;
        }
        // A candidate too close to the end of an in-memory region or of the last chunk.
        for at in pending {
            if src.remaining() < HEADER_MAX {
                break;
            }
            let head = src.read_prefix(at, HEADER_MAX, "Go pclntab header")?;
            if let Some(h) = parse_header(&head, Some(r.end().saturating_sub(at))) {
                return Ok(Some(Table {
                    region: r.name.clone(),
                    at,
                    header: h,
                }));
            }
        }
    }
    Ok(hit)
}

/// A `go1.` string start in read-only data.
#[derive(Clone, Copy)]
struct Candidate {
    vaddr: u64,
    at: u64,
    /// Bytes left in its region from `at`.
    room: u64,
    region: usize,
}

/// A version string found through its header.
struct Version {
    text: String,
    header_region: String,
    header_at: u64,
    string_region: String,
    string_at: u64,
}

fn version_regex(marks: &ToolchainMarks) -> &regex::Regex {
    marks
        .signature("go-runtime-version")
        .expect("go-runtime-version in kb:toolchain/binary-signatures.csv")
        .regex
        .as_ref()
        .expect("go-runtime-version is a regex row")
}

/// The minor release of `go1.N...`.
fn minor(v: &str) -> Option<u32> {
    let rest = v.strip_prefix("go1.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Detects Go from the pclntab, then its version and module text. Adds nothing when no table
/// is found.
pub(crate) fn detect(
    src: &Source<'_>,
    layout: &Layout<'_>,
    options: &DetectOptions,
    found: &mut Found,
) -> Result<(), Error> {
    let Some(table) = find_table(src, layout)? else {
        return Ok(());
    };
    let path = src.path();
    let sig = found.signature("go-pclntab");
    let range = table.header.generation.range();
    let mut evidence = vec![
        file_evidence(
            path,
            format!("{} @ {:#x}", table.region, table.at),
            table.header.describe(),
            Method::FileField,
            sig.confidence,
        ),
        sig.evidence(),
    ];
    let mut version = None;
    let mut notes = Vec::new();
    let mut info = GoBuildInfo {
        version: None,
        path: None,
        module: None,
    };
    if options.scan_rodata {
        let (candidates, modinfo_at) = scan_rodata(src, layout)?;
        let versions = versions(
            src,
            layout,
            &candidates,
            table.header,
            version_regex(found.marks()),
        )?;
        let vsig = found.signature("go-runtime-version");
        let field = |v: &Version| {
            format!(
                "runtime.buildVersion: string header in {} @ {:#x} -> {} @ {:#x}",
                v.header_region, v.header_at, v.string_region, v.string_at
            )
        };
        let (fits, misfits): (Vec<&Version>, Vec<&Version>) = versions
            .iter()
            .partition(|v| minor(&v.text).is_some_and(|m| table.header.generation.admits(m)));
        for v in &misfits {
            let value = format!(
                "{} (disagrees with the pclntab magic, {range}: not used)",
                v.text
            );
            evidence.push(file_evidence(
                path,
                field(v),
                value,
                Method::FileField,
                Confidence::Low,
            ));
        }
        if !misfits.is_empty() && fits.is_empty() {
            notes.push(format!(
                "runtime version string {} disagrees with the pclntab magic and is not used",
                misfits[0].text
            ));
        }
        let mut texts: Vec<&str> = fits.iter().map(|v| v.text.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        match texts.as_slice() {
            [] => {}
            [one] => {
                version = Some(one.to_string());
                for v in &fits {
                    evidence.push(file_evidence(
                        path,
                        field(v),
                        v.text.as_str(),
                        Method::KbPattern,
                        vsig.confidence,
                    ));
                }
                evidence.push(vsig.evidence());
            }
            several => {
                notes.push(format!(
                    "several runtime version strings ({}): version unknown",
                    several.join(", ")
                ));
                for v in &fits {
                    evidence.push(file_evidence(
                        path,
                        field(v),
                        v.text.as_str(),
                        Method::FileField,
                        Confidence::Low,
                    ));
                }
            }
        }
        if let Some((region, at)) = modinfo_at {
            if let Some((text, parsed)) = modinfo(src, layout, region, at)? {
                let msig = found.signature("go-modinfo");
                evidence.push(file_evidence(
                    path,
                    format!("{} @ {at:#x}", layout.rodata[region].name),
                    text,
                    Method::FileField,
                    msig.confidence,
                ));
                evidence.push(msig.evidence());
                info.path = parsed.path;
                info.module = parsed.module;
            }
        }
    }
    if version.is_none() {
        notes.insert(0, format!("{range} (pclntab magic)"));
    }
    let mut d = detection(Component::Compiler, "go", version, evidence);
    let detail: Vec<String> = info.detail().into_iter().chain(notes).collect();
    d.detail = (!detail.is_empty()).then(|| detail.join("; "));
    found.add(d);
    Ok(())
}

/// `go1.` candidates by address, and where the first module text starts (region, offset).
type RodataScan = (Vec<Candidate>, Option<(usize, u64)>);

/// `go1.` candidates and the first module-text start sentinel in the read-only regions.
fn scan_rodata(src: &Source<'_>, layout: &Layout<'_>) -> Result<RodataScan, Error> {
    let mut budget = MAX_RODATA_SEARCH;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut modinfo_at = None;
    for (ri, r) in layout.rodata.iter().enumerate() {
        chunks(src, r, &mut budget, |base, data| {
            for i in memmem::find_iter(data, b"go1.") {
                if candidates.len() >= MAX_CANDIDATES {
                    break;
                }
                if !data.get(i + 4).is_some_and(u8::is_ascii_digit) {
                    continue;
                }
                let at = base + i as u64;
                if candidates
                    .last()
                    .is_some_and(|c| c.region == ri && c.at >= at)
                {
                    continue; // seen in the previous chunk's overlap
                }
                candidates.push(Candidate {
                    vaddr: r.addr_of(at),
                    at,
                    room: r.end().saturating_sub(at),
                    region: ri,
                });
            }
            if modinfo_at.is_none() {
                if let Some(i) = memmem::find(data, MODINFO_START) {
                    modinfo_at = Some((ri, base + i as u64));
                }
            }
            true
        })?;
    }
    candidates.sort_by_key(|c| c.vaddr);
    Ok((candidates, modinfo_at))
}

/// The strings whose (pointer, length) header in the data regions points at a candidate and
/// whose bytes are a Go version.
fn versions(
    src: &Source<'_>,
    layout: &Layout<'_>,
    candidates: &[Candidate],
    h: Header,
    re: &regex::Regex,
) -> Result<Vec<Version>, Error> {
    let mut out: Vec<Version> = Vec::new();
    let (Some(lo), Some(hi)) = (
        candidates.first().map(|c| c.vaddr),
        candidates.last().map(|c| c.vaddr),
    ) else {
        return Ok(out);
    };
    let ptr = u64::from(h.ptr_size);
    let mut budget = MAX_DATA_SEARCH;
    let mut hits: Vec<(usize, u64, Candidate, u64)> = Vec::new();
    for (ri, r) in layout.data.iter().enumerate() {
        chunks(src, r, &mut budget, |base, data| {
            // Words aligned as the address says.
            let skew = ((ptr - r.addr_of(base) % ptr) % ptr) as usize;
            let mut i = skew;
            while i + 2 * ptr as usize <= data.len() {
                let p = word(data, i, h.ptr_size, h.big_endian).unwrap_or(0);
                if (lo..=hi).contains(&p) {
                    if let Ok(k) = candidates.binary_search_by_key(&p, |c| c.vaddr) {
                        let len =
                            word(data, i + ptr as usize, h.ptr_size, h.big_endian).unwrap_or(0);
                        let at = base + i as u64;
                        let c = candidates[k];
                        if (5..=MAX_VERSION).contains(&len)
                            && len <= c.room
                            && !hits.iter().any(|x| x.1 == at)
                        {
                            hits.push((ri, at, c, len));
                        }
                    }
                }
                i += ptr as usize;
            }
            true
        })?;
    }
    for (ri, at, c, len) in hits {
        if src.remaining() < len {
            break;
        }
        let bytes = src.read(c.at, len, "Go version string")?;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if re.is_match(text) {
            out.push(Version {
                text: text.to_string(),
                header_region: layout.data[ri].name.clone(),
                header_at: at,
                string_region: layout.rodata[c.region].name.clone(),
                string_at: c.at,
            });
        }
    }
    Ok(out)
}

/// The module text that starts with the sentinel at `at`: its `path` and `mod` lines as read,
/// and what they say. `None` when the end sentinel is not within reach.
fn modinfo(
    src: &Source<'_>,
    layout: &Layout<'_>,
    region: usize,
    at: u64,
) -> Result<Option<(String, GoBuildInfo)>, Error> {
    let r = &layout.rodata[region];
    let start = at + MODINFO_START.len() as u64;
    let len = r
        .end()
        .min(src.len())
        .saturating_sub(start)
        .min(MAX_MODINFO)
        .min(src.remaining());
    let data = src.read(start, len, "Go module information")?;
    let Some(end) = memmem::find(&data, MODINFO_END) else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&data[..end]);
    let parsed = parse_go_buildinfo::module_lines(&text);
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("path\t") || l.starts_with("mod\t"))
        .collect();
    if shown.is_empty() {
        return Ok(None);
    }
    Ok(Some((shown.join("\n"), parsed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Go 1.18+ header (little-endian, pointer size 8) as the linker writes it.
    pub(crate) fn header(magic: u32, nfunc: u64, offs: [u64; 5]) -> Vec<u8> {
        let mut b = magic.to_le_bytes().to_vec();
        b.extend([0, 0, 1, 8]);
        for w in [nfunc, 40, 0x401000].into_iter().chain(offs) {
            b.extend(w.to_le_bytes());
        }
        b
    }

    #[test]
    fn header_fields_are_checked() {
        let good = header(
            0xffff_fff1,
            3212,
            [0x60, 0x1d840, 0x1f880, 0x22540, 0x8eae0],
        );
        let h = parse_header(&good, Some(0x9_0000)).unwrap();
        assert_eq!(
            (h.generation, h.big_endian, h.quantum, h.ptr_size, h.nfunc),
            (Generation::Go120, false, 1, 8, 3212)
        );
        assert!(h.describe().contains("Go 1.20 or later"));
        // The table ends past the section.
        assert!(parse_header(&good, Some(0x8_0000)).is_none());
        // Padding, quantum, pointer size, counts and offset order.
        for (at, v) in [(4, 1u8), (6, 3), (7, 2), (16, 0)] {
            let mut bad = good.clone();
            bad[at] = v;
            assert!(parse_header(&bad, None).is_none(), "byte {at} = {v}");
        }
        let no_functions = header(0xffff_fff1, 0, [0x60, 0x1d840, 0x1f880, 0x22540, 0x8eae0]);
        assert!(parse_header(&no_functions, None).is_none());
        let shuffled = header(
            0xffff_fff1,
            3212,
            [0x60, 0x1f880, 0x1d840, 0x22540, 0x8eae0],
        );
        assert!(parse_header(&shuffled, None).is_none());
        let inside_header = header(
            0xffff_fff1,
            3212,
            [0x10, 0x1d840, 0x1f880, 0x22540, 0x8eae0],
        );
        assert!(parse_header(&inside_header, None).is_none());
        // Not a magic; cut short.
        assert!(parse_header(
            &header(
                0xffff_fff2,
                3212,
                [0x60, 1 << 10, 1 << 11, 1 << 12, 1 << 13]
            ),
            None
        )
        .is_none());
        assert!(parse_header(&good[..40], None).is_none());
    }

    #[test]
    fn big_endian_and_old_layouts() {
        // Go 1.16 on a 32-bit big-endian target (mips): no textStart word.
        let mut b = 0xffff_fffau32.to_be_bytes().to_vec();
        b.extend([0, 0, 4, 4]);
        for w in [500u32, 20, 0x24, 0x2000, 0x2400, 0x3000, 0x9000] {
            b.extend(w.to_be_bytes());
        }
        let h = parse_header(&b, None).unwrap();
        assert_eq!(
            (h.generation, h.big_endian, h.quantum, h.ptr_size),
            (Generation::Go116, true, 4, 4)
        );
        // Go 1.2-1.15: nfunctab, then (pc, funcoff) pairs in pc order, past the table.
        let mut old = 0xffff_fffbu32.to_le_bytes().to_vec();
        old.extend([0, 0, 1, 8]);
        let n = 10u64;
        let after = 8 + 8 * (2 * n + 2);
        for w in [n, 0x401000, after, 0x401040, after + 0x50] {
            old.extend(w.to_le_bytes());
        }
        assert_eq!(
            parse_header(&old, None).unwrap().generation,
            Generation::Go12
        );
        let mut unordered = old.clone();
        unordered[24..32].copy_from_slice(&0x402000u64.to_le_bytes());
        assert!(parse_header(&unordered, None).is_none());
    }

    #[test]
    fn ranges() {
        assert!(Generation::Go118.admits(19) && !Generation::Go118.admits(20));
        assert!(Generation::Go120.admits(25) && !Generation::Go120.admits(19));
        assert!(Generation::Go12.admits(2) && !Generation::Go12.admits(16));
        assert_eq!(minor("go1.22rc1"), Some(22));
        assert_eq!(minor("go1.9.7"), Some(9));
        assert_eq!(minor("devel go1.23"), None);
        let re = version_regex(crate::test_marks());
        for ok in [
            "go1.19.8",
            "go1.22",
            "go1.22rc1",
            "go1.21.0 X:loopvar",
            "go1.23.1 X:loopvar,rangefunc",
        ] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in ["go1.19.8gofmt", "go1.", "go1.19.8 ", "go1.19\n", "go2.0"] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn magic_candidates_in_both_byte_orders() {
        let mut d = vec![0u8; 64];
        d[6..14].copy_from_slice(&[0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8]);
        d[16..24].copy_from_slice(&[0xff, 0xff, 0xff, 0xf0, 0, 0, 4, 8]);
        d[32..40].copy_from_slice(&[0xff, 0xff, 0xff, 0xf0, 0, 0, 3, 8]);
        d[48..56].copy_from_slice(&[0xf2, 0xff, 0xff, 0xff, 0, 0, 1, 8]);
        assert_eq!(magic_candidates(&d).collect::<Vec<_>>(), vec![6, 16]);
    }
}
