"""The WebSocket endpoint /api/v1/ws on the real binary, and the connection guard in front of it:
who may upgrade, and which connections the server closes by itself."""
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

import pytest
import requests
import websocket  # the websocket-client package

from conftest import Server

IDLE = 2  # seconds: --http-idle-timeout of the short-timeout server


@pytest.fixture(scope="module")
def short_server():
    s = Server(extra_args=["--http-idle-timeout", f"{IDLE}s"])
    yield s
    s.stop()


def ws_url(server):
    return server.base_url.replace("http://", "ws://", 1) + "/api/v1/ws"


def session_cookie(server, who="expert"):
    """Signs in as a demo user like the web client does; returns the session cookie's value."""
    email, password = server.users[who]
    r = requests.post(server.base_url + "/api/v1/auth/login", json={"email": email, "password": password},
                      headers={"Origin": server.base_url}, timeout=10)
    assert r.status_code == 200, r.text
    return r.cookies["session"]


def ping_pong(ws):
    """Says hello (answered with the welcome), then ping; returns the answer after the welcome."""
    ws.send(json.dumps({"type": "hello"}))
    ws.send(json.dumps({"type": "ping"}))
    welcome = json.loads(ws.recv())
    assert welcome["type"] == "welcome", welcome
    return json.loads(ws.recv())


def seconds_until_closed(sock, limit=15):
    """Reads until the server closes the connection; returns how long that took."""
    start = time.monotonic()
    sock.settimeout(limit)
    while sock.recv(4096):
        pass
    return time.monotonic() - start


def test_a_signed_in_browser_pings_and_gets_pong(server):
    ws = websocket.create_connection(ws_url(server), cookie=f"session={session_cookie(server)}",
                                     origin=server.base_url, timeout=10)
    try:
        assert ping_pong(ws) == {"type": "pong"}
    finally:
        ws.close()


def test_an_api_client_with_a_bearer_token_needs_no_origin(server):
    ws = websocket.create_connection(ws_url(server), header=[f"Authorization: Bearer {session_cookie(server)}"],
                                     suppress_origin=True, timeout=10)
    try:
        assert ping_pong(ws) == {"type": "pong"}
    finally:
        ws.close()


@pytest.mark.parametrize("origin, signed_in, code", [
    ("https://evil.example", True, "request.originRejected"),
    (None, False, "auth.required"),
])
def test_an_upgrade_from_another_origin_or_without_a_session_is_refused(server, origin, signed_in, code):
    cookie = f"session={session_cookie(server)}" if signed_in else None
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(ws_url(server), cookie=cookie, origin=origin or server.base_url, timeout=10)
    assert refused.value.status_code == 403
    assert refused.value.resp_headers.get("content-type") == "application/problem+json"
    assert json.loads(refused.value.resp_body)["code"] == code
    assert requests.get(server.base_url + "/healthz", timeout=5).status_code == 200


def test_a_silent_connection_is_closed_after_the_idle_timeout(short_server):
    with socket.create_connection(("127.0.0.1", short_server.port), timeout=5) as s:
        took = seconds_until_closed(s)
    assert IDLE - 0.5 <= took <= IDLE + 3, took


def test_a_request_head_sent_slowly_is_cut_off_at_the_idle_timeout(short_server):
    with socket.create_connection(("127.0.0.1", short_server.port), timeout=5) as s:
        start = time.monotonic()
        for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"X-Slow: 1\r\n"):
            s.sendall(part)
            time.sleep(IDLE / 4)
        answer = b""
        s.settimeout(15)
        try:
            while chunk := s.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass
        took = time.monotonic() - start
    assert answer == b"", answer[:80]  # no answer to a request that never finished
    assert IDLE - 0.5 <= took <= IDLE + 3, took


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout(short_server):
    with socket.create_connection(("127.0.0.1", short_server.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = s.recv(4096)
        assert first.startswith(b"HTTP/1.1 200 "), first[:80]
        took = seconds_until_closed(s)
    assert took <= IDLE + 3, took


def test_an_open_websocket_outlives_the_idle_timeout(short_server):
    ws = websocket.create_connection(ws_url(short_server), cookie=f"session={session_cookie(short_server)}",
                                     origin=short_server.base_url, timeout=10)
    try:
        time.sleep(IDLE + 1.5)
        assert ping_pong(ws) == {"type": "pong"}
    finally:
        ws.close()


def test_over_tls_the_guard_and_the_websocket_work_the_same():
    d = tempfile.mkdtemp(prefix="ohjaustila-cert-")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    server = Server(extra_args=["--tls-certificate", cert, "--tls-key", key, "--http-idle-timeout", f"{IDLE}s"],
                    scheme="https")
    tls = ssl.create_default_context(cafile=cert)
    try:
        email, password = server.users["expert"]
        login = requests.post(server.base_url + "/api/v1/auth/login", json={"email": email, "password": password},
                              headers={"Origin": server.base_url}, verify=cert, timeout=10)
        token = login.cookies["__Host-session"]
        ws = websocket.create_connection(server.base_url.replace("https://", "wss://", 1) + "/api/v1/ws",
                                         cookie=f"__Host-session={token}", origin=server.base_url,
                                         sslopt={"ca_certs": cert}, timeout=10)
        try:
            assert ping_pong(ws) == {"type": "pong"}
        finally:
            ws.close()
        # The 400 of a request that does not parse goes through TLS, like any answer.
        with tls.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=5),
                             server_hostname="localhost") as s:
            s.sendall(b"GARBAGE\r\n\r\n")
            answer = b""
            try:
                while chunk := s.recv(4096):
                    answer += chunk
            except ssl.SSLError:
                pass  # the server may close without close_notify once it has answered
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
        # A connection that never even starts the TLS handshake is closed too.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            took = seconds_until_closed(s)
        assert IDLE - 0.5 <= took <= IDLE + 3, took
    finally:
        server.stop()
        shutil.rmtree(d, ignore_errors=True)
