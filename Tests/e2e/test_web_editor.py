"""The catalogue editor in the browser (/editor …) at 360 px: a content producer edits a published
service of their organisation (a refused save shows each error next to its field, in the right
language tab, and in a summary with links), saves and sends it for approval; the approver finds it
in the review queue, sees the change word by word and approves it, and catalogue search and the
service page show it at once. A rejection's comment reaches the editor. A version conflict shows
both sides and loads the newest version with the editor's own changes kept. The version history
compares two versions and restores an old one. A new service is created as a draft. A service
provider edits without the internal instructions. The views in fi, sv and en; no serious or
critical axe violation anywhere."""
import random
import urllib.parse

from selenium.webdriver.common.keys import Keys

from conftest import api_session
from test_web_catalogue import result_ids, wait_results

SHOTS = "/tmp/shots"
EDITOR = "/api/v1/catalogue/editor/services"
LANGUAGE_BUTTON = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
TITLES = {
    # list, review queue, history, new service, the save button, the tabs
    "fi": ("Organisaation palvelut", "Tarkastusjono", "Versiohistoria", "Uusi palvelu", "Tallenna muutokset", ["Suomi", "Ruotsi", "Englanti"]),
    "sv": ("Organisationens tjänster", "Granskningskö", "Versionshistorik", "Ny tjänst", "Spara ändringarna", ["Finska", "Svenska", "Engelska"]),
    "en": ("Your organisation's services", "Review queue", "Version history", "New service", "Save changes", ["Finnish", "Swedish", "English"]),
}


def made_up_word():
    """A word no service has (only letters: the search index keeps it as one word)."""
    return "kvarkki" + "".join(random.choice("bdfghjklmnprstv") + random.choice("aeiouy") for _ in range(4))


def loaded(ui, timeout=15):
    """Until the editor page has loaded its data (and nothing in it is busy)."""
    ui.wait(lambda: ui.d.execute_script(
        "const p = document.querySelector('main .page');"
        "return !!p && p.dataset.loaded === 'true' && !document.querySelector('main [aria-busy=\"true\"]')"),
        timeout, f"editor page not loaded at {ui.d.current_url}; main says {ui.text()[:300]!r}")


def open_page(ui, path):
    ui.open(path)
    loaded(ui)


def control(ui, name):
    return ui.css(f"main [name='{name}']")


def append_text(ui, name, text):
    """Type at the end of a field, as a person would (Ctrl+End, then the words)."""
    field = control(ui, name)
    field.click()
    field.send_keys(Keys.CONTROL, Keys.END)
    field.send_keys(text)


def set_text(ui, name, text):
    field = control(ui, name)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    if text:
        field.send_keys(text)


def save(ui):
    ui.css("main .editor-save button[type='submit']").click()


def choose_language(ui, language):
    ui.button(LANGUAGE_BUTTON[language]).click()
    ui.wait(lambda: ui.d.execute_script(
        "return document.documentElement.lang === arguments[0]"
        " && localStorage.getItem('ohjaustila.language') === arguments[0]", language))


def tab(ui, lang, within="main .editor-form .tabs"):
    return ui.css(f"{within} [role='tab'][data-lang='{lang}']")


def shot(ui, name, selector=None):
    if selector:
        ui.d.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)
    else:
        ui.d.execute_script("window.scrollTo(0, 0)")
    ui.d.save_screenshot(f"{SHOTS}/{name}.png")


