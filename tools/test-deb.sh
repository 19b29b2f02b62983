#!/usr/bin/env bash
# Tests the Debian package as a user gets it (issue 10, item 4): builds it (tools/build-deb.sh),
# checks its contents, installs it with dpkg -i, then, from /usr/bin and in a fresh temporary
# directory with no checkout nearby and an empty environment:
#   - `sovstack --version` must find the data in /usr/share/sovstack;
#   - `sovstack audit` of this host must succeed;
#   - a network scan and audit must resolve names through a DNS server on loopback (dnsmasq, on
#     127.0.0.x with --address records, its own configuration, no system service) and attribute
#     them with the installed data;
# and finally removes it with dpkg -r (which must leave no /usr/bin/sovstack).
# Needs root (or sudo) for dpkg, and dnsmasq (package dnsmasq-base; tools/install-deps.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }

deb=$(tools/build-deb.sh)
echo "test-deb: $deb, $(stat -c %s "$deb") bytes"

# The package's contents.
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/sovstack ./usr/share/sovstack/network/MANIFEST.csv ./usr/share/sovstack/network/NOTICE \
    ./usr/share/man/man1/sovstack.1.gz ./usr/share/man/man1/sovstack-audit.1.gz \
    ./usr/share/bash-completion/completions/sovstack ./usr/share/zsh/vendor-completions/_sovstack \
    ./usr/share/fish/vendor_completions.d/sovstack.fish ./usr/share/doc/sovstack/NOTICE \
    ./usr/share/doc/sovstack/copyright ./usr/share/doc/sovstack/rulesets/eu-sovereignty.yaml; do
    grep -qxF "$f" <<<"$contents" || fail "$f is not in the package"
done
# Every file of the network data pack is shipped, at the same place under /usr/share/sovstack;
# the cable pack (CC BY-NC-SA 3.0, no commercial use) is not.
(cd data && find ./network -type f | sed 's|^\./|./usr/share/sovstack/|' | sort) >/tmp/sovstack-deb-data.$$
! grep -q '^\./usr/share/sovstack/cables' <<<"$contents" || fail "the cable data pack is in the package"
missing=$(grep -vxF -f <(grep '^./usr/share/sovstack/' <<<"$contents") /tmp/sovstack-deb-data.$$ || true)
rm -f /tmp/sovstack-deb-data.$$
[ -z "$missing" ] || fail "data files missing from the package: $missing"

work=$(mktemp -d /tmp/sovstack-deb-test.XXXXXX)
dns_pid=
cleanup() {
    [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null || true
    "${sudo[@]}" dpkg -r sovstack >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

"${sudo[@]}" dpkg -i "$deb"
[ -x /usr/bin/sovstack ] || fail "dpkg -i did not install /usr/bin/sovstack"

# As a user runs it: from /usr/bin, in an empty directory, with nothing of this shell's
# environment (no SOVSTACK_DATA_DIR, no XDG variables).
run() { (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" /usr/bin/sovstack "$@"); }

version=$(run --version)
echo "$version"
grep -q "^data pack: network .* in /usr/share/sovstack/network (found by " <<<"$version" \
    || fail "--version does not name /usr/share/sovstack/network"

echo "test-deb: sovstack audit"
run audit >"$work/audit.txt" || fail "sovstack audit exited $?"
head -3 "$work/audit.txt"

# A DNS server on loopback: its own configuration only, no system service, a port of its own.
addr=127.0.0.77
port=53537
cat >"$work/dnsmasq.conf" <<CONF
no-resolv
no-hosts
no-poll
bind-interfaces
listen-address=$addr
port=$port
address=/www.example.org/3.5.136.10
address=/mail.example.org/52.101.0.10
address=/intranet.example.org/5.9.0.1
CONF
dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" --pid-file="$work/dnsmasq.pid" --user="$(id -un)" \
    --log-facility=- 2>"$work/dnsmasq.log" &
dns_pid=$!
for _ in $(seq 50); do
    [ -s "$work/dnsmasq.pid" ] && break
    sleep 0.1
done
kill -0 "$dns_pid" 2>/dev/null || { cat "$work/dnsmasq.log"; fail "dnsmasq did not start"; }

printf 'www.example.org label=website\nmail.example.org label=mail criticality=high\nintranet.example.org\n' >"$work/services.txt"
echo "test-deb: sovstack scan --layers network against dnsmasq on $addr:$port"
run scan --endpoints services.txt --resolver "$addr:$port" -o inventory.json || fail "network scan exited $?"
python3 - "$work/inventory.json" <<'PY' || fail "the network scan's inventory is not what dnsmasq served"
import json, sys
inv = json.load(open(sys.argv[1]))
pack = inv["data_packs"][0]
assert pack["name"] == "network" and pack["dir"] == "/usr/share/sovstack/network", pack
eps = {e["endpoint"]: e for e in inv["layers"]["network"]["endpoints"]}
want = {"www.example.org": ("3.5.136.10", "US"), "mail.example.org": ("52.101.0.10", "US"), "intranet.example.org": ("5.9.0.1", "DE")}
for name, (ip, hq) in want.items():
    e = eps[name]
    assert [a["ip"] for a in e["addresses"]] == [ip], e
    countries = {a.get("country") for a in e["actors"] if a["role"] == "network_operator"}
    assert hq in countries, (name, e["actors"])
print("test-deb: network scan:", ", ".join(f"{n} -> {ip}" for n, (ip, _) in want.items()), "; data from", pack["dir"], "(found by", pack["found_by"] + ")")
PY
run audit --endpoints services.txt --resolver "$addr:$port" --format json -o report.json || fail "network audit exited $?"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["inputs"]["data_packs"][0]["dir"]=="/usr/share/sovstack/network"' "$work/report.json" \
    || fail "the report does not name /usr/share/sovstack/network"

"${sudo[@]}" dpkg -r sovstack
[ ! -e /usr/bin/sovstack ] || fail "dpkg -r left /usr/bin/sovstack"
[ ! -e /usr/share/sovstack/network/MANIFEST.csv ] || fail "dpkg -r left /usr/share/sovstack"
echo "test-deb: ok"
