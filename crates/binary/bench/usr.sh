#!/bin/sh
# Benchmark (not a test): the toolchain walk over /usr against what a user would otherwise run,
# in one hyperfine run. Targets (issue 3): at least 8x faster than readelf over every file, at
# least 30x faster than file(1), within 2x of a bare `find | wc -l`.
#
#   crates/binary/bench/usr.sh [ROOT] [RUNS]     # ROOT defaults to /usr, RUNS to 5
#
# Needs hyperfine, binutils and file (Debian: apt-get install hyperfine binutils file).
# Results go to stdout and to target/bench-usr.md.
set -eu
root=${1:-/usr}
runs=${2:-5}
cd "$(dirname "$0")/../../.."
cargo build --release -p sovstack-binary --example walk
walk=target/release/examples/walk
"$walk" "$root" | head -1
# readelf and file exit non-zero on some inputs (not ELF, unreadable): -i keeps the timing.
hyperfine -i --warmup 1 --runs "$runs" --export-markdown target/bench-usr.md \
    -n sovstack-walk "$walk $root" \
    -n readelf-comment "find $root -type f -exec readelf -p .comment {} +" \
    -n file "find $root -type f -print0 | xargs -0 file" \
    -n find-wc "find $root -type f | wc -l"
