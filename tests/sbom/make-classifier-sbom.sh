#!/usr/bin/env bash
# Makes DIR/python-classifiers.cdx.json with the real generator: `cyclonedx-py environment`
# (PyPI cyclonedx-bom), CycloneDX 1.6, of a virtualenv with Jinja2 3.1.4 and itsdangerous 2.2.0
# installed from PyPI. Both packages declare their licence only by the trove classifier
# `License :: OSI Approved :: BSD License`, which cyclonedx-py writes as `license.name`
# (tests/fixtures/sbom-classifiers/ holds a copy; the e2e test `software` runs this script into a
# temporary directory too). Needs network access to PyPI. Times come from SOURCE_DATE_EPOCH.
set -euo pipefail
out="$(cd "$1" && pwd)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check Jinja2==3.1.4 itsdangerous==2.2.0
cyclonedx-py environment --output-reproducible --sv 1.6 -o "$out/python-classifiers.cdx.json" "$work/venv/bin/python"
