#!/usr/bin/env python3
"""Reference measurement: our chat scenario run against Matrix Synapse (from PyPI, SQLite).

The scenario is the one `load_messages.py` runs against our own server:
- N one-to-one rooms, each with two members: an expert (member A, who creates the room and
  invites) and a client (member B, who joins). Both members of every room are connected: each
  runs its own /sync long-poll loop (timeout 30 s, a filter that returns only m.room.message
  timeline events, lazy-loaded members).
- For each offered rate, messages are sent open loop at that fixed total rate: message k is due at
  t0 + k/rate and is sent then whatever happened to the earlier ones. Senders take turns (A of
  room 0, B of room 0, A of room 1, …). Latencies are measured from the due time, so a server (or
  a client) that falls behind shows as queueing in the figures instead of slowing the load down.
- ack latency: due time → HTTP 200 of `PUT /rooms/{roomId}/send/m.room.message/{txnId}` (Synapse
  answers once the event is persisted);
- delivery latency: due time → the event arriving in the other member's /sync response. Events are
  matched to sends by an id at the start of the body ("#<rate tag>:<k> …"), since only the sender
  sees `unsigned.transaction_id`.
- persisted/s = acks / (last ack − t0). A 3-second warm-up at 10/s comes first (not reported).
  Rates are stepped up until ack p99 exceeds 50 ms (all of them with --all-rates). Each rate sends
  for --duration s, then waits at most --drain s for outstanding acks and deliveries; what is
  still unanswered then is counted and cancelled, and no higher rate is run (Synapse goes on with
  a request whose client has gone, so the next rate would start on a backlog).

What it does, all on 127.0.0.1 and all bounded in time:
1. Makes sure a virtualenv (default .build-bench/synapse-venv) has `matrix-synapse` (installed with
   pip only when `import synapse` fails there) and the client's packages (aiohttp, else httpx;
   hdrhistogram for percentiles, else exact ones from sorted lists), then re-runs itself with the
   venv's python.
2. Writes a config into a fresh temporary directory (server_name bench.local, one plain-HTTP client
   listener, SQLite, every rc_* rate limit the installed version parses set very high, bcrypt_rounds
   4, presence, URL previews, metrics and stats reporting off, WARNING log to a file) and starts
   Synapse; stops it and removes the directory at the end, also on an error or Ctrl-C.
3. Registers 2N users through the shared-secret admin API, uploads each user's /sync filter, creates
   the rooms (private_chat, is_direct, inviting B), joins B, and does every user's initial sync;
   then starts the sync loops and waits (--settle s at most) until Synapse idles.
4. Runs the rates, prints a table, and with --json OUT writes the figures: {"server", "rooms",
   "setup_s", "rates": [{"offered", "sent", "acked", "delivered", "persisted_per_s", "ack_ms":
   {"p50", "p99", "p999"}, "delivery_ms": {…}, "errors", "client_cpu_pct", "send_lag_max_ms", …}],
   "sustained": the highest rate with persisted ≥ 95 % of offered and ack p99 ≤ 50 ms, else the
   rate with the highest persisted/s, …}.

Client CPU is % of one core for this process (resource.getrusage), server CPU the same for the
Synapse process (/proc), machine busy % of all cores (/proc/stat: what exceeds client + server is
other load, which lowers every figure; --wait-quiet waits for an idle machine first). "Send lag"
is how late the sender's loop issued a message at worst.

Synapse persists through one SQLite connection, committing (fsync) several times per message, and
runs in one Python process; on a 2-core machine expect it to saturate at a few tens of messages a
second, so rates like 2,5,10,15,20 show more of its curve than the defaults.

    python3 Benchmarks/synapse_ref.py                                   # 200 rooms, 10…200 a second
    python3 Benchmarks/synapse_ref.py --rooms 20 --rates 10,50 --duration 3 --json /tmp/syn.json
"""
import argparse
import asyncio
import collections
import hashlib
import hmac
import json
import os
import pathlib
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_VENV = ROOT / ".build-bench" / "synapse-venv"
SERVER_NAME = "bench.local"
PASSWORD = "kuormitus-salasana-2026"
# The same sentence our own benchmark sends; the id prefix makes the whole body ~120 characters.
SENTENCE = "Hei, tässä kuormitustestin viesti, noin sadan merkin mittainen, jotta kehys on tavallisen viestin kokoinen."
ACK_P99_LIMIT_MS = 50.0
BIG = 1_000_000  # per_second and burst_count of every rate limiter: never reached here
# Used when the installed Synapse's source can't be read for the rc_* settings it parses.
FALLBACK_RC_KEYS = [
    "rc_message", "rc_registration", "rc_registration_token_validity", "rc_login.address",
    "rc_login.account", "rc_login.failed_attempts", "rc_admin_redaction", "rc_joins.local",
    "rc_joins.remote", "rc_joins_per_room", "rc_key_requests", "rc_3pid_validation",
    "rc_invites.per_room", "rc_invites.per_user", "rc_invites.per_issuer", "rc_third_party_invite",
    "rc_media_create", "rc_presence.per_user", "rc_delayed_event_mgmt", "rc_room_creation",
    "rc_reports", "rc_user_directory", "rc_profile",
]
# What each user's /sync returns: only m.room.message timeline events, members lazy-loaded.
SYNC_FILTER = {
    "presence": {"types": []},
    "account_data": {"types": []},
    "room": {
        "timeline": {"types": ["m.room.message"], "limit": 100},
        "state": {"lazy_load_members": True},
        "ephemeral": {"types": []},
        "account_data": {"types": []},
    },
}
clock = time.monotonic  # the event loop's clock too


