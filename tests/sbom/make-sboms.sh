#!/usr/bin/env bash
# Makes real SBOMs with the real generators, into DIR (tests/fixtures/sbom/ holds a copy; the
# e2e test `software` runs this script into a temporary directory and imports what it makes):
#   python-venv.cdx.json   cyclonedx-py environment (PyPI cyclonedx-bom), CycloneDX 1.6, of a
#                          virtualenv with requests and PyYAML installed from PyPI
#   python-venv.spdx.json  spdx-tools (PyPI), SPDX 2.3, of the same virtualenv
#                          (tests/sbom/spdx_from_venv.py)
#   npm-project.cdx.json   @cyclonedx/cyclonedx-npm (tools/npm), CycloneDX 1.5, of an npm
#                          project depending on express and lodash, installed from npm
#   npm-project.spdx.json  npm's own `npm sbom --sbom-format spdx`, SPDX 2.3, of that project
# Needs network access to PyPI and the npm registry. Times come from SOURCE_DATE_EPOCH.
set -euo pipefail
out="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
npm_bin="$here/../../tools/npm/node_modules/.bin"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check requests==2.32.3 PyYAML==6.0.2
cyclonedx-py environment --output-reproducible --sv 1.6 -o "$out/python-venv.cdx.json" "$work/venv/bin/python"
python3 "$here/spdx_from_venv.py" "$(echo "$work"/venv/lib/python3*/site-packages)" "$out/python-venv.spdx.json"

mkdir "$work/npm"
cat > "$work/npm/package.json" <<'JSON'
{"name":"sbom-sample","version":"1.0.0","private":true,"license":"MIT","dependencies":{"express":"4.21.2","lodash":"4.17.21"}}
JSON
(cd "$work/npm" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
(cd "$work/npm" && "$npm_bin/cyclonedx-npm" --spec-version 1.5 --output-reproducible --output-file "$out/npm-project.cdx.json")
(cd "$work/npm" && npm sbom --sbom-format spdx > "$out/npm-project.spdx.json")
