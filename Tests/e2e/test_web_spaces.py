"""Guidance spaces in the browser: an expert opens a space for the demo client and adds an expert
of another sector; the client, in a second browser at 360 px, sees the joining and answers; both
see messages live; an offline message is sent once when the connection returns; edit, delete,
"seen by", typing, older messages, notifications, closing; fi/sv/en; axe; the scroll position
survives a change of language."""
import pathlib
import secrets
import subprocess
import time

import pytest
import requests

from conftest import BINARY, MIGRATIONS, ROOT, api_session
from spaces_ui import enter, messages_with, open_space, open_space_api, serious, wait_log, wait_realtime

SHOTS = pathlib.Path("/tmp/shots")
SECTOR_WORDS = {"public": "julkinen sektori", "private": "yksityinen sektori", "third": "järjestö tai säätiö"}


# ---- fixtures --------------------------------------------------------------------------------

def create_expert(server, organization, name):
    email = f"{name.split()[0].lower()}.{secrets.token_hex(3)}@example.fi"
    made = subprocess.run(
        [str(BINARY), "user", "create", "--data-dir", str(server.data_dir), "--migrations-dir", str(MIGRATIONS),
         "--email", email, "--name", name, "--password-stdin", "--organization", organization, "--role", "expert"],
        input="toisen sektorin salasana\n", capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert made.returncode == 0, made.stderr
    return email, "toisen sektorin salasana"


@pytest.fixture(scope="module")
def other_expert(server):
    """An expert of an organisation of another sector than the demo expert's (public)."""
    orgs = requests.get(f"{server.base_url}/api/v1/organizations?limit=100").json()["items"]
    other = next(o for o in orgs if o["sector"] != "public")
    email, password = create_expert(server, other["id"], "Vesa Verkosto")
    return {"email": email, "password": password, "name": "Vesa Verkosto", "org": other}


def log_seqs(ui):
    return ui.d.execute_script(
        "return [...document.querySelectorAll('main .conversation__log [data-seq]')].map((r) => Number(r.dataset.seq))")


def send(ui, text):
    box = ui.css("main .composer textarea")
    box.send_keys(text)
    ui.css("main .composer button[type=submit]").click()


# ---- the main flow ---------------------------------------------------------------------------

def test_expert_opens_a_space_adds_another_sector_and_the_client_answers_live(ui, cui, server, other_expert):
    ui.desktop()
    ui.sign_in(*server.users["expert"])
    ui.open("/spaces")
    assert ui.h1() == "Ohjaustilat"
    ui.link("Avaa uusi ohjaustila").click()
    ui.wait_page("/spaces/new")
    title = f"Kallen polku {secrets.token_hex(2)}"
    ui.fill("title", title)
    ui.fill("clientEmail", server.users["client"][0])
    # the consent text is the server's, with its version
    ui.wait(lambda: ui.css("main .consent-text").get_attribute("data-version"))
    assert "suostumukseni" in ui.css("main .consent-text").text
    ui.css("main input[name='consentMethod'][value='inPerson']").click()
    ui.css("main form.space-new button[type=submit]").click()
    ui.wait(lambda: ui.d.execute_script("return /^\\/spaces\\/[^/]+$/.test(location.pathname) && location.pathname !== '/spaces/new'"), 15)
    space_id = ui.d.execute_script("return location.pathname.split('/')[2]")
    ui.wait_page(f"/spaces/{space_id}")
    ui.wait_text(f"Ohjaustila {title} on avattu.")
    assert ui.h1() == title
    wait_realtime(ui)

    # add the expert of another sector (the members panel is open beside the conversation on a desk)
    assert ui.css("#members").get_attribute("open") is not None
    ui.fill("expertEmail", other_expert["email"])
    ui.button("Lisää asiantuntija").click()
    ui.wait_text(f"{other_expert['name']} on lisätty ohjaustilaan.")
    org_name = other_expert["org"]["name"]["fi"]
    joined = f"{other_expert['name']}, {org_name} ({SECTOR_WORDS[other_expert['org']['sector']]}) liittyi"
    wait_log(ui, joined)
    ui.wait(lambda: other_expert["name"] in ui.css("#members").text)

    # the client, on a phone, sees the space and the joining event
    cui.sign_in(*server.users["client"])
    cui.open("/spaces")
    cui.wait(lambda: cui.all(f"main [data-space-id='{space_id}']"))
    item = cui.css(f"main [data-space-id='{space_id}']")
    assert "Ohjaustila" in item.text and "Avoin" in item.text
    item.find_element("css selector", "a").click()
    cui.wait_page(f"/spaces/{space_id}")
    cui.wait(lambda: not cui.all("main .conversation__log[aria-busy='true']"))
    wait_log(cui, joined)
    log = cui.css("main .conversation__log")
    assert log.get_attribute("role") == "log"
    cui.wait(lambda: log.get_attribute("aria-live") == "polite")  # quiet only while the first rows went in
    wait_realtime(cui)

    # both ways, live
    send(cui, "Hei! Kiitos, tämä on hyvä paikka.")
    wait_log(ui, "Hei! Kiitos, tämä on hyvä paikka.")
    wait_log(cui, "Hei! Kiitos, tämä on hyvä paikka.")
    cui.wait(lambda: not cui.all("main .msg--pending"))

    # typing, then the expert's answer; the client reads it and the expert sees "seen by"
    ui.css("main .composer textarea").send_keys("Hienoa")
    cui.wait(lambda: "Aino Asiantuntija kirjoittaa" in cui.css("main .conversation__typing").text)
    ui.css("main .composer textarea").send_keys(", nähdään torstaina.")
    ui.css("main .composer button[type=submit]").click()
    wait_log(cui, "Hienoa, nähdään torstaina.")
    ui.wait(lambda: "Nähnyt: Kalle Asiakas" in ui.css("main .conversation__seen").text, 15)
    cui.wait(lambda: cui.css("main .conversation__typing").text == "", 10)

    # own messages: edit and delete, seen on the other side
    mine = cui.all("main .msg--own")[-1]
    cui.button("Muokkaa", within=mine).click()
    cui.wait(lambda: cui.all("dialog[open] textarea"))
    area = cui.css("dialog[open] textarea")
    area.clear()
    area.send_keys("Hei! Kiitos, tämä on tosi hyvä paikka.")
    cui.css("dialog[open] button[type=submit]").click()
    wait_log(ui, "Hei! Kiitos, tämä on tosi hyvä paikka.")
    ui.wait(lambda: "muokattu" in ui.css("main .conversation__log").text)
    mine = [m for m in ui.all("main .msg--own") if "nähdään torstaina" in m.text][-1]
    ui.button("Poista", within=mine).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.button("Poista viesti").click()
    wait_log(cui, "Viesti poistettu")
    assert "nähdään torstaina" not in cui.css("main .conversation__log").text

    # nothing twice
    for who in (ui, cui):
        seqs = log_seqs(who)
        assert len(seqs) == len(set(seqs)), seqs
        assert seqs == sorted(seqs)

    # the client's view at 360 px, looked at by a person
    SHOTS.mkdir(parents=True, exist_ok=True)
    cui.d.execute_script("window.scrollTo(0, 0)")
    cui.d.save_screenshot(str(SHOTS / "space-client-360-top.png"))
    cui.d.execute_script("document.querySelector('main .conversation').scrollIntoView()")
    cui.d.save_screenshot(str(SHOTS / "space-client-360.png"))
    ui.d.save_screenshot(str(SHOTS / "space-expert-desk.png"))
    assert cui.d.execute_script("return document.documentElement.scrollWidth") <= 360
    for who in (ui, cui):
        assert "[object" not in who.text() and "undefined" not in who.text()
    problems = serious(cui, "client space 360px") + serious(ui, "expert space desk")
    assert not problems, "\n".join(problems)
    assert not cui.console_errors() and not ui.console_errors()


def test_a_message_written_offline_is_sent_once_when_the_connection_returns(ui, cui, server):
    expert, space = open_space_api(server, f"Verkoton {secrets.token_hex(2)}")
    ui.desktop()
    enter(ui, server, "expert", space["id"])
    enter(cui, server, "client", space["id"])

    text = f"Kirjoitin tämän ilman verkkoa {secrets.token_hex(3)}"
    cui.d.execute_cdp_cmd("Network.enable", {})
    cui.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                          {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        cui.wait(lambda: cui.d.execute_script("return navigator.onLine") is False)
        send(cui, text)
        cui.wait(lambda: cui.all("main .msg--pending[data-pending='waiting']"))
        pending = cui.css("main .msg--pending")
        assert text in pending.text and "Ei vielä lähetetty" in pending.text
        # kept in IndexedDB: the outbox has it
        kept = cui.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            import('/js/outbox.js').then((m) => m.pendingFor(arguments[0])).then((e) => done(e.map((x) => x.body)), (e) => done(String(e)));
        """, space["id"])
        assert kept == [text], kept
        time.sleep(1.5)
        assert not messages_with(expert, server, space["id"], text)
        cui.d.save_screenshot(str(SHOTS / "space-client-offline-360.png"))
    finally:
        cui.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                              {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    cui.wait(lambda: not cui.all("main .msg--pending"), 30, "the unsent message was not sent after coming back")
    wait_log(cui, text)
    wait_log(ui, text, timeout=30)
    time.sleep(1)
    assert len(messages_with(expert, server, space["id"], text)) == 1
    for who in (ui, cui):
        shown = [m for m in who.all("main .conversation__log .msg") if text in m.text]
        assert len(shown) == 1
    # the outbox is empty again
    left = cui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('/js/outbox.js').then((m) => m.pendingFor(arguments[0])).then((e) => done(e.length), (e) => done(String(e)));
    """, space["id"])
    assert left == 0


def test_changing_the_language_keeps_the_conversation_and_its_scroll_position(cui, server):
    expert, space = open_space_api(server, f"Pitkä keskustelu {secrets.token_hex(2)}")
    for i in range(45):
        r = expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/messages",
                        json={"clientMessageId": f"seed-{i}", "body": f"Viesti numero {i + 1}"})
        assert r.status_code == 201, r.text
    cui.sign_in(*server.users["client"])
    open_space(cui, space["id"])
    wait_log(cui, "Viesti numero 45")

    # older messages come on request, once each
    before = log_seqs(cui)
    cui.button("Lataa vanhemmat viestit").click()
    cui.wait(lambda: len(log_seqs(cui)) > len(before))
    seqs = log_seqs(cui)
    assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs) and min(seqs) < min(before)
    wait_log(cui, "Viesti numero 1")

    # scroll to the middle, then switch the language: the same message stays at the same place
    cui.d.execute_script("const log = document.querySelector('main .conversation__log'); log.scrollTop = log.scrollHeight / 2;")
    time.sleep(0.3)
    anchor = """
        const log = document.querySelector('main .conversation__log');
        const rows = [...log.querySelectorAll('[data-seq]')];
        const row = rows.find((r) => r.offsetTop + r.offsetHeight > log.scrollTop);
        return {seq: row.dataset.seq, offset: row.offsetTop - log.scrollTop, count: rows.length};
    """
    first = cui.d.execute_script(anchor)
    draft = "Luonnos, jota en lähettänyt"
    cui.css("main .composer textarea").send_keys(draft)
    for language, heading, button in (("Svenska", "Samtal", "Skicka meddelandet"), ("English", "Conversation", "Send message")):
        cui.button(language).click()
        cui.wait(lambda: cui.css("main .conversation__title").text == heading)
        cui.wait(lambda: not cui.all("main .conversation__log[aria-busy='true']"))
        time.sleep(0.3)
        now = cui.d.execute_script(anchor)
        assert now["seq"] == first["seq"] and abs(now["offset"] - first["offset"]) <= 4, (first, now)
        assert now["count"] == first["count"]
        assert cui.css("main .composer button[type=submit]").text == button
        assert cui.css("main .composer textarea").get_attribute("value") == draft
    cui.button("Suomi").click()
    cui.wait(lambda: cui.css("main .conversation__title").text == "Keskustelu")


