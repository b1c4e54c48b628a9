#!/usr/bin/env bash
# Instructions per nested benchmark request, counted by callgrind: repeatable whatever else the machine does.
#
#   bench/instructions.sh BINARY DATABASE_FILE [REQUESTS]
#
# Starts BINARY under valgrind on the SQLite file, sends one request to warm up, then counts REQUESTS (10)
# sequential requests and prints instructions per request. The profile is left in callgrind.out.nested for
# `callgrind_annotate`. Needs valgrind.
set -euo pipefail
binary=$1 db=$2 requests=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
port=4998
profile=callgrind.out.nested
body=$(python3 -c 'import json, re, sys
src = open(sys.argv[1]).read()
query = re.search(r"NESTED = \"\"\"(.*?)\"\"\"", src, re.S).group(1)
print(json.dumps({"query": query, "variables": {"players": 10, "top": 10}}))' "$here/run.py")

rm -f "$profile"*
DATABASE_URL="sqlite://$db?mode=rwc" valgrind --tool=callgrind --callgrind-out-file="$profile" \
  "$binary" serve --no-migrate --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
send() { curl -sf -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$port/graphql" >/dev/null; }
send
callgrind_control -z "$server" >/dev/null 2>&1
for _ in $(seq "$requests"); do send; done
callgrind_control -d "$server" >/dev/null 2>&1
sleep 1
total=$(callgrind_annotate "$profile".1 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
echo "$((total / requests)) instructions per request ($requests requests; profile: $profile.1)"
