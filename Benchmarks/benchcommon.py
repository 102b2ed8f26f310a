"""What the message benchmarks share: a server of their own, demo sign-ins, accounts made through
invitations (all over HTTP, no CLI process per user), and figures of a process from /proc."""
import concurrent.futures
import email
import email.policy
import os
import pathlib
import re
import resource
import shutil
import subprocess
import tempfile
import time
import urllib.request

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEMO_LINE = re.compile(r"^\s+(\w+)\s+(\S+@\S+)\s+(\S+)\s*$")
TOKEN = re.compile(r"/invitation#token=([A-Za-z0-9_\-.~%]+)")
PASSWORD = "kuormitus-salasana-2026"


def raise_nofile(wanted):
    """Raises this process's open-file limit (a server started from here inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))  # root may raise the hard limit
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class OwnServer:
    """`ohjaustila serve --demo` on a free port with a fresh data directory."""

    def __init__(self, binary, port=None):
        import socket
        if port is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.data_dir = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-bench-"))
        self.users = {}
        self.log = open(self.data_dir / "server.log", "a")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--demo", "--port", str(port), "--data-dir", str(self.data_dir), "--base-url", self.base_url,
             "--migrations-dir", str(ROOT / "Migrations"), "--public-dir", str(ROOT / "Public"),
             "--demo-data", str(ROOT / "DemoData" / "catalogue.json")],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                raise RuntimeError("server exited: " + (self.data_dir / "server.log").read_text()[-2000:])
            m = DEMO_LINE.match(line)
            if m:
                self.users[m.group(1)] = (m.group(2), m.group(3))
            if "is starting on" in line:
                break
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def stop(self, keep=False):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        if keep:
            print(f"data directory kept: {self.data_dir}")
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def session(base_url, email_address=None, password=None):
    s = requests.Session()
    s.headers["Origin"] = base_url
    if email_address:
        for _ in range(20):
            r = s.post(base_url + "/api/v1/auth/login", json={"email": email_address, "password": password})
            if r.status_code in (429, 503):  # the password pool is busy, or the address throttled
                time.sleep(float(r.headers.get("Retry-After", "0.5")))
                continue
            r.raise_for_status()
            s.user = r.json()["user"]
            break
        else:
            raise RuntimeError(f"could not sign in {email_address}")
    return s


def invitation_tokens(data_dir, wanted, timeout=300):
    """{address: token} of the invitation mails to `wanted` addresses, once all have been written."""
    wanted = {w.lower() for w in wanted}
    found, read = {}, set()
    deadline = time.time() + timeout
    while time.time() < deadline:
        for path in (data_dir / "mail").glob("*.eml"):
            if path in read:
                continue
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            to = str(message["To"]).lower()
            address = next((w for w in wanted if w in to), None)
            m = TOKEN.search(message.get_body(preferencelist=("plain",)).get_content())
            if address and m:
                found[address] = m.group(1)
                read.add(path)
        if len(found) >= len(wanted):
            return found
        time.sleep(0.2)
    raise RuntimeError(f"only {len(found)} of {len(wanted)} invitation mails arrived")


def accept_all(base_url, tokens, name_of, workers=2):
    """Accepts invitations with a password; returns {address: signed-in requests.Session}."""
    def accept(address):
        s = requests.Session()
        s.headers["Origin"] = base_url
        for _ in range(50):
            r = s.post(base_url + "/api/v1/invitations/accept",
                       json={"token": tokens[address], "password": PASSWORD, "displayName": name_of(address)})
            if r.status_code in (429, 503):
                time.sleep(float(r.headers.get("Retry-After", "0.2")))
                continue
            if r.status_code != 200:
                raise RuntimeError(f"accept {address}: {r.status_code} {r.text}")
            s.user = r.json()["user"]
            return address, s
        raise RuntimeError(f"accept {address}: server kept busy")
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return dict(pool.map(accept, list(tokens)))


def org_admin(server):
    """A session of the demo's organisation admin and the organisation's id."""
    s = session(server.base_url, *server.users["orgAdmin"])
    org = next(m["organizationId"] for m in s.user["memberships"] if "orgAdmin" in m["roles"])
    return s, org


def make_experts(server, count, prefix="ohjaaja"):
    """`count` new experts of the demo admin's organisation: {address: session}."""
    admin, org = org_admin(server)
    addresses = [f"{prefix}{i}@kuorma.example.fi" for i in range(count)]
    for a in addresses:
        r = admin.post(f"{server.base_url}/api/v1/organizations/{org}/invitations", json={"email": a, "roles": ["expert"]})
        if r.status_code != 201:
            raise RuntimeError(f"invite {a}: {r.status_code} {r.text}")
    tokens = invitation_tokens(server.data_dir, addresses)
    return accept_all(server.base_url, tokens, lambda a: "Ohjaaja " + a.split("@")[0][len(prefix):])


class ProcStat:
    """CPU seconds and RSS of a process, from /proc."""

    def __init__(self, pid):
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def threads(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        return 0


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def machine_facts():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return f"{os.cpu_count()} cores ({cpu}), load average before the run {load[0]:.1f}"
