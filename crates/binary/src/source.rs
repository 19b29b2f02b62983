//! Bounded random access to one file's bytes, in memory or on disk.
//!
//! Every parser reads through [`Source`], so the per-file cap is enforced in one place: a read
//! past the end of the file is [`Error::Truncated`] (the headers lied) and a read that would
//! pass the cap is [`Error::OverCap`]. Hostile headers can therefore never make a parser
//! allocate more than the cap. Reads use `pread` (`FileExt::read_exact_at`), not a memory map:
//! a file truncated while mapped would kill the process with SIGBUS.

use crate::{Error, Format};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fs::File;
use std::os::unix::fs::FileExt;

enum Kind<'a> {
    Bytes(&'a [u8]),
    File(&'a File),
}

/// One file's bytes, read on demand within a budget.
pub(crate) struct Source<'a> {
    kind: Kind<'a>,
    len: u64,
    path: &'a str,
    cap: u64,
    spent: Cell<u64>,
    /// The last [`BLOCK`] read for small reads of a file, and its offset: headers, string
    /// tables and notes are read a few dozen bytes at a time, mostly close together.
    block: RefCell<(u64, Vec<u8>)>,
}

/// Reads of a file up to this size go through [`Source::block`].
const SMALL: u64 = 4096;
/// The block read for small reads. It starts at the read's offset rounded down to [`SMALL`],
/// and is at least twice [`SMALL`] long, so the read fits in it.
const BLOCK: u64 = 16384;

impl<'a> Source<'a> {
    pub(crate) fn bytes(bytes: &'a [u8], path: &'a str, cap: u64) -> Self {
        Source {
            kind: Kind::Bytes(bytes),
            len: bytes.len() as u64,
            path,
            cap,
            spent: Cell::new(0),
            block: RefCell::default(),
        }
    }

