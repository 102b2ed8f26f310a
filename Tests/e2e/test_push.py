"""Web Push from the real binary to a local push endpoint, checked with independent code: the
payload is decrypted with `http_ece` (RFC 8188/8291) and the VAPID token (RFC 8292) verified with
`cryptography` against the key the server publishes. A subscription the push service says is gone
(410) is forgotten. The push and e-mail texts say only that there is a message or a reminder.

OHJAUSTILA_TEST_PUSH_ALLOW_LOCAL lets the server post to http://127.0.0.1 (refused otherwise).
"""
import base64
import datetime
import http.server
import json
import os
import threading
import time

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from conftest import BINARY, Server, api_session

SECRET = "Salainen viesti: vuokrarästit"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """A push service on loopback: 201 under /ok/, 410 under /gone/; keeps every request."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.requests.append((self.path, dict(self.headers), body))
                self.send_response(410 if self.path.startswith("/gone/") else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def received(self, prefix):
        with self.lock:
            return [r for r in self.requests if r[0].startswith(prefix)]

    def wait(self, prefix, count=1, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.received(prefix)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"no push to {prefix} within {timeout} s")


class Device:
    """A browser's subscription keys (what PushManager.subscribe makes)."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        raw = self.key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.p256dh = b64url(raw)

    def decrypt(self, body):
        return http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")


def verify_vapid(authorization, server_key_b64, audience):
    assert authorization.startswith("vapid "), authorization
    parts = dict(p.strip().split("=", 1) for p in authorization[len("vapid "):].split(","))
    assert parts["k"] == server_key_b64, "k is the key the server publishes"
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    header = json.loads(unb64url(header_b64))
    claims = json.loads(unb64url(claims_b64))
    assert header["alg"] == "ES256"
    assert claims["aud"] == audience
    now = time.time()
    assert now < claims["exp"] <= now + 24 * 3600, "expires within 24 hours (RFC 8292 §2)"
    assert claims["sub"].startswith("mailto:") or claims["sub"].startswith("https:")
    signature = unb64url(signature_b64)
    assert len(signature) == 64
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(server_key_b64))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        public.verify(der, f"{header_b64}.{claims_b64}x".encode(), ec.ECDSA(hashes.SHA256()))


@pytest.fixture(scope="module")
def push_server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    s = Server(extra_args=("--message-alert-delay", "1s"), env={"OHJAUSTILA_TEST_PUSH_ALLOW_LOCAL": "1"})
    yield s
    s.stop()


def test_a_new_message_and_a_reminder_reach_the_device_encrypted_and_signed(push_server):
    server = push_server
    service = PushService()
    expert = api_session(server, "expert")
    client = api_session(server, "client")
    # Whatever the hour in Helsinki where CI runs: no quiet hours for the one who gets the pushes.
    r = expert.put(server.base_url + "/api/v1/me/notification-settings", json={
        "email": True, "push": True, "quietHours": None, "meetingReminderMinutes": [60], "taskReminderMinutes": None})
    assert r.status_code == 200, r.text
    server_key = expert.get(server.base_url + "/api/v1/push/key").json()["publicKey"]

    device, stale = Device(), Device()
    for path, d in (("/ok/phone", device), ("/gone/old-phone", stale)):
        r = expert.post(server.base_url + "/api/v1/me/push-subscriptions", json={
            "endpoint": f"http://127.0.0.1:{service.port}{path}", "keys": {"p256dh": d.p256dh, "auth": b64url(d.auth)},
            "label": "Puhelin"})
        assert r.status_code == 201, r.text
    assert len(expert.get(server.base_url + "/api/v1/me/push-subscriptions").json()["items"]) == 2

    # Earlier messages of the demo were alerted before this device subscribed: start a new unread run.
    assert expert.post(server.base_url + "/api/v1/notifications/read", json={"all": True}).status_code == 204
    space = next(s for s in client.get(server.base_url + "/api/v1/spaces").json()["items"] if s["kind"] == "oneToOne")
    r = client.post(f"{server.base_url}/api/v1/spaces/{space['id']}/messages", json={"clientMessageId": "push-1", "body": SECRET})
    assert r.status_code in (200, 201), r.text

    path, headers, body = service.wait("/ok/")[0]
    assert headers["Content-Encoding"] == "aes128gcm"
    assert int(headers["TTL"]) > 0
    assert 0 < len(headers["Topic"]) <= 32
    verify_vapid(headers["Authorization"], server_key, f"http://127.0.0.1:{service.port}")
    payload = json.loads(device.decrypt(body))
    assert payload["body"] == "Sinulle on uusi viesti Ohjaustilassa"
    assert payload["url"] == f"/spaces/{space['id']}"
    assert SECRET not in json.dumps(payload, ensure_ascii=False) and "vuokra" not in json.dumps(payload)

    # The push service said 410 for the old phone: it is forgotten.
    service.wait("/gone/")
    deadline = time.time() + 15
    while time.time() < deadline:
        items = expert.get(server.base_url + "/api/v1/me/push-subscriptions").json()["items"]
        if len(items) == 1:
            break
        time.sleep(0.2)
    assert [i["label"] for i in items] == ["Puhelin"] and items[0]["lastSuccessAt"]

    # A reminder of a task, in English for an English speaker.
    r = expert.patch(server.base_url + "/api/v1/me", json={"language": "en"})
    assert r.status_code == 200, r.text
    remind_at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/tasks", json={
        "title": "Soita Kallelle vuokrasta", "assigneeId": expert.user["id"], "remindAt": remind_at})
    assert r.status_code == 201, r.text
    pushes = service.wait("/ok/", count=2)
    payload = json.loads(device.decrypt(pushes[1][2]))
    assert payload["body"] == "You have a reminder in Ohjaustila"
    assert "vuokra" not in json.dumps(payload)
    reminders = expert.get(server.base_url + "/api/v1/reminders").json()
    assert [(i["kind"], i["title"]) for i in reminders["items"]] == [("taskDue", "Soita Kallelle vuokrasta")]

    # And by e-mail, with the same few words and a link.
    mail = next(m for m in server.mails() if "reminder" in str(m["Subject"]).lower())
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "You have a reminder in Ohjaustila" in text and f"/spaces/{space['id']}" in text and "vuokra" not in text
