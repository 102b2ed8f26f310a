"""Meetings, free slots and the calendar feed in the browser: the expert books a video meeting in a
space, the client (a 360 px phone) accepts it, proposes another time, and the expert moves the
meeting there and cancels another one with a reason; the expert publishes free slots (one time and a
weekly pattern) and removes one; the client books a free slot on the phone and its .ics parses with
the right DTSTART (TZID=Europe/Helsinki), UID and SEQUENCE; a second client racing for a slot is told
it was taken; a booking is too late to cancel; "Omat tapaamiset"; the calendar subscription on the
account page; axe, texts in fi, sv and en, and 360 px screenshots."""
import datetime
import zoneinfo

import pytest
import requests

from conftest import api_session
from spaces_ui import (access_kinds, assert_clean, expert_at_desk, helsinki, new_space, open_panel, open_space, serious,
                       set_value, shot, wait_log, wait_realtime)

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
FI_WEEKDAYS = ["ma", "ti", "ke", "to", "pe", "la", "su"]


# ---- helpers ---------------------------------------------------------------------------------

def local(days, hour, minute=0):
    """A Helsinki wall time `days` from today."""
    day = datetime.datetime.now(HELSINKI).date() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)


def fi_when(start, end=None):
    """The Finnish time of the web client: "ti 24.11. klo 9.05" (the year when not this one),
    with "–9.50" for an end on the same day."""
    year = "" if start.year == datetime.datetime.now(HELSINKI).year else str(start.year)
    text = f"{FI_WEEKDAYS[start.weekday()]} {start.day}.{start.month}.{year} klo {start.hour}.{start.minute:02d}"
    return text + (f"–{end.hour}.{end.minute:02d}" if end else "")


def meeting_row(ui, meeting_id, where="#meetings"):
    return ui.css(f"{where} li[data-meeting-id='{meeting_id}']")


def browser_session(ui):
    """A requests.Session with the browser's cookies (the .ics as the browser would get it)."""
    s = requests.Session()
    for c in ui.d.get_cookies():
        s.cookies.set(c["name"], c["value"])
    return s


def parse_ics(text):
    import icalendar
    calendar = icalendar.Calendar.from_ical(text)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    return calendar, events


def dialog_button(ui, text):
    return ui.button(text, within=ui.css("dialog[open]"))


# ---- an expert books, the client answers -----------------------------------------------------

