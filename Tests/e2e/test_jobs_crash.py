"""Durable jobs survive a SIGKILL: every queued mail goes out after a restart on the same data
directory, and only the one in flight at the kill may go out twice.

Uses two test-only settings of the server: OHJAUSTILA_TEST_FILE_MAIL_DELAY_MS makes the file mail
transport journal each hand-over by Message-ID in mail/deliveries.log and then wait before it
returns (like an SMTP server before its final 250), so the kill lands between a hand-over and its
mark-done; OHJAUSTILA_JOB_LEASE is short so the restarted server retakes that job within seconds.
"""
import email
import email.policy
import sqlite3

import pytest
import requests

from conftest import BINARY, Server, check_repeats, mail_journal, wait_for

MAILS = 30
# The mail jobs of the invitations: the demo's review reminders are mail jobs too.
INVITATIONS = "kind = 'mail' AND idempotency_key NOT LIKE 'review-%'"
ENV = {"OHJAUSTILA_TEST_FILE_MAIL_DELAY_MS": "300", "OHJAUSTILA_JOB_LEASE": "2s"}


def journal(data_dir):
    """The hand-overs of the invitations (the demo's review reminders may go out too)."""
    return [mid for mid in mail_journal(data_dir) if "review-" not in mid]


def message_ids_of_files(data_dir):
    ids = []
    for path in sorted((data_dir / "mail").glob("*.eml")):
        with open(path, "rb") as f:
            ids.append(str(email.message_from_binary_file(f, policy=email.policy.default)["Message-ID"]))
    return [mid for mid in ids if "review-" not in mid]


def invite_many(server, count):
    """An organisation admin of the demo invites `count` people: one invitation mail each."""
    admin_email, admin_password = server.users["orgAdmin"]
    s = requests.Session()
    s.headers["Origin"] = server.base_url
    r = s.post(server.base_url + "/api/v1/auth/login", json={"email": admin_email, "password": admin_password})
    assert r.status_code == 200, r.text
    org = next(m["organizationId"] for m in r.json()["user"]["memberships"] if "orgAdmin" in m["roles"])
    for i in range(count):
        r = s.post(f"{server.base_url}/api/v1/organizations/{org}/invitations",
                   json={"email": f"kutsuttu{i}@example.fi", "roles": ["expert"]})
        assert r.status_code == 201, r.text


def test_a_sigkill_mid_way_loses_no_mail_and_repeats_at_most_the_one_in_flight(data_dir):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    first = Server(env=ENV, data_dir=data_dir)
    try:
        invite_many(first, MAILS)
        wait_for(lambda: len(journal(data_dir)) >= 5, 30, "a few mails handed over")
    finally:
        first.kill()  # SIGKILL: no graceful shutdown, no mark-done for the one in flight
    before = journal(data_dir)
    assert 0 < len(before) < MAILS, "the kill should come mid-way"
    in_flight = before[-1]
    assert len(set(before)) == len(before), "the first process repeated nothing"

    second = Server(env=ENV, data_dir=data_dir)
    try:
        wait_for(lambda: len(set(journal(data_dir))) >= MAILS, 60, "every mail handed over after the restart")
        db = sqlite3.connect(data_dir / "ohjaustila.sqlite")
        try:
            wait_for(lambda: db.execute(f"SELECT COUNT(*) FROM job WHERE {INVITATIONS} AND state = 'done'").fetchone()[0] == MAILS,
                     30, "every mail job done")
            states = dict(db.execute(f"SELECT state, COUNT(*) FROM job WHERE {INVITATIONS} GROUP BY state").fetchall())
        finally:
            db.close()
        assert states == {"done": MAILS}
    finally:
        second.terminate()

    counts, repeated = check_repeats(journal(data_dir), MAILS, in_flight)
    assert max(counts.values()) <= 2
    print(f"handed over before the kill: {len(before)}; repeated after the restart: {sorted(repeated) or 'none'}")
    # One file per mail: a repeat carries the same Message-ID and overwrites the same file.
    files = message_ids_of_files(data_dir)
    assert len(files) == MAILS and set(files) == set(counts)