def test_producer_edits_submits_and_the_approver_publishes(ui, cui, server):
    word = made_up_word()
    service = "tyonhakuvalmennus"
    ui.sign_in(*server.users["contentProducer"])
    problems = []

    # The header has the editor; the list shows the organisation's services with their status.
    ui.open_menu()
    ui.css("#nav-editor").click()
    ui.wait_page("/editor")
    loaded(ui)
    assert ui.h1() == "Organisaation palvelut" and ui.d.title == "Organisaation palvelut – Ohjaustila"
    row = ui.css(f"main tr[data-service-id='{service}']")
    assert "Julkaistu" in row.text and "päivää sitten" in row.text
    assert ui.all("main a[data-action='new']") and not ui.all("main a[data-action='review-queue']")
    problems += ui.page_problems("/editor")
    shot(ui, "editor-list-360")
    # filtered by status in the address
    from selenium.webdriver.support.ui import Select
    Select(control(ui, "status")).select_by_value("archived")
    ui.wait(lambda: "status=archived" in ui.d.current_url)
    assert all(r.get_attribute("data-status") == "archived" for r in ui.all("main tbody tr"))
    assert not ui.all(f"main tr[data-service-id='{service}']")
    Select(control(ui, "status")).select_by_value("")

    ui.css(f"main tr[data-service-id='{service}'] a").click()
    ui.wait_page(f"/editor/services/{service}")
    loaded(ui)
    assert ui.h1() == "Työnhakuvalmennus"
    assert ui.css("main .editor-internal").get_attribute("data-internal") == "write"
    assert ui.css("main .editor-status").text.count("Julkaistu") >= 1
    problems += ui.page_problems("edit form")
    shot(ui, "editor-form-360")

    # The language tabs: arrow keys move between them and show their panels.
    tab(ui, "fi").click()
    ui.d.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert tab(ui, "sv").get_attribute("aria-selected") == "true"
    assert ui.d.execute_script("return document.activeElement.dataset.lang") == "sv"
    assert control(ui, "summary.sv").is_displayed() and not control(ui, "summary.fi").is_displayed()
    ui.d.switch_to.active_element.send_keys(Keys.HOME)
    assert tab(ui, "fi").get_attribute("aria-selected") == "true"

    # A save with problems: each is told next to its field and in the summary; the Swedish tab is
    # marked, and the summary's link turns to it.
    append_text(ui, "summary.fi", f" Mukana myös {word}-harjoitus.")
    set_text(ui, "name.fi", "")
    tab(ui, "sv").click()
    sv_summary = control(ui, "summary.sv").get_attribute("value")
    set_text(ui, "summary.sv", "")
    email = control(ui, "contacts[0].email").get_attribute("value")
    set_text(ui, "contacts[0].email", "ei-osoite")
    tab(ui, "fi").click()
    save(ui)
    ui.wait(lambda: ui.css("main .error-summary").is_displayed())
    summary = ui.css("main .error-summary")
    assert ui.d.execute_script("return document.activeElement.classList.contains('error-summary')")
    assert "tarkista 3 kohtaa" in summary.text, summary.text
    name_field = ui.css("main [data-field='name.fi']")
    assert "Tämä tieto puuttuu." in name_field.find_element("css selector", ".field-error").text
    assert control(ui, "name.fi").get_attribute("aria-invalid") == "true"
    assert "1 virhe" in tab(ui, "sv").text and "1 virhe" in tab(ui, "fi").text
    assert tab(ui, "fi").get_attribute("aria-selected") == "true"
    assert "ruotsiksi" in ui.css("main [data-field='summary.sv'] .field-error").get_attribute("textContent")
    assert "oikean muotoinen" in ui.css("main [data-field='contacts[0].email'] .field-error").text
    shot(ui, "editor-errors-360", "main .error-summary")
    problems += ui.page_problems("edit form with errors")
    link = [a for a in summary.find_elements("css selector", "a") if "Tiivistelmä (ruotsiksi)" in a.text][0]
    link.click()
    assert tab(ui, "sv").get_attribute("aria-selected") == "true"
    assert ui.d.execute_script("return document.activeElement.name") == "summary.sv"
    ui.d.switch_to.active_element.send_keys(sv_summary)
    set_text(ui, "contacts[0].email", email)
    tab(ui, "fi").click()
    set_text(ui, "name.fi", "Työnhakuvalmennus")
    save(ui)
    ui.wait_text("Muutokset tallennettiin versioksi 8.", selector="main .editor-save")
    assert not ui.css("main .error-summary").is_displayed()
    assert "Keskeneräinen muutos" in ui.css("main .editor-status").text

    # Send for approval.
    ui.css("main [data-action='submit']").click()
    ui.wait_text("Muutos lähetettiin hyväksyttäväksi.")
    assert "Muutos odottaa hyväksyntää" in ui.css("main .editor-status").text
    assert ui.d.execute_script("return document.activeElement.classList.contains('editor-flash')")

    # The approver: the review queue, the change word by word, approve.
    cui.sign_in(*server.users["approver"])
    open_page(cui, "/editor")
    cui.css("main a[data-action='review-queue']").click()
    cui.wait_page("/editor/review")
    loaded(cui)
    assert cui.h1() == "Tarkastusjono"
    item = cui.css(f"main li[data-service-id='{service}']")
    assert "Versio 8" in item.text
    problems += cui.page_problems("/editor/review")
    shot(cui, "editor-review-queue-360")
    item.find_element("css selector", "a").click()
    cui.wait_page(f"/editor/services/{service}")
    loaded(cui)
    review = cui.css("main .editor-review")
    assert "Julkaistu versio 7 ja tarkastettava versio 8" in review.text
    change = review.find_element("css selector", "li[data-field='summary.fi']")
    added = change.find_element("css selector", "ins").get_attribute("textContent")
    assert word in added and "Lisätty:" in added, added
    # the approver reads the form (and the internal instructions) but cannot change them
    assert control(cui, "summary.fi").get_attribute("readonly") is not None
    assert cui.css("main .editor-internal").get_attribute("data-internal") == "read"
    assert not cui.all("main .editor-save")
    problems += cui.page_problems("review diff")
    shot(cui, "editor-review-diff-360", "main .editor-review")
    cui.css("main .editor-review [data-action='approve']").click()
    cui.wait_text("Muutos hyväksyttiin. Palvelumanuaali näyttää nyt version 8.")
    assert not cui.all("main .editor-review section")

    # The catalogue finds it at once, and the service page shows it.
    open_page(cui, "/editor/review")
    assert not cui.all(f"main li[data-service-id='{service}']")
    cui.open(f"/catalogue?q={word}")
    wait_results(cui, urllib.parse.urlencode({"q": word}))
    assert service in result_ids(cui)
    cui.open(f"/catalogue/services/{service}")
    cui.wait_text(f"{word}-harjoitus")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors() and not cui.console_errors()