def test_spaces_pages_in_every_language_have_no_serious_axe_violations(ui, cui, server, other_expert):
    _, space = open_space_api(server, f"Saavutettava {secrets.token_hex(2)}", extra_expert=other_expert["email"])
    headings = {
        "fi": ("Ohjaustilat", "Avaa uusi ohjaustila", "Ilmoitukset", "Lähetä viesti", "Kuka on katsonut tietojani"),
        "sv": ("Vägledningsrum", "Öppna ett nytt vägledningsrum", "Aviseringar", "Skicka meddelandet", "Vem har sett mina uppgifter"),
        "en": ("Guidance spaces", "Open a new guidance space", "Notifications", "Send message", "Who has viewed my data"),
    }
    ui.sign_in(*server.users["expert"])
    cui.sign_in(*server.users["client"])
    problems = []
    for language, (spaces_h1, new_h1, notifications_h1, send_text, access_title) in headings.items():
        ui.set_language(language)
        cui.set_language(language)
        # the expert on a phone: the list, the form, the space with every panel open, notifications
        ui.open("/spaces")
        ui.wait(lambda: ui.all("main .space-list[data-loaded]"))
        assert ui.h1() == spaces_h1
        problems += serious(ui, f"/spaces [{language}]")
        ui.open("/spaces/new")
        assert ui.h1() == new_h1
        problems += serious(ui, f"/spaces/new [{language}]")
        ui.css("main input[name='kind'][value='group']").click()
        problems += serious(ui, f"/spaces/new group [{language}]")
        open_space(ui, space["id"])
        for details in ui.all("main details.panel"):
            if details.get_attribute("open") is None:
                details.find_element("css selector", "summary").click()
        ui.wait(lambda: not ui.all("main [aria-busy='true']"))
        time.sleep(0.5)
        problems += serious(ui, f"/spaces/id expert [{language}]")
        ui.open("/notifications")
        assert ui.h1() == notifications_h1
        ui.wait(lambda: not ui.all("main [aria-busy='true']"))
        problems += serious(ui, f"/notifications [{language}]")
        # the client's phone view with its panels
        open_space(cui, space["id"])
        assert cui.css("main .composer button[type=submit]").text == send_text
        cui.css("#access-log summary").click()
        cui.wait(lambda: access_title in cui.css("#access-log summary").text)
        cui.wait(lambda: cui.all("#access-log li.access"))
        problems += serious(cui, f"/spaces/id client [{language}]")
    problems += [f"console: {m}" for m in ui.console_errors() + cui.console_errors()]
    assert not problems, "\n".join(problems)


