"""Messages survive SIGKILL: no acknowledged message is lost, none is stored twice, no seq gap.

Five sockets (experts and clients of the demo's one-to-one, group and network spaces) send
messages continuously, each with a unique clientMessageId, and record every ack. The server is
killed with SIGKILL at a random moment 0.2–1.5 s after the sending started, then started again on
the same data directory. Each socket reconnects with `hello {resume}` from the last seq it saw and
first sends again every message it had sent without an ack (same clientMessageId): the server must
store it at most once and answer with the first ack. After the last kill a final run resends what
is still unacknowledged, without a kill. Then, through the HTTP events API:

(a) every acknowledged message is stored exactly once, in its space, with the acknowledged seq;
(b) no clientMessageId appears twice for one sender, and every message sent is stored;
(c) each space's seqs are 1..N with no gap, and N is the space's lastSeq.

While connected each socket also checks what it was sent live or as replay: per space, seqs only
grow, and past the demo's own events there is no gap.

Kills: 20 by default (`make test`); `OHJAUSTILA_CRASH_KILLS=200` for the long run.
Run with `pytest -s` to see the figures.
"""
import collections
import json
import os
import random
import threading
import time

import pytest
import requests
import websocket

from conftest import BINARY, Server

KILLS = int(os.environ.get("OHJAUSTILA_CRASH_KILLS", "20"))
SEED = int(os.environ.get("OHJAUSTILA_CRASH_SEED", str(random.randrange(1 << 30))))
# Each socket stays under the server's 20 frames a second, with a few sends in flight.
RATE = 14.0
WINDOW = 6
SENDERS = {  # demo user -> titles of the spaces it writes to
    "expert": ["Kallen ohjaustila", "Työnhakuryhmä, kevät", "Itä-Helsingin työllisyysverkosto"],
    "client": ["Kallen ohjaustila", "Työnhakuryhmä, kevät"],
    "partnerExpert": ["Kallen ohjaustila", "Itä-Helsingin työllisyysverkosto"],
    "coachExpert": ["Itä-Helsingin työllisyysverkosto"],
    "groupClient": ["Työnhakuryhmä, kevät"],
}


