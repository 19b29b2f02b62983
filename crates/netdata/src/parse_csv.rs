//! Reading the data directory's own CSV tables (`asn/major-asns.csv`, `providers.csv`,
//! `cname-suffixes.csv`, `MANIFEST.csv`) into typed rows with their line numbers.
//!
//! The header must be exactly the expected columns, in order: a renamed or extra column is an
//! error rather than a silently empty field, as in the knowledge base's tables. Provider feeds
//! in CSV (RFC 8805 geofeeds) have no header and are read by `cloud::parse_feeds` instead.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::Error;

/// Parses `bytes` (the content of `path`) into rows, each with its 1-based line number.
pub(crate) fn read_table<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    columns: &[&str],
) -> Result<Vec<(u64, T)>, Error> {
    let mut rows = Vec::new();
    each_row(path, bytes, columns, |row| {
        rows.push((row.line, row.get()?));
        Ok(())
    })?;
    Ok(rows)
}

/// One row of a table being read by [`each_row`]: its line, and its fields to deserialize.
pub(crate) struct RowRef<'a> {
    path: &'a Path,
    /// The row's 1-based line number.
    pub line: u64,
    record: &'a csv::StringRecord,
    header: &'a csv::StringRecord,
}

impl<'a> RowRef<'a> {
    /// The row as `T`, whose `&str` fields may borrow from it; a field that does not parse is
    /// an error naming the file, the line and the field.
    pub fn get<T: Deserialize<'a>>(&self) -> Result<T, Error> {
        self.record
            .deserialize(Some(self.header))
            .map_err(|e| csv_error(self.path, self.line, &e))
    }
}

/// Parses `bytes` (the content of `path`) row by row, calling `f` with each row, whose fields
/// may be deserialized borrowing from it (`&str` fields): one record buffer is reused for the
/// whole file, so a large table (`asn/asn-org-country.csv`, 91,000 rows) costs no allocation
/// per row. The first error, `f`'s included, ends the reading.
pub(crate) fn each_row<F>(
    path: &Path,
    bytes: &[u8],
    columns: &[&str],
    mut f: F,
) -> Result<(), Error>
where
    F: FnMut(RowRef<'_>) -> Result<(), Error>,
{
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| csv_error(path, 1, &e))?
        .clone();
    let found: Vec<&str> = header.iter().collect();
    if found != columns {
        return Err(Error::line(
            path,
            1,
            format!(
                "expected columns {} but found {}",
                columns.join(","),
                found.join(",")
            ),
        ));
    }
    let mut lines = LineOf::new(bytes);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                return Err(csv_error(path, line, &e));
            }
        }
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        f(RowRef {
            path,
            line,
            record: &record,
            header: &header,
        })?;
    }
}

/// The 1-based line where a record starts, from its byte offset. csv's own `Position::line` is
/// one short on files with CRLF endings: it ends a record at the `\r` and places the next one at
/// the `\n`. So the line terminators at the offset are skipped (a record never starts with one:
/// csv skips empty lines) and the `\n`s before it counted. Offsets come in increasing order, so
/// counting resumes where the last call stopped.
struct LineOf<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineOf<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineOf {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let mut byte = (byte as usize).min(self.bytes.len());
        while matches!(self.bytes.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte < self.offset {
            *self = LineOf::new(self.bytes);
        }
        self.line += self.bytes[self.offset..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = byte;
        self.line
    }
}

fn csv_error(path: &Path, line: u64, err: &csv::Error) -> Error {
    // csv's own message repeats the position; keep only the kind of fault.
    let message = match err.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(field) => format!("field {}: {}", field + 1, err.kind()),
            None => err.kind().to_string(),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => err.to_string(),
    };
    Error::line(path, line, message)
}

/// True for an ISO 3166-1 alpha-2 shape (two ASCII capitals). Which codes exist is the
/// knowledge base's business; here it only catches a swapped column or a lower-case slip.
pub(crate) fn is_alpha2(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Row {
        a: u32,
        b: String,
    }

    #[test]
    fn reads_rows_with_line_numbers() {
        let rows: Vec<(u64, Row)> =
            read_table(Path::new("t.csv"), b"a,b\n1,x\n2,\"y,z\"\n", &["a", "b"]).unwrap();
        assert_eq!(
            rows[0],
            (
                2,
                Row {
                    a: 1,
                    b: "x".into()
                }
            )
        );
        assert_eq!(
            rows[1],
            (
                3,
                Row {
                    a: 2,
                    b: "y,z".into()
                }
            )
        );
    }

    #[test]
    fn crlf_files_give_the_same_line_numbers() {
        // asn/major-asns.csv has CRLF endings; its first row is on line 2, not 1.
        let rows: Vec<(u64, Row)> =
            read_table(Path::new("t.csv"), b"a,b\r\n1,x\r\n2,y\r\n", &["a", "b"]).unwrap();
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases: &[(&[u8], &str)] = &[
            (b"a,c\n1,x\n", "t.csv:1: expected columns a,b but found a,c"),
            (
                b"a,b\n1,x\nnope,y\n",
                "t.csv:3: field 1: invalid digit found in string",
            ),
            (b"a,b\n1,x\n2\n", "t.csv:3: expected 2 fields, found 1"),
            (b"a,b\n1,\xff\n", "t.csv:2: not valid UTF-8"),
        ];
        for (input, want) in cases {
            let err = read_table::<Row>(Path::new("t.csv"), input, &["a", "b"]).unwrap_err();
            assert_eq!(err.to_string(), *want);
        }
    }

    #[test]
    fn alpha2() {
        assert!(is_alpha2("DE"));
        for bad in ["de", "D", "DEU", "", "D1"] {
            assert!(!is_alpha2(bad), "{bad}");
        }
    }
}
