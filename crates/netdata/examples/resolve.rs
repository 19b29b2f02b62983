//! Resolves the names of a file (one per line) with sovstack's resolver and prints one line
//! per name: the name, the CNAME hops, the answers, or the error. Used by `bench/dns.sh`.
//!
//! ```text
//! cargo run --release -p sovstack-netdata --example resolve -- \
//!     [--resolver IP:PORT] [--concurrency N] [--threads N] [--type A|AAAA|MX|NS|TXT] [--json] \
//!     NAMES_FILE
//! ```
//!
//! `--threads 0` (the default) runs everything on the calling thread (tokio's current-thread
//! runtime, as the scan uses); `--threads N` on a multi-threaded runtime of N workers.
//! Against a server on the same machine, one thread does the same work with less CPU: no
//! wake-ups across threads, and the other core is left to the server.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use sovstack_netdata::dns::{Answer, RecordType, ResolverBuilder};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("resolve: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = ResolverBuilder::new();
    let mut record_type = RecordType::A;
    let mut json = false;
    let mut threads = 0usize;
    let mut file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--resolver" => {
                builder = builder.nameserver(
                    args.next()
                        .ok_or("--resolver needs IP:PORT")?
                        .parse::<SocketAddr>()?,
                )
            }
            "--concurrency" => {
                builder = builder.concurrency(args.next().ok_or("--concurrency needs N")?.parse()?)
            }
            "--type" => {
                record_type = match args
                    .next()
                    .ok_or("--type needs a type")?
                    .to_ascii_uppercase()
                    .as_str()
                {
                    "A" => RecordType::A,
                    "AAAA" => RecordType::Aaaa,
                    "MX" => RecordType::Mx,
                    "NS" => RecordType::Ns,
                    "TXT" => RecordType::Txt,
                    other => return Err(format!("unknown type {other}").into()),
                }
            }
            "--threads" => threads = args.next().ok_or("--threads needs N")?.parse()?,
            "--json" => json = true,
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}").into()),
        }
    }
    let text = std::fs::read_to_string(file.ok_or("missing NAMES_FILE")?)?;
    let queries: Vec<(&str, RecordType)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| (l, record_type))
        .collect();

    let runtime = match threads {
        0 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
    };
    let lookups = runtime.block_on(async {
        let resolver = builder.build()?;
        Ok::<_, Box<dyn std::error::Error>>(resolver.resolve_all(&queries).await)
    })?;

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for l in &lookups {
        if json {
            serde_json::to_writer(&mut out, l)?;
            writeln!(out)?;
            continue;
        }
        let chain: Vec<&str> = l.chain.iter().map(|h| h.target.as_str()).collect();
        let answers: Vec<String> = l
            .answers
            .iter()
            .map(|a| match a {
                Answer::A(ip) => ip.to_string(),
                Answer::Aaaa(ip) => ip.to_string(),
                Answer::Mx {
                    preference,
                    exchange,
                } => format!("{preference} {exchange}"),
                Answer::Ns(n) | Answer::Txt(n) => n.clone(),
            })
            .collect();
        let error = l
            .error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            l.query,
            chain.join(" > "),
            answers.join(" "),
            error
        )?;
    }
    out.flush()?;
    Ok(())
}
