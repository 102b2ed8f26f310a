"""Files of guidance spaces in the browser: the files panel uploads with a visible progress and lists
name, size and date with download links; refused types and too large files are explained next to
the field in fi/sv/en; a message carries an attachment (uploaded first, then sent with its id), and
offline such a message is refused in plain words instead of being queued; private messages of a
group space (the expert to one client, a client to the experts) reach only whom they should; the
header is one row on a phone with a menu behind "Valikko"; axe in every language; screenshots."""
import pathlib
import secrets
import time

import pytest

from conftest import Server, api_session, make_driver, phone_ui
from spaces_ui import enter, events, open_space, open_space_api, serious, wait_log

SHOTS = pathlib.Path("/tmp/shots")
PDF = b"%PDF-1.4\n% hakemus\n1 0 obj << >> endobj\n%%EOF\n"


# ---- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    """The demo server with a 1 MB upload limit: the server's own file.tooLarge is reachable."""
    s = Server(extra_args=("--max-upload-mb", "1"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def third_driver():
    d = make_driver()
    yield d
    d.quit()


@pytest.fixture
def lui(third_driver, server):
    return phone_ui(third_driver, server)


@pytest.fixture
def files_dir(tmp_path):
    return tmp_path


def group_space(server):
    client = api_session(server, "client")
    return next(s for s in client.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["kind"] == "group")


def open_files(ui):
    if ui.css("#files").get_attribute("open") is None:
        ui.css("#files summary").click()
    ui.wait(lambda: ui.all("#files form.upload-form"), 15)


def file_error(ui, within):
    return ui.css(f"{within} [data-field] .field-error").text


def throttle(ui, upload_bytes_per_second):
    ui.d.execute_cdp_cmd("Network.enable", {})
    ui.d.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": upload_bytes_per_second})


def offline(ui, on):
    ui.d.execute_cdp_cmd("Network.enable", {})
    ui.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                         {"offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


# ---- 1. the files panel ------------------------------------------------------------------------

def test_the_files_panel_uploads_with_progress_lists_and_downloads(cui, server, files_dir):
    expert, space = open_space_api(server, f"Tiedostot {secrets.token_hex(2)}")
    cui.sign_in(*server.users["client"])
    open_space(cui, space["id"])
    open_files(cui)
    assert "Tiedostoja ei ole vielä." in cui.css("#files").text
    # the limit is this server's (--max-upload-mb 1), not a number fixed in the browser
    assert "enintään 1 Mt" in cui.css("#files .upload-form").text

    # a slow connection: the upload shows its progress in words and on a bar
    note = files_dir / "muistio.txt"
    note.write_bytes(("Työhakemuksen muistiinpanot\n" * 12000).encode())  # ~330 kB
    cui.css("#files input[type=file]").send_keys(str(note))
    throttle(cui, 120_000)
    try:
        cui.button("Lähetä tiedosto", within=cui.css("#files")).click()
        cui.wait(lambda: "Lähetetään tiedostoa muistio.txt" in cui.css("#files .upload-progress").text, 5)
        assert cui.css("#files .upload-progress progress").is_displayed()
        assert cui.css("#files form.upload-form").get_attribute("aria-busy") == "true"
        assert "Lähetetään…" in cui.css("#files form.upload-form button[type=submit]").text
        SHOTS.mkdir(parents=True, exist_ok=True)
        cui.d.execute_script("document.querySelector('#files .upload-progress').scrollIntoView({block: 'center'})")
        cui.d.save_screenshot(str(SHOTS / "web2-files-uploading.png"))
    finally:
        throttle(cui, -1)
    cui.wait_text("Tiedosto muistio.txt on lisätty.", 30, "#files")
    cui.wait(lambda: not cui.css("#files .upload-progress").is_displayed())

    # the list: name, size, who and when; the link downloads it
    row = cui.css("#files li.file")
    assert "muistio.txt" in row.text and "kt)" in row.text and "Lisännyt sinä" in row.text
    assert row.find_element("css selector", "time").get_attribute("datetime")
    link = row.find_element("css selector", "a")
    assert link.get_attribute("download") == "muistio.txt"
    got = cui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then((r) => done([r.status, r.headers.get('Content-Disposition'), r.headers.get('Content-Type')]), (e) => done(String(e)));
    """, link.get_attribute("href"))
    assert got[0] == 200 and got[1].startswith("attachment;") and got[2].startswith("text/plain")
    # the expert sees it in the list too (and the event in the conversation)
    listed = expert.get(f"{server.base_url}/api/v1/spaces/{space['id']}/files").json()["items"]
    assert [f["name"] for f in listed] == ["muistio.txt"]
    wait_log(cui, "Lisäsit tiedoston muistio.txt.")

    cui.d.execute_script("document.querySelector('#files').scrollIntoView()")
    cui.d.save_screenshot(str(SHOTS / "web2-files.png"))
    problems = serious(cui, "files panel 360px")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language,refused,too_big,choose", [
    ("fi", "Tätä tiedostotyyppiä ei voi lisätä", "Tiedosto on liian suuri", "Valitse ensin tiedosto."),
    ("sv", "Den här filtypen kan inte läggas till", "Filen är för stor", "Välj först en fil."),
    ("en", "This type of file cannot be added", "The file is too large", "Choose a file first."),
])
def test_refused_and_too_large_files_are_explained_next_to_the_field(cui, server, files_dir, language, refused, too_big, choose):
    expert, space = open_space_api(server, f"Torjutut {secrets.token_hex(2)}")
    cui.sign_in(*server.users["client"])
    cui.set_language(language)
    open_space(cui, space["id"])
    open_files(cui)
    form = "#files form.upload-form"
    upload_button = cui.css(f"{form} button[type=submit]")

    # nothing chosen
    upload_button.click()
    cui.wait(lambda: file_error(cui, form) == choose)

    # a web page is not a file that may be shared (the server decides from the content)
    page = files_dir / "sivu.pdf"
    page.write_bytes(b"<!doctype html><html><script>alert(1)</script></html>")
    cui.css(f"{form} input[type=file]").send_keys(str(page))
    upload_button.click()
    cui.wait(lambda: refused in file_error(cui, form), 15)
    box = cui.css(f"{form} input[type=file]")
    assert box.get_attribute("aria-invalid") == "true"
    assert cui.css(f"{form} .field-error").get_attribute("id") in box.get_attribute("aria-describedby")
    assert cui.d.switch_to.active_element == box

    # over this server's limit (1 MB, which the space tells the browser): refused before a byte is sent
    big = files_dir / "iso.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 4096))
    box.send_keys(str(big))
    upload_button.click()
    cui.wait(lambda: too_big in file_error(cui, form), 5)
    assert ("1 Mt" if language == "fi" else "1 MB") in file_error(cui, form)
    assert not expert.get(f"{server.base_url}/api/v1/spaces/{space['id']}/files").json()["items"]
    if language == "fi":
        cui.d.execute_script("document.querySelector('#files form.upload-form').scrollIntoView()")
        cui.d.save_screenshot(str(SHOTS / "web2-files-refused.png"))
    problems = serious(cui, f"files refused [{language}]")
    assert not problems, "\n".join(problems)


# ---- 2. attachments -----------------------------------------------------------------------------

def test_a_message_with_an_attachment_and_offline_it_is_not_queued_silently(ui, cui, server, files_dir):
    expert, space = open_space_api(server, f"Liitteet {secrets.token_hex(2)}")
    ui.desktop()
    enter(ui, server, "expert", space["id"])
    enter(cui, server, "client", space["id"])

    cv = files_dir / "CV Kalle.pdf"
    cv.write_bytes(PDF)
    cui.css("main .composer textarea").send_keys("Tässä CV:ni.")
    cui.css("main .composer input[type=file]").send_keys(str(cv))
    assert cui.button("Poista liite").is_displayed()
    cui.css("main .composer button[type=submit]").click()
    wait_log(ui, "Tässä CV:ni.")
    msg = next(m for m in ui.all("main .conversation__log .msg") if "Tässä CV:ni." in m.text)
    ui.wait(lambda: msg.find_elements("css selector", ".msg__files a"))
    link = msg.find_element("css selector", ".msg__files a")
    assert link.text == "CV Kalle.pdf" and f"({len(PDF)} t)" in msg.text
    got = ui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then((r) => done([r.status, r.headers.get('Content-Disposition')]), (e) => done(String(e)));
    """, link.get_attribute("href"))
    assert got[0] == 200 and got[1].startswith("attachment;")
    # the client's own row has the link too, and the form is empty again
    wait_log(cui, "Tässä CV:ni.")
    cui.wait(lambda: not cui.all("main .msg--pending"))
    own = next(m for m in cui.all("main .conversation__log .msg--own") if "Tässä CV:ni." in m.text)
    assert "CV Kalle.pdf" in own.find_element("css selector", ".msg__files").text
    assert cui.css("main .composer textarea").get_attribute("value") == ""
    assert not cui.css("main .composer .composer__attach-clear").is_displayed()
    sent = [e for e in events(expert, server, space["id"]) if e["kind"] == "message" and e["data"].get("body") == "Tässä CV:ni."]
    assert len(sent) == 1 and [a["name"] for a in sent[0]["data"]["attachments"]] == ["CV Kalle.pdf"]
    # the message shows the file; the conversation has no second note of the upload
    for page in (ui, cui):
        assert "tiedoston CV Kalle.pdf" not in page.css("main .conversation__log").text
        assert not page.all("main .conversation__log .event-note--fileAdded")
    added = [e for e in events(expert, server, space["id"]) if e["kind"] == "fileAdded"]
    assert len(added) == 1 and added[0]["data"]["attachment"] is True
    # the file is in the files panel's list all the same
    files = expert.get(f"{server.base_url}/api/v1/spaces/{space['id']}/files").json()["items"]
    assert [f["name"] for f in files] == ["CV Kalle.pdf"]

    # offline: the attachment cannot go, so neither does the message; the page says so
    offline(cui, True)
    try:
        cui.wait(lambda: cui.d.execute_script("return navigator.onLine") is False)
        cui.css("main .composer textarea").send_keys("Toinen liite tulossa.")
        cui.css("main .composer input[type=file]").send_keys(str(cv))
        cui.css("main .composer button[type=submit]").click()
        cui.wait(lambda: "Liitettä ei voitu lähettää" in cui.css("main .composer .composer__attach .field-error").text)
        text = cui.css("main .composer .composer__attach .field-error").text
        assert "Viestiä ei lähetetty" in text
        assert cui.css("main .composer textarea").get_attribute("value") == "Toinen liite tulossa."
        assert not cui.all("main .msg--pending")
        kept = cui.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            import('/js/outbox.js').then((m) => m.pendingFor(arguments[0])).then((e) => done(e.length), (e) => done(String(e)));
        """, space["id"])
        assert kept == 0
        cui.d.execute_script("document.querySelector('main .composer').scrollIntoView()")
        cui.d.save_screenshot(str(SHOTS / "web2-attachment-offline.png"))
    finally:
        offline(cui, False)
    # back online, the same form sends it
    cui.wait(lambda: cui.d.execute_script("return navigator.onLine") is True)
    cui.css("main .composer button[type=submit]").click()
    wait_log(ui, "Toinen liite tulossa.", timeout=30)
    assert not cui.console_errors() and not ui.console_errors()


# ---- 3. private messages of a group ------------------------------------------------------------

def test_the_expert_writes_privately_to_one_client_and_a_client_to_the_experts(ui, cui, lui, server):
    group = group_space(server)
    ui.desktop()
    enter(ui, server, "expert", group["id"])
    enter(cui, server, "client", group["id"])
    enter(lui, server, "groupClient", group["id"])

    # the expert chooses Kalle from the group's clients
    from selenium.webdriver.support.ui import Select
    audience = Select(ui.css("main .composer select[name='privateTo']"))
    assert [o.text for o in audience.options] == ["Kaikille", "Yksityisesti: Kalle Asiakas", "Yksityisesti: Lina Laine"]
    audience.select_by_visible_text("Yksityisesti: Kalle Asiakas")
    assert "Vain Kalle Asiakas ja tämän tilan asiantuntijat näkevät tämän." in ui.css("main .composer").text
    text = f"Kalle, muista huomisen haastattelu {secrets.token_hex(2)}"
    ui.css("main .composer textarea").send_keys(text)
    ui.css("main .composer button[type=submit]").click()

    # Kalle sees it live, labelled in words
    wait_log(cui, text)
    row = next(m for m in cui.all("main .conversation__log .msg") if text in m.text)
    assert "Yksityinen viesti – vain sinä ja asiantuntijat näette sen" in row.text
    # the expert's own row says to whom it went
    wait_log(ui, text)
    own = next(m for m in ui.all("main .conversation__log .msg") if text in m.text)
    assert "Yksityinen viesti – vain Kalle Asiakas ja asiantuntijat näkevät sen" in own.text

    # Kalle writes to the experts only
    mine = Select(cui.css("main .composer select[name='privateTo']"))
    assert [o.text for o in mine.options] == ["Kaikille", "Vain asiantuntijoille"]
    mine.select_by_visible_text("Vain asiantuntijoille")
    assert "Muut asiakkaat eivät näe sitä." in cui.css("main .composer").text
    answer = f"Kiitos, muistan. Kysyisin palkasta {secrets.token_hex(2)}"
    cui.css("main .composer textarea").send_keys(answer)
    cui.css("main .composer button[type=submit]").click()
    wait_log(ui, answer)
    row = next(m for m in ui.all("main .conversation__log .msg") if answer in m.text)
    assert "Yksityinen viesti – vain Kalle Asiakas ja asiantuntijat näkevät sen" in row.text
    wait_log(cui, answer)
    own = next(m for m in cui.all("main .conversation__log .msg") if answer in m.text)
    assert "Yksityinen viesti – vain sinä ja asiantuntijat näette sen" in own.text

    # a message to everyone reaches Lina; the private ones never did
    public = f"Kaikille: tapaaminen siirtyy {secrets.token_hex(2)}"
    Select(ui.css("main .composer select[name='privateTo']")).select_by_visible_text("Kaikille")
    ui.css("main .composer textarea").send_keys(public)
    ui.css("main .composer button[type=submit]").click()
    wait_log(lui, public)
    log = lui.css("main .conversation__log").text
    assert text not in log and answer not in log
    assert [o.text for o in Select(lui.css("main .composer select[name='privateTo']")).options] == ["Kaikille", "Vain asiantuntijoille"]
    open_space(lui, group["id"])  # loaded again over HTTP
    wait_log(lui, public)
    log = lui.css("main .conversation__log").text
    assert text not in log and answer not in log
    lina = api_session(server, "groupClient")
    bodies = [e["data"].get("body") for e in events(lina, server, group["id"]) if e["kind"] == "message"]
    assert public in bodies and text not in bodies and answer not in bodies
    kalle = api_session(server, "client")
    bodies = [e["data"].get("body") for e in events(kalle, server, group["id"]) if e["kind"] == "message"]
    assert text in bodies and answer in bodies

    SHOTS.mkdir(parents=True, exist_ok=True)
    cui.d.execute_script("document.querySelector('main .conversation').scrollIntoView()")
    cui.d.save_screenshot(str(SHOTS / "web2-space-client.png"))
    problems = serious(cui, "group space client 360px") + serious(ui, "group space expert desk")
    assert not problems, "\n".join(problems)


# ---- 4. the header on a phone ------------------------------------------------------------------

def test_the_header_is_one_row_on_a_phone_with_a_menu(cui, server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    group = group_space(server)
    cui.sign_in(*server.users["client"])
    open_space(cui, group["id"])
    cui.d.execute_script("window.scrollTo(0, 0)")
    header = cui.css("#site-header")
    toggle = cui.css("#menu-toggle")
    assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "site-menu"
    assert header.size["height"] <= 72, header.size  # one row: the brand and "Valikko"
    assert not cui.css("#nav-spaces").is_displayed() and not cui.css("#sign-out").is_displayed()
    # the unread count shows on the closed menu's button
    unread = int(cui.css("#nav-notifications").get_attribute("data-unread"))
    if unread:
        assert "uu" in cui.css("#menu-toggle .nav-count").text
    SHOTS.mkdir(parents=True, exist_ok=True)
    cui.d.save_screenshot(str(SHOTS / "web2-header.png"))

    # keyboard: Enter opens it, the links and buttons are big enough to touch, Escape closes it
    cui.d.execute_script("document.getElementById('menu-toggle').focus()")
    ActionChains(cui.d).send_keys(Keys.ENTER).perform()
    cui.wait(lambda: toggle.get_attribute("aria-expanded") == "true")
    for selector in ("#nav-spaces", "#nav-catalogue", "#nav-notifications", "#lang-switch button", "#sign-out", "#menu-toggle"):
        for el in cui.all(selector):
            assert el.is_displayed(), selector
            assert el.size["height"] >= 44 and el.size["width"] >= 44, (selector, el.size)
    assert cui.d.execute_script("return document.documentElement.scrollWidth") <= 360
    cui.d.save_screenshot(str(SHOTS / "web2-header-menu.png"))
    problems = serious(cui, "header menu open 360px")
    assert not problems, "\n".join(problems)
    ActionChains(cui.d).send_keys(Keys.TAB).perform()
    assert cui.d.switch_to.active_element.get_attribute("id") == "nav-spaces"
    ActionChains(cui.d).send_keys(Keys.ESCAPE).perform()
    cui.wait(lambda: toggle.get_attribute("aria-expanded") == "false")
    assert cui.d.switch_to.active_element.get_attribute("id") == "menu-toggle"
    assert not cui.css("#nav-spaces").is_displayed()

    # following a link of the menu closes it; a language chosen there keeps it open
    toggle.click()
    cui.css("#nav-spaces").click()
    cui.wait_page("/spaces")
    assert toggle.get_attribute("aria-expanded") == "false"
    cui.button("Svenska").click()  # opens the menu first
    cui.wait(lambda: cui.h1() == "Vägledningsrum")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert cui.css("#menu-label").text == "Meny"
    cui.button("Suomi").click()
    cui.wait(lambda: cui.h1() == "Ohjaustilat")

    # on a desk there is no menu button: the links sit in the header
    cui.desktop()
    assert not toggle.is_displayed() and cui.css("#nav-spaces").is_displayed() and cui.css("#sign-out").is_displayed()
    cui.phone()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_space_with_files_open_and_the_menu_open_has_no_serious_axe_violations(ui, server, language):
    group = group_space(server)
    ui.sign_in(*server.users["expert"])
    ui.set_language(language)
    open_space(ui, group["id"])
    open_files(ui)
    problems = serious(ui, f"expert group space 360px [{language}]")
    ui.open_menu()
    problems += serious(ui, f"header menu [{language}]")
    assert not problems, "\n".join(problems)
    assert "[object" not in ui.text() and "undefined" not in ui.text()
