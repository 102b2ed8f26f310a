"""Files of spaces against the real binary: multipart uploads from `requests`, downloads, refusals,
private files of a group, the access log, and no plaintext anywhere under the data directory."""
import uuid

import pytest
import requests

from conftest import Server


@pytest.fixture(scope="module")
def files_server():
    s = Server(extra_args=("--max-upload-mb", "2"))
    yield s
    s.stop()


def signed_in(server, role):
    email, password = server.users[role]
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    session.headers["Origin"] = server.base_url
    r = session.post(server.base_url + "/api/v1/auth/login", json={"email": email, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return session


def my_id(server, session):
    r = session.get(server.base_url + "/api/v1/me", timeout=10)
    assert r.status_code == 200
    body = r.json()
    return body.get("user", body)["id"]


def space_of_kind(server, session, kind):
    r = session.get(server.base_url + "/api/v1/spaces", timeout=10)
    assert r.status_code == 200, r.text
    return next(s["id"] for s in r.json()["items"] if s["kind"] == kind)


def upload(server, session, space, name, data, content_type="application/octet-stream", private_to=None):
    form = {"privateTo": private_to} if private_to else None
    return session.post(f"{server.base_url}/api/v1/spaces/{space}/files", files={"file": (name, data, content_type)},
                        data=form, timeout=60)


def data_files(server):
    return [p for p in server.data_dir.rglob("*") if p.is_file()]


def test_files_are_streamed_encrypted_and_checked(files_server):
    server = files_server
    base = server.base_url
    expert = signed_in(server, "expert")
    kalle = signed_in(server, "client")
    lina = signed_in(server, "groupClient")
    kalle_id = my_id(server, kalle)
    space = space_of_kind(server, expert, "oneToOne")
    group = space_of_kind(server, expert, "group")

    marker = f"SALAINEN-{uuid.uuid4()}"
    note = "".join(f"{i} {marker} muistiinpano ääkkösin\n" for i in range(9000)).encode()
    assert len(note) > 3 * 64 * 1024  # several chunks
    pdf = b"%PDF-1.4\n" + marker.encode() + b"\n%%EOF\n"

    # An upload as a browser sends it; the declared types and names do not decide anything.
    r = upload(server, expert, space, "muistio.txt", note, "application/pdf")
    assert r.status_code == 201, r.text
    text_file = r.json()
    assert text_file["contentType"] == "text/plain; charset=utf-8" and text_file["size"] == len(note)
    r = upload(server, kalle, space, "../../hakemus.html", pdf, "text/html")
    assert r.status_code == 201, r.text
    pdf_file = r.json()
    assert pdf_file["name"] == "hakemus.html.pdf" and pdf_file["contentType"] == "application/pdf"

    # Both come back whole, as attachments.
    d = kalle.get(f"{base}/api/v1/spaces/{space}/files/{text_file['id']}", timeout=30)
    assert d.status_code == 200 and d.content == note
    assert d.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert d.headers["X-Content-Type-Options"] == "nosniff" and d.headers["Cache-Control"] == "no-store"
    assert d.headers["Content-Disposition"] == "attachment; filename=\"muistio.txt\"; filename*=UTF-8''muistio.txt"
    d = expert.get(f"{base}/api/v1/spaces/{space}/files/{pdf_file['id']}", timeout=30)
    assert d.status_code == 200 and d.content == pdf
    listed = kalle.get(f"{base}/api/v1/spaces/{space}/files", timeout=10).json()["items"]
    assert [f["id"] for f in listed][:2] == [pdf_file["id"], text_file["id"]]

    # Refusals leave nothing behind.
    r = upload(server, expert, space, "kuva.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    assert r.status_code == 415 and r.json()["code"] == "file.typeNotAllowed"
    r = upload(server, expert, space, "ohjelma.pdf", b"MZ\x90\x00" + bytes(5000))
    assert r.status_code == 415
    r = upload(server, expert, space, "iso.txt", b"a" * (2 * 1024 * 1024 + 1))
    assert r.status_code == 413 and r.json()["code"] == "file.tooLarge"
    stored = sorted(p.name for p in (server.data_dir / "files").iterdir())
    assert len(stored) == 2 and not any(name.endswith(".part") for name in stored)

    # A private file of the group: its client and the experts only.
    r = upload(server, expert, group, "vain-kallelle.txt", b"Muista todistus.\n", private_to=kalle_id)
    assert r.status_code == 201, r.text
    private = r.json()["id"]
    assert kalle.get(f"{base}/api/v1/spaces/{group}/files/{private}", timeout=10).status_code == 200
    refused = lina.get(f"{base}/api/v1/spaces/{group}/files/{private}", timeout=10)
    assert refused.status_code == 404 and refused.json()["code"] == "file.notFound"
    assert private not in [f["id"] for f in lina.get(f"{base}/api/v1/spaces/{group}/files", timeout=10).json()["items"]]
    # Lina is no member of Kalle's own space.
    assert lina.get(f"{base}/api/v1/spaces/{space}/files/{pdf_file['id']}", timeout=10).status_code == 404

    # The expert's download is in Kalle's access log.
    log = kalle.get(f"{base}/api/v1/spaces/{space}/access-log?limit=100", timeout=10).json()["items"]
    expert_id = my_id(server, expert)
    assert any(e["readerId"] == expert_id and e["kind"] == "file" for e in log)

    # No byte of plaintext anywhere under the data directory: database, WAL, files, logs, mail.
    needles = [marker.encode(), note[100_000:100_040]]
    files = data_files(server)
    assert any(p.name.endswith(".sqlite-wal") or p.name.endswith(".sqlite") for p in files)
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            assert needle not in content, f"plaintext found in {path.relative_to(server.data_dir)}"
    assert (server.data_dir / "files").stat().st_mode & 0o777 == 0o700
    for path in (server.data_dir / "files").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