def test_the_client_sees_who_has_viewed_their_data_and_the_consent(cui, server):
    expert, space = open_space_api(server, f"Loki {secrets.token_hex(2)}")
    assert expert.get(f"{server.base_url}/api/v1/spaces/{space['id']}/events?after=0").status_code == 200
    cui.sign_in(*server.users["client"])
    open_space(cui, space["id"])
    cui.css("#access-log summary").click()
    cui.wait(lambda: cui.all("#access-log li.access"))
    text = cui.css("#access-log").text
    assert "Aino Asiantuntija" in text and "katsoi viestejä" in text
    cui.css("#consent summary").click()
    cui.wait(lambda: cui.all("#consent li.consent"))
    consent = cui.css("#consent").text
    assert "Tapaamisessa" in consent and "suostumukseni" in consent and server.users["client"][0] in consent


def test_the_header_counts_unread_notifications_live_and_the_list_marks_them_read(ui, server):
    _, space = open_space_api(server, f"Ilmoitus {secrets.token_hex(2)}")
    client = api_session(server, "client")
    ui.desktop()
    ui.sign_in(*server.users["expert"])
    ui.open("/spaces")
    wait_realtime(ui)
    start = int(ui.css("#nav-notifications").get_attribute("data-unread"))
    for body in ("Kysyisin yhtä asiaa.", "Ja toisenkin."):
        r = client.post(f"{server.base_url}/api/v1/spaces/{space['id']}/messages",
                        json={"clientMessageId": secrets.token_hex(8), "body": body})
        assert r.status_code == 201, r.text
    ui.wait(lambda: int(ui.css("#nav-notifications").get_attribute("data-unread")) == start + 2, 15)
    assert "uutta" in ui.css("#nav-notifications").text
    # the list of spaces moved the space up with its unread count in words
    ui.wait(lambda: "2 lukematonta" in ui.css(f"main [data-space-id='{space['id']}']").text, 15)
    ui.css("#nav-notifications").click()
    ui.wait_page("/notifications")
    # one item for the space, with its latest event and how many are new
    row = f"main li[data-space='{space['id']}']"
    ui.wait(lambda: ui.all(row))
    assert len(ui.all(row)) == 1
    assert "2 uutta" in ui.css(row).text and "Kalle Asiakas kirjoitti viestin tilaan" in ui.css(row).text
    ui.button("Merkitse luetuksi", within=ui.css(row)).click()
    ui.wait(lambda: ui.css(row).get_attribute("data-read") == "true")
    assert "uutta" not in ui.css(row).text
    ui.wait(lambda: int(ui.css("#nav-notifications").get_attribute("data-unread")) == start, 15)
    if start:
        ui.button("Merkitse kaikki luetuiksi").click()
    ui.wait(lambda: not ui.all("main .notification--unread"))
    ui.wait(lambda: ui.css("#nav-notifications").get_attribute("data-unread") == "0")
    assert ui.css("#nav-notifications .nav-count").is_displayed() is False


