#!/usr/bin/env python3
"""Subscription benchmark: subscribers held per replica, and event latency from mutation to delivery.

    python3 bench/subscriptions.py                         # SQLite (one server) and PostgreSQL (two replicas)
    python3 bench/subscriptions.py --subscribers 1000 --events 20 --backends sqlite

SQLite: subscribers and mutations on one server. PostgreSQL: subscribers on replica B, mutations on replica A, so
every event crosses LISTEN/NOTIFY. Reports the subscribe-side server's resident memory before and after the
subscribers connect. Needs `cargo build --release --bins --examples` (done here).
"""

import argparse
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "treasure-hunt")
CLIENT = os.path.join(ROOT, "target", "release", "examples", "subscribers")
SECRET = "subscriptions-bench-secret"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def serve(database_url, migrate=True):
    port = free_port()
    args = [BINARY, "serve", "--listen", f"127.0.0.1:{port}", "--jwt-secret", SECRET,
            "--max-subscriptions", "100000"]
    if not migrate:
        args.append("--no-migrate")
    process = subprocess.Popen(args, env={**os.environ, "DATABASE_URL": database_url, "RUST_LOG": "warn"})
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{url}/health/ready").status == 200:
                return process, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def run(backend, subscribers, events):
    processes = []
    try:
        if backend == "sqlite":
            folder = tempfile.mkdtemp()
            database_url = f"sqlite://{folder}/bench.db?mode=rwc"
            sub_process, sub_url = serve(database_url)
            processes.append(sub_process)
            pub_url = sub_url
        else:
            name = f"th_bench_subs_{os.getpid()}"
            subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
            subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name}"], check=True)
            database_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
            pub_process, pub_url = serve(database_url)
            sub_process, sub_url = serve(database_url, migrate=False)
            processes += [pub_process, sub_process]
        before = rss_mib(sub_process.pid)
        output = subprocess.run(
            [CLIENT, "--subscribe", sub_url, "--publish", pub_url, "--secret", SECRET,
             "--subscribers", str(subscribers), "--events", str(events)],
            check=True, capture_output=True, text=True).stdout
        after = rss_mib(sub_process.pid)
        print(f"## {backend}" + (" (mutations on replica A, subscribers on replica B)" if backend == "postgres" else ""))
        print(output.strip())
        print(f"subscribe-side server RSS: {before:.0f} MiB idle, {after:.0f} MiB with {subscribers} subscribers "
              f"({(after - before) * 1024 / subscribers:.0f} KiB per subscriber)\n")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        if backend == "postgres":
            subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS th_bench_subs_{os.getpid()}"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--bins", "--examples", "-q"], cwd=ROOT, check=True)
    for backend in args.backends.split(","):
        run(backend, args.subscribers, args.events)


if __name__ == "__main__":
    main()