# ---------------------------------------------------------------------------------------------
# 1. The virtualenv (runs under whatever python3 started the script)
# ---------------------------------------------------------------------------------------------

def venv_python(venv):
    return pathlib.Path(venv) / "bin" / "python"  # not resolved: it is a symlink to the base python


def venv_has(venv, module):
    python = venv_python(venv)
    return python.exists() and subprocess.run([str(python), "-c", f"import {module}"],
                                              capture_output=True).returncode == 0


def pip_install(venv, *packages):
    r = subprocess.run([str(venv_python(venv)), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages])
    return r.returncode == 0


def ensure_venv(venv):
    """Installs what is missing; returns the seconds spent installing Synapse (None if it was there)."""
    venv = pathlib.Path(venv)
    synapse_s = None
    if not venv_has(venv, "synapse"):
        print(f"installing matrix-synapse into {venv} …", flush=True)
        t = time.time()
        if not venv_python(venv).exists():
            venv.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        if not pip_install(venv, "matrix-synapse"):
            sys.exit("pip install matrix-synapse failed")
        synapse_s = time.time() - t
        print(f"  matrix-synapse installed in {synapse_s:.0f} s", flush=True)
    t = time.time()
    if not venv_has(venv, "aiohttp") and not pip_install(venv, "aiohttp") and not venv_has(venv, "httpx"):
        if not pip_install(venv, "httpx"):
            sys.exit("neither aiohttp nor httpx could be installed into the venv")
    if not venv_has(venv, "hdrh") and not pip_install(venv, "hdrhistogram"):
        print("  hdrhistogram did not install: percentiles are exact, from sorted lists", flush=True)
    if time.time() - t > 1:
        print(f"  client packages checked/installed in {time.time() - t:.0f} s", flush=True)
    return synapse_s


def reexec_in_venv(args, started):
    """Runs this script again with the venv's python (which has synapse and the client packages)."""
    venv = pathlib.Path(args.venv).absolute()
    if pathlib.Path(sys.prefix).resolve() == venv.resolve():
        return  # already there
    if os.environ.get("SYNAPSE_REF_CHILD"):
        sys.exit(f"re-running in {venv} did not land in it (sys.prefix {sys.prefix})")
    install_s = ensure_venv(venv)
    env = dict(os.environ, SYNAPSE_REF_CHILD="1", SYNAPSE_REF_STARTED=str(started))
    if install_s is not None:
        env["SYNAPSE_REF_INSTALL_S"] = f"{install_s:.1f}"
    python = str(venv_python(venv))
    sys.stdout.flush()
    os.execve(python, [python, str(pathlib.Path(__file__).resolve()), *sys.argv[1:]], env)


