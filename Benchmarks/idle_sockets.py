#!/usr/bin/env python3
"""10,000 signed-in idle WebSockets: server memory per connection, heartbeats, responsiveness.

Starts `ohjaustila serve --demo` (release build by default; the open-file limit is raised here
first, and the server inherits it), signs the demo users in a few hundred times (one session per
sign-in), and opens the sockets over those sessions, each with `hello` so the server subscribes it
to the user's spaces. It then holds them idle for a while (the server pings every 30 s; the client
answers each ping with a pong, as a browser does) and meanwhile times `/healthz` and an API read.
At the end one message is sent into a space and its delivery to every subscribed socket is timed;
then the sockets are closed, and as many are opened and closed again (`--rounds`) to see whether
the server reuses their memory.

Memory per connection = (server VmRSS with the sockets open − VmRSS before them) / sockets.

    python3 Benchmarks/idle_sockets.py                   # 10,000 sockets, held 65 s, 3 rounds
    python3 Benchmarks/idle_sockets.py --sockets 2000 --hold 35 --rounds 1
"""
import argparse
import collections
import concurrent.futures
import json
import pathlib
import selectors
import sys
import threading
import time

import requests
import websocket

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchcommon import ROOT, OwnServer, ProcStat, machine_facts, percentile, raise_nofile, self_cpu, session  # noqa: E402


class Watcher(threading.Thread):
    """Reads every socket with epoll: welcomes, pings (answered by websocket-client), events, closes."""

    def __init__(self):
        super().__init__(daemon=True)
        self.selector = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.pending = []
        self.welcomes = 0
        self.pings = collections.Counter()  # socket index -> pings seen
        self.closed = 0
        self.events = {}  # clientMessageId -> [arrival times]
        self.stopping = False

    def add(self, index, ws):
        with self.lock:
            self.pending.append((index, ws))

    def run(self):
        while not self.stopping:
            with self.lock:
                pending, self.pending = self.pending, []
            for index, ws in pending:
                self.selector.register(ws.sock, selectors.EVENT_READ, (index, ws))
            for key, _ in self.selector.select(0.1):
                index, ws = key.data
                try:
                    opcode, frame = ws.recv_data_frame(True)
                except (websocket.WebSocketException, OSError):
                    self.selector.unregister(key.fileobj)
                    self.closed += 1
                    continue
                if opcode == websocket.ABNF.OPCODE_PING:
                    self.pings[index] += 1
                elif opcode == websocket.ABNF.OPCODE_TEXT:
                    msg = json.loads(frame.data)
                    if msg.get("type") == "welcome":
                        self.welcomes += 1
                    elif msg.get("type") == "event":
                        cmid = msg["data"].get("clientMessageId")
                        self.events.setdefault(cmid, []).append(time.perf_counter())


