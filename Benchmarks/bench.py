#!/usr/bin/env python3
"""`make bench`: every scenario of docs/performance.md, each figure beside a reference measured in
the same run on the same machine, a table on stdout and `Benchmarks/results/latest.json`.

    python3 Benchmarks/bench.py                     # the full run (release build), < 15 minutes
    python3 Benchmarks/bench.py --quick             # every scenario, small (debug build), < 2 minutes
    python3 Benchmarks/bench.py --only chat,idle    # some scenarios

The load on our server comes from the Swift load generator (`Bench chat|fanout|idle`, Benchmarks/Bench),
HTTP load from wrk, the Synapse reference from `synapse_ref.py`. Everything runs on loopback, each
run bounded in time and count. `--quick` is the smoke check of `make test`: it fails on errors
(a scenario that did not run, lost or refused messages, sockets closed), never on speed.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCENARIOS = ["http-floor", "chat", "idle", "fan-out", "search", "restart"]

# Full and quick sizes of each scenario.
SIZES = {
    "full": dict(search_services=20000, wrk_seconds=10, chat_pairs=2000, chat_rates="300,1000,2000,2500,3000,4000",
                 chat_duration=10, synapse_rooms=200, synapse_rates="10,20,50,100,200", synapse_duration=10,
                 idle_sockets=10000, idle_hold=35, fanout_devices=2, fanout_background=2000, fanout_rates="100,200,400,600,800,1200,1600,2400",
                 fanout_duration=5, restart_messages=1_000_000),
    "quick": dict(search_services=400, wrk_seconds=2, chat_pairs=50, chat_rates="100,300", chat_duration=2,
                  synapse_rooms=5, synapse_rates="5", synapse_duration=2, idle_sockets=300, idle_hold=2, fanout_devices=2,
                  fanout_background=60, fanout_rates="50", fanout_duration=2, restart_messages=5000),
}


def raise_nofile(wanted):
    """Raises this process's open-file limit; the servers and the load generator started from here inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))  # root may raise the hard limit
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(line):
    print(line, file=sys.stderr, flush=True)


class Server:
    """Our server on a data directory; `kill()` is SIGKILL, `start()` again times the way back."""

    def __init__(self, binary, data_dir):
        self.binary, self.data_dir, self.port = binary, pathlib.Path(data_dir), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, wait_path="/healthz", timeout=180):
        args = [str(self.binary), "serve", "--demo", "--port", str(self.port), "--data-dir", str(self.data_dir),
                "--base-url", "http://127.0.0.1", "--migrations-dir", str(ROOT / "Migrations"), "--public-dir", str(ROOT / "Public"),
                "--demo-data", str(ROOT / "DemoData" / "catalogue.json"), "--log-level", "warning",
                # a benchmark's senders go faster than a person: the per-socket frame limit is off, as Synapse's are
                "--socket-frame-rate", "100000"]
        started = time.perf_counter()
        if self.proc:
            self.log.close()  # the log of the run before a kill
        self.log = open(self.data_dir / "server.log", "a")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log)
        wait_for(self.url + wait_path, timeout, self.proc)
        return time.perf_counter() - started

    @property
    def pid(self):
        return self.proc.pid

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.proc:
            self.log.close()


