#!/usr/bin/env python3
"""The direct cable systems between country pairs, derived from the raw dataset alone.

An independent check of `sovstack cables FROM TO`: this reads data/cables/cables.json as
published (TeleGeography's records), maps the few countries it needs with its own table (not the
pack's countries.csv), and prints, per pair, the sorted ids of the systems with a landing point
in both countries: in service only, and with planned systems too.

Usage: direct_systems.py CABLES_JSON  ->  {"FR-US": {"built": [...], "all": [...]}, ...}
"""
import json
import sys

NAMES = {
    "FR": "France", "US": "United States", "GB": "United Kingdom", "JP": "Japan",
    "SG": "Singapore", "IN": "India", "EG": "Egypt", "PT": "Portugal", "BR": "Brazil",
    "ZA": "South Africa", "NG": "Nigeria", "MQ": "Martinique", "GP": "Guadeloupe",
    "AU": "Australia", "NZ": "New Zealand", "GU": "Guam", "RE": "Réunion", "MU": "Mauritius",
    "IE": "Ireland", "ES": "Spain",
}
PAIRS = ["FR-US", "GB-US", "JP-US", "SG-IN", "FR-EG", "PT-BR", "ZA-NG", "MQ-GP", "AU-NZ",
         "GU-JP", "RE-MU", "IE-US", "FR-ES"]

cables = json.load(open(sys.argv[1], encoding="utf-8"))
out = {}
for pair in PAIRS:
    a, b = (NAMES[c] for c in pair.split("-"))
    both = [c for c in cables
            if any(l["country"] == a for l in c["landing_points"])
            and any(l["country"] == b for l in c["landing_points"])]
    out[pair] = {
        "built": sorted(c["id"] for c in both if not c["is_planned"]),
        "all": sorted(c["id"] for c in both),
    }
json.dump(out, sys.stdout, indent=1, sort_keys=True)
