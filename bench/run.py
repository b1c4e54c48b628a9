#!/usr/bin/env python3
"""Benchmark runner: loopback load against the release server on a generated data set.

    python3 bench/run.py                      # SQLite and PostgreSQL, every scenario
    python3 bench/run.py --backends sqlite --duration 5

For each backend it generates a data set (`treasure-hunt seed --hunts ...`), then for each scenario starts the
server with that scenario's loader settings, drives it with wrk (many connections, random variables per request),
and reads the server's own `db_statements_total` before and after to report SQL statements per request. Prints
a Markdown table; BENCHMARKS.md keeps the last one.
"""

import argparse
import json
import threading
import urllib.parse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SAMPLE = 10  # sequential requests that measure statements per request
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "treasure-hunt")
LUA = os.path.join(ROOT, "bench", "graphql.lua")

FLOOR = "{ __typename }"
HUNT_BY_ID = "query($id: ID!) { hunt(id: $id) { id slug title status startsAt } }"
# Five levels (hunts -> clues -> solves -> player -> hunts), plus each hunt's players and leaderboard.
NESTED = """query($players: Int!, $top: Int!) {
  hunts(first: 50) { edges { node {
    slug title
    clues { title points solves { solvedAt player { handle hunts { slug } } } }
    players(first: $players) { edges { node { handle } } }
    leaderboard(first: $top) { rank score solvedCount }
  } } }
}"""

PROFILES = "query($first: Int!) { players(first: $first) { edges { node { handle profile { displayName country } } } } }"
UPSTREAM_LATENCY = 0.020  # seconds the fake profiles service takes to answer

# (name, query, variables kind, serve flags); "{profiles}" in a flag is the fake profiles service's URL.
SCENARIOS = [
    ("HTTP floor `{ __typename }`", FLOOR, "none", []),
    ("hunt by id, batched (default)", HUNT_BY_ID, "hunt", []),
    ("hunt by id, no batching (direct look-up)", HUNT_BY_ID, "hunt", ["--max-batch-size", "1"]),
    ("hunt by id, async-graphql 1 ms timer", HUNT_BY_ID, "hunt", ["--batch-delay", "1ms"]),
    ("nested, batched (default)", NESTED, "nested", []),
    ("nested, async-graphql 1 ms timer", NESTED, "nested", ["--batch-delay", "1ms"]),
    ("nested, no batching (N+1 baseline)", NESTED, "nested", ["--max-batch-size", "1"]),
    ("nested, batched, 64 execution slots", NESTED, "nested", ["--max-concurrent-operations", "64"]),
    ("nested, no batching, 64 execution slots", NESTED, "nested",
     ["--max-batch-size", "1", "--max-concurrent-operations", "64"]),
    ("50 players with profiles, upstream +20 ms, no cache", PROFILES, "players",
     ["--profiles-url", "{profiles}", "--profiles-cache-ttl", "0s"]),
    ("50 players with profiles, upstream +20 ms, cached", PROFILES, "players", ["--profiles-url", "{profiles}"]),
]


class FakeProfiles(BaseHTTPRequestHandler):
    """The profiles service, answering after UPSTREAM_LATENCY; counts its calls."""

    calls = 0
    lock = threading.Lock()

    def do_GET(self):
        with FakeProfiles.lock:
            FakeProfiles.calls += 1
        ids = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("ids", [""])[0].split(",")
        time.sleep(UPSTREAM_LATENCY)
        body = json.dumps([{"id": i, "displayName": f"Profile {i}", "avatarUrl": None, "country": "NL"} for i in ids])
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def start_fake_profiles():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProfiles)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode()


def statements(base):
    for line in http(base + "/metrics").splitlines():
        if line.startswith("db_statements_total "):
            return float(line.split()[1])
    return 0.0


def settle(base, quiet_for=1.0, limit=60.0):
    """Waits until the server has sent no statement for `quiet_for` seconds."""
    deadline = time.time() + limit
    last = statements(base)
    while time.time() < deadline:
        time.sleep(quiet_for)
        now = statements(base)
        if now == last:
            return
        last = now


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def to_ms(text):
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if match is None:  # wrk prints -nan when no request completed
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(base, scenario, hunt_ids, args):
    _, query, kind, flags = scenario
    # Without batching a request takes seconds under this load: run three times as long, so that the count of
    # completed requests is not dominated by the ones still in flight when wrk stops.
    duration = args.duration * 3 if "--max-batch-size" in flags else args.duration
    env = dict(os.environ, BENCH_QUERY_JSON=json.dumps(query), BENCH_VARS=kind, BENCH_HUNT_IDS=",".join(hunt_ids))
    out = subprocess.run(
        ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration}s", "--timeout", "30s", "--latency",
         "-s", LUA, base + "/graphql"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return requests, rps, p50, p99, int(errors.group(1)) if errors else 0


