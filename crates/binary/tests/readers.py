#!/usr/bin/env python3
"""Independent readers the real-binary tests compare sovstack-binary against.

    readers.py rich FILE    -> JSON {"key", "entries": [[prod_id, build, count], ...], "linker": "M.m"}
                               (pefile's Rich header parser and optional header)
    readers.py macho FILE   -> JSON [{"arch", "platform", "minos", "sdk", "tools": [[tool, "x.y.z"], ...]}, ...]
                               (lief's Mach-O parser, one object per slice)

Both libraries are installed by the CI script (pip: pefile, lief). A missing one is an error,
not a skip: the tests are meant to run against them.
"""
import json
import sys


def rich(path):
    import pefile

    pe = pefile.PE(path, fast_load=True)
    r = pe.parse_rich_header()
    v = r["values"]
    key = r["key"]
    if not isinstance(key, int):
        key = int.from_bytes(key, "little")
    oh = pe.OPTIONAL_HEADER
    return {
        "key": key,
        "entries": [[v[i] >> 16, v[i] & 0xFFFF, v[i + 1]] for i in range(0, len(v), 2)],
        "linker": f"{oh.MajorLinkerVersion}.{oh.MinorLinkerVersion}",
    }


def macho(path):
    import lief

    out = []
    fat = lief.MachO.parse(path)
    for b in fat:
        arch = str(b.header.cpu_type).split(".")[-1].lower()
        item = {"arch": arch}
        if b.has_build_version:
            bv = b.build_version
            item["platform"] = int(bv.platform.value)
            item["minos"] = ".".join(map(str, bv.minos))
            item["sdk"] = ".".join(map(str, bv.sdk))
            item["tools"] = [[int(t.tool.value), ".".join(map(str, t.version))] for t in bv.tools]
        out.append(item)
    return out


if __name__ == "__main__":
    cmd, path = sys.argv[1], sys.argv[2]
    print(json.dumps({"rich": rich, "macho": macho}[cmd](path)))
