"""The command line, SMTP delivery against a real local SMTP server (aiosmtpd), TLS and shutdown."""
import email
import email.policy
import os
import pathlib
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import BINARY, MIGRATIONS as MIGRATIONS_DIR, ROOT, Server, free_port

MIGRATIONS = str(MIGRATIONS_DIR)


def run_cli(*args, stdin=None, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OHJAUSTILA_")}
    full_env.update(env or {})
    return subprocess.run(
        [str(BINARY), *args], input=stdin, capture_output=True, text=True, timeout=60, env=full_env, cwd=ROOT
    )


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="ohjaustila-cli-") as d:
        yield d


@pytest.fixture(scope="module")
def certificate():
    """A self-signed certificate for localhost, made with openssl."""
    d = tempfile.mkdtemp(prefix="ohjaustila-cert-")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.authenticated, envelope))
        return "250 OK"


def smtp_server(port, certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer" and auth_data.password == b"s3cret"
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=authenticator, auth_require_tls=True,
    )
    controller.start()
    return controller, inbox


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def smtp_args(port, cert):
    return [
        "--mail-transport", "smtp", "--smtp-host", "localhost", "--smtp-port", str(port),
        "--smtp-username", "mailer", "--smtp-password", "s3cret", "--smtp-ca-file", cert,
        "--mail-from", "Ohjaustila <no-reply@ohjaustila.example.fi>",
    ]


def request_reset(server, who="expert"):
    r = requests.post(
        server.base_url + "/api/v1/auth/password-reset", json={"email": server.users[who][0]},
        headers={"Origin": server.base_url},
    )
    assert r.status_code == 202


def test_help_of_every_command():
    for args in (["--help"], ["serve", "--help"], ["migrate", "--help"], ["user", "create", "--help"], ["backup", "--help"]):
        out = run_cli(*args)
        assert out.returncode == 0, args
        assert "USAGE" in out.stdout.upper()
    assert "--base-url" in run_cli("serve", "--help").stdout


