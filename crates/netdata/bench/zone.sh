# Sourced by dns.sh and scan.sh: the benchmark zone and its server, set up once for both.
# Expects `names` (how many) and `me` (the script's name, for messages) to be set. Defines
# `repo`, `work` (a temporary directory removed on exit), `port`, `pid` (dnsmasq's), and writes
# in $work:
#   hosts, cnames.conf   the zone: h<i>.bench.test -> 10.x.y.z, and one name in ten, c<i>, a
#                        CNAME to h<i>, as web front ends often are; with ZONE_ADDRESSES=public,
#                        h<i> -> an address of public unicast space instead (first octets in
#                        turn, the rest from a fixed linear congruential sequence: the
#                        addresses crates/cables/bench/bench.sh uses), so that the network pack
#                        locates them in many countries;
#   names.txt            the names asked, one per line (c<i> for one in ten, h<i> otherwise);
#   dig-a-aaaa.txt       the same as `NAME A NAME AAAA` per line, for dig;
#   dnsperf-a.txt        `NAME A` per name; dnsperf-a-aaaa.txt: `NAME A` and `NAME AAAA`;
#   dnsmasq.log          dnsmasq's log (its statistics on SIGUSR1).
# dnsmasq answers bench.test itself on 127.0.0.1 (--no-resolv): no query leaves loopback.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

for tool in dnsmasq dig dnsperf hyperfine; do
    command -v "$tool" >/dev/null || { echo "$me: $tool not found (apt install dnsmasq-base dnsutils dnsperf hyperfine)" >&2; exit 2; }
done

python3 - "$work" "$names" "${ZONE_ADDRESSES:-private}" <<'PY'
import sys
work, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
firsts = [o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203)]
x = 12345
def address(i):
    global x
    if kind != "public":
        return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    x = (1103515245 * x + 12345) % 2**31
    return f"{firsts[i % len(firsts)]}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255 or 1}"
with open(f"{work}/hosts", "w") as hosts, open(f"{work}/cnames.conf", "w") as conf, \
     open(f"{work}/names.txt", "w") as names, open(f"{work}/dig-a-aaaa.txt", "w") as dig, \
     open(f"{work}/dnsperf-a.txt", "w") as perf_a, open(f"{work}/dnsperf-a-aaaa.txt", "w") as perf:
    for i in range(n):
        hosts.write(f"{address(i)} h{i}.bench.test\n")
        name = f"c{i}.bench.test" if i % 10 == 0 else f"h{i}.bench.test"
        if i % 10 == 0:
            conf.write(f"cname=c{i}.bench.test,h{i}.bench.test\n")
        names.write(name + "\n")
        dig.write(f"{name} A {name} AAAA\n")
        perf_a.write(f"{name} A\n")
        perf.write(f"{name} A\n{name} AAAA\n")
PY

dnsmasq --keep-in-foreground --port="$port" --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --addn-hosts="$work/hosts" --conf-file="$work/cnames.conf" \
    --local=/bench.test/ --cache-size=10000 --dns-forward-max=1000 --pid-file="$work/pid" \
    --user="$(id -un)" --log-facility="$work/dnsmasq.log" &
pid=$!
for _ in $(seq 50); do dig +short +tries=1 +time=1 -p "$port" @127.0.0.1 h1.bench.test >/dev/null 2>&1 && break; sleep 0.1; done
[ "$(dig +short -p "$port" @127.0.0.1 c0.bench.test | tail -1)" = "$(head -1 "$work/hosts" | cut -d' ' -f1)" ] || { echo "$me: dnsmasq did not come up" >&2; exit 1; }

target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