def wait_for(url, timeout, proc=None, interval=0.01):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return r.read()
        except OSError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class Bench:
    def __init__(self, args):
        self.args = args
        self.size = SIZES["quick" if args.quick else "full"]
        self.build = "debug" if args.quick and not args.release else "release"
        self.bin = ROOT / ".build" / self.build
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-bench-"))
        self.problems = []

    def run(self, *argv, timeout=900):
        """A Bench command; its stderr goes to ours, its JSON comes back."""
        out = self.work / f"out-{time.monotonic_ns()}.json"
        subprocess.run([str(self.bin / "Bench"), *map(str, argv), "--json", str(out)], check=True, timeout=timeout, cwd=ROOT)
        return json.loads(out.read_text())

    def seed(self, name, pairs, group_clients=0, history=0):
        data_dir = self.work / name
        data_dir.mkdir(mode=0o700)
        fixture = self.work / f"{name}.json"
        argv = ["seed", "--data-dir", data_dir, "--out", fixture, "--pairs", pairs, "--group-clients", group_clients,
                "--group-experts", 3 if group_clients else 0, "--history", history]
        subprocess.run([str(self.bin / "Bench"), *map(str, argv)], check=True, cwd=ROOT, timeout=1800)
        return data_dir, fixture

    def problem(self, text):
        log("PROBLEM: " + text)
        self.problems.append(text)

    # ---- scenarios ----

    def http_floor(self):
        """wrk on /healthz and an anonymous search, and on nginx serving files of the same sizes."""
        size = self.size
        data_dir = self.work / "http"
        data_dir.mkdir(mode=0o700)
        server = Server(self.bin / "ohjaustila", data_dir)
        server.start()
        search_path = "/api/v1/catalogue/search?q=ty%C3%B6nhaku&lang=fi"
        try:
            healthz = wait_for(server.url + "/healthz", 5)
            search = wait_for(server.url + search_path, 30)
            ours = {"healthz": wrk(server.url + "/healthz", size["wrk_seconds"]),
                    "search": wrk(server.url + search_path, size["wrk_seconds"])}
        finally:
            server.stop()
        # The floor of the stack itself: Hummingbird without middleware, the same healthz bytes.
        port = free_port()
        bare = subprocess.Popen([str(self.bin / "HBFloor"), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", 30, bare)
            floor = wrk(f"http://127.0.0.1:{port}/healthz", size["wrk_seconds"])
        finally:
            bare.terminate()
            bare.wait(timeout=10)
        if floor["errors"]:
            self.problem(f"http-floor bare Hummingbird: {floor['errors']} errors")
        with Nginx(self.work / "nginx", {"healthz.json": healthz, "search.json": search}) as nginx:
            reference = {"healthz": wrk(nginx.url + "/healthz.json", size["wrk_seconds"]),
                         "search": wrk(nginx.url + "/search.json", size["wrk_seconds"])}
        for side in (ours, reference):
            for name, r in side.items():
                if r["errors"]:
                    self.problem(f"http-floor {name}: {r['errors']} errors")
        return {
            "ours": {"healthzRequestsPerSecond": ours["healthz"]["rps"], "healthzP99Ms": ours["healthz"]["p99"],
                     "searchRequestsPerSecond": ours["search"]["rps"], "searchP99Ms": ours["search"]["p99"],
                     "healthzBytes": len(healthz), "searchBytes": len(search)},
            "reference": {"name": "nginx " + nginx.version, "healthzRequestsPerSecond": reference["healthz"]["rps"],
                          "healthzP99Ms": reference["healthz"]["p99"], "searchRequestsPerSecond": reference["search"]["rps"],
                          "searchP99Ms": reference["search"]["p99"]},
            "ratio": ratio(ours["healthz"]["rps"], reference["healthz"]["rps"]),
            "stackFloor": {"name": "Hummingbird without middleware (Benchmarks/HBFloor)",
                           "healthzRequestsPerSecond": floor["rps"], "healthzP99Ms": floor["p99"],
                           "ratioToNginx": ratio(floor["rps"], reference["healthz"]["rps"])},
            "targets": [target("healthz ≥ 0.35× nginx requests/s", ratio(ours["healthz"]["rps"], reference["healthz"]["rps"]), ">=", 0.35),
                        target("search ≥ 5,000 requests/s (32 connections)", ours["search"]["rps"], ">=", 5000)],
        }

    def chat(self):
        size = self.size
        data_dir, fixture = self.seed("chat", size["chat_pairs"], group_clients=20)
        self.chat_data = (data_dir, fixture)
        server = Server(self.bin / "ohjaustila", data_dir)
        server.start()
        try:
            result = self.run("chat", "--url", server.url, "--fixture", fixture, "--rates", size["chat_rates"],
                              "--duration", size["chat_duration"], "--pid", server.pid)
        finally:
            server.stop()
        steps = result["steps"]
        stored = count_rows(data_dir, "SELECT COUNT(*) FROM message WHERE client_message_id GLOB 'r[0-9]*-*' OR client_message_id GLOB 'warm-*'")
        sent = sum(s["sent"] for s in steps) + int(100 * 2)
        for s in steps:
            if s["errors"] or s["socketsClosed"]:
                self.problem(f"chat at {s['offered']:.0f}/s: errors {s['errors']}, sockets closed {s['socketsClosed']}")
        if stored != sent:
            self.problem(f"chat: {sent} messages sent, {stored} stored")
        best = sustained(steps)
        at300 = next((s for s in steps if s["offered"] == 300), None)
        synapse = self.synapse()
        ours = {"spaces": result["spaces"], "sockets": result["sockets"], "sustainedPerSecond": best["persistedPerSecond"] if best else 0,
                "sustainedAckMs": best["ackMs"] if best else None, "sustainedDeliveryMs": best["deliveryMs"] if best else None,
                "steps": [brief(s) for s in steps], "stored": stored, "sent": sent, "synchronous": "FULL"}
        if at300:
            ours["at300"] = {"ackMs": at300["ackMs"], "deliveryMs": at300["deliveryMs"]}
        syn_best = synapse.get("sustained") if synapse else None
        reference = {"name": synapse.get("server", "synapse"), "rooms": synapse.get("rooms"),
                     "sustainedPerSecond": syn_best["persisted_per_s"] if syn_best else 0,
                     "sustainedAckMs": syn_best["ack_ms"] if syn_best else None,
                     "sustainedDeliveryMs": syn_best["delivery_ms"] if syn_best else None,
                     "steps": synapse.get("rates", [])} if synapse else {"name": "synapse", "skipped": self.synapse_skipped}
        r = ratio(ours["sustainedPerSecond"], reference.get("sustainedPerSecond") or 0)
        targets = [
            target("≥ 2,000 persisted messages/s with ack p99 < 50 ms", ours["sustainedPerSecond"], ">=", 2000),
            target("at 300/s ack p50 < 2 ms", at300["ackMs"]["p50"] if at300 else None, "<", 2),
            target("at 300/s ack p99 < 10 ms", at300["ackMs"]["p99"] if at300 else None, "<", 10),
            target("≥ 50× Synapse's sustained rate", r, ">=", 50),
        ]
        if best and syn_best:
            targets.append(target("ack p99 ≤ Synapse's at its sustained rate (ms)", best["ackMs"]["p99"], "<=", syn_best["ack_ms"]["p99"]))
        return {"ours": ours, "reference": reference, "ratio": r, "targets": targets}

    def synapse(self):
        self.synapse_skipped = None
        if self.args.no_synapse:
            self.synapse_skipped = "--no-synapse"
            return None
        size, out = self.size, self.work / "synapse.json"
        try:
            subprocess.run([sys.executable, str(ROOT / "Benchmarks" / "synapse_ref.py"), "--rooms", str(size["synapse_rooms"]),
                            "--rates", size["synapse_rates"], "--duration", str(size["synapse_duration"]), "--json", str(out)],
                           check=True, timeout=900, cwd=ROOT)
            return json.loads(out.read_text())
        except (subprocess.SubprocessError, OSError, ValueError) as e:
            self.synapse_skipped = f"failed: {e}"
            self.problem(f"synapse reference: {e}")
            return None

    def idle(self):
        size = self.size
        data_dir, fixture = self.seed("idle", 100)
        server = Server(self.bin / "ohjaustila", data_dir)
        server.start()
        try:
            time.sleep(1)
            result = self.run("idle", "--url", server.url, "--fixture", fixture, "--sockets", size["idle_sockets"],
                              "--hold", size["idle_hold"], "--pid", server.pid)
        finally:
            server.stop()
        if result["closedByServer"]:
            self.problem(f"idle: the server closed {result['closedByServer']} sockets")
        return {"ours": result, "reference": None, "ratio": None,
                "targets": [target("≤ 40 KB of server memory per idle signed-in socket (KB)", result["kibPerConnection"] * 1.024, "<=", 40)]}

    def fan_out(self):
        size = self.size
        if not hasattr(self, "chat_data"):
            self.chat_data = self.seed("fanout", max(size["fanout_background"] // 2, 1), group_clients=20)
        data_dir, fixture = self.chat_data
        common = ["--fixture", fixture, "--devices", size["fanout_devices"], "--background", size["fanout_background"],
                  "--rates", size["fanout_rates"], "--duration", size["fanout_duration"]]
        server = Server(self.bin / "ohjaustila", data_dir)
        server.start()
        try:
            ours = self.run("fanout", "--url", server.url, "--pid", server.pid, *common)
        finally:
            server.stop()
        port = free_port()
        broadcaster = subprocess.Popen([str(self.bin / "Broadcaster"), "--port", str(port)], stdout=subprocess.PIPE, text=True)
        try:
            broadcaster.stdout.readline()
            reference = self.run("fanout", "--url", f"http://127.0.0.1:{port}", "--pid", broadcaster.pid, *common)
        finally:
            broadcaster.terminate()
            broadcaster.wait(timeout=10)
        for name, side in (("ours", ours), ("broadcaster", reference)):
            for s in side["steps"]:
                if s["errors"] or s["socketsClosed"] or s["acked"] < s["sent"]:
                    self.problem(f"fan-out {name} at {s['offered']:.0f}/s: acked {s['acked']}/{s['sent']}, errors {s['errors']}, "
                                 f"closed {s['socketsClosed']}")
        o, r = fanout_best(ours["steps"]), fanout_best(reference["steps"])
        result_ratio = ratio(o["deliveredPerSecond"], r["deliveredPerSecond"])
        return {"ours": {"deliveredFramesPerSecond": o["deliveredPerSecond"], "deliveryMs": o["deliveryMs"], "at": o["offered"],
                         "groupSockets": ours["groupSockets"], "backgroundSockets": ours["backgroundSockets"],
                         "steps": [brief(s) for s in ours["steps"]]},
                "reference": {"name": "minimal SwiftNIO broadcaster", "deliveredFramesPerSecond": r["deliveredPerSecond"],
                              "deliveryMs": r["deliveryMs"], "at": r["offered"], "steps": [brief(s) for s in reference["steps"]]},
                "ratio": result_ratio,
                "targets": [target("≥ 0.5× the minimal broadcaster's delivered frames/s", result_ratio, ">=", 0.5)]}

    def search(self):
        rows = self.run("search", "--services", self.size["search_services"], "--catalogue", ROOT / "DemoData" / "catalogue.json",
                        timeout=1800)
        worst = max(rows.values(), key=lambda r: r["p99"])
        return {"ours": {k: {"p50Ms": v["p50"], "p99Ms": v["p99"]} for k, v in rows.items()},
                "reference": {k: {"fts5OnlyP50Ms": v["fts5P50"], "fts5OnlyP99Ms": v["fts5P99"], "likeScanP50Ms": v["likeP50"],
                                  "likeScanP99Ms": v["likeP99"]} for k, v in rows.items()},
                "ratio": ratio(worst["p99"], worst["fts5P99"]), "services": self.size["search_services"],
                "targets": [target(f"p99 < 10 ms: {k}", v["p99"], "<", 10) for k, v in rows.items()]}

    def seconds_back_after_kill(self, data_dir):
        """Starts the server on `data_dir`, SIGKILLs it once ready, and times the start until `/readyz` answers."""
        server = Server(self.bin / "ohjaustila", data_dir)
        server.start(wait_path="/readyz")
        try:
            time.sleep(1)
            server.kill()
            killed = time.perf_counter()
            server.start(wait_path="/readyz")
            return time.perf_counter() - killed
        finally:
            server.stop()

    def restart(self):
        size = self.size
        data_dir, _ = self.seed("restart", 200, history=size["restart_messages"])
        stored = count_rows(data_dir, "SELECT COUNT(*) FROM message")
        ours = self.seconds_back_after_kill(data_dir)
        empty_dir = self.work / "restart-empty"
        empty_dir.mkdir(mode=0o700)
        reference = self.seconds_back_after_kill(empty_dir)
        return {"ours": {"messages": stored, "secondsToReady": ours},
                "reference": {"name": "the same server with the demo data only", "secondsToReady": reference},
                "ratio": ratio(ours, reference),
                "targets": [target("ready within 2 s of SIGKILL with 1 million messages (s)", ours, "<", 2)]}


class Nginx:
    """nginx on a free port serving `files` from a temporary root, one worker per core."""

    def __init__(self, root, files):
        self.root, self.files, self.port = pathlib.Path(root), files, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]

    def __enter__(self):
        (self.root / "www").mkdir(parents=True)
        for name, body in self.files.items():
            (self.root / "www" / name).write_bytes(body)
        conf = self.root / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(f"""{user}worker_processes auto;
pid {self.root}/nginx.pid;
error_log {self.root}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    default_type application/json;
    keepalive_requests 1000000;
    client_body_temp_path {self.root}/tmp;
    proxy_temp_path {self.root}/tmp;
    fastcgi_temp_path {self.root}/tmp;
    uwsgi_temp_path {self.root}/tmp;
    scgi_temp_path {self.root}/tmp;
    server {{ listen 127.0.0.1:{self.port}; root {self.root}/www; }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(self.root)], stderr=subprocess.DEVNULL)
        wait_for(self.url + "/" + next(iter(self.files)), 10, self.proc)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk(url, seconds, connections=32):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True,
                         check=True, timeout=seconds + 60).stdout
    p99 = WRK_P99.search(out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    errors = sum(int(g) for m in WRK_ERRORS.finditer(out) for g in m.groups() if g)
    return {"rps": float(WRK_RPS.search(out).group(1)), "p99": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
            "errors": errors}


def count_rows(data_dir, sql):
    db = sqlite3.connect(f"file:{pathlib.Path(data_dir) / 'ohjaustila.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def sustained(steps, limit_ms=50):
    """The highest rate kept: persisted ≥ 95 % of offered with ack p99 under the limit."""
    kept = [s for s in steps if s["persistedPerSecond"] >= 0.95 * s["offered"] and s["ackMs"]["p99"] < limit_ms]
    return max(kept, key=lambda s: s["persistedPerSecond"]) if kept else None


def fanout_best(steps, limit_ms=100):
    """The step with the most delivered frames a second among those that delivered ≥ 99 % of their frames
    with delivery p99 under the limit (else among all)."""
    kept = [s for s in steps if s["delivered"] >= 0.99 * s["expectedDeliveries"] and s["deliveryMs"]["p99"] < limit_ms] or steps
    return max(kept, key=lambda s: s["deliveredPerSecond"])


def brief(s):
    return {k: s[k] for k in ("offered", "sent", "acked", "delivered", "persistedPerSecond", "deliveredPerSecond", "ackMs",
                              "deliveryMs", "serverCPUPercent", "clientCPUPercent", "sendLagMaxMs", "errors")}


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def target(name, value, op, limit):
    met = value is not None and {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[op]
    return {"name": name, "value": value, "op": op, "limit": limit, "met": met}


def machine(build):
    mem = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"cores": os.cpu_count(), "memoryGiB": round(mem / 1024 / 1024, 1), "cpu": cpu, "kernel": platform.release(),
            "swift": swift[0] if swift else "?", "build": build, "loadAverageBefore": round(os.getloadavg()[0], 2),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"
    return str(v)


def table(results):
    lines = [f"{'scenario':<11} {'figure':<56} {'ours':>12} {'reference':>12} {'ratio':>7}  target"]
    for name, r in results.items():
        if "error" in r:
            lines.append(f"{name:<11} FAILED: {r['error']}")
            continue
        figures = FIGURES.get(name, lambda r: [])(r)
        for label, ours, ref, rat in figures:
            lines.append(f"{name:<11} {label:<56} {fmt(ours):>12} {fmt(ref):>12} {fmt(rat):>7}")
        for t in r.get("targets", []):
            lines.append(f"{'':<11} {'target: ' + t['name']:<56} {fmt(t['value']):>12} {'':>12} {'':>7}  "
                         f"{'met' if t['met'] else 'NOT MET'}")
    return "\n".join(lines)


def _chat_rows(r):
    o, ref = r["ours"], r["reference"]
    rows = [("sustained persisted messages/s (ack p99 < 50 ms)", o["sustainedPerSecond"], ref.get("sustainedPerSecond"), r["ratio"])]
    for key, label in (("sustainedAckMs", "ack"), ("sustainedDeliveryMs", "delivery")):
        for p in ("p50", "p99", "p999"):
            rows.append((f"  {label} {p} ms at the sustained rate", (o.get(key) or {}).get(p), (ref.get(key) or {}).get(p), None))
    for s in o["steps"]:
        rows.append((f"  offered {s['offered']:.0f}/s: persisted/s, ack p99 ms", s["persistedPerSecond"], s["ackMs"]["p99"], None))
    return rows


FIGURES = {
    "http-floor": lambda r: [
        ("GET /healthz requests/s (wrk, 32 connections)", r["ours"]["healthzRequestsPerSecond"],
         r["reference"]["healthzRequestsPerSecond"], r["ratio"]),
        ("GET /healthz p99 ms", r["ours"]["healthzP99Ms"], r["reference"]["healthzP99Ms"], None),
        ("  the stack's floor: bare Hummingbird's healthz requests/s", r["stackFloor"]["healthzRequestsPerSecond"],
         r["reference"]["healthzRequestsPerSecond"], r["stackFloor"]["ratioToNginx"]),
        ("anonymous search requests/s (same-size file on nginx)", r["ours"]["searchRequestsPerSecond"],
         r["reference"]["searchRequestsPerSecond"],
         ratio(r["ours"]["searchRequestsPerSecond"], r["reference"]["searchRequestsPerSecond"])),
        ("anonymous search p99 ms", r["ours"]["searchP99Ms"], r["reference"]["searchP99Ms"], None)],
    "chat": _chat_rows,
    "idle": lambda r: [(f"KiB of server RSS per idle socket ({r['ours']['sockets']} sockets)", r["ours"]["kibPerConnection"], None, None),
                       ("sockets closed by the server while idle", r["ours"]["closedByServer"], None, None)],
    "fan-out": lambda r: [("delivered frames/s (group of 23, 2 sockets each)", r["ours"]["deliveredFramesPerSecond"],
                           r["reference"]["deliveredFramesPerSecond"], r["ratio"]),
                          ("  delivery p99 ms", r["ours"]["deliveryMs"]["p99"], r["reference"]["deliveryMs"]["p99"], None)],
    "search": lambda r: [(f"{k} p99 ms ({r['services']} services; ref FTS5 only)", v["p99Ms"], r["reference"][k]["fts5OnlyP99Ms"],
                          ratio(v["p99Ms"], r["reference"][k]["fts5OnlyP99Ms"])) for k, v in r["ours"].items()],
    "restart": lambda r: [(f"SIGKILL → /readyz s ({r['ours']['messages']:,} messages; ref demo only)", r["ours"]["secondsToReady"],
                           r["reference"]["secondsToReady"], r["ratio"])],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="every scenario, small, debug build: the smoke check of make test")
    ap.add_argument("--release", action="store_true", help="with --quick: use the release build")
    ap.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated: " + ", ".join(SCENARIOS))
    ap.add_argument("--no-synapse", action="store_true", help="skip the Synapse reference of chat")
    ap.add_argument("--json", default=None, help="where to write the results (default: Benchmarks/results/latest.json; "
                                                 "--quick writes none unless given)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SCENARIOS]
    if unknown:
        ap.error(f"unknown scenarios: {unknown}")
    raise_nofile(65536)
    bench = Bench(args)
    facts = machine(bench.build)
    log(f"bench: {facts}")
    started = time.perf_counter()
    results = {}
    try:
        for name in SCENARIOS:
            if name not in wanted:
                continue
            t = time.perf_counter()
            log(f"== {name}")
            try:
                results[name] = getattr(bench, name.replace("-", "_"))()
            except Exception as e:  # one scenario's failure is reported, the others still run
                results[name] = {"error": f"{type(e).__name__}: {e}"}
                bench.problem(f"{name}: {type(e).__name__}: {e}")
            results[name]["seconds"] = round(time.perf_counter() - t, 1)
            log(f"== {name} took {results[name]['seconds']} s")
    finally:
        if args.keep:
            log(f"work directory kept: {bench.work}")
        else:
            shutil.rmtree(bench.work, ignore_errors=True)
    facts["seconds"] = round(time.perf_counter() - started, 1)
    print(table(results))
    print(f"\n{facts['cores']} cores, {facts['memoryGiB']} GiB, {facts['cpu']}; {facts['swift']}; {facts['build']} build; "
          f"load average before {facts['loadAverageBefore']}; {facts['seconds']} s in all")
    out = args.json or (None if args.quick else str(ROOT / "Benchmarks" / "results" / "latest.json"))
    if out:
        pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(out).write_text(json.dumps({"machine": facts, "scenarios": results}, indent=2, ensure_ascii=False) + "\n")
    if bench.problems:
        print("\nProblems:\n  " + "\n  ".join(bench.problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
