#!/bin/sh
# Benchmark (not a test): the toolchain walk over /usr against what a user would otherwise run,
# in one hyperfine run. Targets (issue 3): at least 8x faster than readelf over every file, at
# least 30x faster than file(1), within 2x of a bare `find | wc -l`.
#
#   crates/binary/bench/usr.sh [ROOT] [RUNS]     # ROOT defaults to /usr, RUNS to 5
#
# Two walks are timed: the default one (files whose extension names a format that is never a
# binary are counted, not opened) and `--all-files` (every regular file opened).
# SOVSTACK_BENCH_SKIP_FILE=1 leaves out the slow file(1) command (for repeated runs).
# The example is built in $CARGO_TARGET_DIR when set, else in target/.
#
# Needs hyperfine, binutils and file (Debian: apt-get install hyperfine binutils file).
# Results go to stdout and to $target/bench-usr.md.
set -eu
root=${1:-/usr}
runs=${2:-5}
cd "$(dirname "$0")/../../.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release -p sovstack-binary --example walk
walk=$target/release/examples/walk
"$walk" "$root" | head -1
"$walk" "$root" --all-files | head -1
set -- -n sovstack-walk "$walk $root" \
    -n sovstack-walk-all-files "$walk $root --all-files" \
    -n readelf-comment "find $root -type f -exec readelf -p .comment {} +"
if [ -z "${SOVSTACK_BENCH_SKIP_FILE:-}" ]; then
    set -- "$@" -n file "find $root -type f -print0 | xargs -0 file"
fi
set -- "$@" -n find-wc "find $root -type f | wc -l"
# readelf and file exit non-zero on some inputs (not ELF, unreadable): -i keeps the timing.
hyperfine -i --warmup 1 --runs "$runs" --export-markdown "$target/bench-usr.md" "$@"
