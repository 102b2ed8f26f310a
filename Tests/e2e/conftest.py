"""Shared fixtures of the browser and API suites: the real binary on a free port."""
import email
import email.policy
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("OHJAUSTILA_BINARY", ROOT / ".build" / "debug" / "ohjaustila"))
DEMO_LINE = re.compile(
    r"^\s+(platformAdmin|orgAdmin|expert|contentProducer|serviceProvider|approver|client)\s+(\S+@\S+)\s+(\S+)\s*$"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `ohjaustila serve --demo` with its own data directory."""

    def __init__(self, extra_args=(), env=None):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data_dir = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-e2e-"))
        self.users = {}
        self.log_path = self.data_dir / "server.log"
        args = [
            str(BINARY), "serve", "--demo",
            "--port", str(self.port),
            "--data-dir", str(self.data_dir),
            "--base-url", self.base_url,
            "--migrations-dir", str(ROOT / "Migrations"),
            "--public-dir", str(ROOT / "Public"),
            "--demo-data", str(ROOT / "DemoData" / "catalogue.json"),
            *extra_args,
        ]
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True, env=full_env)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 60
        # Demo users are printed before the server starts listening.
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()}")
                continue
            m = DEMO_LINE.match(line)
            if m:
                self.users[m.group(1)] = (m.group(2), m.group(3))
            if "listening" in line.lower() or len(self.users) == 7:
                break
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def mails(self):
        """Every .eml the file transport wrote, oldest first, as email.message.EmailMessage."""
        folder = self.data_dir / "mail"
        if not folder.exists():
            return []
        out = []
        for path in sorted(folder.glob("*.eml")):
            with open(path, "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    def wait_for_mail(self, to, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for m in self.mails():
                if to.lower() in str(m["To"]).lower():
                    return m
            time.sleep(0.2)
        raise AssertionError(f"no mail to {to}")

    @staticmethod
    def link_in(message, path):
        body = message.get_body(preferencelist=("plain",)).get_content()
        m = re.search(r"https?://\S*" + re.escape(path) + r"\S*", body)
        assert m, f"no {path} link in mail"
        return m.group(0)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first (make test does)")
    s = Server()
    yield s
    s.stop()