def test_expert_books_a_meeting_and_the_client_accepts_it_on_a_phone(ui, cui, server):
    title, expert, client, space_id = new_space(server, "Tapaamiset")
    problems = []
    start = local(25, 13, 15)
    end = start + datetime.timedelta(minutes=45)

    # 1. the expert's panel is closed, and nothing is read (logged) before it is opened
    expert_at_desk(ui, server)
    open_space(ui, space_id)
    wait_realtime(ui)
    assert ui.css("#meetings").get_attribute("open") is None
    assert "meetings" not in access_kinds(client, server, space_id)
    open_panel(ui, "meetings")
    assert "meetings" in access_kinds(client, server, space_id)
    assert "Tässä ohjaustilassa ei ole tulevia tapaamisia." in ui.css("#meetings").text

    # 2. a form without a time is refused next to the field
    ui.button("Sovi tapaaminen").click()
    ui.wait(lambda: ui.css("#meetings [data-field='meetingDate'] .field-error").text == "Valitse päivä ja kellonaika.")
    # the one client is chosen already; a video link must be https
    box = ui.css(f"#meetings input[name='participantIds'][value='{client.user['id']}']")
    assert box.is_selected()
    assert "Kalle Asiakas (asiakas)" in ui.css("#meetings [data-field='participantIds']").text
    set_value(ui, "#meetings input[name='meetingDate']", start.date().isoformat())
    set_value(ui, "#meetings input[name='meetingTime']", "13:15")
    set_value(ui, "#meetings select[name='meetingDuration']", "45")
    ui.css("#meetings input[name='meetingKind'][value='video']").click()
    assert ui.css("#meetings [data-field='meetingLocation'] label").text == "Videolinkki"
    ui.fill("meetingLocation", "video.example.fi/huone-12")
    ui.button("Sovi tapaaminen").click()
    ui.wait(lambda: "Kirjoita videolinkki kokonaan" in ui.css("#meetings [data-field='meetingLocation'] .field-error").text)
    ui.fill("meetingLocation", "https://video.example.fi/huone-12")
    ui.fill("meetingTitle", "Työnhaun suunnittelu")
    ui.button("Sovi tapaaminen").click()
    ui.wait_text(f"Tapaaminen on sovittu: {fi_when(start, end)}.", selector="#meetings")
    meeting = expert.get(f"{server.base_url}/api/v1/spaces/{space_id}/meetings").json()["items"][0]
    assert datetime.datetime.fromisoformat(meeting["startsAt"].replace("Z", "+00:00")) == start
    assert meeting["durationMinutes"] == 45 and meeting["kind"] == "video" and meeting["title"] == "Työnhaun suunnittelu"
    when = f"{fi_when(start, end)} (45 min)"

    def row_shows_the_meeting():
        # the list may be drawn again by the meeting's realtime event after the answer: the row is
        # read afresh each time (ui.wait retries a stale one)
        row = meeting_row(ui, meeting["id"])
        link = row.find_element("css selector", ".meeting__place a")
        ics = row.find_element("css selector", "a[data-action='ics']").get_attribute("href")
        text = row.text
        return (when in text and "Videotapaaminen" in text and "Kalle Asiakas" in text and "Ei ole vastannut" in text
                and "Aino Asiantuntija (sinä, asiantuntija)" in text
                and link.get_attribute("href") == "https://video.example.fi/huone-12" and link.get_attribute("target") == "_blank"
                and ics.endswith(f"/api/v1/meetings/{meeting['id']}/ics"))
    ui.wait(row_shows_the_meeting, message="the booked meeting's row")
    wait_log(ui, f"Sovit tapaamisen: Työnhaun suunnittelu, {fi_when(start, end)}")

    # the same time again: the expert is busy, said in words
    set_value(ui, "#meetings input[name='meetingDate']", start.date().isoformat())
    set_value(ui, "#meetings input[name='meetingTime']", "13:30")
    ui.button("Sovi tapaaminen").click()
    ui.wait_text("Sinulla on jo toinen tapaaminen tähän aikaan. Valitse toinen aika.", selector="#meetings form.meeting-add")
    problems += serious(ui, "expert space desk, meetings open")

    # 3. the client at 360 px: the meetings are open by themselves; "Tulen"
    cui.sign_in(*server.users["client"])
    helsinki(cui)
    open_space(cui, space_id)
    wait_realtime(cui)
    assert cui.css("#meetings").get_attribute("open") is not None
    cui.wait(lambda: cui.all(f"#meetings li[data-meeting-id='{meeting['id']}']"), 15)
    row = meeting_row(cui, meeting["id"])
    assert "Et ole vielä vastannut. Pääsetkö tulemaan?" in row.text
    assert not row.find_elements("css selector", "button[data-action='edit']")  # the expert's tools
    wait_log(cui, f"Aino Asiantuntija sopi tapaamisen: Työnhaun suunnittelu, {fi_when(start, end)}")
    cui.button("Tulen", within=row).click()
    cui.wait_text("Kerroit tulevasi tapaamiseen: Työnhaun suunnittelu.", selector="#meetings")
    cui.wait(lambda: "Vastauksesi: tulet." in meeting_row(cui, meeting["id"]).text)
    assert meeting_row(cui, meeting["id"]).find_element("css selector", "button[data-action='accepted']").get_attribute("aria-pressed") == "true"
    assert cui.d.switch_to.active_element.get_attribute("data-action") == "accepted"  # the focus stays
    answer = {p["userId"]: p["response"] for p in client.get(f"{server.base_url}/api/v1/meetings/{meeting['id']}").json()["participants"]}
    assert answer[client.user["id"]] == "accepted"
    # the expert sees it live, in the panel and in the conversation
    ui.wait(lambda: "Tulee" in meeting_row(ui, meeting["id"]).find_element(
        "css selector", f"li[data-user-id='{client.user['id']}']").text, 15)
    wait_log(ui, "Kalle Asiakas tulee tapaamiseen: Työnhaun suunnittelu")

    # 4. … then proposes another time (datetime-local), and the expert moves the meeting there
    later = local(26, 9, 30)
    cui.button("Ehdota toista aikaa", within=meeting_row(cui, meeting["id"])).click()
    cui.wait(lambda: cui.all("dialog[open] input[name='proposedAt']"))
    assert cui.css("dialog[open] label").text == "Ehdottamasi aika"
    set_value(cui, "dialog[open] input[name='proposedAt']", later.strftime("%Y-%m-%dT%H:%M"))
    problems += serious(cui, "client propose dialog 360px")
    dialog_button(cui, "Lähetä ehdotus").click()
    cui.wait(lambda: not cui.all("dialog[open]"))
    cui.wait(lambda: f"Vastauksesi: ehdotit toista aikaa, {fi_when(later)}." in meeting_row(cui, meeting["id"]).text, 15)
    ui.wait(lambda: f"Ehdottaa toista aikaa: {fi_when(later)}" in meeting_row(ui, meeting["id"]).text, 15)
    ui.css(f"#meetings li[data-meeting-id='{meeting['id']}'] button[data-action='edit']").click()
    ui.wait(lambda: ui.all("dialog[open] input[name='meetingDate']"))
    assert ui.css("dialog[open] input[name='meetingTime']").get_attribute("value") == "13:15"
    set_value(ui, "dialog[open] input[name='meetingDate']", later.date().isoformat())
    set_value(ui, "dialog[open] input[name='meetingTime']", "09:30")
    dialog_button(ui, "Tallenna muutokset").click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    later_end = later + datetime.timedelta(minutes=45)
    ui.wait_text(f"Tapaamista on muutettu: Työnhaun suunnittelu, {fi_when(later, later_end)}.", selector="#meetings")
    moved = expert.get(f"{server.base_url}/api/v1/meetings/{meeting['id']}").json()
    assert moved["sequence"] == 1 and datetime.datetime.fromisoformat(moved["startsAt"].replace("Z", "+00:00")) == later
    # the client is asked again, live
    cui.wait(lambda: fi_when(later, later_end) in meeting_row(cui, meeting["id"]).text
             and "Et ole vielä vastannut" in meeting_row(cui, meeting["id"]).text, 15)
    wait_log(cui, f"Aino Asiantuntija muutti tapaamista: Työnhaun suunnittelu, {fi_when(later, later_end)}")
    cui.button("Tulen", within=meeting_row(cui, meeting["id"])).click()
    cui.wait(lambda: "Vastauksesi: tulet." in meeting_row(cui, meeting["id"]).text, 15)

    # 5. another meeting, cancelled by the expert with a reason: shown as cancelled to the client
    other_start = local(27, 15, 0)
    r = expert.post(f"{server.base_url}/api/v1/spaces/{space_id}/meetings", json={
        "startsAt": other_start.isoformat(), "durationMinutes": 30, "kind": "inPerson",
        "location": "Sörnäisten rantatie 13, 2. krs", "participantIds": [client.user["id"]]})
    assert r.status_code == 201, r.text
    other = r.json()
    ui.wait(lambda: ui.all(f"#meetings li[data-meeting-id='{other['id']}']"), 15)
    assert "Paikka: Sörnäisten rantatie 13, 2. krs" in meeting_row(ui, other["id"]).text
    ui.css(f"#meetings li[data-meeting-id='{other['id']}'] button[data-action='cancel']").click()
    ui.wait(lambda: ui.all("dialog[open] textarea[name='reason']"))
    assert "Perutaanko tapaaminen" in ui.css("dialog[open] h2").text
    assert dialog_button(ui, "Älä peru")
    ui.css("dialog[open] textarea[name='reason']").send_keys("Asiantuntija on sairaana.")
    dialog_button(ui, "Peru tapaaminen").click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    ui.wait_text(f"Tapaaminen {fi_when(other_start, other_start + datetime.timedelta(minutes=30))} on peruttu.", selector="#meetings")
    cui.wait(lambda: "Peruttu" in meeting_row(cui, other["id"]).text, 15)
    cancelled = meeting_row(cui, other["id"])
    assert "Syy: Asiantuntija on sairaana." in cancelled.text
    assert not cancelled.find_elements("css selector", "button")  # nothing to answer any more
    assert cui.css("#meetings summary").text == "Tapaamiset (1)"

    # 6. the screenshot of the client's space at 360 px with the meetings, and axe
    shot(cui, "meetings-client-360.png", "#meetings")
    problems += serious(cui, "client space 360px, meetings open")
    ui.phone()
    shot(ui, "meetings-expert-360-form.png", "#meetings form.meeting-add")
    problems += serious(ui, "expert space 360px, meetings open")

    # 7. "Omat tapaamiset" from the header
    cui.open_menu()
    cui.css("#nav-meetings").click()
    cui.wait_page("/meetings")
    assert cui.h1() == "Omat tapaamiset"
    cui.wait(lambda: cui.all(f"main .meeting-list[data-loaded] li[data-meeting-id='{meeting['id']}']"), 15)
    mine = cui.css(f"main li[data-meeting-id='{meeting['id']}']")
    assert title in mine.text and fi_when(later, later_end) in mine.text and "Vastauksesi: tulet." in mine.text
    assert mine.find_element("css selector", ".meeting__space a").get_attribute("href").endswith(f"/spaces/{space_id}#meetings")
    assert not cui.all("main .tab-links")  # the free slots tab is the experts'
    problems += serious(cui, "/meetings 360px")
    shot(cui, "meetings-page-360.png")

    assert_clean(problems, ui, cui)


