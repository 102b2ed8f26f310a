"""Regression tests of the security defects found in review, against the real binary."""
import concurrent.futures
import json
import os
import pathlib
import shutil
import socket
import stat
import subprocess
import tempfile
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, ROOT, Server

# Measures how fast the server answers during a flood: run with no other suite beside it.
pytestmark = pytest.mark.alone


def call(base, path, method="GET", body=None, headers=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
        req.add_header("Origin", base)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def raw_get(port, path, headers=()):
    """A GET with the path exactly as given (urllib would normalise `//metrics`)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def latency(url):
    start = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as r:
        r.read()
        assert r.status == 200
    return time.monotonic() - start


@pytest.fixture(scope="module")
def hardened():
    s = Server()
    yield s
    s.stop()


PROBE = r"""
import os, sys, time, urllib.request
base, stop = sys.argv[1], sys.argv[2]
while not os.path.exists(stop):
    for path in ("/healthz", "/css/app.css"):
        start = time.monotonic()
        with urllib.request.urlopen(base + path, timeout=10) as r:
            r.read()
        print(path, r.status, f"{time.monotonic() - start:.4f}", flush=True)
    time.sleep(0.02)
"""


def flood_while_measuring(server, make_request, count=64):
    """Fires `count` requests at once and meanwhile measures /healthz and a static file from a
    process of its own (so the flood's client threads do not delay the measurement itself)."""
    stop = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-probe-")) / "stop"
    probe = subprocess.Popen([sys.executable, "-c", PROBE, server.base_url, str(stop)], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)  # the probe is running before the flood starts
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
            statuses = list(pool.map(make_request, range(count)))
    finally:
        stop.touch()
        out, _ = probe.communicate(timeout=30)
    probes = []
    for line in out.splitlines():
        path, status, seconds = line.split()
        assert status == "200", line
        probes.append((path, float(seconds)))
    return statuses, probes


def test_a_flood_of_made_up_reset_tokens_is_throttled_and_hashes_nothing(hardened):
    def confirm(i):
        return call(hardened.base_url, "/api/v1/auth/password-reset/confirm", "POST",
                    {"token": f"made-up-token-{i}", "newPassword": "a long enough password"})[0]

    statuses, probes = flood_while_measuring(hardened, confirm)
    assert statuses.count(429) >= 50, statuses
    assert set(statuses) <= {400, 429}, statuses
    assert probes, "the probe measured nothing"
    worst = max(t for _, t in probes)
    assert worst < 0.2, f"health or static file took {worst:.3f} s during the flood: {sorted(probes, key=lambda p: -p[1])[:3]}"


def test_a_flood_of_sign_ins_for_unknown_addresses_leaves_the_server_responsive(hardened):
    def login(i):
        return call(hardened.base_url, "/api/v1/auth/login", "POST",
                    {"email": f"nobody{i}@example.fi", "password": "not the password"})[0]

    statuses, probes = flood_while_measuring(hardened, login)
    # Thirty per address are admitted to Argon2 (some may be told the server is busy); the rest wait.
    assert statuses.count(429) >= 30, statuses
    assert set(statuses) <= {401, 429, 503}, statuses
    worst = max(t for _, t in probes)
    assert worst < 0.2, f"health or static file took {worst:.3f} s during the flood"


METRICS_PATHS = ["/metrics", "/metrics/", "//metrics", "///metrics", "/metrics?format=text", "//metrics//"]


@pytest.mark.parametrize("path", METRICS_PATHS)
def test_metrics_answer_loopback_only_and_not_forwarded_requests(hardened, path):
    status, body = raw_get(hardened.port, path)
    assert status == 200 and b"http_server_request" in body
    for header in [("X-Forwarded-For", "203.0.113.7"), ("Forwarded", "for=203.0.113.7"), ("X-Real-IP", "203.0.113.7")]:
        status, body = raw_get(hardened.port, path, [header])
        assert status == 403, (path, header, status)
        assert b"http_server" not in body


@pytest.fixture(scope="module")
def token_server():
    s = Server(env={"OHJAUSTILA_METRICS_TOKEN": "e2e-metrics-token-0123456789"})
    yield s
    s.stop()


@pytest.mark.parametrize("path", METRICS_PATHS)
def test_with_a_metrics_token_every_path_needs_it(token_server, path):
    status, body = raw_get(token_server.port, path)
    assert status == 401 and b"http_server" not in body
    status, _ = raw_get(token_server.port, path, [("Authorization", "Bearer wrong-token")])
    assert status == 401
    status, body = raw_get(token_server.port, path, [("Authorization", "Bearer e2e-metrics-token-0123456789")])
    assert status == 200 and b"http_server_request" in body


NETNS_CLIENT = r"""
import socket, sys
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10) as c:
    c.sendall(b"GET //metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while chunk := c.recv(65536):
        data += chunk
sys.stdout.write(str(int(data.split()[1])) + ("\nmetrics" if b"http_server" in data else ""))
"""


@pytest.fixture
def test_host():
    """A test host of our own: a network namespace joined to this machine by a veth pair
    (10.213.x.0/30, private to this machine). Needs root and iproute2."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 to make a network namespace")
    tag = f"{os.getpid() % 10000}"
    ns, here, there = f"ohj-{tag}", f"ohjh{tag}", f"ohjn{tag}"
    subnet = 1 + os.getpid() % 250
    host_ip, peer_ip = f"10.213.{subnet}.1", f"10.213.{subnet}.2"

    def ip(*args, check=True):
        subprocess.run(["ip", *args], check=check, capture_output=True, timeout=10)

    try:
        ip("netns", "add", ns)
        ip("link", "add", here, "type", "veth", "peer", "name", there)
        ip("link", "set", there, "netns", ns)
        ip("addr", "add", f"{host_ip}/30", "dev", here)
        ip("link", "set", here, "up")
        ip("netns", "exec", ns, "ip", "addr", "add", f"{peer_ip}/30", "dev", there)
        ip("netns", "exec", ns, "ip", "link", "set", there, "up")
    except subprocess.CalledProcessError as e:
        ip("link", "del", here, check=False)
        ip("netns", "del", ns, check=False)
        pytest.skip(f"cannot make a network namespace here: {e.stderr!r}")
    yield ns, host_ip
    ip("link", "del", here, check=False)
    ip("netns", "del", ns, check=False)


def test_metrics_refuse_a_peer_that_is_not_loopback(test_host):
    ns, host_ip = test_host
    s = Server(extra_args=["--host", "0.0.0.0"])
    try:
        out = subprocess.run(
            ["ip", "netns", "exec", ns, sys.executable, "-c", NETNS_CLIENT, host_ip, str(s.port)],
            capture_output=True, text=True, timeout=30,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout == "403", out.stdout
    finally:
        s.stop()


def test_the_data_directory_and_its_files_are_private():
    s = Server()
    try:
        # A write, so that the WAL and SHM files exist.
        call(s.base_url, "/api/v1/auth/password-reset", "POST", {"email": "nobody@example.fi"})
        mode = stat.S_IMODE(os.stat(s.data_dir).st_mode)
        assert mode == 0o700, oct(mode)
        names = set()
        for path in s.data_dir.rglob("*"):
            if path.name == "server.log":  # written by the test harness, not the server
                continue
            names.add(path.name)
            m = stat.S_IMODE(path.stat().st_mode)
            assert m == (0o700 if path.is_dir() else 0o600), (str(path), oct(m))
        assert {"ohjaustila.sqlite", "ohjaustila.sqlite-wal", "ohjaustila.sqlite-shm", "master.key"} <= names, names
    finally:
        s.stop()


def test_an_existing_readable_data_directory_or_key_is_warned_about():
    data = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-open-"))
    os.chmod(data, 0o755)
    key = data / "master.key"
    key.write_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
    os.chmod(key, 0o644)
    s = Server(data_dir=data)
    try:
        log = s.log_path.read_text()
        assert "data directory" in log and "master key file" in log and "chmod go-rwx" in log, log
    finally:
        s.stop()


def test_the_service_worker_is_versioned_by_the_shell_content():
    import re
    import shutil

    public = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-public-")) / "Public"
    shutil.copytree(ROOT / "Public", public)
    source = (public / "sw.js").read_text()
    assert "const VERSION = '__SHELL_VERSION__';" in source

    def served_version():
        s = Server(public_dir=public)
        try:
            status, body, headers = call(s.base_url, "/sw.js")
            assert status == 200 and headers["Content-Type"].startswith("application/javascript")
            text = body.decode()
            assert "__SHELL_VERSION__" not in text
            m = re.search(r"const VERSION = '([0-9a-f]{16})';", text)
            assert m, text[:400]
            return m.group(1)
        finally:
            s.stop()

    first = served_version()
    assert served_version() == first  # the same files give the same name
    css = public / "css" / "app.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    assert served_version() != first  # one changed shell file gives a new cache name
    shutil.rmtree(public.parent, ignore_errors=True)