    pub(crate) fn file(file: &'a File, len: u64, path: &'a str, cap: u64) -> Self {
        Source {
            kind: Kind::File(file),
            len,
            path,
            cap,
            spent: Cell::new(0),
            block: RefCell::default(),
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn path(&self) -> &'a str {
        self.path
    }

    /// Bytes that may still be read before the cap.
    pub(crate) fn remaining(&self) -> u64 {
        self.cap.saturating_sub(self.spent.get())
    }

    /// Checks a read of `len` bytes at `offset` against the file's length and the cap, and
    /// counts it; returns where it ends.
    fn spend(&self, offset: u64, len: u64, what: &'static str) -> Result<u64, Error> {
        let end = offset.checked_add(len).filter(|&e| e <= self.len);
        let Some(end) = end else {
            return Err(Error::Truncated {
                path: self.path.to_string(),
                what,
                offset,
                len,
                file_len: self.len,
            });
        };
        let spent = self.spent.get().saturating_add(len);
        if spent > self.cap {
            return Err(Error::OverCap {
                path: self.path.to_string(),
                what,
                len,
                cap: self.cap,
            });
        }
        self.spent.set(spent);
        Ok(end)
    }

    /// [`Source::read`] into `buf`, which the caller keeps from read to read: it grows and
    /// never shrinks, so reading a large section chunk by chunk neither zeroes nor faults in a
    /// fresh buffer each time. Bytes in memory are borrowed, not copied.
    pub(crate) fn read_reusing<'s>(
        &'s self,
        offset: u64,
        len: u64,
        what: &'static str,
        buf: &'s mut Vec<u8>,
    ) -> Result<&'s [u8], Error> {
        let end = self.spend(offset, len, what)?;
        match self.kind {
            Kind::Bytes(b) => Ok(&b[offset as usize..end as usize]),
            Kind::File(f) => {
                let len = len as usize;
                if buf.len() < len {
                    buf.resize(len, 0);
                }
                f.read_exact_at(&mut buf[..len], offset)
                    .map_err(|source| Error::Io {
                        path: self.path.to_string(),
                        source,
                    })?;
                Ok(&buf[..len])
            }
        }
    }

    /// Exactly `len` bytes at `offset`, or an error saying why not.
    pub(crate) fn read(
        &self,
        offset: u64,
        len: u64,
        what: &'static str,
    ) -> Result<Cow<'a, [u8]>, Error> {
        let end = self.spend(offset, len, what)?;
        match self.kind {
            Kind::Bytes(b) => Ok(Cow::Borrowed(&b[offset as usize..end as usize])),
            Kind::File(f) if len <= SMALL => {
                let io = |source| Error::Io {
                    path: self.path.to_string(),
                    source,
                };
                let mut block = self.block.borrow_mut();
                let (start, data) = &mut *block;
                if offset < *start || end > *start + data.len() as u64 {
                    // The cap counts the bytes asked for; the block adds at most BLOCK per read.
                    *start = offset - offset % SMALL;
                    let block_len = BLOCK.min(self.len - *start) as usize;
                    data.resize(block_len, 0);
                    f.read_exact_at(data, *start).map_err(io)?;
                }
                Ok(Cow::Owned(
                    data[(offset - *start) as usize..(end - *start) as usize].to_vec(),
                ))
            }
            Kind::File(f) => {
                let mut buf = vec![0u8; len as usize];
                f.read_exact_at(&mut buf, offset)
                    .map_err(|source| Error::Io {
                        path: self.path.to_string(),
                        source,
                    })?;
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// Up to `max` bytes at `offset`: fewer when the file ends sooner, none past its end.
    pub(crate) fn read_prefix(
        &self,
        offset: u64,
        max: u64,
        what: &'static str,
    ) -> Result<Cow<'a, [u8]>, Error> {
        let len = self.len.saturating_sub(offset).min(max);
        self.read(offset.min(self.len), len, what)
    }

    /// An error for a structural problem in this file.
    pub(crate) fn malformed(&self, format: Format, message: impl Into<String>) -> Error {
        Error::Malformed {
            path: self.path.to_string(),
            format,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_within_bounds_and_cap() {
        let data = b"0123456789";
        let s = Source::bytes(data, "/d", 6);
        assert_eq!(&*s.read(2, 3, "x").unwrap(), b"234");
        assert!(matches!(
            s.read(8, 3, "x"),
            Err(Error::Truncated {
                offset: 8,
                len: 3,
                file_len: 10,
                ..
            })
        ));
        assert!(matches!(
            s.read(u64::MAX, 2, "x"),
            Err(Error::Truncated { .. })
        ));
        // 3 already spent; 4 more would pass the cap of 6.
        assert!(matches!(
            s.read(0, 4, "x"),
            Err(Error::OverCap { cap: 6, .. })
        ));
        assert_eq!(&*s.read_prefix(7, 100, "x").unwrap(), b"789");
        assert_eq!(&*s.read_prefix(70, 100, "x").unwrap(), b"");
    }

    #[test]
    fn small_reads_through_the_block_match_the_file() {
        let data: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, &data).unwrap();
        let f = File::open(tmp.path()).unwrap();
        let s = Source::file(&f, data.len() as u64, "/b", u64::MAX);
        // Near block and page edges, backwards and forwards, up to the end of the file.
        for (off, len) in [
            (0, 8),
            (12_280, 4096),
            (16_380, 10),
            (4095, 2),
            (39_990, 10),
            (8192, 4096),
            (100, 4096),
            (36_000, 4000),
        ] {
            assert_eq!(
                &*s.read(off, len, "x").unwrap(),
                &data[off as usize..(off + len) as usize],
                "{off}+{len}"
            );
        }
        assert!(matches!(
            s.read(39_995, 10, "x"),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn file_reads_match_bytes() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, b"hello world").unwrap();
        let f = File::open(tmp.path()).unwrap();
        let s = Source::file(&f, 11, "/h", 100);
        assert_eq!(&*s.read(6, 5, "x").unwrap(), b"world");
        assert!(matches!(s.read(6, 6, "x"), Err(Error::Truncated { .. })));
        let mut buf = vec![b'#'; 8];
        assert_eq!(s.read_reusing(0, 5, "x", &mut buf).unwrap(), b"hello");
        assert_eq!(s.read_reusing(6, 5, "x", &mut buf).unwrap(), b"world");
        assert_eq!(buf.len(), 8, "kept, not shrunk");
        assert!(matches!(
            s.read_reusing(6, 6, "x", &mut buf),
            Err(Error::Truncated { .. })
        ));
        let b = Source::bytes(b"0123456789", "/d", 6);
        assert_eq!(b.read_reusing(2, 3, "x", &mut Vec::new()).unwrap(), b"234");
        assert!(matches!(
            b.read_reusing(0, 4, "x", &mut Vec::new()),
            Err(Error::OverCap { .. })
        ));
    }
}
