#!/bin/sh
# Seeds fuzz/corpus/detect_binary with small real binaries: the npm Mach-O fixture, a few
# Debian ELF programs, pip's MSVC launchers, a clang- and a Go-built program when the tools are
# installed. Run before `cargo fuzz run detect_binary` (see crates/binary/README.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../fuzz/corpus/detect_binary"
mkdir -p "$out"
cp "$here/testdata/fsevents-2.3.3/fsevents.node" "$out/fsevents.node"
for f in /usr/bin/true /usr/bin/ls /usr/bin/env; do [ -f "$f" ] && cp "$f" "$out/$(basename "$f")"; done
find "${PYENV_ROOT:-$HOME/.pyenv}/versions" -path '*distlib*' -name '*.exe' 2>/dev/null | head -6 | while read -r f; do
    cp "$f" "$out/$(basename "$f")"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > "$tmp/h.c"
if command -v clang >/dev/null; then clang -O1 -o "$out/hello-clang" "$tmp/h.c"; fi
if command -v go >/dev/null; then
    printf 'package main\nfunc main() { println("hi") }\n' > "$tmp/main.go"
    (cd "$tmp" && GOCACHE="$tmp/c" CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 go build -ldflags=-s -o "$out/hello-go-darwin" main.go)
fi
ls -la "$out"