# ---- free slots ------------------------------------------------------------------------------

def test_expert_publishes_free_slots_and_the_client_books_one_on_a_phone(ui, cui, server):
    _, expert, client, space_id = new_space(server, "Vapaat ajat")
    problems = []
    one = local(28, 7, 30)
    one_end = one + datetime.timedelta(minutes=45)

    # 1. the expert publishes one time and a weekly pattern on "Vapaat aikani", and removes one
    expert_at_desk(ui, server)
    ui.open("/meetings/slots")
    assert ui.h1() == "Vapaat aikani"
    assert ui.css("main .tab-links a[aria-current='page']").text == "Vapaat ajat"
    ui.wait(lambda: ui.css("#own-slots .slot-days").get_attribute("data-loaded") == "true", 15)
    set_value(ui, "main input[name='slotDate']", one.date().isoformat())
    set_value(ui, "main input[name='slotTime']", "07:30")
    set_value(ui, "main select[name='slotDuration']", "45")
    ui.css("main input[name='slotKind'][value='inPerson']").click()
    ui.fill("slotLocation", "Sörnäisten rantatie 13")
    ui.button("Julkaise aika").click()
    ui.wait_text("Julkaistiin 1 vapaa aika.")
    ui.wait(lambda: ui.all(f"#own-slots li[data-booked='false'] time[datetime]"), 15)
    slot = next(s for s in expert.get(f"{server.base_url}/api/v1/slots?limit=100").json()["items"]
                if datetime.datetime.fromisoformat(s["startsAt"].replace("Z", "+00:00")) == one)
    assert slot["kind"] == "inPerson" and slot["location"] == "Sörnäisten rantatie 13"
    assert "klo 7.30–8.15" in ui.css(f"#own-slots li[data-slot-id='{slot['id']}']").text

    ui.css("main input[name='slotMode'][value='weekly']").click()
    assert ui.css(".slot-weekly").is_displayed() and not ui.css(".slot-one").is_displayed()
    ui.button("Julkaise ajat").click()  # no weekday, no last day
    ui.wait(lambda: ui.css("main [data-field='weekdays'] .field-error").text == "Valitse ainakin yksi viikonpäivä.")
    first = local(40, 0).date()
    set_value(ui, "main input[name='weeklyFrom']", first.isoformat())
    set_value(ui, "main input[name='weeklyTo']", (first + datetime.timedelta(days=6)).isoformat())
    for day in ("1", "2", "3"):
        ui.css(f"main input[name='weekdays'][value='{day}']").click()
    set_value(ui, "main input[name='startTime']", "14:00")
    set_value(ui, "main input[name='endTime']", "16:00")
    set_value(ui, "main select[name='slotDuration']", "30")
    ui.css("main input[name='slotKind'][value='phone']").click()
    ui.fill("slotLocation", "")
    ui.button("Julkaise ajat").click()
    ui.wait_text("Julkaistiin 12 vapaata aikaa.")
    ui.wait(lambda: len(ui.all("#own-slots li[data-slot-id]")) >= 13, 15)
    problems += serious(ui, "/meetings/slots desk")
    # removing one: the focus goes to the next time's button
    rows = [li for li in ui.all("#own-slots li[data-booked='false']") if "klo 14.00–14.30" in li.text]
    removed_id = rows[0].get_attribute("data-slot-id")
    rows[0].find_element("css selector", "button[data-action='remove']").click()
    ui.wait(lambda: not ui.all(f"#own-slots li[data-slot-id='{removed_id}']"), 15)
    ui.wait_text("on poistettu.", selector="#own-slots")
    assert ui.d.switch_to.active_element.get_attribute("data-action") == "remove"
    assert removed_id not in [s["id"] for s in expert.get(f"{server.base_url}/api/v1/slots?limit=100").json()["items"]]

    # 2. the client at 360 px books the one time in their space
    cui.sign_in(*server.users["client"])
    helsinki(cui)
    cui.open(f"/spaces/{space_id}#book")
    cui.wait(lambda: not cui.all("main .conversation__log[aria-busy='true']"), 15)
    wait_realtime(cui)
    assert cui.css("#book").get_attribute("open") is not None
    cui.wait(lambda: cui.all(f"#book li[data-slot-id='{slot['id']}']"), 15)
    row = cui.css(f"#book li[data-slot-id='{slot['id']}']")
    assert "klo 7.30–8.15" in row.text and "Tapaaminen paikan päällä · Aino Asiantuntija" in row.text
    day = row.find_element("xpath", "ancestor::section[1]/h3").text
    assert day == fi_when(one).split(" klo")[0]
    cui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    shot(cui, "meetings-book-360.png")
    problems += serious(cui, "client booking panel 360px")
    row.find_element("css selector", "button[data-action='book']").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    assert f"Varataanko aika {fi_when(one, one_end)}?" == cui.css("dialog[open] h2").text
    problems += serious(cui, "client booking dialog 360px")
    dialog_button(cui, "Varaa aika").click()
    cui.wait_text(f"Aika on varattu: {fi_when(one, one_end)}.", selector="#book")
    cui.wait(lambda: not cui.all(f"#book li[data-slot-id='{slot['id']}']"), 15)
    booked = next(m for m in client.get(f"{server.base_url}/api/v1/spaces/{space_id}/meetings").json()["items"] if m["slotId"] == slot["id"])
    cui.wait(lambda: cui.all(f"#meetings li[data-meeting-id='{booked['id']}']"), 15)
    mine = meeting_row(cui, booked["id"])
    assert "Varattu vapaasta ajasta" in mine.text and "Vastauksesi: tulet." in mine.text
    assert mine.find_element("css selector", "button[data-action='cancel']").text == "Peru varaus"
    shot(cui, "meetings-booked-360.png", "#meetings")
    # the expert's list says it is booked
    ui.open("/meetings/slots")
    ui.wait(lambda: ui.all(f"#own-slots li[data-slot-id='{slot['id']}'][data-booked='true']"), 15)
    assert "Varattu" in ui.css(f"#own-slots li[data-slot-id='{slot['id']}']").text

    # 3. the .ics of the booking, as the browser downloads it
    href = mine.find_element("css selector", "a[data-action='ics']").get_attribute("href")
    r = browser_session(cui).get(href)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    calendar, events = parse_ics(r.content)
    assert str(calendar["METHOD"]) == "PUBLISH" and len(events) == 1
    event = events[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event["DTSTART"].dt.replace(tzinfo=None) == one.replace(tzinfo=None)
    assert event["DTEND"].dt.replace(tzinfo=None) == one_end.replace(tzinfo=None)
    assert str(event["UID"]) == f"{booked['id']}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0
    assert "Sörnäisten rantatie 13" in str(event["LOCATION"])

    # 4. the client cancels that booking: it is a free time again
    cui.css(f"#meetings li[data-meeting-id='{booked['id']}'] button[data-action='cancel']").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    assert "Perutaanko varaus" in cui.css("dialog[open] h2").text
    dialog_button(cui, "Peru varaus").click()
    cui.wait(lambda: not cui.all("dialog[open]"))
    cui.wait(lambda: "Peruttu" in meeting_row(cui, booked["id"]).text, 15)
    cui.wait(lambda: cui.all(f"#book li[data-slot-id='{slot['id']}']"), 15)  # free again, live
    r = browser_session(cui).get(href)
    _, events = parse_ics(r.content)
    assert int(events[0]["SEQUENCE"]) == 1 and str(events[0]["STATUS"]) == "CANCELLED"

    problems += [f"console: {m}" for m in ui.console_errors() + cui.console_errors()]
    assert not problems, "\n".join(problems)


def test_a_second_client_racing_for_the_same_slot_is_told_it_was_taken(ui, cui, server):
    expert = api_session(server, "expert")
    kalle = api_session(server, "client")
    lina = api_session(server, "groupClient")
    group = next(s for s in expert.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["kind"] == "group")
    kalles = next(s for s in kalle.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["title"] == "Kallen ohjaustila")
    start = local(29, 7, 20)
    r = expert.post(f"{server.base_url}/api/v1/slots", json={"startsAt": start.isoformat(), "durationMinutes": 30, "kind": "phone"})
    assert r.status_code == 201 and len(r.json()["items"]) == 1, r.text
    slot = r.json()["items"][0]

    # both clients see the time
    ui.phone()
    ui.sign_in(*server.users["groupClient"])
    ui.open(f"/spaces/{group['id']}#book")
    ui.wait(lambda: ui.all(f"#book li[data-slot-id='{slot['id']}']"), 15)
    cui.sign_in(*server.users["client"])
    cui.open(f"/spaces/{kalles['id']}#book")
    cui.wait(lambda: cui.all(f"#book li[data-slot-id='{slot['id']}']"), 15)

    # Kalle is quicker; Lina's tap comes after
    cui.css(f"#book li[data-slot-id='{slot['id']}'] button[data-action='book']").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    ui.css(f"#book li[data-slot-id='{slot['id']}'] button[data-action='book']").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    dialog_button(cui, "Varaa aika").click()
    cui.wait_text("Aika on varattu", selector="#book")
    dialog_button(ui, "Varaa aika").click()
    ui.wait_text("Joku muu ehti varata tämän ajan juuri ennen sinua. Valitse toinen aika.", selector="#book")
    assert ui.css("#book [role='alert']").text.startswith("Joku muu ehti varata")
    ui.wait(lambda: not ui.all(f"#book li[data-slot-id='{slot['id']}']"), 15)  # the list was loaded again
    assert not [m for m in lina.get(f"{server.base_url}/api/v1/meetings").json()["items"] if m.get("slotId") == slot["id"]]
    assert [m for m in kalle.get(f"{server.base_url}/api/v1/meetings").json()["items"] if m.get("slotId") == slot["id"]]
    problems = serious(ui, "slot taken 360px")
    assert not problems, "\n".join(problems)


def test_a_booking_too_close_to_the_meeting_cannot_be_cancelled_here(cui, server):
    expert = api_session(server, "expert")
    client = api_session(server, "client")
    space = next(s for s in client.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["title"] == "Kallen ohjaustila")
    soon = (datetime.datetime.now(HELSINKI) + datetime.timedelta(hours=3)).replace(second=0, microsecond=0)
    soon = soon.replace(minute=soon.minute - soon.minute % 5) + datetime.timedelta(minutes=3)
    r = expert.post(f"{server.base_url}/api/v1/slots", json={"startsAt": soon.isoformat(), "durationMinutes": 15, "kind": "phone"})
    assert r.status_code == 201 and r.json()["items"], r.text
    slot = r.json()["items"][0]
    r = client.post(f"{server.base_url}/api/v1/slots/{slot['id']}/book", json={"spaceId": space["id"]})
    assert r.status_code == 201, r.text
    meeting = r.json()
    cui.sign_in(*server.users["client"])
    cui.open(f"/spaces/{space['id']}")
    cui.wait(lambda: cui.all(f"#meetings li[data-meeting-id='{meeting['id']}']"), 15)
    cui.css(f"#meetings li[data-meeting-id='{meeting['id']}'] button[data-action='cancel']").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    dialog_button(cui, "Peru varaus").click()
    cui.wait(lambda: "Tapaamiseen on niin vähän aikaa, ettet voi enää perua sitä täällä." in cui.css("dialog[open] .form-error").text, 15)
    dialog_button(cui, "Älä peru").click()
    cui.wait(lambda: not cui.all("dialog[open]"))
    assert client.get(f"{server.base_url}/api/v1/meetings/{meeting['id']}").json()["status"] == "scheduled"


# ---- the calendar subscription ---------------------------------------------------------------

def test_the_calendar_feed_is_made_renewed_and_turned_off_on_the_account_page(cui, server):
    client = api_session(server, "client")
    cui.sign_in(*server.users["client"])
    cui.open("/account")
    cui.wait(lambda: "Sinulla ei ole kalenteritilausta." in cui.css("#calendar-feed").text, 15)
    assert cui.css("#calendar-feed h2").text == "Kalenteritilaus"
    cui.button("Luo tilauslinkki").click()
    cui.wait(lambda: cui.all("#calendar-feed input[name='calendarFeedUrl']"), 15)
    url = cui.css("#calendar-feed input[name='calendarFeedUrl']").get_attribute("value")
    assert url.startswith(server.base_url + "/api/v1/calendar/") and url.endswith(".ics")
    assert "Kopioi se nyt: linkki näytetään vain tämän kerran." in cui.css("#calendar-feed").text
    assert "Käytössä" in cui.css("#calendar-feed .calendar-feed__state").text
    cui.button("Kopioi linkki").click()
    cui.wait(lambda: any(t in cui.css("#calendar-feed .calendar-feed__new").text
                         for t in ("Linkki on kopioitu.", "Kopiointi ei onnistunut.")))
    shot(cui, "meetings-calendar-feed-360.png", "#calendar-feed")
    problems = serious(cui, "/account with the feed link 360px")

    # the feed: the client's meetings, no session needed
    r = requests.get(url)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    _, events = parse_ics(r.content)
    mine = client.get(f"{server.base_url}/api/v1/meetings?limit=100").json()["items"]
    assert mine and {f"{m['id']}@127.0.0.1" for m in mine} <= {str(e["UID"]) for e in events}
    # the demo meeting: its DTSTART is in Helsinki time
    demo = next(m for m in mine if m["title"] == "Suunnitelman läpikäynti")
    entry = next(e for e in events if str(e["UID"]) == f"{demo['id']}@127.0.0.1")
    assert entry["DTSTART"].params["TZID"] == "Europe/Helsinki"
    starts = datetime.datetime.fromisoformat(demo["startsAt"].replace("Z", "+00:00")).astimezone(HELSINKI)
    assert entry["DTSTART"].dt.replace(tzinfo=None) == starts.replace(tzinfo=None)

    # a new link: the old one stops working
    cui.button("Luo uusi linkki").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    assert "Vanha linkki lakkaa toimimasta heti." in cui.css("dialog[open]").text
    dialog_button(cui, "Luo uusi linkki").click()
    cui.wait(lambda: cui.css("#calendar-feed input[name='calendarFeedUrl']").get_attribute("value") != url, 15)
    new_url = cui.css("#calendar-feed input[name='calendarFeedUrl']").get_attribute("value")
    assert requests.get(url).status_code == 404 and requests.get(new_url).status_code == 200

    # turned off
    cui.button("Lopeta tilaus").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    cui.css("dialog[open] .btn--danger").click()
    cui.wait_text("Kalenteritilaus on lopetettu. Vanha linkki ei enää toimi.", selector="#calendar-feed")
    assert not cui.all("#calendar-feed input[name='calendarFeedUrl']")
    assert "Ei käytössä" in cui.css("#calendar-feed .calendar-feed__state").text
    assert requests.get(new_url).status_code == 404
    assert client.get(f"{server.base_url}/api/v1/me/calendar-feed").json()["active"] is False
    assert not problems, "\n".join(problems)


# ---- languages and accessibility -------------------------------------------------------------

TEXTS = {
    "fi": {"nav": "Omat tapaamiset", "panel": "Tapaamiset", "book": "Varaa aika", "accept": "Tulen", "ics": "Lataa kalenteriin (.ics)",
           "feed": "Kalenteritilaus", "slots": "Vapaat aikani", "bookThis": "Varaa tämä aika"},
    "sv": {"nav": "Mina möten", "panel": "Möten", "book": "Boka en tid", "accept": "Jag kommer", "ics": "Ladda ner till kalendern (.ics)",
           "feed": "Kalenderprenumeration", "slots": "Mina lediga tider", "bookThis": "Boka den här tiden"},
    "en": {"nav": "My meetings", "panel": "Meetings", "book": "Book a time", "accept": "I will come", "ics": "Download to calendar (.ics)",
           "feed": "Calendar subscription", "slots": "My free slots", "bookThis": "Book this time"},
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_meetings_views_in_every_language_have_no_serious_axe_violations(ui, cui, server, language):
    words = TEXTS[language]
    client = api_session(server, "client")
    space = next(s for s in client.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["title"] == "Kallen ohjaustila")
    problems = []

    cui.sign_in(*server.users["client"])
    cui.set_language(language)
    cui.open(f"/spaces/{space['id']}#book")
    cui.wait(lambda: cui.all("#meetings li[data-meeting-id]") and cui.all("#book li[data-slot-id]"), 15)
    assert cui.css("#meetings summary").text.startswith(words["panel"])
    assert cui.css("#book summary").text.startswith(words["book"])
    demo = next(li for li in cui.all("#meetings li[data-meeting-id]") if "Suunnitelman läpikäynti" in li.text)
    assert demo.find_element("css selector", "button[data-action='accepted']").text == words["accept"]
    assert demo.find_element("css selector", "a[data-action='ics']").text == words["ics"]
    assert cui.css("#book button[data-action='book']").text == words["bookThis"]
    assert cui.d.execute_script("return document.getElementById('nav-meetings').textContent") == words["nav"]
    problems += serious(cui, f"client space with meetings and free times 360px [{language}]")
    cui.open("/meetings")
    cui.wait(lambda: cui.all("main .meeting-list[data-loaded] li[data-meeting-id]"), 15)
    assert cui.h1() == words["nav"]
    problems += serious(cui, f"/meetings 360px [{language}]")
    cui.open("/account")
    cui.wait(lambda: cui.all("#calendar-feed .calendar-feed__state .badge"), 15)
    assert cui.css("#calendar-feed h2").text == words["feed"]
    problems += serious(cui, f"/account 360px [{language}]")

    ui.sign_in(*server.users["expert"])
    ui.set_language(language)
    ui.open("/meetings/slots")
    ui.wait(lambda: ui.css("#own-slots .slot-days").get_attribute("data-loaded") == "true", 15)
    assert ui.h1() == words["slots"]
    problems += serious(ui, f"/meetings/slots 360px [{language}]")
    ui.open(f"/spaces/{space['id']}#meetings")
    ui.wait(lambda: ui.all("#meetings li[data-meeting-id]") and ui.all("#meetings form.meeting-add"), 15)
    problems += serious(ui, f"expert space meetings 360px [{language}]")

    assert_clean(problems, ui, cui, label=f" [{language}]")