# ---------------------------------------------------------------------------------------------
# 2. The server
# ---------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rate_limit_keys():
    """The rc_* settings that the installed Synapse parses (read from its source), else a fixed list."""
    try:
        import importlib.util
        spec = importlib.util.find_spec("synapse")
        text = (pathlib.Path(spec.submodule_search_locations[0]) / "config" / "ratelimiting.py").read_text()
        keys = re.findall(r'RatelimitSettings\.parse\(\s*config,\s*"(rc_[\w.]+)"', text)
        if keys:
            return sorted(set(keys))
    except (OSError, AttributeError, TypeError, ImportError):
        pass
    return FALLBACK_RC_KEYS


def no_rate_limits():
    """{"rc_message": {...}, "rc_login": {"address": {...}, …}, …} with every limit at BIG."""
    config = {}
    for key in rate_limit_keys():
        node = config
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = {"per_second": BIG, "burst_count": BIG}
    return config


def die_with_parent():
    """Runs in the server's process before exec: it gets SIGTERM if this script dies (Linux)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Synapse:
    """A homeserver in a fresh temporary directory, on a free port of 127.0.0.1."""

    def __init__(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="synapse-ref-"))
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(32)
        self.proc = None
        self.db_path = self.dir / "homeserver.db"
        self.log_path = self.dir / "homeserver.log"
        # JSON is YAML, so the config files are written with json.
        log_config = {
            "version": 1,
            "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
            "handlers": {"file": {"class": "logging.FileHandler", "filename": str(self.log_path), "formatter": "plain"}},
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        config = {
            "server_name": SERVER_NAME,
            "pid_file": str(self.dir / "homeserver.pid"),
            "listeners": [{"port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                           "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
            "database": {"name": "sqlite3", "args": {"database": str(self.db_path)}},
            "log_config": str(self.dir / "log.yaml"),
            "media_store_path": str(self.dir / "media"),
            "signing_key_path": str(self.dir / "signing.key"),
            "registration_shared_secret": self.shared_secret,
            "macaroon_secret_key": secrets.token_hex(32),
            "form_secret": secrets.token_hex(32),
            "enable_registration": False,
            "bcrypt_rounds": 4,
            "report_stats": False,
            "enable_metrics": False,
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            **no_rate_limits(),
        }
        (self.dir / "log.yaml").write_text(json.dumps(log_config, indent=1))
        self.config_path = self.dir / "homeserver.yaml"
        self.config_path.write_text(json.dumps(config, indent=1))

    def start(self, timeout=180):
        stdio = open(self.dir / "stdio.log", "ab")
        # Synapse generates the missing signing key itself on start (--generate-missing-and-run).
        self.proc = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                                     cwd=self.dir, stdin=subprocess.DEVNULL, stdout=stdio, stderr=stdio,
                                     preexec_fn=die_with_parent)
        stdio.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"synapse exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"synapse did not answer /health in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, chars=3000):
        out = []
        for name in ("stdio.log", "homeserver.log"):
            p = self.dir / name
            if p.exists():
                out.append(f"--- {name}\n" + p.read_text(errors="replace")[-chars:])
        return "\n".join(out)

    def cpu_s(self):
        """User + system CPU seconds of the server process so far."""
        try:
            fields = (pathlib.Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1]).split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def rss_mib(self):
        try:
            for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def stored_messages(self):
        """m.room.message events in the database (a check that acks mean stored)."""
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return db.execute("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'").fetchone()[0]
        finally:
            db.close()

    def stop(self, keep=False):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if keep:
            print(f"server directory kept: {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# HTTP client: aiohttp if the venv has it, else httpx; one pool per use
# ---------------------------------------------------------------------------------------------

try:
    import aiohttp
    NET_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)
except ImportError:
    aiohttp = None
    try:
        import httpx
        NET_ERRORS = (httpx.HTTPError, asyncio.TimeoutError)
    except ImportError:
        httpx = None
        NET_ERRORS = (asyncio.TimeoutError,)


class Pool:
    """Keep-alive connections to the server, at most `limit` of them open at once."""

    def __init__(self, base_url, limit):
        self.base_url = base_url
        if aiohttp:
            self.kind = "aiohttp " + aiohttp.__version__
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=limit, limit_per_host=limit, keepalive_timeout=120),
                timeout=aiohttp.ClientTimeout(total=None), skip_auto_headers=("User-Agent",))
        else:
            self.kind = "httpx " + httpx.__version__
            self.session = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit, keepalive_expiry=120),
                timeout=None)

    async def request(self, method, path, token=None, body=None, timeout=None):
        """Returns (status, raw body, clock() when the whole answer was in)."""
        headers = {}
        if token:
            headers["Authorization"] = "Bearer " + token
        if body is not None:
            headers["Content-Type"] = "application/json"
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
        url = self.base_url + path
        if aiohttp:
            async with self.session.request(method, url, data=body, headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=timeout)) as r:
                raw = await r.read()
                return r.status, raw, clock()
        r = await self.session.request(method, url, content=body, headers=headers, timeout=timeout)
        return r.status_code, r.content, clock()

    async def json(self, method, path, token=None, body=None, timeout=60):
        """A set-up request that must succeed: returns the decoded JSON answer."""
        status, raw, _ = await self.request(method, path, token, body, timeout)
        if status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {status} {raw[:300]!r}")
        return json.loads(raw)

    async def close(self):
        if aiohttp:
            await self.session.close()
        else:
            await self.session.aclose()


def q(s):
    return urllib.parse.quote(s, safe="")


# ---------------------------------------------------------------------------------------------
# Percentiles
# ---------------------------------------------------------------------------------------------

try:
    from hdrh.histogram import HdrHistogram
except ImportError:
    HdrHistogram = None


def percentiles(values_ms):
    """{"p50", "p99", "p999"} in ms: from an HdrHistogram (µs, 3 significant digits) or exact."""
    if not values_ms:
        return {"p50": None, "p99": None, "p999": None}
    if HdrHistogram:
        h = HdrHistogram(1, 3_600_000_000, 3)
        for v in values_ms:
            h.record_value(max(1, int(v * 1000)))
        return {name: h.get_value_at_percentile(p) / 1000 for name, p in (("p50", 50), ("p99", 99), ("p999", 99.9))}
    s = sorted(values_ms)

    def rank(p):  # nearest rank
        return s[min(len(s) - 1, max(0, int(-(-p * len(s) // 100)) - 1))]
    return {"p50": rank(50), "p99": rank(99), "p999": rank(99.9)}


# ---------------------------------------------------------------------------------------------
# 3. Set-up
# ---------------------------------------------------------------------------------------------

class User:
    def __init__(self, name):
        self.name = name
        self.user_id = f"@{name}:{SERVER_NAME}"
        self.token = None
        self.filter_id = None
        self.since = None


async def bounded(concurrency, coroutines):
    """Runs the coroutines with at most `concurrency` at a time; fails on the first error."""
    gate = asyncio.Semaphore(concurrency)

    async def one(c):
        async with gate:
            return await c
    try:
        return await asyncio.gather(*(one(c) for c in coroutines))
    except BaseException:
        for c in coroutines:
            c.close()  # those never started (no "never awaited" warnings on Ctrl-C)
        raise


async def register(pool, secret, user):
    """Shared-secret registration: HMAC-SHA1 over nonce, user, password and "notadmin"."""
    nonce = (await pool.json("GET", "/_synapse/admin/v1/register"))["nonce"]
    mac = hmac.new(secret.encode(), b"\0".join(s.encode() for s in (nonce, user.name, PASSWORD, "notadmin")),
                   hashlib.sha1).hexdigest()
    answer = await pool.json("POST", "/_synapse/admin/v1/register",
                             body={"nonce": nonce, "username": user.name, "password": PASSWORD, "admin": False, "mac": mac})
    user.token = answer["access_token"]
    user.filter_id = (await pool.json("POST", f"/_matrix/client/v3/user/{q(user.user_id)}/filter",
                                      user.token, SYNC_FILTER))["filter_id"]


async def create_room(pool, a, b, i):
    answer = await pool.json("POST", "/_matrix/client/v3/createRoom", a.token,
                             {"preset": "private_chat", "invite": [b.user_id], "is_direct": True, "name": f"Kuormatila {i}"})
    return answer["room_id"]


async def initial_sync(pool, user):
    answer = await pool.json("GET", f"/_matrix/client/v3/sync?timeout=0&filter={q(user.filter_id)}&set_presence=offline",
                             user.token, timeout=120)
    user.since = answer["next_batch"]


async def set_up(pool, server, rooms, concurrency):
    """Users, rooms and initial syncs; returns the members [(A, B)], room ids and timings."""
    timings = {}
    pairs = [(User(f"asiantuntija{i}"), User(f"asiakas{i}")) for i in range(rooms)]
    users = [u for pair in pairs for u in pair]

    t = time.time()
    await bounded(concurrency, [register(pool, server.shared_secret, u) for u in users])
    timings["register_s"] = time.time() - t
    print(f"  {len(users)} users registered (with their sync filters) in {timings['register_s']:.1f} s", flush=True)

    t = time.time()
    room_ids = await bounded(concurrency, [create_room(pool, a, b, i) for i, (a, b) in enumerate(pairs)])
    timings["create_rooms_s"] = time.time() - t
    print(f"  {rooms} rooms created (A inviting B) in {timings['create_rooms_s']:.1f} s", flush=True)

    t = time.time()
    await bounded(concurrency, [pool.json("POST", f"/_matrix/client/v3/join/{q(r)}", b.token, {})
                                for (a, b), r in zip(pairs, room_ids)])
    timings["join_s"] = time.time() - t
    print(f"  {rooms} joins by B in {timings['join_s']:.1f} s", flush=True)

    t = time.time()
    await bounded(concurrency, [initial_sync(pool, u) for u in users])
    timings["initial_sync_s"] = time.time() - t
    print(f"  {len(users)} initial syncs in {timings['initial_sync_s']:.1f} s", flush=True)
    return pairs, room_ids, timings


# ---------------------------------------------------------------------------------------------
# 4. Load
# ---------------------------------------------------------------------------------------------

class Run:
    """One rate: when each message was due, acknowledged and delivered."""

    def __init__(self, tag, count):
        self.tag = tag
        self.due = [0.0] * count
        self.acked = [0.0] * count
        self.delivered = [0.0] * count
        self.acks = self.deliveries = self.failed = 0
        self.last_ack = 0.0
        self.errors = collections.Counter()


class Bench:
    def __init__(self, server, sync_pool, send_pool):
        self.server = server
        self.sync_pool = sync_pool
        self.send_pool = send_pool
        self.runs = {}  # tag → Run being measured; sync loops stamp deliveries into it
        self.current = None  # the Run that sync errors are counted in

    async def sync_loop(self, user):
        """Long-polls /sync for one user forever (until cancelled), stamping deliveries."""
        path = f"/_matrix/client/v3/sync?timeout=30000&filter={q(user.filter_id)}&set_presence=offline&since="
        since = user.since
        while True:
            try:
                status, raw, now = await self.sync_pool.request("GET", path + q(since), user.token, timeout=90)
            except NET_ERRORS as e:
                if self.current:
                    self.current.errors["sync " + type(e).__name__] += 1
                await asyncio.sleep(0.5)
                continue
            if status != 200:
                if self.current:
                    self.current.errors[f"sync HTTP {status}"] += 1
                await asyncio.sleep(0.5)
                continue
            answer = json.loads(raw)
            since = answer["next_batch"]
            for room in answer.get("rooms", {}).get("join", {}).values():
                for event in room.get("timeline", {}).get("events", ()):
                    if event.get("sender") == user.user_id:
                        continue  # the sender's own echo
                    body = event.get("content", {}).get("body", "")
                    if not body.startswith("#"):
                        continue
                    tag, _, k = body[1:body.find(" ")].partition(":")
                    run = self.runs.get(tag)
                    if run is not None and not run.delivered[int(k)]:
                        run.delivered[int(k)] = now
                        run.deliveries += 1

    async def send(self, run, k, token, path, body):
        try:
            status, _, now = await self.send_pool.request("PUT", path, token, body, timeout=None)
        except NET_ERRORS as e:
            run.errors["send " + type(e).__name__] += 1
            run.failed += 1
            return
        if status == 200:
            run.acked[k] = now
            run.acks += 1
            run.last_ack = max(run.last_ack, now)
        else:
            run.errors[f"send HTTP {status}"] += 1
            run.failed += 1

    async def run_rate(self, tag, rate, duration, drain, pairs, room_ids):
        count = max(1, int(rate * duration))
        run = Run(tag, count)
        # Everything a send needs is made before the clock starts.
        senders = [(member, room) for (a, b), room in zip(pairs, room_ids) for member in (a, b)]
        plan = []
        for k in range(count):
            member, room = senders[k % len(senders)]
            body = json.dumps({"msgtype": "m.text", "body": f"#{tag}:{k} {SENTENCE}"}, ensure_ascii=False).encode()
            plan.append((member.token, f"/_matrix/client/v3/rooms/{q(room)}/send/m.room.message/{tag}-{k}", body))
        self.runs[tag] = run
        self.current = run
        tasks = set()
        cpu0, scpu0, (busy0, total0) = self_cpu_s(), self.server.cpu_s(), machine_ticks()
        wall0 = clock()
        t0 = wall0 + 0.1
        lag = 0.0
        for k, (token, path, body) in enumerate(plan):
            due = t0 + k / rate
            run.due[k] = due
            delay = due - clock()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, clock() - due)
            task = asyncio.create_task(self.send(run, k, token, path, body))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        send_end = clock()
        # Bounded wait for what is outstanding: until every send is answered and every acked message
        # delivered, `drain` seconds at most, or 10 s without progress.
        deadline, progress, quiet_since = send_end + drain, -1, clock()
        while clock() < deadline:
            if run.acks + run.failed >= count and run.deliveries >= run.acks:
                break
            if run.acks + run.failed + run.deliveries != progress:
                progress, quiet_since = run.acks + run.failed + run.deliveries, clock()
            elif clock() - quiet_since > 10:
                break
            await asyncio.sleep(0.05)
        wall = clock() - wall0
        cpu, scpu = self_cpu_s() - cpu0, self.server.cpu_s() - scpu0
        busy1, total1 = machine_ticks()
        if tasks:
            run.errors["send unanswered at the end"] += len(tasks)
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        del self.runs[tag]
        self.current = None
        acks = [(a - d) * 1000 for a, d in zip(run.acked, run.due) if a]
        deliveries = [(v - d) * 1000 for v, d in zip(run.delivered, run.due) if v]
        return {
            "offered": rate, "sent": count, "acked": run.acks, "delivered": run.deliveries,
            "persisted_per_s": round(run.acks / (run.last_ack - t0), 1) if run.acks else 0.0,
            "ack_ms": rounded(percentiles(acks)), "delivery_ms": rounded(percentiles(deliveries)),
            "errors": dict(run.errors),
            "client_cpu_pct": round(100 * cpu / wall, 1), "server_cpu_pct": round(100 * scpu / wall, 1),
            # all cores together, 100 % = every core busy; more than client + server = other load
            "machine_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
            "send_lag_max_ms": round(lag * 1000, 1), "send_span_s": round(send_end - t0, 2),
            "wall_s": round(wall, 1),
        }


def machine_ticks():
    """(busy, total) jiffies of all cores from /proc/stat: what else the machine did shows here."""
    fields = [int(x) for x in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def self_cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rounded(d):
    return {k: (None if v is None else round(v, 2)) for k, v in d.items()}


def raise_nofile(wanted=65536):
    """Room for 2N sync connections plus the senders' (the server started from here inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