def timed_get(url, cookie=None):
    t = time.perf_counter()
    r = requests.get(url, cookies={"session": cookie} if cookie else None, timeout=30)
    return r.status_code, (time.perf_counter() - t) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "ohjaustila"))
    ap.add_argument("--sockets", type=int, default=10_000)
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--hold", type=float, default=65, help="seconds to hold the sockets idle (server pings every 30 s)")
    ap.add_argument("--connect-threads", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3, help="times the sockets are opened and closed (memory reuse)")
    args = ap.parse_args()

    limit = raise_nofile(args.sockets * 2 + 2000)
    facts = machine_facts()
    print(f"binary {args.binary}; {facts}; open-file limit {limit}", flush=True)
    server = OwnServer(args.binary)
    stat = ProcStat(server.proc.pid)
    sockets = []
    try:
        base = server.base_url
        users = [k for k in ("expert", "client", "partnerExpert", "coachExpert", "groupClient") if k in server.users]
        t = time.time()
        sessions = []
        for i in range(args.sessions):
            s = session(base, *server.users[users[i % len(users)]])
            sessions.append((s.cookies["session"], s.user["id"]))
        print(f"{len(sessions)} sessions of {len(users)} demo users in {time.time() - t:.1f} s", flush=True)
        expert_cookie = sessions[0][0]

        watcher = Watcher()
        watcher.start()
        ws_url = base.replace("http", "ws", 1) + "/api/v1/ws"

        def connect(i, watch=True):
            cookie, _ = sessions[i % len(sessions)]
            ws = websocket.create_connection(ws_url, origin=base, cookie=f"session={cookie}", timeout=60)
            ws.send('{"type":"hello","resume":{}}')
            if watch:
                watcher.add(i, ws)
            return ws

        # A few sockets first, so that what every connection needs once (code paths, pools) is in the baseline.
        for ws in [connect(i, watch=False) for i in range(20)]:
            ws.recv()
            ws.close()
        time.sleep(3)
        rss0, threads0, fds0 = stat.rss_kib(), stat.threads(), stat.fds()
        print(f"server RSS before the sockets {rss0 / 1024:.1f} MiB, {threads0} threads", flush=True)

        t = time.time()
        cpu0 = stat.cpu()
        with concurrent.futures.ThreadPoolExecutor(args.connect_threads) as pool:
            for n, ws in enumerate(pool.map(connect, range(args.sockets)), 1):
                sockets.append(ws)
                if n % 2000 == 0:
                    print(f"  {n} sockets, RSS {stat.rss_kib() / 1024:.1f} MiB", flush=True)
        connect_s = time.time() - t
        deadline = time.time() + 60
        while watcher.welcomes < args.sockets and time.time() < deadline:
            time.sleep(0.1)
        print(f"{len(sockets)} sockets open in {connect_s:.1f} s ({len(sockets) / connect_s:.0f}/s, server CPU "
              f"{stat.cpu() - cpu0:.1f} s); welcomes {watcher.welcomes}", flush=True)
        time.sleep(2)
        rss1 = stat.rss_kib()
        print(f"server RSS with the sockets open {rss1 / 1024:.1f} MiB: {(rss1 - rss0) / args.sockets:.1f} KiB per connection",
              flush=True)

        health, api = [], []
        start = time.time()
        cpu_hold0, own0 = stat.cpu(), self_cpu()
        while time.time() - start < args.hold:
            code, ms = timed_get(base + "/healthz")
            assert code == 200, code
            health.append(ms)
            code, ms = timed_get(base + "/api/v1/spaces", expert_cookie)
            assert code == 200, code
            api.append(ms)
            elapsed = time.time() - start
            if len(health) % 10 == 0:
                print(f"  {elapsed:.0f} s idle: RSS {stat.rss_kib() / 1024:.1f} MiB, sockets pinged {len(watcher.pings)}, "
                      f"closed {watcher.closed}, /healthz {ms:.1f} ms", flush=True)
            time.sleep(1)
        hold = time.time() - start
        rss2 = stat.rss_kib()
        idle_cpu = 100 * (stat.cpu() - cpu_hold0) / hold

        # One message into the network space (three experts): every socket of those experts gets it.
        expert = requests.Session()
        expert.headers["Origin"] = base
        expert.cookies.set("session", expert_cookie)
        network = next(s["id"] for s in expert.get(base + "/api/v1/spaces").json()["items"] if s["kind"] == "network")
        t_send = time.perf_counter()
        r = expert.post(f"{base}/api/v1/spaces/{network}/messages", json={"clientMessageId": "fanout-1", "body": "Kaikille"})
        assert r.status_code == 201, r.text
        time.sleep(5)
        arrivals = sorted(a - t_send for a in watcher.events.get("fanout-1", []))

        print()
        print(f"idle sockets: {args.sockets} over {len(sessions)} sessions of {len(users)} users; {facts}")
        print(f"- server RSS: {rss0 / 1024:.1f} MiB before, {rss1 / 1024:.1f} MiB with the sockets open, "
              f"{rss2 / 1024:.1f} MiB after {hold:.0f} s idle; "
              f"{(rss1 - rss0) / args.sockets:.1f} KiB per connection ({(rss2 - rss0) / args.sockets:.1f} after the hold)")
        print(f"- server threads {threads0} → {stat.threads()}; server CPU while idle {idle_cpu:.1f} % of a core")
        print(f"- connecting: {len(sockets) / connect_s:.0f} sockets/s from {args.connect_threads} client threads")
        print(f"- heartbeats: {sum(watcher.pings.values())} pings answered; sockets pinged at least once "
              f"{sum(1 for i in range(args.sockets) if watcher.pings[i] > 0)} of {args.sockets}; closed by the server {watcher.closed}")
        print(f"- during the hold: /healthz p50 {percentile(health, 50):.1f} ms, max {max(health):.1f} ms; "
              f"GET /api/v1/spaces p50 {percentile(api, 50):.1f} ms, max {max(api):.1f} ms")
        if arrivals:
            print(f"- one message to the network space reached {len(arrivals)} sockets: first {arrivals[0] * 1000:.1f} ms, "
                  f"median {percentile(arrivals, 50) * 1000:.1f} ms, last {arrivals[-1] * 1000:.1f} ms after the POST began")
        else:
            print("- the message to the network space reached no socket")
        watcher.stopping = True
        for ws in sockets:
            try:
                ws.close(timeout=0)
            except Exception:  # noqa: BLE001
                pass
        time.sleep(5)
        print(f"- RSS 5 s after closing them all: {stat.rss_kib() / 1024:.1f} MiB; server file descriptors {stat.fds()} "
              f"(before the sockets {fds0})")
        # Open and close as many again: if the memory of closed sockets is reused, RSS levels off;
        # if something is kept per closed socket, it grows by about the same each round.
        for round_ in range(2, args.rounds + 1):
            watcher = Watcher()
            watcher.start()
            with concurrent.futures.ThreadPoolExecutor(args.connect_threads) as pool:
                again = list(pool.map(connect, range(args.sockets)))
            deadline = time.time() + 60
            while watcher.welcomes < args.sockets and time.time() < deadline:
                time.sleep(0.1)
            time.sleep(2)
            rss_open = stat.rss_kib()
            watcher.stopping = True
            for ws in again:
                try:
                    ws.close(timeout=0)
                except Exception:  # noqa: BLE001
                    pass
            time.sleep(5)
            print(f"- round {round_}: RSS with {len(again)} sockets open {rss_open / 1024:.1f} MiB "
                  f"({(rss_open - rss1) / 1024:+.1f} MiB against round 1), after closing {stat.rss_kib() / 1024:.1f} MiB, "
                  f"server file descriptors {stat.fds()}", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