class Sender:
    """One user's socket across server lives: what it sent, what was acknowledged, what it saw."""

    def __init__(self, name, cookie, user_id, spaces, seen):
        self.name = name
        self.cookie = cookie
        self.user_id = user_id
        self.spaces = spaces  # space ids it writes to
        self.sent = {}  # clientMessageId -> (spaceId, body), every message ever sent
        self.acks = collections.defaultdict(set)  # clientMessageId -> {(spaceId, seq, messageId)}
        self.unacked = []  # clientMessageIds sent and not acknowledged, in sending order
        self.seen = dict(seen)  # spaceId -> last seq received (starts at each space's lastSeq)
        self.resent = []  # (clientMessageId, life) of every resend
        self.problems = []
        self.counter = 0
        self.lock = threading.Condition()

    # -- one server life --
    def run(self, base_url, life, stop, resend_only=False):
        """Connects, resumes, resends the unacknowledged, then sends until `stop` is set or the
        socket breaks. With `resend_only`, returns once every message is acknowledged."""
        ws_url = base_url.replace("http", "ws", 1) + "/api/v1/ws"
        try:
            ws = websocket.create_connection(ws_url, origin=base_url, cookie=f"session={self.cookie}", timeout=10)
        except Exception as e:  # noqa: BLE001 (the server may be dead already)
            if not stop.is_set():
                self.problems.append(f"{self.name}: connect failed in life {life}: {e!r}")
            return
        welcome = threading.Event()
        reader = threading.Thread(target=self._read, args=(ws, life, welcome), daemon=True)
        reader.start()
        try:
            ws.send(json.dumps({"type": "hello", "resume": dict(self.seen)}))
            if not welcome.wait(10):
                if not stop.is_set():
                    self.problems.append(f"{self.name}: no welcome in life {life}")
                return
            with self.lock:
                again = list(self.unacked)
            in_flight = set()
            period = 1.0 / RATE
            next_at = time.monotonic()
            for cmid in again:
                if stop.is_set():
                    return
                space, body = self.sent[cmid]
                self._pace(next_at, in_flight, stop)
                next_at += period
                self.resent.append((cmid, life))
                in_flight.add(cmid)
                ws.send(json.dumps({"type": "send", "spaceId": space, "clientMessageId": cmid, "body": body}))
            while not stop.is_set():
                if resend_only:
                    with self.lock:
                        if not self.unacked:
                            return
                    time.sleep(0.02)
                    continue
                self._pace(next_at, in_flight, stop)
                if stop.is_set():
                    return
                next_at += period
                self.counter += 1
                cmid = f"{self.name}-{self.counter}"
                space = self.spaces[self.counter % len(self.spaces)]
                body = f"{self.name} viesti {self.counter} elämässä {life}"
                with self.lock:
                    self.sent[cmid] = (space, body)
                    self.unacked.append(cmid)
                in_flight.add(cmid)
                ws.send(json.dumps({"type": "send", "spaceId": space, "clientMessageId": cmid, "body": body}))
        except (websocket.WebSocketException, OSError):
            pass  # the kill
        finally:
            try:
                ws.close(timeout=0.2)
            except Exception:  # noqa: BLE001
                pass
            reader.join(5)

    def _pace(self, next_at, in_flight, stop):
        """Waits for the send slot and for room in the window of sends in flight."""
        with self.lock:
            deadline = time.monotonic() + 5
            while not stop.is_set():
                waiting = set(self.unacked)
                in_flight.intersection_update(waiting)
                if len(in_flight) < WINDOW or time.monotonic() > deadline:
                    break
                self.lock.wait(0.05)
        delay = next_at - time.monotonic()
        if delay > 0:
            stop.wait(delay)

    def _read(self, ws, life, welcome):
        try:
            while True:
                text = ws.recv()
                if not text:
                    return
                frame = json.loads(text)
                kind = frame.get("type")
                if kind == "welcome":
                    welcome.set()
                elif kind == "ack":
                    with self.lock:
                        cmid = frame["clientMessageId"]
                        self.acks[cmid].add((frame["spaceId"], frame["seq"], frame["messageId"]))
                        if cmid in self.unacked:
                            self.unacked.remove(cmid)
                        self.lock.notify_all()
                elif kind == "event":
                    space, seq = frame["spaceId"], frame["seq"]
                    last = self.seen.get(space, 0)
                    if seq <= last:
                        self.problems.append(f"{self.name}: space {space} seq {seq} again after {last} (life {life})")
                    elif seq != last + 1:
                        self.problems.append(f"{self.name}: space {space} jumped from {last} to {seq} (life {life})")
                    self.seen[space] = max(seq, last)
                elif kind == "error":
                    self.problems.append(f"{self.name}: error frame {frame} (life {life})")
        except (websocket.WebSocketException, OSError, ValueError):
            return


