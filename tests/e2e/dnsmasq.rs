//! A real DNS server on loopback for end-to-end tests: Debian's dnsmasq (`dnsmasq-base`,
//! tools/install-deps.sh) with its own configuration on a port of its own. Without it the tests
//! that use it fail; they never skip.

use crate::util::*;
use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A dnsmasq on 127.0.0.1 answering `A` for the given names (and nothing for `AAAA`: the names
/// are its own, `local=`), asking no upstream. Stopped when dropped.
pub struct Dnsmasq {
    child: Child,
    /// Where it listens (`127.0.0.1:PORT`), for `--resolver`.
    pub addr: String,
    _dir: tempfile::TempDir,
}

impl Dnsmasq {
    pub fn start(records: &[(&str, &str)]) -> Dnsmasq {
        Dnsmasq::start_with(records, "")
    }

    /// As [`Dnsmasq::start`], with more configuration lines (`cname=`, `mx-host=`, `local=`).
    pub fn start_with(records: &[(&str, &str)], extra: &str) -> Dnsmasq {
        let exe = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .expect("dnsmasq is missing: install Debian's dnsmasq-base (tools/install-deps.sh)");
        let dir = tempdir();
        // A free port: bound and released, then taken by dnsmasq (nothing else on loopback
        // races for it in a test run; a clash shows as dnsmasq failing to start, not a pass).
        let port = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut conf = format!(
            "no-resolv\nno-hosts\nno-poll\nbind-interfaces\nlisten-address=127.0.0.1\nport={port}\nlocal=/example.org/\n"
        );
        conf.push_str(extra);
        for (name, ip) in records {
            conf.push_str(&format!("host-record={name},{ip}\n"));
        }
        let file = dir.path().join("dnsmasq.conf");
        std::fs::write(&file, conf).unwrap();
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        let pid = dir.path().join("dnsmasq.pid");
        let mut child = Command::new(exe)
            .arg("--keep-in-foreground")
            .arg(format!("--conf-file={}", file.display()))
            .arg(format!("--pid-file={}", pid.display()))
            .arg(format!("--user={user}"))
            .arg("--log-facility=-")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dnsmasq starts");
        // dnsmasq writes its pid file once it listens.
        for _ in 0..100 {
            if std::fs::metadata(&pid).is_ok_and(|m| m.len() > 0) {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).ok();
                panic!("dnsmasq exited ({status}): {err}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Dnsmasq {
            child,
            addr: format!("127.0.0.1:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
