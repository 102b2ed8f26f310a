"""Reminders survive a SIGKILL: every reminder planned with a task makes its in-app entry exactly
once, and its e-mail goes out after a restart on the same data directory, where only the mail in
flight at the kill may go out twice.

Like test_jobs_crash.py, it uses the test-only OHJAUSTILA_TEST_FILE_MAIL_DELAY_MS (the file
transport journals each hand-over by Message-ID in mail/deliveries.log, then waits) and a short
OHJAUSTILA_JOB_LEASE so the restarted server retakes the job in flight within seconds.
"""
import datetime
import sqlite3

import pytest

from conftest import BINARY, Server, api_session, check_repeats, mail_journal, wait_for

TASKS = 20
ENV = {"OHJAUSTILA_TEST_FILE_MAIL_DELAY_MS": "300", "OHJAUSTILA_JOB_LEASE": "2s"}


def alert_journal(data_dir):
    return [mid for mid in mail_journal(data_dir) if "alert-" in mid]


def test_a_sigkill_loses_no_reminder_and_writes_each_in_app_entry_once(data_dir):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    first = Server(env=ENV, data_dir=data_dir, extra_args=("--message-alert-delay", "1h"))
    try:
        expert = api_session(first, "expert")
        client = api_session(first, "client")
        r = client.put(first.base_url + "/api/v1/me/notification-settings", json={
            "email": True, "push": True, "quietHours": None, "meetingReminderMinutes": [60], "taskReminderMinutes": None})
        assert r.status_code == 200, r.text
        space = next(s for s in client.get(first.base_url + "/api/v1/spaces").json()["items"] if s["kind"] == "oneToOne")
        remind_at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for i in range(TASKS):
            r = expert.post(f"{first.base_url}/api/v1/spaces/{space['id']}/tasks", json={
                "title": f"Tehtävä {i}", "assigneeId": client.user["id"], "remindAt": remind_at})
            assert r.status_code == 201, r.text
        wait_for(lambda: len(alert_journal(data_dir)) >= 4, 60, "a few reminder mails handed over")
    finally:
        first.kill()  # SIGKILL
    before = alert_journal(data_dir)
    assert 0 < len(before) < TASKS, "the kill should come mid-way"
    in_flight = before[-1]

    second = Server(env=ENV, data_dir=data_dir, extra_args=("--message-alert-delay", "1h"))
    try:
        wait_for(lambda: len(set(alert_journal(data_dir))) >= TASKS, 90, "every reminder mail handed over after the restart")
        # The session survives the restart; the in-app list holds each reminder once.
        items = client.get(second.base_url + "/api/v1/reminders?limit=100").json()["items"]
        assert sorted(i["title"] for i in items) == sorted(f"Tehtävä {i}" for i in range(TASKS))
        db = sqlite3.connect(data_dir / "ohjaustila.sqlite")
        try:
            wait_for(lambda: db.execute(
                "SELECT COUNT(*) FROM job WHERE ((kind = 'reminder' AND idempotency_key LIKE 'task:%')"
                " OR (kind = 'mail' AND idempotency_key LIKE 'alert-%')) AND state <> 'done'").fetchone()[0] == 0,
                30, "every reminder and mail job done")
            assert db.execute("SELECT COUNT(*) FROM reminder").fetchone()[0] == TASKS
            assert db.execute(
                "SELECT COUNT(*) FROM job WHERE kind = 'reminder' AND idempotency_key LIKE 'task:%' AND state = 'done'").fetchone()[0] == TASKS
        finally:
            db.close()
    finally:
        second.terminate()

    _, repeated = check_repeats(alert_journal(data_dir), TASKS, in_flight)
    print(f"reminder mails before the kill: {len(before)}; repeated: {sorted(repeated) or 'none'}")
