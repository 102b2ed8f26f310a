#!/usr/bin/env python3
"""Open-loop message load over WebSockets: persisted messages a second, ack and delivery latency.

Starts `ohjaustila serve --demo` (the release build by default) on a fresh data directory, makes
N one-to-one spaces, each with an expert and a client of its own (experts invited by the demo's
organisation admin, clients invited by the space; both accept with a password, all over HTTP),
connects both members of every space, and then, for each rate, sends messages at that fixed total
rate for a while. Senders take turns (expert, client, next space …), so each socket sends rate/2N
a second, well under the server's 20 frames a second per socket.

Open loop: message k is due at t0 + k/rate and its latencies are measured from that due time, so a
client or server that falls behind shows in the figures instead of slowing the offered load down.
- ack latency: due time → the sender's `ack` (sent after the group commit);
- delivery latency: due time → the `event` on the other member's socket.
"Persisted/s" is acks received / (last ack − t0). Client and server CPU are % of one core.

    python3 Benchmarks/load_messages.py                       # 200 spaces; 300, 1000, 2000 a second
    python3 Benchmarks/load_messages.py --spaces 50 --rates 300 --duration 5   # `make load`
"""
import argparse
import collections
import json
import pathlib
import selectors
import sqlite3
import sys
import threading
import time

import websocket

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchcommon import (ROOT, OwnServer, ProcStat, accept_all, invitation_tokens, machine_facts, machine_ticks,  # noqa: E402
                         make_experts, percentile, raise_nofile, self_cpu)


class Socket:
    def __init__(self, base_url, cookie, user_id):
        self.user_id = user_id
        self.ws = websocket.create_connection(base_url.replace("http", "ws", 1) + "/api/v1/ws", origin=base_url,
                                              cookie=f"session={cookie}", timeout=30)
        self.ws.send(json.dumps({"type": "hello", "resume": {}}))
        while True:
            frame = json.loads(self.ws.recv())
            if frame.get("type") == "welcome":
                break


class Run:
    """One rate: what was due when, and when its ack and its delivery came."""

    def __init__(self, tag, count):
        self.tag = tag
        self.due = [0.0] * count
        self.acked = [0.0] * count
        self.delivered = [0.0] * count
        self.acks = 0
        self.last_ack = 0.0
        self.errors = collections.Counter()


class Receiver(threading.Thread):
    """One thread reads every socket (epoll), answers pings, and stamps acks and deliveries."""

    def __init__(self, sockets):
        super().__init__(daemon=True)
        self.selector = selectors.DefaultSelector()
        for s in sockets:
            self.selector.register(s.ws.sock, selectors.EVENT_READ, s)
        self.run_ = None
        self.closed = 0
        self.stopping = False

    def run(self):
        clock = time.perf_counter
        loads = json.loads
        while not self.stopping:
            for key, _ in self.selector.select(0.2):
                s = key.data
                try:
                    opcode, frame = s.ws.recv_data_frame(True)
                except (websocket.WebSocketException, OSError):
                    self.selector.unregister(key.fileobj)
                    self.closed += 1
                    continue
                if opcode != websocket.ABNF.OPCODE_TEXT:
                    continue
                now = clock()
                msg = loads(frame.data)
                r = self.run_
                kind = msg.get("type")
                if r is None:
                    continue
                if kind == "ack":
                    tag, _, k = msg["clientMessageId"].rpartition("-")
                    if tag == r.tag:
                        k = int(k)
                        if not r.acked[k]:
                            r.acked[k] = now
                            r.acks += 1
                            r.last_ack = now
                elif kind == "event":
                    data = msg["data"]
                    if data.get("senderId") != s.user_id:
                        tag, _, k = (data.get("clientMessageId") or "").rpartition("-")
                        if tag == r.tag and not r.delivered[int(k)]:
                            r.delivered[int(k)] = now
                elif kind == "error":
                    r.errors[msg.get("code")] += 1