def test_the_owner_closes_the_space_with_an_outcome_and_it_becomes_read_only(ui, server):
    _, space = open_space_api(server, f"Suljettava {secrets.token_hex(2)}")
    ui.sign_in(*server.users["expert"])
    open_space(ui, space["id"])
    ui.css("#close summary").click()
    ui.wait(lambda: ui.all("#close select[name='outcome'] option[value]:not([value=''])"))
    ui.css("#close select[name='outcome'] option[value]:not([value=''])").click()
    ui.button("Sulje ohjaustila", within=ui.css("#close form")).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.css("dialog[open] .btn--danger").click()
    ui.wait_text("Ohjaustila on suljettu.")
    ui.wait(lambda: "Suljettu" in ui.css("main .space-meta").text)
    assert not ui.css("main .composer").is_displayed()
    assert "et voi enää kirjoittaa" in ui.text()
    assert "Työmarkkinatilanne sulkiessa" in ui.text()


def test_a_group_space_shows_private_messages_as_such_and_the_owner_invites_a_client(ui, cui, server):
    client = api_session(server, "client")
    group = next(s for s in client.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["kind"] == "group")
    cui.sign_in(*server.users["client"])
    open_space(cui, group["id"])
    assert "Ryhmäohjaustila" in cui.css("main .space-meta").text
    private = [m for m in cui.all("main .msg") if "vain sinulle" in m.text]
    assert len(private) == 1 and "Yksityinen viesti" in private[0].text
    # the other client of the group does not see it
    other = api_session(server, "groupClient")
    bodies = [e["data"].get("body") for e in other.get(f"{server.base_url}/api/v1/spaces/{group['id']}/events?after=0").json()["items"]]
    assert not [b for b in bodies if b and "vain sinulle" in b]

    ui.desktop()
    ui.sign_in(*server.users["expert"])
    open_space(ui, group["id"])
    email = f"uusi.{secrets.token_hex(3)}@example.fi"
    ui.fill("clientEmail", email)
    ui.css("#members input[name='inviteConsent'][value='phone']").click()
    assert ui.css("#members .consent-text").text
    ui.button("Kutsu asiakas").click()
    ui.wait_text(f"Kutsu on lähetetty osoitteeseen {email}.")
    ui.wait(lambda: email in ui.css("#members .member-pending").text)
    assert "Odottaa" in ui.css("#members .member-pending").text
    problems = serious(ui, "group space desk")
    assert not problems, "\n".join(problems)