async def measure(args, server):
    rooms = args.rooms
    setup_pool = Pool(server.base_url, args.setup_concurrency)
    sync_pool = Pool(server.base_url, 2 * rooms + 16)  # one connection per sync loop, all of them open
    send_pool = Pool(server.base_url, args.send_connections)
    print(f"client: {setup_pool.kind}; percentiles: {'HdrHistogram' if HdrHistogram else 'exact (sorted lists)'}")
    sync_tasks = []
    try:
        print(f"setting up {rooms} rooms", flush=True)
        t = time.time()
        pairs, room_ids, timings = await set_up(setup_pool, server, rooms, args.setup_concurrency)
        timings["setup_s"] = time.time() - t
        bench = Bench(server, sync_pool, send_pool)
        sync_tasks = [asyncio.create_task(bench.sync_loop(u)) for pair in pairs for u in pair]
        # Every sync loop's first long-poll, and Synapse's own work after the set-up (user directory,
        # stats …), would otherwise queue ahead of the first messages: wait until the server idles.
        t = time.time()
        while True:
            cpu0 = server.cpu_s()
            await asyncio.sleep(2)
            cpu = 100 * (server.cpu_s() - cpu0) / 2
            if cpu <= 10 or time.time() - t > args.settle:
                break
        timings["settle_s"] = time.time() - t
        print(f"  server settled ({cpu:.0f} % CPU) {timings['settle_s']:.0f} s after the sync loops started"
              + ("" if cpu <= 10 else f"  <-- still busy after --settle {args.settle:g} s"), flush=True)
        print("warming up: 10/s for 3 s", flush=True)
        warm = await bench.run_rate("w", 10, 3, args.drain, pairs, room_ids)
        print(f"  acked {warm['acked']}/{warm['sent']}, delivered {warm['delivered']}, "
              f"ack p50 {warm['ack_ms']['p50']} ms", flush=True)
        if warm["errors"]:
            print(f"  warm-up errors {warm['errors']}: the figures below start on a troubled server", flush=True)
        results = []
        for i, rate in enumerate(args.rates):
            print(f"sending {rate:g}/s for {args.duration:g} s", flush=True)
            r = await bench.run_rate(f"r{i}", rate, args.duration, args.drain, pairs, room_ids)
            results.append(r)
            print(f"  persisted {r['persisted_per_s']}/s, ack p99 {r['ack_ms']['p99']} ms, delivery p99 "
                  f"{r['delivery_ms']['p99']} ms, client CPU {r['client_cpu_pct']}%, server CPU {r['server_cpu_pct']}%"
                  + (f", errors {r['errors']}" if r["errors"] else ""), flush=True)
            if i + 1 == len(args.rates):
                break
            p99 = r["ack_ms"]["p99"]
            if r["errors"].get("send unanswered at the end"):
                # Synapse goes on with requests whose client gave up: the next rate would start on a backlog.
                print("  sends left unanswered: not stepping further", flush=True)
                break
            if not args.all_rates and (p99 is None or p99 > ACK_P99_LIMIT_MS):
                print(f"  ack p99 over {ACK_P99_LIMIT_MS:g} ms: not stepping further (--all-rates does)", flush=True)
                break
            await asyncio.sleep(1)
        return timings, warm, results, setup_pool.kind
    finally:
        for task in sync_tasks:
            task.cancel()
        await asyncio.gather(*sync_tasks, return_exceptions=True)
        for pool in (setup_pool, sync_pool, send_pool):
            await pool.close()