def set_up(server, spaces, spaces_per_expert):
    t = time.time()
    experts = list(make_experts(server, max(1, (spaces + spaces_per_expert - 1) // spaces_per_expert)).values())
    print(f"  {len(experts)} experts in {time.time() - t:.1f} s", flush=True)
    t = time.time()
    space_ids = {}
    for i in range(spaces):
        expert = experts[i // spaces_per_expert]
        address = f"asiakas{i}@kuorma.example.fi"
        r = expert.post(server.base_url + "/api/v1/spaces",
                        json={"clientEmail": address, "title": f"Kuormatila {i}", "consent": {"method": "inPerson"}})
        if r.status_code != 201:
            raise RuntimeError(f"space {i}: {r.status_code} {r.text}")
        space_ids[address] = (r.json()["id"], expert)
    tokens = invitation_tokens(server.data_dir, list(space_ids))
    clients = accept_all(server.base_url, tokens, lambda a: "Asiakas " + a.split("@")[0][7:])
    print(f"  {spaces} spaces with their clients in {time.time() - t:.1f} s", flush=True)
    t = time.time()
    expert_sockets = {}
    senders = []  # (socket, spaceId), expert and client of each space in turn
    for address, (space, expert) in space_ids.items():
        if id(expert) not in expert_sockets:
            expert_sockets[id(expert)] = Socket(server.base_url, expert.cookies["session"], expert.user["id"])
        client = clients[address]
        senders.append((expert_sockets[id(expert)], space))
        senders.append((Socket(server.base_url, client.cookies["session"], client.user["id"]), space))
    sockets = list(expert_sockets.values()) + [s for s, _ in senders[1::2]]
    print(f"  {len(sockets)} sockets connected and subscribed in {time.time() - t:.1f} s", flush=True)
    return senders, sockets


def run_rate(receiver, senders, tag, rate, duration, server_stat):
    count = int(rate * duration)
    run = Run(tag, count)
    receiver.run_ = run
    frames = []
    body = "Hei, tässä kuormitustestin viesti, noin sadan merkin mittainen, jotta kehys on tavallisen viestin kokoinen."
    for k in range(count):
        sock, space = senders[k % len(senders)]
        frames.append((sock.ws, json.dumps({"type": "send", "spaceId": space, "clientMessageId": f"{tag}-{k}", "body": body})))
    cpu0, scpu0, wall0 = self_cpu(), server_stat.cpu(), time.perf_counter()
    busy0, total0 = machine_ticks()
    t0 = time.perf_counter() + 0.05
    late = 0.0
    clock, sleep = time.perf_counter, time.sleep
    for k, (ws, text) in enumerate(frames):
        due = t0 + k / rate
        run.due[k] = due
        now = clock()
        if now < due:
            sleep(due - now)
        else:
            late = max(late, now - due)
        ws.send(text)
    send_end = clock()
    # Until every ack and delivery is in, or nothing has come for 5 s (at most 120 s).
    deadline, seen, quiet_since = send_end + 120, -1, clock()
    while clock() < deadline and (run.acks < count or sum(1 for d in run.delivered if d) < count):
        if run.acks != seen:
            seen, quiet_since = run.acks, clock()
        elif clock() - quiet_since > 5:
            break
        sleep(0.05)
    wall = clock() - wall0
    cpu, scpu = self_cpu() - cpu0, server_stat.cpu() - scpu0
    busy1, total1 = machine_ticks()
    acks = [(a - d) * 1000 for a, d in zip(run.acked, run.due) if a]
    deliveries = [(v - d) * 1000 for v, d in zip(run.delivered, run.due) if v]
    persisted = run.acks / (run.last_ack - t0) if run.acks else 0.0
    return {
        "rate": rate, "sent": count, "acked": run.acks, "delivered": len(deliveries), "persisted": persisted,
        "ack": [percentile(acks, p) for p in (50, 99, 99.9)], "delivery": [percentile(deliveries, p) for p in (50, 99, 99.9)],
        "client_cpu": 100 * cpu / wall, "server_cpu": 100 * scpu / wall, "send_lag_ms": late * 1000,
        "machine_busy": 100 * (busy1 - busy0) / max(1, total1 - total0),
        "send_span": send_end - t0, "errors": dict(run.errors), "rss_mib": server_stat.rss_kib() / 1024,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "ohjaustila"))
    ap.add_argument("--spaces", type=int, default=200)
    ap.add_argument("--spaces-per-expert", type=int, default=1)
    ap.add_argument("--rates", default="300,1000,2000", help="messages a second, comma-separated")
    ap.add_argument("--duration", type=float, default=15, help="seconds of sending at each rate")
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    raise_nofile(65536)
    facts = machine_facts()
    print(f"binary {args.binary}; {facts}", flush=True)
    server = OwnServer(args.binary)
    try:
        print("setting up", flush=True)
        senders, sockets = set_up(server, args.spaces, args.spaces_per_expert)
        stat = ProcStat(server.proc.pid)
        receiver = Receiver(sockets)
        receiver.start()
        warm = run_rate(receiver, senders, "warm", 100, 2, stat)
        results = []
        for i, rate in enumerate(rates):
            print(f"sending {rate:.0f}/s for {args.duration:.0f} s", flush=True)
            results.append(run_rate(receiver, senders, f"r{i}", rate, args.duration, stat))
            time.sleep(1)
        receiver.stopping = True
        print()
        print(f"{args.spaces} one-to-one spaces, {len(sockets)} sockets, {args.duration:.0f} s per rate; {facts}")
        print("| offered /s | persisted /s | acked / sent | ack p50 / p99 / p999 ms | delivery p50 / p99 / p999 ms "
              "| server CPU % | client CPU % | machine busy % | client send lag max ms | errors |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in results:
            print(f"| {r['rate']:.0f} | {r['persisted']:.0f} | {r['acked']} / {r['sent']} | "
                  f"{r['ack'][0]:.1f} / {r['ack'][1]:.1f} / {r['ack'][2]:.1f} | "
                  f"{r['delivery'][0]:.1f} / {r['delivery'][1]:.1f} / {r['delivery'][2]:.1f} | "
                  f"{r['server_cpu']:.0f} | {r['client_cpu']:.0f} | {r['machine_busy']:.0f} | {r['send_lag_ms']:.0f} | "
                  f"{r['errors'] or '-'} |")
        print(f"server RSS at the end {results[-1]['rss_mib']:.0f} MiB; sockets closed by the server during the run: {receiver.closed}")
        db = sqlite3.connect(f"file:{server.data_dir / 'ohjaustila.sqlite'}?mode=ro", uri=True)
        try:
            stored = db.execute("SELECT COUNT(*) FROM message WHERE client_message_id LIKE 'r%-%' OR client_message_id LIKE 'warm-%'").fetchone()[0]
        finally:
            db.close()
        sent = sum(r["sent"] for r in results) + warm["sent"]
        print(f"messages sent {sent}, stored {stored}" + ("" if stored == sent else "  <-- NOT EQUAL"))
    finally:
        server.stop(keep=args.keep)


if __name__ == "__main__":
    main()