def test_the_approver_rejects_with_a_comment_and_the_editor_reads_it(ui, cui, server):
    service = "kotoutumiskoulutus"
    producer = api_session(server, "contentProducer")
    current = producer.get(f"{server.base_url}{EDITOR}/{service}").json()
    content = current["content"]
    content["summary"]["fi"] += " Ryhmät myös iltaisin."
    saved = producer.put(f"{server.base_url}{EDITOR}/{service}", json={"baseVersion": current["version"], "service": content})
    assert saved.status_code == 200, saved.text
    assert producer.post(f"{server.base_url}{EDITOR}/{service}/submit", json={}).status_code == 200

    cui.sign_in(*server.users["approver"])
    open_page(cui, f"/editor/services/{service}")
    cui.css("main .editor-review [data-action='reject']").click()
    cui.wait(lambda: cui.all("dialog[open]"))
    assert cui.d.execute_script("return document.activeElement.name") == "comment"
    cui.css("dialog[open] button[type='submit']").click()  # without a comment: said at the field
    cui.wait_text("Kirjoita kommentti", selector="dialog[open]")
    problems = cui.page_problems("reject dialog")
    cui.d.switch_to.active_element.send_keys("Kerro myös, milloin iltaryhmät alkavat.")
    cui.css("dialog[open] button[type='submit']").click()
    cui.wait_text("Muutos palautettiin korjattavaksi.")
    assert not cui.all("dialog[open]")

    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, f"/editor/services/{service}")
    rejection = ui.css("main .editor-rejection")
    assert "Kerro myös, milloin iltaryhmät alkavat." in rejection.text
    assert "Keskeneräinen muutos" in ui.css("main .editor-status").text
    assert ui.css("main [data-action='submit']").is_displayed()
    assert not problems, "\n".join(problems)


