//! The syntax of `/proc/version`: `<sysname> version <release> (<builder>) (<compiler>) #<build> …`.
//!
//! Only the kernel's name and release are taken. The rest (builder, compiler, build date)
//! varies per build and says nothing about who stewards the kernel; the build date would also
//! make two scans of the same image differ for no reason.

/// The kernel named by `/proc/version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcVersion {
    /// `Linux`.
    pub kernel_name: String,
    /// `6.1.0-18-amd64`.
    pub release: String,
}

/// Parses the first line of `/proc/version`; `None` when it does not read
/// `<name> version <release>`.
pub fn proc_version(text: &str) -> Option<ProcVersion> {
    let first = text.lines().next()?;
    let mut words = first.split_whitespace();
    let (name, version, release) = (words.next()?, words.next()?, words.next()?);
    let plausible =
        |s: &str| !s.is_empty() && !s.starts_with('(') && s.chars().all(|c| !c.is_control());
    (version == "version" && plausible(name) && plausible(release)).then(|| ProcVersion {
        kernel_name: name.to_string(),
        release: release.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let table: &[(&str, Option<(&str, &str)>)] = &[
            (
                "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n",
                Some(("Linux", "6.1.0-18-amd64")),
            ),
            ("Linux version 1.0.9 (quinlan@phaze) #1 Sat May 14 01:51:54 EDT 1994", Some(("Linux", "1.0.9"))),
            ("Linux version 4.19.90-23.6.v2101.ky10.aarch64 (KYLINSOFT@localhost.localdomain) (gcc version 7.3.0 (GCC)) #1 SMP", Some(("Linux", "4.19.90-23.6.v2101.ky10.aarch64"))),
            ("  Linux   version   6.6.0  \nsecond line ignored", Some(("Linux", "6.6.0"))),
            ("", None),
            ("\n", None),
            ("Linux", None),
            ("Linux version", None),
            ("Linux release 6.1.0", None),
            ("Linux version (builder)", None),
            ("Linux version 6.1\u{7}bell", None),
            ("\u{0}\u{1}version\u{2}", None),
        ];
        for (input, want) in table {
            let got = proc_version(input);
            let got = got
                .as_ref()
                .map(|v| (v.kernel_name.as_str(), v.release.as_str()));
            assert_eq!(got, *want, "{input:?}");
        }
    }

    #[test]
    fn real_fixtures() {
        for (case, want) in [
            ("x86-amd-epyc-debian12", ("Linux", "6.18.44-fc-v657")),
            (
                "os-kylin-v10-aarch64",
                ("Linux", "4.19.90-23.6.v2101.ky10.aarch64"),
            ),
        ] {
            let path = format!(
                "{}/testdata/{case}/proc/version",
                env!("CARGO_MANIFEST_DIR")
            );
            let v = proc_version(&std::fs::read_to_string(path).unwrap()).unwrap();
            assert_eq!((v.kernel_name.as_str(), v.release.as_str()), want, "{case}");
        }
    }
}
