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
    printf 'module example.org/hello\n\ngo 1.19\n' > "$tmp/go.mod"
    (cd "$tmp" && GOCACHE="$tmp/c" CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 go build -ldflags=-s -o "$out/hello-go-darwin" .)
    # Go programs without build info (parse_go_pclntab.rs): ELF with the section removed, and
    # without section headers; PE and Mach-O with the build-info header overwritten. They are
    # larger than the 256 KiB of the usual run: fuzz them with a larger -max_len (README).
    zero_buildinfo() { # file: zero the 32-byte build-info header, found by its magic
        at=$(LC_ALL=C grep -obUaP '\xff Go buildinf:' "$1" | head -1 | cut -d: -f1)
        dd if=/dev/zero of="$1" bs=1 seek="$at" count=32 conv=notrunc status=none
    }
    (cd "$tmp" && GOCACHE="$tmp/c" CGO_ENABLED=0 go build -ldflags='-s -w' -o "$tmp/go-elf" .)
    objcopy --remove-section .go.buildinfo "$tmp/go-elf" "$out/go-elf-nobuildinfo"
    cp "$out/go-elf-nobuildinfo" "$out/go-elf-noshdr"
    # e_shoff (8 bytes at 0x28) and e_shnum, e_shstrndx (at 0x3c) of a 64-bit ELF.
    dd if=/dev/zero of="$out/go-elf-noshdr" bs=1 seek=40 count=8 conv=notrunc status=none
    dd if=/dev/zero of="$out/go-elf-noshdr" bs=1 seek=60 count=4 conv=notrunc status=none
    for t in windows/amd64/go-pe-nobuildinfo.exe darwin/arm64/go-macho-nobuildinfo; do
        goos=${t%%/*}; rest=${t#*/}; goarch=${rest%%/*}; name=${rest#*/}
        (cd "$tmp" && GOCACHE="$tmp/c" CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -ldflags='-s -w' -o "$out/$name" .)
        zero_buildinfo "$out/$name"
    done
fi
ls -la "$out"