# ---------------------------------------------------------------------------------------------
# 5. Output
# ---------------------------------------------------------------------------------------------

def sustained(results):
    """The highest rate kept up with (≥ 95 % persisted, ack p99 ≤ 50 ms), else the best throughput."""
    ok = [r for r in results if r["persisted_per_s"] >= 0.95 * r["offered"]
          and r["ack_ms"]["p99"] is not None and r["ack_ms"]["p99"] <= ACK_P99_LIMIT_MS]
    if ok:
        return max(ok, key=lambda r: r["offered"])
    return max(results, key=lambda r: r["persisted_per_s"]) if results else None


def fmt(d):
    return " / ".join("-" if d[k] is None else f"{d[k]:.1f}" for k in ("p50", "p99", "p999"))


def print_table(summary):
    print()
    print(f"{summary['server']}, SQLite; {summary['rooms']} one-to-one rooms, {2 * summary['rooms']} /sync loops; "
          f"{summary['duration_s']:g} s per rate; set-up {summary['setup_s']:.1f} s; client {summary['client']}")
    print("(server and client CPU: % of one core; machine busy: % of all cores, the rest of it is other load)")
    print("| offered /s | persisted /s | acked / delivered / sent | ack p50 / p99 / p999 ms | "
          "delivery p50 / p99 / p999 ms | server CPU % | client CPU % | machine busy % | send lag max ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in summary["rates"]:
        errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "-"
        print(f"| {r['offered']:g} | {r['persisted_per_s']:.1f} | {r['acked']} / {r['delivered']} / {r['sent']} | "
              f"{fmt(r['ack_ms'])} | {fmt(r['delivery_ms'])} | {r['server_cpu_pct']:.0f} | {r['client_cpu_pct']:.0f} | "
              f"{r['machine_busy_pct']:.0f} | {r['send_lag_max_ms']:.0f} | {errors} |")
    s = summary["sustained"]
    if s:
        kept = s["persisted_per_s"] >= 0.95 * s["offered"] and (s["ack_ms"]["p99"] or 1e9) <= ACK_P99_LIMIT_MS
        print(f"sustained: {s['offered']:g}/s offered, {s['persisted_per_s']:.1f}/s persisted, ack p99 "
              f"{s['ack_ms']['p99']} ms" + ("" if kept else "  (no rate was kept up with; best throughput shown)"))
    print(f"messages stored in Synapse's database: {summary['stored_messages']} "
          f"(acked in all runs incl. warm-up: {summary['acked_total']}); server RSS {summary['server_rss_mib']:.0f} MiB; "
          f"total {summary['total_s']:.0f} s")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rooms", type=int, default=200, help="one-to-one rooms (2 users each)")
    ap.add_argument("--rates", default="10,20,50,100,200", help="messages a second in total, comma-separated, rising")
    ap.add_argument("--duration", type=float, default=15, help="seconds of sending at each rate")
    ap.add_argument("--drain", type=float, default=30, help="at most this many seconds of waiting for acks/deliveries")
    ap.add_argument("--settle", type=float, default=300, help="at most this many seconds of waiting for the "
                    "server to idle after the set-up")
    ap.add_argument("--all-rates", action="store_true", help="run every rate, even after ack p99 passed 50 ms")
    ap.add_argument("--venv", default=str(DEFAULT_VENV), help="virtualenv with matrix-synapse (made if missing)")
    ap.add_argument("--json", metavar="OUT", help="write the figures as JSON here")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                    help="wait up to S seconds for the machine to be idle (≤ 10 %% busy) before starting")
    ap.add_argument("--keep", action="store_true", help="keep the server's directory (config, log, database)")
    ap.add_argument("--setup-concurrency", type=int, default=16, help="set-up requests in flight")
    ap.add_argument("--send-connections", type=int, default=1000, help="connections for the sends at most")
    args = ap.parse_args()
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    args.rates = [int(r) if r == int(r) else r for r in args.rates]
    return args


