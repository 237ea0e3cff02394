#!/usr/bin/env python3
"""The write path's fault drill: keyed creates under load while the service is killed.

Clients POST /api/v1/people, each request with its own Idempotency-Key and retried with the same
key and body until it is acknowledged (201, or 303 for a request whose answer was lost after its
commit). Meanwhile the service dies two ways:

- from outside: `kill -9` every SECONDS seconds, at a random point under load;
- from inside, exactly in the window that matters: every 200th request carries a key starting
  with `crash-`, and the service runs with THIDUA_TEST_KILL_AFTER_COMMIT=crash- (test-only fault
  injection: SIGKILL right after that write commits, before its answer is stored or sent).

A supervisor restarts the service whenever it is down (on PostgreSQL, with --instances 2, two
instances share the database and clients alternate between them; backends are also terminated
with pg_terminate_backend at every external kill, as an outage). At the end it counts, from the
database: acknowledged requests, records stored, records duplicated (a name stored twice), and
acknowledged requests with no record (lost).

Usage: fault_drill.py BINARY sqlite|postgres [--rounds 3] [--seconds 8] [--clients 8] [--instances 1]
Prints one Markdown table row. Needs PostgreSQL on 127.0.0.1:5432 (user postgres) for postgres.
"""
import argparse
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("backend", choices=["sqlite", "postgres"])
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--seconds", type=float, default=8)
ap.add_argument("--clients", type=int, default=8)
ap.add_argument("--instances", type=int, default=1)
args = ap.parse_args()

work = tempfile.mkdtemp(prefix="thidua-drill-")
PASSWORD = "Mật khẩu diễn tập sự cố 2026"
if args.backend == "sqlite":
    url = f"sqlite://{work}/drill.db"
else:
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", "DROP DATABASE IF EXISTS thidua_drill WITH (FORCE)",
                    "-c", "CREATE DATABASE thidua_drill", "postgres"], check=True)
    url = "postgres://postgres@127.0.0.1:5432/thidua_drill"

env = {
    "PATH": os.environ.get("PATH", ""),
    "DATABASE_URL": url,
    "THIDUA_EVIDENCE_STORE": f"{work}/evidence",
    "THIDUA_JWT_SECRET": "khoa-ky-dien-tap-su-co-du-dai-cho-hs256-0123456789",
    "THIDUA_RATE_LIMIT_PER_MINUTE": "0",
    "THIDUA_WEBHOOK_DISPATCH": "false",
    "THIDUA_SHUTDOWN_TIMEOUT_S": "1",
    "RUST_LOG": "warn",
}
def progress(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


progress(f"seeding {url}")
subprocess.run([args.binary, "seed"], env=env, check=True, capture_output=True)
subprocess.run([args.binary, "create-admin", "--username", "drill", "--full-name", "Diễn tập"],
               env={**env, "THIDUA_ADMIN_PASSWORD": PASSWORD}, check=True, capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ports = [free_port() for _ in range(args.instances)]
servers = [None] * args.instances
lock = threading.Lock()
stats = {"external_kills": 0, "injected_kills": 0, "restarts": 0}
stopping = threading.Event()


def start(i):
    log = open(f"{work}/server-{i}.log", "ab")
    servers[i] = subprocess.Popen([args.binary, "serve"], stdout=log, stderr=log,
                                  env={**env, "THIDUA_BIND": f"127.0.0.1:{ports[i]}", "THIDUA_TEST_KILL_AFTER_COMMIT": "crash-"})


def supervise():
    while not stopping.is_set():
        for i, server in enumerate(servers):
            code = server.poll()
            if code is not None:
                with lock:
                    if code == -9 and not getattr(server, "killed_by_drill", False):
                        stats["injected_kills"] += 1
                    stats["restarts"] += 1
                start(i)
        time.sleep(0.05)


def call(port, method, path, body=None, token=None, key=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    if key:
        req.add_header("idempotency-key", key)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


for i in range(args.instances):
    start(i)
for _ in range(300):
    try:
        if all(call(p, "GET", "/health/ready")[0] == 200 for p in ports):
            break
    except OSError:
        pass
    time.sleep(0.1)
_, session = call(ports[0], "POST", "/api/v1/auth/login", {"username": "drill", "password": PASSWORD})
token = session["access_token"]
_, commune = call(ports[0], "GET", "/api/v1/communes/by-code/01840", token=token)
unit = commune["id"]
threading.Thread(target=supervise, daemon=True).start()
progress(f"load on {ports} with {args.clients} clients")

acked, answers = [], {}
load_over = threading.Event()


def client(n):
    i = 0
    while not load_over.is_set():
        i += 1
        key = f"{'crash' if i % 200 == 0 else 'drill'}-{n}-{i}"
        body = {"full_name": key, "unit_id": unit}
        attempt = 0
        while True:
            port = ports[(n + attempt) % len(ports)]
            attempt += 1
            try:
                status, _ = call(port, "POST", "/api/v1/people", body, token, key)
            except OSError:
                status = None
            if status in (201, 303):
                with lock:
                    acked.append(key)
                    answers[status] = answers.get(status, 0) + 1
                break
            if status not in (None, 409, 503):
                print(f"unexpected {status} for {key}", file=sys.stderr)
                break
            time.sleep(0.2)


clients = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
for c in clients:
    c.start()
for _ in range(args.rounds):
    time.sleep(args.seconds * random.uniform(0.7, 1.3))
    victim = random.randrange(args.instances)
    servers[victim].killed_by_drill = True
    servers[victim].kill()  # SIGKILL
    with lock:
        stats["external_kills"] += 1
    if args.backend == "postgres":
        subprocess.run(["psql", "-qAt", "-h", "127.0.0.1", "-U", "postgres", "-c",
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'thidua_drill' AND pid <> pg_backend_pid()",
                        "postgres"], capture_output=True)
load_over.set()
progress(f"load over; {len(acked)} acknowledged so far; waiting for clients to settle")
for c in clients:
    c.join()
stopping.set()
time.sleep(0.1)
for s in servers:
    s.kill()

sql = "SELECT full_name, count(*) FROM people WHERE full_name LIKE 'drill-%' OR full_name LIKE 'crash-%' GROUP BY full_name"
if args.backend == "sqlite":
    with sqlite3.connect(url.removeprefix("sqlite://")) as db:
        rows = list(db.execute(sql))
else:
    out = subprocess.run(["psql", "-qAt", url, "-c", sql], check=True, capture_output=True, text=True).stdout
    rows = [(line.split("|")[0], int(line.split("|")[1])) for line in out.splitlines() if line]
stored = {name: n for name, n in rows}
import shutil
shutil.rmtree(work, ignore_errors=True)
duplicated = sum(n - 1 for n in stored.values())
lost = [k for k in acked if k not in stored]
print(f"| {args.backend} | {args.instances} | {stats['external_kills']} | {stats['injected_kills']} | {len(acked)} "
      f"| {answers.get(303, 0)} | {len(stored)} | {duplicated} | {len(lost)} |")
sys.exit(1 if duplicated or lost else 0)
