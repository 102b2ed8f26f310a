"""A catalogue import by the command line into the database of a running server: the server's other
writes go on meanwhile, and its readers see the old catalogue or the new one, never part of one."""
import json
import os
import subprocess
import time

import pytest
import requests

from conftest import BINARY, ROOT, Server

# Measures how slow writes get during an import: run with no other suite beside it.
pytestmark = pytest.mark.alone

MIGRATIONS = str(ROOT / "Migrations")


def multiplied(data, target):
    """A catalogue with its services copied under new ids up to `target`, as the Bench does."""
    originals = data["services"]
    services = list(originals)
    copy = 1
    while len(services) < target:
        for s in originals:
            if len(services) >= target:
                break
            s = json.loads(json.dumps(s))
            s["id"] = f"{s['id']}-{copy}"
            s["name"]["fi"] = f"{s['name']['fi']} {copy}"
            services.append(s)
        copy += 1
    data["services"] = services
    return data


def test_writes_go_on_and_readers_see_whole_catalogues_during_a_cli_import(tmp_path):
    catalogue = tmp_path / "catalogue-5000.json"
    server = Server()
    try:
        # The demo as this server has it (its dates move with the day it was seeded), grown to 5,000.
        demo = tmp_path / "demo.json"
        exported = subprocess.run(
            [str(BINARY), "export", "catalogue", str(demo), "--data-dir", str(server.data_dir), "--migrations-dir", MIGRATIONS],
            capture_output=True, text=True, cwd=ROOT)
        assert exported.returncode == 0, exported.stderr
        catalogue.write_text(json.dumps(multiplied(json.loads(demo.read_text()), 5000)))
        base = server.base_url
        email, password = server.users["expert"]
        expert = requests.Session()
        assert expert.post(base + "/api/v1/auth/login", json={"email": email, "password": password}).status_code == 200
        before = requests.get(base + "/api/v1/catalogue/search?limit=1").json()["total"]

        env = {k: v for k, v in os.environ.items() if not k.startswith("OHJAUSTILA_")}
        started = time.monotonic()
        importer = subprocess.Popen(
            [str(BINARY), "import", "catalogue", str(catalogue), "--data-dir", str(server.data_dir),
             "--migrations-dir", MIGRATIONS],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        writes = []  # (what, status, seconds)
        totals = set()
        i = 0
        while importer.poll() is None:
            i += 1
            t = time.monotonic()
            r = expert.post(base + "/api/v1/favourite-lists", json={"name": f"Lista {i}"}, headers={"Origin": base})
            writes.append(("create", r.status_code, time.monotonic() - t))
            if r.status_code == 201:
                t = time.monotonic()
                d = expert.delete(base + f"/api/v1/favourite-lists/{r.json()['id']}", headers={"Origin": base})
                writes.append(("delete", d.status_code, time.monotonic() - t))
            totals.add(requests.get(base + "/api/v1/catalogue/search?limit=1").json()["total"])
            time.sleep(0.1)
        out, err = importer.communicate(timeout=10)
        took = time.monotonic() - started
        assert importer.returncode == 0, err
        assert "services 4820 new, 0 changed, 180 unchanged" in out, out
        print(f"import of 5,000 services took {took:.1f} s; {len(writes)} writes, slowest {max(w[2] for w in writes):.3f} s")

        # The import ran long enough to meet several writes, and none of them waited a second.
        assert len([w for w in writes if w[0] == "create"]) >= 3, writes
        assert all(status in (201, 204) for _, status, _ in writes), writes
        assert max(seconds for _, _, seconds in writes) < 1.0, writes

        # Readers saw the catalogue before the import or after it, nothing in between.
        deadline = time.time() + 30
        while time.time() < deadline:
            after = requests.get(base + "/api/v1/catalogue/search?limit=1").json()["total"]
            if after != before:
                break
            time.sleep(0.5)
        assert after > before
        totals.discard(after)
        assert totals <= {before}, (before, after, totals)
    finally:
        server.stop()