def main():
    started = float(os.environ.get("SYNAPSE_REF_STARTED") or time.time())  # set when re-run in the venv
    args = parse_args()
    reexec_in_venv(args, started)  # returns only when running with the venv's python
    import importlib.metadata
    version = importlib.metadata.version("matrix-synapse")
    install_s = float(os.environ["SYNAPSE_REF_INSTALL_S"]) if os.environ.get("SYNAPSE_REF_INSTALL_S") else None
    # So that `finally` stops the server on Ctrl-C (even where SIGINT came ignored) and on SIGTERM.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    raise_nofile()
    wait_until = time.time() + args.wait_quiet
    while True:  # what else the machine is doing (another build, say) lowers every figure
        busy0, total0 = machine_ticks()
        time.sleep(1)
        busy1, total1 = machine_ticks()
        busy_before = round(100 * (busy1 - busy0) / max(1, total1 - total0), 1)
        if busy_before <= 10 or time.time() >= wait_until:
            break
        print(f"machine busy {busy_before} %: waiting for it to be quiet (--wait-quiet)", flush=True)
        time.sleep(4)
    print(f"machine busy before the run: {busy_before} % of {os.cpu_count()} cores"
          + ("  <-- other load: figures will be low" if busy_before > 10 else ""), flush=True)
    server = Synapse()
    try:
        print(f"starting synapse {version} on {server.base_url} in {server.dir}", flush=True)
        t = time.time()
        server.start()
        start_s = time.time() - t
        print(f"  answering /health after {start_s:.1f} s", flush=True)
        timings, warm, results, client = asyncio.run(measure(args, server))
        stored = server.stored_messages()
        summary = {
            "server": f"synapse {version}", "rooms": args.rooms, "setup_s": round(timings["setup_s"], 1),
            "setup": {k: round(v, 1) for k, v in timings.items() if k not in ("setup_s", "settle_s")},
            "settle_s": round(timings["settle_s"], 1),
            "install_s": install_s, "server_start_s": round(start_s, 1), "duration_s": args.duration,
            "client": client, "rates": results, "sustained": sustained(results),
            "stored_messages": stored, "acked_total": warm["acked"] + sum(r["acked"] for r in results),
            "server_rss_mib": round(server.rss_mib(), 1), "machine_busy_before_pct": busy_before,
            "cores": os.cpu_count(),
        }
        summary["total_s"] = round(time.time() - started, 1)
        print_table(summary)
        if args.json:
            pathlib.Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
            print(f"figures written to {args.json}")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception:
        if server.proc is not None:
            print(server.log_tail(1500), file=sys.stderr)
        raise
    finally:
        server.stop(keep=args.keep)


if __name__ == "__main__":
    main()
