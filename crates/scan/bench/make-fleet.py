#!/usr/bin/env python3
"""Makes a fleet of N inventory files for `sovstack scan --import`, from real captures.

Each host is one of the real inventories -- the GLPI project's example computers, phone,
network equipment and printers (tests/fixtures/glpi-inventory-format), and the FusionInventory
XML inventory captured on a Debian 12 machine (tests/fixtures/fusioninventory) -- with its
device id made unique, a site tag (site-0 .. site-6) and, for computers, its processor name and
maker taken in turn from the model names of the real /proc/cpuinfo captures under
crates/scan/testdata (Intel, AMD, Hygon, Zhaoxin, Loongson, Arm cores, ...). One host in a
hundred is written twice, the second copy older, so deduplication does its work.

usage: make-fleet.py N OUTDIR [FIRST]

FIRST (default 0) is the number of the first host: fleets made with FIRST 0, 10000, 20000...
have distinct device ids (one per site, as docs/scale.md's 100,000-host run does).
"""

import json
import os
import re
import sys
from pathlib import Path

repo = Path(__file__).resolve().parents[3]
fixtures = repo / "tests/fixtures"
n, out = int(sys.argv[1]), Path(sys.argv[2])
first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
out.mkdir(parents=True, exist_ok=True)

glpi = {}
for name in ["computer_1.json", "computer_3_updated.json", "phone_1.json", "networkequipment_3.json",
             "networkequipment_5.json", "printer_1.json"]:
    glpi[name] = json.loads((fixtures / "glpi-inventory-format/examples" / name).read_text())
fusion = (fixtures / "fusioninventory/debian12-amd-epyc.xml").read_text()

models = set()
for cpuinfo in (repo / "crates/scan/testdata").glob("*/proc/cpuinfo"):
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        continue  # the hostile fixtures (symlink loops)
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            models.add(value.strip())
models = sorted(models)
maker = lambda m: ("Intel" if "Intel" in m else "AMD" if "AMD" in m else m.split()[0].split("-")[0])

# Computers are most of a fleet; then phones, switches, printers.
# (computer_3_updated.json, 1.4 MB of packages, is left out so that 10,000 hosts fit on a laptop's
# disk: about 200 MB.)
rotation = ["computer_1.json", "fusion", "computer_1.json", "fusion", "computer_1.json", "fusion",
            "phone_1.json", "networkequipment_3.json", "computer_1.json", "networkequipment_5.json",
            "printer_1.json", "fusion"]

def arch(m):
    """The architecture a system built for this processor reports."""
    if m.startswith("Loongson"):
        return "loongarch64"
    if m.startswith(("AArch64", "ARMv8")):
        return "aarch64"
    if m.startswith("ARMv"):
        return "armv7l"
    return "x86_64"

def write(i, copy, logdate):
    kind = rotation[i % len(rotation)]
    # A third keep the capture's own processor (the Intel Core i5 of GLPI's example, the AMD
    # EPYC of the FusionInventory capture).
    model = None if i % 3 == 0 else models[i % len(models)]
    tag = f"site-{i % 7}"
    device = f"host{first + i:06d}"
    if kind == "fusion":
        x = fusion
        x = re.sub(r"<DEVICEID>[^<]*</DEVICEID>", f"<DEVICEID>{device}</DEVICEID>", x)
        x = re.sub(r"<KEYVALUE>[^<]*</KEYVALUE>", f"<KEYVALUE>{tag}</KEYVALUE>", x)
        if model:
            x = re.sub(r"(<CPUS>.*?<NAME>)[^<]*(</NAME>)", lambda m: m.group(1) + model + m.group(2), x, flags=re.S)
            x = re.sub(r"(<CPUS>.*?<MANUFACTURER>)[^<]*(</MANUFACTURER>)", lambda m: m.group(1) + maker(model) + m.group(2), x, flags=re.S)
            x = re.sub(r"(<OPERATINGSYSTEM>.*?<ARCH>)[^<]*(</ARCH>)", lambda m: m.group(1) + arch(model) + m.group(2), x, flags=re.S)
        x = re.sub(r"<LOGDATE>[^<]*</LOGDATE>", f"<LOGDATE>{logdate}</LOGDATE>", x)
        (out / f"{device}{copy}.xml").write_text(x)
        return
    doc = json.loads(json.dumps(glpi[kind]))
    doc["deviceid"] = device
    doc["tag"] = tag
    content = doc["content"]
    if model and content.get("cpus") and kind.startswith("computer"):
        for c in content["cpus"]:
            c["name"], c["manufacturer"] = model, maker(model)
        content["operatingsystem"]["arch"] = arch(model)
    content["accesslog"] = {"logdate": logdate}
    (out / f"{device}{copy}.json").write_text(json.dumps(doc))

for i in range(n):
    write(i, "", "2026-11-%02d 09:00:00" % (1 + i % 28))
    if i % 100 == 0:
        write(i, "-old", "2025-01-01 09:00:00")
