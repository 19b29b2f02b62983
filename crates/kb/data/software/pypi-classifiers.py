#!/usr/bin/env python3
"""Writes pypi-osi-classifiers.csv: every `License :: OSI Approved` trove classifier of PyPI's
official list, from the trove-classifiers package (Apache-2.0, The PyPI Admins).

    pip download --no-deps --no-binary :all: trove-classifiers==2026.9.21.13 -d /tmp/tc
    tar xzf /tmp/tc/trove_classifiers-2026.9.21.13.tar.gz -C /tmp/tc
    python3 pypi-classifiers.py /tmp/tc/trove_classifiers-2026.9.21.13 > pypi-osi-classifiers.csv
"""
import csv
import importlib.util
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
version = re.search(r"^Version: (.+)$", (root / "PKG-INFO").read_text(), re.M).group(1)
spec = importlib.util.spec_from_file_location(
    "trove_classifiers", root / "src/trove_classifiers/__init__.py"
)
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["classifier", "status", "source"])
where = f"trove-classifiers {version} src/trove_classifiers/__init__.py"
rows = [(c, "current", "sorted_classifiers") for c in tc.sorted_classifiers]
rows += [(c, "deprecated", "deprecated_classifiers") for c in tc.deprecated_classifiers]
for c, status, name in sorted(rows):
    if c == "License :: OSI Approved" or c.startswith("License :: OSI Approved :: "):
        out.writerow([c, status, f"{where} ({name})"])