def test_ownership_handed_over_then_removal_and_leaving_reach_the_open_pages_at_once(ui, cui, server, other_expert):
    _, space = open_space_api(server, f"Vastuu {secrets.token_hex(2)}", extra_expert=other_expert["email"])
    ui.desktop()
    enter(ui, server, "expert", space["id"])
    cui.desktop()
    cui.sign_in(other_expert["email"], other_expert["password"])
    open_space(cui, space["id"])
    wait_realtime(cui)
    assert not cui.all("#close")  # only the owner closes

    row = next(li for li in ui.all("#members li.member") if other_expert["name"] in li.text)
    ui.button("Anna vastuu", within=row).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.css("dialog[open] .btn--primary").click()
    wait_log(cui, f"{other_expert['name']} on nyt vastuuasiantuntija.")
    # both pages follow: the new owner gets the owner's tools, the former owner may leave
    cui.wait(lambda: cui.all("#close"), 15)
    ui.wait(lambda: "Lähde ohjaustilasta" in ui.css("#members").text, 15)
    assert f"Vastuuasiantuntija: {other_expert['name']}" in ui.css("main .space-meta").text

    # the new owner removes the former one, whose open page leaves the space at once
    row = next(li for li in cui.all("#members li.member") if "Aino Asiantuntija" in li.text)
    cui.button("Poista jäsen", within=row).click()
    cui.wait(lambda: cui.all("dialog[open]"))
    cui.css("dialog[open] .btn--danger").click()
    ui.wait_page("/spaces", timeout=15)
    ui.wait_text(f"Et ole enää ohjaustilan {space['title']} jäsen.")
    wait_log(cui, "Aino Asiantuntija poistettiin ohjaustilasta.")

    # leaving: an expert leaves a space of the demo expert's
    _, other = open_space_api(server, f"Lähtö {secrets.token_hex(2)}", extra_expert=other_expert["email"])
    open_space(cui, other["id"])
    cui.button("Lähde ohjaustilasta").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    cui.css("dialog[open] .btn--danger").click()
    cui.wait_page("/spaces", timeout=15)
    cui.wait_text(f"Lähdit ohjaustilasta {other['title']}.")
    assert not cui.all(f"main [data-space-id='{other['id']}']")


