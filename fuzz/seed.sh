#!/bin/sh
# Seeds each target's corpus from the real files under crates/scan/testdata (regular files
# only: the hostile fixtures are symlinks, some of them loops).
set -eu
cd "$(dirname "$0")"
testdata=../crates/scan/testdata
mkdir -p corpus/parse_cpuinfo corpus/parse_os_release corpus/parse_devicetree
for f in $(find "$testdata" -type f -name compatible); do
    cp "$f" "corpus/parse_devicetree/$(echo "$f" | sed "s|^$testdata/||; s|/|_|g")"
done
for f in $(find "$testdata" -type f -path '*/proc/cpuinfo'); do
    cp "$f" "corpus/parse_cpuinfo/$(basename "$(dirname "$(dirname "$f")")")"
done
for f in $(find "$testdata" -type f \( -name os-release -o -path '*/proc/version' \)); do
    case_dir=$(echo "$f" | sed "s|^$testdata/||; s|/|_|g")
    cp "$f" "corpus/parse_os_release/$case_dir"
done
# The import's parsers: the GLPI project's examples and a real FusionInventory inventory.
mkdir -p corpus/parse_glpi_json corpus/parse_fusion_xml
cp ../tests/fixtures/glpi-inventory-format/examples/*.json corpus/parse_glpi_json/
cp ../tests/fixtures/fusioninventory/*.xml corpus/parse_fusion_xml/
# The devices layer's maker attribution: the maker and model of every real inventory and
# dmidecode capture in the fixtures (maker on the first line, model on the second).
mkdir -p corpus/device_makers
for f in ../tests/fixtures/glpi-inventory-format/examples/*.json; do
    jq -r '[(.content.bios.smanufacturer // .content.network_device.manufacturer // empty),
            (.content.bios.smodel // .content.network_device.model // "")] | join("\n")' "$f" \
        > "corpus/device_makers/glpi-$(basename "$f" .json)"
done
for f in ../tests/fixtures/dmidecode/*; do
    case "$f" in *README.md|*LICENSE*) continue ;; esac
    awk '/^System Information/{s=1;next} s&&/Manufacturer:/{sub(/^[^:]*: /,"");m=$0} s&&/Product Name:/{sub(/^[^:]*: /,"");print m; print; exit}' "$f" \
        > "corpus/device_makers/dmidecode-$(basename "$f")"
done
# The declared-suppliers reader: the documented example and the scan's test file.
mkdir -p corpus/parse_declared
cp ../tests/fixtures/declared/*.yaml ../crates/scan/testdata/declared/*.yaml corpus/parse_declared/
# The software layer's SBOM readers: SBOMs made by the real generators (tests/fixtures/sbom).
mkdir -p corpus/parse_cyclonedx_json corpus/parse_spdx_json
cp ../tests/fixtures/sbom/*.cdx.json corpus/parse_cyclonedx_json/
cp ../tests/fixtures/sbom/*.spdx.json corpus/parse_spdx_json/
# The cable pack's readers: each file of data/cables behind the byte that selects its reader.
mkdir -p corpus/cables_pack
n=0
for f in MANIFEST.csv countries.csv sovereignty.csv land-borders.csv owners.csv cables.json landing-points.csv; do
    { printf "\\$(printf '%03o' "$n")"; cat "../data/cables/$f"; } > "corpus/cables_pack/seed-$n-$f"
    n=$((n + 1))
done
# `plugin inspect`'s module reader: the built-in plugins as built (plugins/dist).
mkdir -p corpus/inspect_plugin
cp ../plugins/dist/*.wasm corpus/inspect_plugin/
# The firmware-date normaliser: every firmware date the real captures give, as written (GLPI's
# bios.bdate, FusionInventory's BIOS/BDATE, dmidecode's Release Date, sysfs's bios_date).
mkdir -p corpus/firmware_date
n=0
for d in $(jq -r '.content.bios.bdate // empty' ../tests/fixtures/glpi-inventory-format/examples/*.json ../tests/fixtures/windows/*.json) \
         $(sed -n 's|.*<BDATE>\(.*\)</BDATE>.*|\1|p' ../tests/fixtures/fusioninventory/*.xml ../tests/fixtures/windows/*.xml) \
         $(sed -n 's|^[[:space:]]*Release Date: ||p' ../tests/fixtures/dmidecode/*) \
         $(find "$testdata" -type f -name bios_date -exec cat {} +); do
    printf '%s' "$d" > "corpus/firmware_date/seed-$n"
    n=$((n + 1))
done
