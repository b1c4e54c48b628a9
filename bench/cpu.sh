#!/usr/bin/env bash
# CPU per request of the nested benchmark query, for A/B comparisons of two builds on one machine:
#
#   bench/cpu.sh BINARY DATABASE_FILE [SECONDS] [serve flags...]
#
# Starts BINARY on the SQLite file (generate one with `BINARY seed --hunts 50 --clues-per-hunt 10 --players 200
# --seed 1`), drives it with wrk as bench/run.py does (64 connections, random variables) and prints requests/s,
# and from `perf stat -p` on the server, CPU time, context switches and page faults per completed request. Run
# the two builds alternately, several times: CPU per request is steadier than requests/s on a shared machine.
# Needs wrk and perf (Debian: wrk, linux-perf).
set -euo pipefail
binary=$1 db=$2 seconds=${3:-8}
shift $(( $# < 3 ? $# : 3 ))
here=$(cd "$(dirname "$0")" && pwd)
port=4999
out=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$out"' EXIT

DATABASE_URL="sqlite://$db?mode=rwc" "$binary" serve --no-migrate --listen "127.0.0.1:$port" "$@" >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.1; done

query=$(python3 -c 'import json, re, sys
src = open(sys.argv[1]).read()
print(json.dumps(re.search(r"NESTED = \"\"\"(.*?)\"\"\"", src, re.S).group(1)))' "$here/run.py")
perf stat -e task-clock,context-switches,page-faults -p "$server" -o "$out/perf.txt" &
perf=$!
BENCH_QUERY_JSON="$query" BENCH_VARS=nested wrk -t2 -c64 -d"${seconds}s" --timeout 30s -s "$here/graphql.lua" \
  "http://127.0.0.1:$port/graphql" >"$out/wrk.txt"
kill -INT "$perf"; wait "$perf" || true

python3 - "$out" "$seconds" <<'PY'
import re, sys
out, seconds = sys.argv[1], float(sys.argv[2])
requests = int(re.search(r"(\d+) requests in", open(f"{out}/wrk.txt").read()).group(1))
perf = open(f"{out}/perf.txt").read()
def counter(name):
    return float(re.search(r"([\d,.]+)\s+(?:msec\s+)?" + name, perf).group(1).replace(",", ""))
print(f"{requests / seconds:.1f} requests/s, {counter('task-clock') / requests:.2f} ms CPU/request, "
      f"{counter('context-switches') / requests:.0f} context switches/request, "
      f"{counter('page-faults') / requests:.0f} page faults/request")
PY