def test_a_version_conflict_shows_both_sides_and_keeps_what_was_typed(ui, server):
    service = "digituki-tyonhakuun"
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, f"/editor/services/{service}")
    version = int(ui.css("main .page").get_attribute("data-version"))
    # someone else saves meanwhile
    other = api_session(server, "platformAdmin")
    current = other.get(f"{server.base_url}{EDITOR}/{service}").json()
    content = current["content"]
    content["costDescription"]["fi"] = "Palvelu on maksuton. Kahvi tarjotaan."
    r = other.put(f"{server.base_url}{EDITOR}/{service}", json={"baseVersion": version, "service": content})
    assert r.status_code == 200, r.text

    append_text(ui, "summary.fi", " Tule rohkeasti mukaan.")
    save(ui)
    ui.wait(lambda: ui.all("main .editor-conflict"))
    conflict = ui.css("main .editor-conflict")
    assert ui.d.execute_script("return document.activeElement.closest('.editor-conflict') !== null")
    assert "Kahvi tarjotaan." in conflict.text and "Tule rohkeasti mukaan." in conflict.text
    problems = ui.page_problems("version conflict")
    shot(ui, "editor-conflict-360", "main .editor-conflict")
    ui.button("Lataa uusin versio ja pidä omat muutokseni").click()
    ui.wait_text("omat muutoksesi lisättiin siihen")
    assert "Tule rohkeasti mukaan." in control(ui, "summary.fi").get_attribute("value")
    assert control(ui, "costDescription.fi").get_attribute("value") == "Palvelu on maksuton. Kahvi tarjotaan."
    assert ui.css("main .editor-unsaved").is_displayed()
    save(ui)
    ui.wait_text(f"Muutokset tallennettiin versioksi {version + 2}.", selector="main .editor-save")
    assert not problems, "\n".join(problems)


def test_history_compares_versions_and_restores_one(ui, server):
    service = "etsiva-nuorisotyo"
    producer = api_session(server, "contentProducer")
    current = producer.get(f"{server.base_url}{EDITOR}/{service}").json()
    first = current["version"]
    content = current["content"]
    content["summary"]["fi"] += " Tavataan myös kauppakeskuksissa."
    assert producer.put(f"{server.base_url}{EDITOR}/{service}", json={"baseVersion": first, "service": content}).status_code == 200

    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, f"/editor/services/{service}")
    ui.link("Versiohistoria").click()
    ui.wait_page(f"/editor/services/{service}/history")
    loaded(ui)
    assert ui.h1() == "Versiohistoria"
    ui.wait(lambda: ui.css("main .editor-compare-result li[data-field='summary.fi']"))
    change = ui.css("main .editor-compare-result li[data-field='summary.fi']")
    assert "kauppakeskuksissa" in change.find_element("css selector", "ins").text
    versions = [li.get_attribute("data-version") for li in ui.all("main .editor-versions > li")]
    assert versions == [str(first + 1), str(first)]
    assert "Tallentanut Sami Sisältö" in ui.css(f"main .editor-versions li[data-version='{first + 1}']").text
    events = ui.css("main .editor-events").text
    assert "Tallennettu" in events
    problems = ui.page_problems("history")
    shot(ui, "editor-history-360")
    shot(ui, "editor-history-versions-360", "main .editor-versions")

    # the old version's content, then restore it
    old = ui.css(f"main .editor-versions li[data-version='{first}']")
    old.find_element("css selector", "summary").click()
    ui.wait(lambda: old.find_element("css selector", ".editor-version-content").get_attribute("data-loaded") == "true")
    assert "kauppakeskuksissa" not in old.find_element("css selector", ".editor-version-content").text
    old.find_element("css selector", "[data-action='restore']").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    problems += ui.page_problems("restore dialog")
    ui.button("Palauta tämä versio", within=ui.css("dialog[open]")).click()
    ui.wait_page(f"/editor/services/{service}")
    loaded(ui)
    ui.wait_text(f"Versio {first} palautettiin. Se on nyt uusin versio {first + 2}, luonnoksena.")
    assert "kauppakeskuksissa" not in control(ui, "summary.fi").get_attribute("value")
    assert not problems, "\n".join(problems)


