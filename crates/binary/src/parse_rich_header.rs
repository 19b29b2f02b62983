//! The PE Rich header: the record Microsoft's linker leaves between the DOS stub and the PE
//! header of every image it links, listing each tool (compiler, assembler, linker, resource
//! converter) that produced an object, with its build number and object count.
//!
//! Layout: `"DanS" ^ key`, three padding dwords equal to `key`, then pairs
//! `(prod_id << 16 | build) ^ key, count ^ key`, then `"Rich"` and the key in clear. It is
//! found by looking for `"Rich"` and walking back to the masked `"DanS"`. Decoding the ids is
//! left to `kb:toolchain/msvc-rich-*.csv`.

const DANS: u32 = 0x536E_6144; // "DanS"
const RICH: &[u8] = b"Rich";

/// A decoded Rich header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rich {
    /// File offset of the masked `DanS`.
    pub offset: usize,
    /// The XOR key (a checksum of the DOS header and the entries).
    pub key: u32,
    /// `(comp_id, count, file offset)` in file order.
    pub entries: Vec<(u32, u32, usize)>,
}

fn dword(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// Looks for a Rich header in `dos`, the bytes before the PE signature.
pub(crate) fn parse(dos: &[u8]) -> Result<Option<Rich>, &'static str> {
    // The header follows the 64-byte DOS header, on a dword boundary.
    let Some(rich) = (0x40..dos.len().saturating_sub(3))
        .step_by(4)
        .find(|&i| dos.get(i..i + 4) == Some(RICH))
    else {
        return Ok(None);
    };
    let key = dword(dos, rich + 4).ok_or("no key after Rich")?;
    let dans = (0x40..rich)
        .step_by(4)
        .rev()
        .find(|&i| dword(dos, i).map(|d| d ^ key) == Some(DANS))
        .ok_or("Rich without DanS")?;
    let start = dans + 16;
    if start > rich || (rich - start) % 8 != 0 {
        return Err("Rich entries are not whole pairs");
    }
    let entries = (start..rich)
        .step_by(8)
        .filter_map(|i| Some((dword(dos, i)? ^ key, dword(dos, i + 4)? ^ key, i)))
        .collect();
    Ok(Some(Rich {
        offset: dans,
        key,
        entries,
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A DOS header area with a Rich header holding `entries`, masked with `key`.
    pub(crate) fn dos_with_rich(key: u32, entries: &[(u32, u32)]) -> Vec<u8> {
        let mut b = vec![0u8; 0x80];
        b[0] = b'M';
        b[1] = b'Z';
        for d in [DANS ^ key, key, key, key] {
            b.extend(d.to_le_bytes());
        }
        for (id, n) in entries {
            b.extend((id ^ key).to_le_bytes());
            b.extend((n ^ key).to_le_bytes());
        }
        b.extend(RICH);
        b.extend(key.to_le_bytes());
        b.resize(b.len() + 8, 0);
        b
    }

    #[test]
    fn decodes_entries() {
        let dos = dos_with_rich(0x25a3_10c8, &[(0x009d_9d1b, 1), (0x00aa_9d1b, 121)]);
        let r = parse(&dos).unwrap().unwrap();
        assert_eq!(r.offset, 0x80);
        assert_eq!(r.key, 0x25a3_10c8);
        assert_eq!(
            r.entries,
            vec![(0x009d_9d1b, 1, 0x90), (0x00aa_9d1b, 121, 0x98)]
        );
    }

    #[test]
    fn absent_or_broken() {
        assert_eq!(parse(&[0u8; 0x100]).unwrap(), None);
        let mut dos = dos_with_rich(7, &[(1, 1)]);
        dos[0x80] ^= 0xff; // spoil DanS
        assert!(parse(&dos).is_err());
        let dos = dos_with_rich(7, &[(1, 1)]);
        assert!(parse(&dos[..dos.len() - 10]).is_err(), "key cut off");
    }
}
