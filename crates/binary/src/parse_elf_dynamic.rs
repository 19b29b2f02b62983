//! The parts of an ELF file's dynamic linking information that name its C library: `DT_NEEDED`
//! entries of `.dynamic` and the version needs of `.gnu.version_r` (`GLIBC_2.34` from
//! `libc.so.6`). Strings are read one by one from the linked string table rather than reading
//! the whole `.dynstr`, which runs to megabytes in large libraries.

use crate::source::Source;
use crate::{Error, Format};
use goblin::container::{Container, Ctx};
use goblin::elf::section_header::SectionHeader;
use scroll::Pread;

/// `DT_NEEDED`.
const DT_NEEDED: u64 = 1;
/// Entries read at most: real files have tens.
const MAX_ENTRIES: usize = 1 << 14;
/// Longest library or version name read.
const MAX_NAME: u64 = 256;

/// A string and the file offset it was read from.
pub(crate) type Located = (u64, String);

fn string_at(src: &Source<'_>, strtab: &SectionHeader, off: u64) -> Result<Option<Located>, Error> {
    if off >= strtab.sh_size {
        return Ok(None);
    }
    let at = strtab.sh_offset.saturating_add(off);
    let max = MAX_NAME.min(strtab.sh_size - off);
    let bytes = src.read(at, max.min(src.len().saturating_sub(at)), "dynamic string")?;
    let s = bytes.split(|&b| b == 0).next().unwrap_or_default();
    Ok(Some((at, String::from_utf8_lossy(s).into_owned())))
}

fn section(
    src: &Source<'_>,
    sh: &SectionHeader,
    max: u64,
    what: &'static str,
) -> Result<Vec<u8>, Error> {
    if sh.sh_size > max {
        return Err(src.malformed(Format::Elf, format!("{what} of {} bytes", sh.sh_size)));
    }
    Ok(src.read(sh.sh_offset, sh.sh_size, what)?.into_owned())
}

/// The `DT_NEEDED` library names.
pub(crate) fn needed(
    src: &Source<'_>,
    dynamic: &SectionHeader,
    strtab: &SectionHeader,
    ctx: Ctx,
) -> Result<Vec<Located>, Error> {
    let data = section(src, dynamic, 1 << 20, ".dynamic")?;
    let e = ctx.le;
    let size = if ctx.container == Container::Big {
        16
    } else {
        8
    };
    let mut out = Vec::new();
    for entry in data.chunks_exact(size).take(MAX_ENTRIES) {
        let (tag, val) = if size == 16 {
            (
                entry.pread_with::<u64>(0, e).unwrap_or(0),
                entry.pread_with::<u64>(8, e).unwrap_or(0),
            )
        } else {
            (
                u64::from(entry.pread_with::<u32>(0, e).unwrap_or(0)),
                u64::from(entry.pread_with::<u32>(4, e).unwrap_or(0)),
            )
        };
        match tag {
            0 => break, // DT_NULL ends the table
            DT_NEEDED => out.extend(string_at(src, strtab, val)?),
            _ => {}
        }
    }
    Ok(out)
}

/// For each needed file, the version names required from it (`libc.so.6` → `GLIBC_2.34`...).
pub(crate) fn version_needs(
    src: &Source<'_>,
    verneed: &SectionHeader,
    strtab: &SectionHeader,
    ctx: Ctx,
) -> Result<Vec<(String, Vec<Located>)>, Error> {
    let data = section(src, verneed, 1 << 20, ".gnu.version_r")?;
    let e = ctx.le;
    let bad = |m: &str| src.malformed(Format::Elf, format!(".gnu.version_r: {m}"));
    let mut out = Vec::new();
    if data.is_empty() {
        // Go's linker writes an empty table into static programs (Debian's age-keygen).
        return Ok(out);
    }
    let mut off = 0usize;
    // Elf32_Verneed and Elf64_Verneed have the same 16-byte layout, as do their Vernaux.
    for _ in 0..MAX_ENTRIES {
        let rd16 = |o: usize| {
            data.pread_with::<u16>(o, e)
                .map_err(|_| bad("entry runs past the section"))
        };
        let rd32 = |o: usize| {
            data.pread_with::<u32>(o, e)
                .map_err(|_| bad("entry runs past the section"))
        };
        let (cnt, file, aux, next) = (
            rd16(off + 2)?,
            rd32(off + 4)?,
            rd32(off + 8)?,
            rd32(off + 12)?,
        );
        let file = string_at(src, strtab, u64::from(file))?
            .map(|(_, s)| s)
            .unwrap_or_default();
        let mut names = Vec::new();
        let mut a = off
            .checked_add(aux as usize)
            .ok_or_else(|| bad("aux offset overflows"))?;
        for _ in 0..cnt.min(1024) {
            let (name, anext) = (rd32(a + 8)?, rd32(a + 12)?);
            names.extend(string_at(src, strtab, u64::from(name))?);
            if anext == 0 {
                break;
            }
            a = a
                .checked_add(anext as usize)
                .ok_or_else(|| bad("aux offset overflows"))?;
        }
        out.push((file, names));
        if next == 0 {
            return Ok(out);
        }
        off = off
            .checked_add(next as usize)
            .ok_or_else(|| bad("next offset overflows"))?;
    }
    Err(bad("more entries than any real file has (a loop?)"))
}
