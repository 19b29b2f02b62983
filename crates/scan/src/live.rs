//! What the live host says about itself through `sysinfo`: CPU brands and vendor ids, the
//! machine architecture and the kernel's name and release (all from `uname(2)` or the kernel's
//! own tables).
//!
//! Consulted only when the root is the host's `/`: a scan of an image must describe the image,
//! never the machine that happens to scan it. Nothing that changes between two runs on the
//! same host (load, frequency, uptime, memory) is taken, so a report stays byte-identical.
//!
//! The values are plain data so tests can build a [`LiveHost`] for any machine.

use sysinfo::{CpuRefreshKind, System};

/// The live host's own account of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveHost {
    /// `uname -m`: `x86_64`, `aarch64`, `riscv64`, ...
    pub machine: Option<String>,
    /// The kernel's name (`Linux`).
    pub kernel_name: Option<String>,
    /// The kernel's release (`6.1.0-18-amd64`).
    pub kernel_release: Option<String>,
    /// Logical CPUs in the kernel's order.
    pub cpus: Vec<LiveCpu>,
    /// The hypervisor's CPUID signature (leaf `0x40000000`: EBX, ECX, EDX as 12 bytes, trailing
    /// NULs dropped: `KVMKVMKVM`, `Microsoft Hv`), when CPUID leaf 1 says a hypervisor is
    /// present (ECX bit 31); x86 only, `None` elsewhere and on a physical machine.
    pub hypervisor_signature: Option<String>,
}

/// One logical CPU as `sysinfo` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveCpu {
    /// CPUID vendor string or equivalent (`GenuineIntel`).
    pub vendor_id: String,
    /// Marketing name (`AMD EPYC 7763 64-Core Processor`).
    pub brand: String,
}

impl LiveHost {
    /// Asks the running system.
    pub fn probe() -> LiveHost {
        let nonempty = |s: String| {
            let s = s.trim().to_string();
            (!s.is_empty() && s != "unknown").then_some(s)
        };
        // `kernel_long_version` is "<kernel name> <release>" on Unix.
        let (kernel_name, kernel_release) = match System::kernel_long_version() {
            Ok(long) => match long.split_once(' ') {
                Some((name, release)) => {
                    (nonempty(name.to_string()), nonempty(release.to_string()))
                }
                None => (nonempty(long), None),
            },
            Err(_) => (None, System::kernel_version().ok().and_then(nonempty)),
        };
        let cpus = match System::new() {
            Ok(mut sys) => {
                // The list only: brand and vendor id are filled on creation, and no usage or
                // frequency figure is wanted.
                sys.refresh_cpu_list(CpuRefreshKind::nothing());
                sys.cpus()
                    .iter()
                    .map(|c| LiveCpu {
                        vendor_id: c.vendor_id().trim_end().to_string(),
                        brand: c.brand().trim().to_string(),
                    })
                    .collect()
            }
            Err(_) => Vec::new(),
        };
        LiveHost {
            // sysinfo answers from uname(2); it falls back to the compile-time architecture only
            // if uname fails, which Linux does not do for a valid buffer.
            machine: nonempty(System::cpu_arch()),
            kernel_name,
            kernel_release,
            cpus,
            hypervisor_signature: hypervisor_signature(),
        }
    }

    /// The machine architecture in the inventory's spelling (`amd64` → `x86_64`, `arm64` →
    /// `aarch64`, `armv7l` → `arm`), when recognised.
    pub fn architecture(&self) -> Option<&'static str> {
        normalise_architecture(self.machine.as_deref()?)
    }
}

/// The hypervisor's CPUID signature, when CPUID says there is a hypervisor (see
/// [`LiveHost::hypervisor_signature`]). The instruction only reads the processor's
/// identification; a hypervisor answers leaf `0x40000000` for its guests.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn hypervisor_signature() -> Option<String> {
    #[cfg(target_arch = "x86")]
    use std::arch::x86::__cpuid;
    #[cfg(target_arch = "x86_64")]
    use std::arch::x86_64::__cpuid;
    // CPUID exists on every processor Rust's x86 targets run on (i586 and later).
    #[allow(unused_unsafe)]
    let leaf1 = unsafe { __cpuid(1) };
    if leaf1.ecx & (1 << 31) == 0 {
        return None;
    }
    #[allow(unused_unsafe)]
    let hv = unsafe { __cpuid(0x4000_0000) };
    let bytes: Vec<u8> = [hv.ebx, hv.ecx, hv.edx]
        .iter()
        .flat_map(|r| r.to_le_bytes())
        .collect();
    let text = String::from_utf8_lossy(&bytes)
        .trim_end_matches('\0')
        .to_string();
    Some(text)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "x86")))]
fn hypervisor_signature() -> Option<String> {
    None
}

/// Maps a `uname -m` or platform spelling to the inventory's architecture names.
pub fn normalise_architecture(machine: &str) -> Option<&'static str> {
    Some(match machine.trim() {
        "x86_64" | "amd64" | "x64" => "x86_64",
        "i386" | "i486" | "i586" | "i686" | "x86" => "i686",
        "aarch64" | "arm64" => "aarch64",
        m if m.starts_with("armv") || m == "arm" => "arm",
        "riscv64" => "riscv64",
        "riscv32" => "riscv32",
        "loongarch64" => "loongarch64",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architecture_spellings() {
        let table = [
            ("x86_64", Some("x86_64")),
            ("amd64", Some("x86_64")),
            ("i686", Some("i686")),
            ("aarch64", Some("aarch64")),
            ("arm64", Some("aarch64")),
            ("armv7l", Some("arm")),
            ("armv8l", Some("arm")),
            ("riscv64", Some("riscv64")),
            ("loongarch64", Some("loongarch64")),
            ("s390x", None),
            ("", None),
        ];
        for (m, want) in table {
            assert_eq!(normalise_architecture(m), want, "{m}");
        }
    }

    #[test]
    fn probing_this_host_is_stable() {
        // Whatever the machine, two probes agree: nothing run-dependent is collected.
        let a = LiveHost::probe();
        assert_eq!(a, LiveHost::probe());
        if cfg!(target_os = "linux") {
            assert_eq!(a.kernel_name.as_deref(), Some("Linux"));
            assert!(a.kernel_release.is_some());
            assert!(a.architecture().is_some(), "{:?}", a.machine);
        }
    }
}