def test_the_expert_opens_a_group_space_with_clients_added_one_by_one(ui, server):
    ui.sign_in(*server.users["expert"])
    ui.open("/spaces/new")
    ui.css("main input[name='kind'][value='group']").click()
    assert not ui.css("main input[name='clientEmail']").is_displayed()
    title = f"Ryhmä {secrets.token_hex(2)}"
    ui.fill("title", title)
    ui.fill("maxClients", "3")
    newcomer = f"ryhma.{secrets.token_hex(3)}@example.fi"
    for email in (server.users["groupClient"][0], newcomer, newcomer):
        ui.fill("groupClientEmail", email)
        ui.button("Lisää asiakas").click()
    ui.wait_text("Tämä osoite on jo lisätty.")
    assert [li.get_attribute("data-email") for li in ui.all("main .group-client")] == [server.users["groupClient"][0], newcomer]
    ui.css("main input[name='consentMethod'][value='electronic']").click()
    ui.css("main form.space-new button[type=submit]").click()
    ui.wait(lambda: ui.d.execute_script("return document.documentElement.dataset.page").startswith("/spaces/")
            and ui.d.execute_script("return document.documentElement.dataset.page") != "/spaces/new", 15)
    ui.wait_text(f"Ohjaustila {title} on avattu.")
    assert "Ryhmäohjaustila" in ui.css("main .space-meta").text
    if ui.css("#members").get_attribute("open") is None:  # a phone shows the members on request
        ui.css("#members summary").click()
    ui.wait(lambda: "Lina Laine" in ui.css("#members").text and newcomer in ui.css("#members").text)
