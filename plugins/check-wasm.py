#!/usr/bin/env python3
"""Checks that each given WebAssembly module fits the sovstack plugin ABI's transport: no import
section entries at all (the host links nothing: no WASI, clock, filesystem or network), and the
exports memory, sovstack_abi_version, sovstack_alloc, sovstack_info and sovstack_evaluate, and
the sovstack_manifest custom section the SDK writes (JSON naming the plugin).
Standard library only; used by check-reproducible.sh. Exit status 1 on the first problem."""

import json
import sys

REQUIRED_EXPORTS = {
    "memory": 2,  # export kind 2: memory
    "sovstack_abi_version": 0,  # export kind 0: function
    "sovstack_alloc": 0,
    "sovstack_info": 0,
    "sovstack_evaluate": 0,
}


def leb128(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def name(data, i):
    n, i = leb128(data, i)
    return data[i : i + n].decode("utf-8"), i + n


def sections(data):
    if data[:8] != b"\0asm\x01\0\0\0":
        raise ValueError("not a WebAssembly 1.0 module")
    i = 8
    while i < len(data):
        section_id = data[i]
        size, i = leb128(data, i + 1)
        yield section_id, data[i : i + size]
        i += size


def check(path):
    data = open(path, "rb").read()
    imports, exports, manifest = None, {}, None
    for section_id, body in sections(data):
        if section_id == 0:  # custom: a name, then the contents
            section, i = name(body, 0)
            if section == "sovstack_manifest":
                manifest = json.loads(body[i:])
        elif section_id == 2:  # imports: module name, field name, then a kind-specific descriptor
            count, i = leb128(body, 0)
            if count:
                module, i = name(body, i)
                field, i = name(body, i)
                imports = f"{count} import(s), the first {module}.{field}"
        elif section_id == 7:  # exports: name, kind, index
            count, i = leb128(body, 0)
            for _ in range(count):
                export, i = name(body, i)
                kind = body[i]
                _, i = leb128(body, i + 1)
                exports[export] = kind
    problems = []
    if imports:
        problems.append(f"has {imports} (a plugin must import nothing)")
    for export, kind in REQUIRED_EXPORTS.items():
        if exports.get(export) != kind:
            problems.append(f"lacks the export {export}")
    if not manifest or not manifest.get("name"):
        problems.append("lacks a sovstack_manifest custom section naming the plugin")
    else:
        # The SDK fills these from the crate's Cargo metadata: an empty one is a crate that does
        # not take the workspace's (`license.workspace = true`, `repository.workspace = true`).
        for field in ("version", "license", "source"):
            if not manifest.get(field):
                problems.append(f"its sovstack_manifest has no {field} (take it from the workspace in Cargo.toml)")
    return problems


def main(paths):
    failed = False
    for path in paths:
        try:
            problems = check(path)
        except (OSError, IndexError, ValueError) as e:  # json's errors are ValueErrors
            problems = [f"is not a well-formed WebAssembly module ({e or type(e).__name__})"]
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        failed |= bool(problems)
        if not problems:
            print(f"{path}: no imports, all ABI exports present, a manifest")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