def test_a_new_service_is_saved_as_a_draft(ui, server):
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, "/editor")
    ui.css("main a[data-action='new']").click()
    ui.wait_page("/editor/new")
    loaded(ui)
    assert ui.h1() == "Uusi palvelu"
    assert "Helsingin kaupungin työllisyyspalvelut" in ui.css("main .editor-org").text
    assert ui.css("main .editor-internal").get_attribute("data-internal") == "write"
    save(ui)  # nothing written: the required fields are named
    ui.wait(lambda: ui.css("main .error-summary").is_displayed())
    text = ui.css("main .error-summary").text
    for name in ("Nimi (suomeksi)", "Tiivistelmä (suomeksi)", "Kuvaus (suomeksi)", "Luokat", "Kunnat", "Toteutustapa"):
        assert name in text, text
    assert "Valitse vähintään yksi." in ui.css("main [data-field='delivery.modes'] .field-error").text
    problems = ui.page_problems("new service with errors")
    control(ui, "name.fi").send_keys("Kävelyryhmä työnhakijoille")
    control(ui, "summary.fi").send_keys("Viikoittainen kävelylenkki ja vertaistukea työnhakuun.")
    control(ui, "description.fi").send_keys("Kävelemme yhdessä ja juttelemme työnhausta.")
    for name, value in (("categoryIds", "tyonhaku"), ("targetGroup.municipalityCodes", "091"), ("delivery.modes", "in-person")):
        box = ui.css(f"main input[name='{name}'][value='{value}']")
        ui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    ui.css("main [data-action='add-row'][data-list='contacts']").click()
    assert ui.d.execute_script("return document.activeElement.name") == "contacts[0].name"
    ui.d.switch_to.active_element.send_keys("Neuvonta")
    control(ui, "contacts[0].phone").send_keys("09 310 12345")
    save(ui)
    ui.wait(lambda: ui.d.execute_script("return location.pathname.startsWith('/editor/services/kavelyryhma-tyonhakijoille')"), 10)
    loaded(ui)
    ui.wait_text("Uusi palvelu tallennettiin luonnokseksi.")
    assert ui.h1() == "Kävelyryhmä työnhakijoille"
    assert "Luonnos" in ui.css("main .editor-status").text
    assert control(ui, "contacts[0].phone").get_attribute("value") == "09 310 12345"
    assert not problems, "\n".join(problems)


def test_a_service_provider_edits_without_the_internal_instructions(ui, server):
    ui.sign_in(*server.users["serviceProvider"])
    open_page(ui, "/editor")
    rows = ui.all("main tbody tr")
    assert rows and not ui.all("main select[name='organization']")  # one organisation: no choice
    service = next(r.get_attribute("data-service-id") for r in rows if r.get_attribute("data-status") == "published")
    open_page(ui, f"/editor/services/{service}")
    assert not ui.all("main .editor-internal") and not ui.all("main [name^='internal.']")
    append_text(ui, "summary.fi", " Ilmoittaudu ajoissa.")
    save(ui)
    ui.wait_text("Muutokset tallennettiin versioksi", selector="main .editor-save")
    problems = ui.page_problems("service provider's form")
    open_page(ui, "/editor/new")
    assert not ui.all("main .editor-internal")
    assert not ui.all("main a[data-action='review-queue']")
    ui.open("/editor/review")
    ui.wait(lambda: ui.css("main .page").get_attribute("data-state") == "no-access")
    assert not problems, "\n".join(problems)


def test_the_editor_in_finnish_swedish_and_english(ui, cui, server):
    service = "nuorten-mediapaja"
    ui.sign_in(*server.users["contentProducer"])
    cui.sign_in(*server.users["approver"])
    problems = []
    for language in ("fi", "sv", "en"):
        if language != "fi":
            choose_language(ui, language)
            choose_language(cui, language)
        listing, queue, history, new, save_text, tabs = TITLES[language]
        open_page(ui, "/editor")
        assert ui.h1() == listing and ui.d.title == f"{listing} – Ohjaustila"
        problems += ui.page_problems(f"/editor [{language}]")
        open_page(ui, f"/editor/services/{service}")
        assert [t.find_element("css selector", ".tabs__label").text for t in ui.all("main .editor-form .tabs__list")[0]
                .find_elements("css selector", "[role='tab']")] == tabs
        assert ui.css("main .editor-save button[type='submit']").text == save_text
        problems += ui.page_problems(f"edit form [{language}]")
        open_page(ui, f"/editor/services/{service}/history")
        assert ui.h1() == history
        problems += ui.page_problems(f"history [{language}]")
        open_page(ui, "/editor/new")
        assert ui.h1() == new
        problems += ui.page_problems(f"/editor/new [{language}]")
        open_page(cui, "/editor/review")
        assert cui.h1() == queue
        problems += cui.page_problems(f"/editor/review [{language}]")
        if language == "fi":
            shot(ui, "editor-new-360")
    choose_language(ui, "fi")
    choose_language(cui, "fi")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors() and not cui.console_errors()