def serve(env, flags, port):
    server = subprocess.Popen(
        [BINARY, "serve", "--no-migrate", "--listen", f"127.0.0.1:{port}", *flags],
        env=dict(env, RUST_LOG="warn"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            http(base + "/health/ready")
            return server, base
        except Exception:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not become ready")


def bench_backend(backend, args):
    workdir = tempfile.mkdtemp(prefix="hunt-bench-")
    if backend == "sqlite":
        url = f"sqlite://{workdir}/bench.db?mode=rwc"
    else:
        name = f"hunt_bench_{os.getpid()}"
        subprocess.run(["psql", args.postgres, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", args.postgres, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = args.postgres.rsplit("/", 1)[0] + "/" + name
    env = dict(os.environ, DATABASE_URL=url)
    seed = [BINARY, "seed", "--hunts", str(args.hunts), "--clues-per-hunt", str(args.clues), "--players",
            str(args.players), "--seed", "1"]
    print(subprocess.run(seed, env=env, capture_output=True, text=True, check=True).stdout.strip(), file=sys.stderr)

    profiles_url = start_fake_profiles()
    rows = []
    for scenario in SCENARIOS:
        name, query, kind, flags = scenario
        port = free_port()
        flags = [flag.replace("{profiles}", profiles_url) for flag in flags]
        server, base = serve(env, flags, port)
        try:
            ids = json.loads(http(base + "/graphql", {"query": "{ hunts(first: 100) { edges { node { id } } } }"}))
            hunt_ids = [edge["node"]["id"] for edge in ids["data"]["hunts"]["edges"]]
            sample_vars = {"none": {}, "hunt": {"id": hunt_ids[0]}, "nested": {"players": 10, "top": 10},
                           "players": {"first": 50}}[kind]
            sample = json.loads(http(base + "/graphql", {"query": query, "variables": sample_vars}))
            if "errors" in sample:
                raise SystemExit(f"{name}: {sample['errors']}")
            requests, rps, p50, p99, errors = run_wrk(base, scenario, hunt_ids, args)
            # Statements per request from a sequential sample on a quiet server: requests still in flight when
            # wrk stops have sent statements without being counted, and with async-graphql's timer the loads of
            # abandoned requests run on in spawned tasks, so wait for the counter to settle first.
            settle(base)
            before, calls_before = statements(base), FakeProfiles.calls
            for _ in range(SAMPLE):
                http(base + "/graphql", {"query": query, "variables": sample_vars})
            per_request = (statements(base) - before) / SAMPLE
            upstream_per_request = (FakeProfiles.calls - calls_before) / SAMPLE
            rows.append((backend, name, rps, p50, p99, per_request, upstream_per_request, errors,
                         rss_kib(server.pid) / 1024))
            print(f"{backend:8} {name:45} {rps:10.0f} req/s  p50 {p50:8.2f} ms  p99 {p99:8.2f} ms  "
                  f"{per_request:8.1f} stmts/req", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if backend == "postgres":
        subprocess.run(["psql", args.postgres, "-qc", f"DROP DATABASE IF EXISTS hunt_bench_{os.getpid()}"])
    shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--hunts", type=int, default=50)
    parser.add_argument("--clues", type=int, default=10)
    parser.add_argument("--players", type=int, default=200)
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)

    rows = []
    for backend in args.backends.split(","):
        rows += bench_backend(backend.strip(), args)

    print(f"\n{args.hunts} hunts x {args.clues} clues, {args.players} players; wrk -t{args.threads} "
          f"-c{args.connections} -d{args.duration}s; {os.cpu_count()} cores\n")
    print("| backend | scenario | requests/s | p50 ms | p99 ms | SQL statements/request | upstream calls/request "
          "| non-2xx | server peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend, name, rps, p50, p99, per_request, upstream, errors, rss in rows:
        print(f"| {backend} | {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {per_request:.1f} | {upstream:.1f} "
              f"| {errors} | {rss:.0f} |")
    print()
    for backend in dict.fromkeys(r[0] for r in rows):
        by_name = {r[1]: r for r in rows if r[0] == backend}
        floor = by_name[SCENARIOS[0][0]][2]
        batched = by_name[SCENARIOS[4][0]][2]
        timer = by_name[SCENARIOS[5][0]][2]
        n_plus_one = by_name[SCENARIOS[6][0]][2]
        hunt = by_name[SCENARIOS[1][0]][2]
        direct = by_name[SCENARIOS[2][0]][2]
        slots, slots_n_plus_one = by_name[SCENARIOS[7][0]][2], by_name[SCENARIOS[8][0]][2]
        if min(floor, batched, timer, n_plus_one, hunt, direct, slots, slots_n_plus_one) <= 0:
            continue
        print(f"- {backend}: nested batched / N+1 baseline = {batched / n_plus_one:.1f}x "
              f"(with 64 execution slots: {slots / slots_n_plus_one:.1f}x); "
              f"nested batched / async-graphql timer = {batched / timer:.2f}x; "
              f"nested / HTTP floor = {batched / floor:.3f}; "
              f"hunt by id batched / direct = {hunt / direct:.2f}x")


if __name__ == "__main__":
    main()