def sign_in(base_url, email, password):
    s = requests.Session()
    s.headers["Origin"] = base_url
    r = s.post(base_url + "/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return s, r.json()["user"]["id"], s.cookies["session"]


def all_events(base_url, cookie, space):
    items, after = [], 0
    while True:
        r = requests.get(f"{base_url}/api/v1/spaces/{space}/events", params={"after": after, "limit": 200},
                         cookies={"session": cookie}, timeout=30)
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        if not page["items"] or page.get("nextCursor") is None:
            return items
        after = page["nextCursor"]


def space_info(base_url, cookie, space):
    r = requests.get(f"{base_url}/api/v1/spaces/{space}", cookies={"session": cookie}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def run_life(server, senders, life, kill_after=None):
    """One server life: every sender connects and sends; with `kill_after`, SIGKILL that many
    seconds after the sending starts, else run until every message is acknowledged."""
    stop = threading.Event()
    threads = [threading.Thread(target=s.run, args=(server.base_url, life, stop, kill_after is None), daemon=True)
               for s in senders]
    for t in threads:
        t.start()
    if kill_after is not None:
        time.sleep(kill_after)
        stop.set()
        server.kill()  # SIGKILL: no graceful shutdown
    for t in threads:
        t.join(60 if kill_after is None else 15)
        assert not t.is_alive(), f"a sender hung in life {life}"


def test_sigkill_loses_no_acknowledged_message_and_stores_none_twice(data_dir):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    rng = random.Random(SEED)
    started = time.monotonic()
    server = Server(data_dir=data_dir)
    users = dict(server.users)  # printed once, on the first start only
    senders, owner_cookie = [], None
    try:
        ids_by_title = {}
        for name, titles in SENDERS.items():
            session, user_id, cookie = sign_in(server.base_url, *users[name])
            r = session.get(server.base_url + "/api/v1/spaces")
            assert r.status_code == 200, r.text
            seen = {}
            for item in r.json()["items"]:
                ids_by_title[item["title"]] = item["id"]
                seen[item["id"]] = item["lastSeq"]
            senders.append(Sender(name, cookie, user_id, [ids_by_title[t] for t in titles], seen))
            if name == "expert":
                owner_cookie = cookie  # the owner of all three spaces sees every event
        spaces = sorted({s for sender in senders for s in sender.spaces})
    except BaseException:
        server.kill()
        raise

    lives_start_seq = []  # per life: space -> lastSeq when that life began (before any send)
    try:
        for life in range(KILLS + 1):
            if life > 0:
                server = Server(data_dir=data_dir)
            lives_start_seq.append({s: space_info(server.base_url, owner_cookie, s)["lastSeq"] for s in spaces})
            if life < KILLS:
                run_life(server, senders, life, kill_after=rng.uniform(0.2, 1.5))
            else:
                run_life(server, senders, life)  # the last life resends what is left, no kill
        base_url = server.base_url
        stored = {s: all_events(base_url, owner_cookie, s) for s in spaces}
        last_seq = {s: space_info(base_url, owner_cookie, s)["lastSeq"] for s in spaces}
    finally:
        if server.proc.poll() is None:
            server.proc.terminate()
            server.proc.wait(timeout=15)
            server.log.close()

    problems = [p for s in senders for p in s.problems]
    # (c) each space's seqs are 1..N, N = lastSeq
    for space, events in stored.items():
        seqs = [e["seq"] for e in events]
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"space {space}: seqs are not 1..N: gaps {sorted(set(range(1, max(seqs) + 1)) - set(seqs))[:20]}")
        if seqs and seqs[-1] != last_seq[space]:
            problems.append(f"space {space}: last stored seq {seqs[-1]} but lastSeq {last_seq[space]}")
    # (b) no clientMessageId twice per sender
    by_key = collections.defaultdict(list)  # (senderId, clientMessageId) -> [(spaceId, seq, messageId, body)]
    for space, events in stored.items():
        for e in events:
            if e["kind"] == "message":
                d = e["data"]
                by_key[(d["senderId"], d["clientMessageId"])].append((space, e["seq"], d["messageId"], d["body"]))
    duplicates = {k: v for k, v in by_key.items() if len(v) > 1}
    if duplicates:
        problems.append(f"{len(duplicates)} clientMessageIds stored more than once, e.g. {list(duplicates.items())[:3]}")
    # (a) every ack matches the one stored message; and every message sent was stored
    acked = stored_ours = 0
    for s in senders:
        for cmid, acks in s.acks.items():
            acked += 1
            if len(acks) != 1:
                problems.append(f"{s.name} {cmid}: different acks {acks}")
            rows = by_key.get((s.user_id, cmid), [])
            for space, seq, message_id in acks:
                if [(r[0], r[1], r[2]) for r in rows] != [(space, seq, message_id)]:
                    problems.append(f"{s.name} {cmid}: acked {(space, seq, message_id)} but stored {rows}")
        for cmid, (space, body) in s.sent.items():
            rows = by_key.get((s.user_id, cmid), [])
            if rows:
                stored_ours += 1
                if rows[0][0] != space or rows[0][3] != body:
                    problems.append(f"{s.name} {cmid}: stored {rows[0]} but sent {(space, body)}")
            else:
                problems.append(f"{s.name} {cmid}: sent, resent until the end, never stored")
        if s.unacked:
            problems.append(f"{s.name}: {len(s.unacked)} messages never acknowledged, e.g. {s.unacked[:3]}")
    # A resend whose ack names a seq that existed when its life began was stored before the kill:
    # the server answered it with the first ack instead of storing it again.
    resends = sum(len(s.resent) for s in senders)
    deduplicated = 0
    for s in senders:
        for cmid, life in s.resent:
            for space, seq, _ in s.acks.get(cmid, ()):
                if seq <= lives_start_seq[life][space]:
                    deduplicated += 1
    deduplicated_once = len({(s.name, c) for s in senders for c, life in s.resent
                             for space, seq, _ in s.acks.get(c, ()) if seq <= lives_start_seq[life][space]})
    sent = sum(len(s.sent) for s in senders)
    print(f"\nmessages crash test (seed {SEED}): kills {KILLS}, sockets {len(senders)}, spaces {len(spaces)}, "
          f"messages sent {sent}, acknowledged {acked}, stored {stored_ours} "
          f"(events in the spaces {sum(len(v) for v in stored.values())}), resends {resends}, "
          f"resends answered with the first ack (stored before the kill) {deduplicated} "
          f"({deduplicated_once} messages), {time.monotonic() - started:.1f} s")
    assert not problems, "\n".join(problems[:40])
    assert acked == sent == stored_ours