@pytest.mark.parametrize(
    "args,env,named",
    [
        (["serve", "--port", "eighty"], {}, "--port"),
        (["serve"], {"OHJAUSTILA_PORT": "99999"}, "OHJAUSTILA_PORT"),
        (["serve", "--base-url", "localhost:8080"], {}, "--base-url"),
        (["serve", "--mail-transport", "smtp"], {}, "OHJAUSTILA_SMTP_HOST"),
        (["migrate", "--log-level", "shouting"], {}, "--log-level"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line(args, env, named, data_dir):
    out = run_cli(*args, "--data-dir", data_dir, env=env)
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and named in lines[0] and lines[0].startswith("ohjaustila: invalid setting"), out.stderr
    assert not pathlib.Path(data_dir, "ohjaustila.sqlite").exists()


def test_migrate_user_create_and_backup(data_dir):
    first = run_cli("migrate", "--data-dir", data_dir, "--migrations-dir", MIGRATIONS)
    assert first.returncode == 0 and "0001_init" in first.stdout
    again = run_cli("migrate", "--data-dir", data_dir, "--migrations-dir", MIGRATIONS)
    assert again.returncode == 0 and "up to date" in again.stdout

    made = run_cli("user", "create", "--data-dir", data_dir, "--migrations-dir", MIGRATIONS, "--email", "Root@Example.fi",
                   "--name", "Root", "--password-stdin", "--platform-admin", stdin="a long enough password\n")
    assert made.returncode == 0, made.stderr
    dup = run_cli("user", "create", "--data-dir", data_dir, "--migrations-dir", MIGRATIONS, "--email", "root@example.fi",
                  "--name", "Again", "--password-stdin", stdin="a long enough password\n")
    assert dup.returncode != 0 and "exists already" in dup.stderr
    short = run_cli("user", "create", "--data-dir", data_dir, "--migrations-dir", MIGRATIONS, "--email", "x@example.fi",
                    "--name", "X", "--password-stdin", stdin="short\n")
    assert short.returncode != 0 and "password" in short.stderr
    no_org = run_cli("user", "create", "--data-dir", data_dir, "--migrations-dir", MIGRATIONS, "--email", "y@example.fi",
                     "--name", "Y", "--password-stdin", "--organization", "nope", "--role", "expert",
                     stdin="a long enough password\n")
    assert no_org.returncode != 0 and "nope" in no_org.stderr

    backup = os.path.join(data_dir, "copy.sqlite")
    out = run_cli("backup", "--data-dir", data_dir, backup)
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT email, is_platform_admin FROM app_user").fetchall() == [("Root@Example.fi", 1)]
    assert run_cli("backup", "--data-dir", data_dir, backup).returncode != 0  # never overwrites


def test_backup_while_serving_and_users_made_on_the_command_line_sign_in(server):
    made = run_cli("user", "create", "--data-dir", str(server.data_dir), "--migrations-dir", MIGRATIONS,
                   "--email", "cli@example.fi", "--name", "Cli", "--password-stdin",
                   "--organization", "kela", "--role", "expert", stdin="cli user password\n")
    assert made.returncode == 0, made.stderr
    r = requests.post(server.base_url + "/api/v1/auth/login", json={"email": "cli@example.fi", "password": "cli user password"})
    assert r.status_code == 200
    assert r.json()["user"]["memberships"][0]["organizationId"] == "kela"

    # Writes keep going while the backup runs.
    stop = threading.Event()
    errors = []

    def write_load():
        s = requests.Session()
        s.post(server.base_url + "/api/v1/auth/login", json={"email": "cli@example.fi", "password": "cli user password"})
        i = 0
        while not stop.is_set():
            i += 1
            resp = s.patch(server.base_url + "/api/v1/me", json={"displayName": f"Cli {i}"}, headers={"Origin": server.base_url})
            if resp.status_code != 200:
                errors.append(resp.status_code)

    t = threading.Thread(target=write_load)
    t.start()
    try:
        backup = os.path.join(tempfile.mkdtemp(), "live.sqlite")
        out = run_cli("backup", "--data-dir", str(server.data_dir), backup)
        assert out.returncode == 0, out.stderr
    finally:
        stop.set()
        t.join()
    assert errors == []
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The demo users and the one made above.
        assert db.execute("SELECT count(*) FROM app_user").fetchone()[0] == len(server.users) + 1


def to(inbox, address):
    """The messages of the inbox to `address` alone."""
    return [m for m in inbox.messages if m[1].rcpt_tos == [address]]


def test_mail_goes_out_over_smtp_with_starttls_and_auth(certificate):
    port = free_port()
    controller, inbox = smtp_server(port, certificate)
    server = Server(extra_args=smtp_args(port, certificate[0]))
    try:
        request_reset(server)
        # The demo's review reminders may go out too: the reset mail is the one to the expert.
        assert wait_for(lambda: to(inbox, server.users["expert"][0])), open(server.log_path).read()
        authenticated, envelope = to(inbox, server.users["expert"][0])[0]
        assert authenticated
        assert envelope.mail_from == "no-reply@ohjaustila.example.fi"
        assert envelope.rcpt_tos == [server.users["expert"][0]]
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert message["Subject"] == "Salasanan vaihtaminen – Ohjaustila"
        assert message["Message-ID"].endswith("@ohjaustila.example.fi>")
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert server.base_url + "/reset-password#token=" in body
        assert "token=" not in open(server.log_path).read()
    finally:
        server.stop()
        controller.stop()


def test_mail_waits_for_an_smtp_server_that_is_down_and_survives_a_restart(certificate):
    port = free_port()
    args = smtp_args(port, certificate[0])
    server = Server(extra_args=args)
    controller = None
    try:
        request_reset(server)
        time.sleep(1.5)  # the first attempt fails: nothing listens yet
        # Restart the server: the queued mail is in the database, not in memory.
        data_dir, users = server.data_dir, server.users
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=20) == 0
        controller, inbox = smtp_server(port, certificate)
        again = Server(extra_args=args, data_dir=data_dir)
        assert wait_for(lambda: to(inbox, users["expert"][0]), timeout=40), open(again.log_path).read()
        time.sleep(1)
        assert len(to(inbox, users["expert"][0])) == 1
        again.stop()
    finally:
        if controller:
            controller.stop()


def test_tls_serves_https_directly(certificate):
    cert, key = certificate
    server = Server(extra_args=["--tls-certificate", cert, "--tls-key", key], scheme="https")
    try:
        r = requests.get(server.base_url + "/healthz", verify=cert)
        assert r.status_code == 200
        assert "max-age" in r.headers["Strict-Transport-Security"]
        email_, password = server.users["expert"]
        login = requests.post(server.base_url + "/api/v1/auth/login", json={"email": email_, "password": password},
                              headers={"Origin": server.base_url}, verify=cert)
        assert login.status_code == 200
        assert login.headers["Set-Cookie"].startswith("__Host-session=") and "Secure" in login.headers["Set-Cookie"]
    finally:
        server.stop()


def test_sigterm_finishes_in_flight_requests_and_exits_cleanly():
    server = Server()
    results = []

    def slow_login():
        email_, password = server.users["expert"]
        try:
            r = requests.post(server.base_url + "/api/v1/auth/login", json={"email": email_, "password": password}, timeout=10)
            results.append(r.status_code)
        except requests.RequestException as e:
            results.append(repr(e))

    threads = [threading.Thread(target=slow_login) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    server.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join()
    assert server.proc.wait(timeout=20) == 0
    # Requests that reached the server got their answer; none was cut off half-way.
    assert all(r == 200 or "ConnectionError" in str(r) for r in results), results
    assert results.count(200) >= 1
    server.stop()


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    "GET /healthz?q=työ HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # raw UTF-8 in the request line
    b"GET /healthz?a=b c HTTP/1.1\r\nHost: x\r\n\r\n",
])
def test_a_request_that_does_not_parse_gets_400_and_the_connection_closes(server, raw):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(raw)
        answer = b""
        while chunk := s.recv(4096):  # ends when the server closes the connection
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
    # The server goes on serving.
    assert requests.get(server.base_url + "/healthz", timeout=5).status_code == 200
