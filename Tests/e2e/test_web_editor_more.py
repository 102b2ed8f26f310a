"""More of the catalogue editor in the browser at 360 px: the import from the national service
registry (a dry run's report with a new service, a changed one with its changes and what did not
map, then the real run, after which the new service opens in the catalogue; a file with problems
shows every problem and offers no import), the services left unreviewed (flagged ones marked, "mark
reviewed" takes one off the list), the review reminders on /editor (marked read one by one, the
header's count follows), and the "outdated" mark that experts (not clients) see on search rows and
service pages. The views in fi, sv and en; no serious or critical axe violation anywhere."""
import datetime
import json
import pathlib

from selenium.webdriver.support.ui import Select

from conftest import ROOT, api_session, wait_for
from test_web_catalogue import wait_results
from test_web_editor import choose_language, control, loaded, open_page

SHOTS = "/tmp/shots"
FIXTURES = pathlib.Path(ROOT) / "Tests" / "Fixtures" / "ptv"
NOTICES = "/api/v1/catalogue/editor/notices"
OUTDATED = "digituki-tyonhakuun"  # reviewed long ago in the demo catalogue: flagged at start
NEW_SERVICE = ("tyonhaun-kesaklinikka-3f1c2a7e", "Työnhaun kesäklinikka")


def shot(ui, name, selector=None):
    """A screenshot of the page as a phone shows it (from the element `selector` when given)."""
    if selector:
        ui.d.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)
    else:
        ui.d.execute_script("window.scrollTo(0, 0)")
    ui.d.save_screenshot(f"{SHOTS}/{name}.png")


def h1(ui):
    return ui.h1().replace("\u00ad", "")


def swept(server):
    """Until the server's first review sweep has flagged the old services and told their people."""
    producer, expert = api_session(server, "contentProducer"), api_session(server, "expert")
    wait_for(lambda: len(producer.get(server.base_url + NOTICES).json()["items"]) >= 2
             and expert.get(f"{server.base_url}/api/v1/catalogue/services/{OUTDATED}").json().get("outdated") is True,
             15, "the review sweep at start")


def sign_in_as(ui, server, who):
    """Sign in as another demo user in the same browser (a new visitor first)."""
    ui.reset()
    ui.sign_in(*server.users[who])


def dry_run(ui, path):
    ui.d.execute_script("window.scrollTo(0, 0)")
    control(ui, "file").send_keys(str(path))
    ui.css("main [data-action='dry-run']").click()
    ui.wait(lambda: ui.all("main .import-report"), 15, f"no report; main says {ui.text()[:400]!r}")
    return ui.css("main .import-report")


def test_a_producer_checks_a_registry_file_then_imports_it(ui, server):
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, "/editor")
    ui.css("main a[data-action='import']").click()
    ui.wait_page("/editor/import")
    loaded(ui)
    assert h1(ui) == "Tuo palveluja palvelutietovarannosta"
    assert ui.d.title == "Tuo palveluja palvelutietovarannosta – Ohjaustila"
    assert "Helsingin kaupungin työllisyyspalvelut" in ui.css("main .editor-org").text  # one organisation: no choice
    export = ui.css("main a[data-action='export']")
    assert export.get_attribute("href").endswith("/api/v1/catalogue/ptv/export?organization=hki-tyollisyys")
    assert export.get_attribute("download") == "ptv-hki-tyollisyys.json"
    exported = api_session(server, "contentProducer").get(export.get_attribute("href"))
    assert exported.status_code == 200 and exported.json()["itemList"], exported.text[:200]
    problems = ui.page_problems("/editor/import")
    shot(ui, "editor-import-360")

    # Without a file: said next to the field.
    ui.css("main [data-action='dry-run']").click()
    ui.wait_text("Valitse ensin tiedosto.", selector="main [data-field='file']")
    assert control(ui, "file").get_attribute("aria-invalid") == "true"

    # The dry run: what would happen, service by service; nothing is written yet.
    report = dry_run(ui, FIXTURES / "services.json")
    assert ui.d.execute_script("return document.activeElement.closest('.import-report') !== null")
    assert report.get_attribute("data-dry-run") == "true"
    counts = {dd.get_attribute("data-count"): dd.text for dd in report.find_elements("css selector", ".import-counts dd")}
    assert counts == {"create": "1", "update": "1", "unchanged": "0", "archive": "0", "skip": "1"}, counts
    new = report.find_element("css selector", "li[data-action='create']")
    assert NEW_SERVICE[1] in new.text and "Uusi palvelu" in new.text
    notes = new.find_element("css selector", ".import-notes").text
    assert "Alueen kunnat, kohta 3: 999" in notes and "ei ole tälle koodille vastinetta" in notes, notes
    assert "Kuvaukset, kohta 6: DeadLineAdditionalInfo" in notes and "ei ole tälle tiedolle kenttää" in notes, notes
    assert "Yhteyshenkilöt" in notes and "palvelukanavissa eikä palvelussa" in notes, notes
    assert "Toteutustapa: Paikan päällä" in notes and "käytetään oletusarvoa" in notes, notes
    changed = report.find_element("css selector", "li[data-action='update']")
    assert "Työnhakuvalmennus" in changed.text and "Muuttuu" in changed.text
    summary = changed.find_element("css selector", "li[data-field='summary.fi']")
    assert "Tiivistelmä (suomeksi)" in summary.text
    added = summary.find_element("css selector", "ins").get_attribute("textContent")
    assert "Neljän viikon valmennus" in added and "Lisätty:" in added, added
    skipped = report.find_element("css selector", "li[data-action='skip']")
    assert "Ohitetaan" in skipped.text and "poistettu palvelutietovarannosta" in skipped.text
    assert not report.find_elements("css selector", ".import-problems")
    problems += ui.page_problems("import report")
    shot(ui, "editor-import-report-360", "main .import-report")
    shot(ui, "editor-import-changes-360", "main .import-report li[data-action='update']")
    shot(ui, "editor-import-notes-360", "main .import-report li[data-action='create'] .import-notes")
    # nothing was written by the dry run
    assert api_session(server, "contentProducer").get(
        f"{server.base_url}/api/v1/catalogue/services/{NEW_SERVICE[0]}").status_code == 404

    # The real run, then the services.
    ui.css("main .import-report [data-action='import']").click()
    ui.wait(lambda: ui.all("main .import-report--done"), 15)
    done = ui.css("main .import-report--done")
    assert "Palvelut tuotiin" in done.text and "Tuonti onnistui." in done.text
    assert ui.d.execute_script("return document.activeElement.closest('.import-report--done') !== null")
    assert not done.find_elements("css selector", "[data-action='import']")
    created = done.find_element("css selector", f"li[data-service-id='{NEW_SERVICE[0]}']")
    assert "Luotu" in created.text
    assert created.find_element("css selector", "h3 a").get_attribute("href").endswith(f"/editor/services/{NEW_SERVICE[0]}")
    problems += ui.page_problems("import done")
    shot(ui, "editor-import-done-360", "main .import-report--done")
    created.find_element("css selector", "a[data-action='open-in-catalogue']").click()
    ui.wait_page(f"/catalogue/services/{NEW_SERVICE[0]}")
    assert ui.h1() == NEW_SERVICE[1]
    ui.wait_text("Kesän ajan avoinna oleva klinikka")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_a_file_with_problems_shows_every_problem_and_no_import(ui, server, tmp_path):
    ui.sign_in(*server.users["approver"])  # approvers import too
    open_page(ui, "/editor/import")
    report = dry_run(ui, FIXTURES / "bad.json")
    assert report.get_attribute("data-problems") == "8"
    assert "Tiedostossa on 8 ongelmaa." in report.text and "Palveluja ei voi tuoda" in report.text
    assert not report.find_elements("css selector", "[data-action='import']")
    listed = [li.text for li in report.find_elements("css selector", ".import-problems li")]
    assert len(listed) == 8, listed
    for text in ("Tunniste: Tieto puuttuu tiedostosta.", "Maksullisuus: Arvo ei kelpaa.",
                 "Muokattu: Päivämäärä ei ole oikean muotoinen.", "Nimi (suomeksi): Tieto puuttuu tiedostosta.",
                 "Luokat: Tiedostossa ei ole yhtään arvoa, jonka voi tuoda.", "Koko kohta: Tämä kohta ei ole palvelu"):
        assert any(text in item for item in listed), (text, listed)
    assert "Nimetön palvelu (kohta 3)" in report.text
    problems = ui.page_problems("import with problems")
    shot(ui, "editor-import-problems-360", "main .import-report")

    # A file that is not a list of services: said next to the file field.
    other = tmp_path / "asetukset.json"
    other.write_text('{"settings": true}', encoding="utf-8")
    control(ui, "file").send_keys(str(other))
    assert not ui.all("main .import-report")  # a new file: the old report goes
    ui.css("main [data-action='dry-run']").click()
    ui.wait_text("ei ole palvelutietovarannon palvelulista", selector="main [data-field='file']")
    assert control(ui, "file").get_attribute("aria-invalid") == "true"
    assert not ui.all("main .import-report")
    problems += ui.page_problems("import of a wrong file")
    # Those without the right do not get the page.
    sign_in_as(ui, server, "serviceProvider")
    open_page(ui, "/editor")
    assert not ui.all("main a[data-action='import']")
    ui.open("/editor/import")
    ui.wait(lambda: ui.css("main .page").get_attribute("data-state") == "no-access")
    assert not problems, "\n".join(problems)


def test_the_demo_keeps_its_ages_however_late_it_is_started(server):
    """The demo catalogue's times move with the day the demo is started: a service's days since
    review are those it had when the file was written, so the demo always has its mix of fresh
    services and ones due for review."""
    demo = json.loads((pathlib.Path(ROOT) / "DemoData" / "catalogue.json").read_text())
    written = instant(demo["generatedAt"])
    ages = {s["id"]: (written - instant(s["reviewedAt"])).days for s in demo["services"] if s["organizationId"] == "hki-tyollisyys"}
    stale = api_session(server, "contentProducer").get(server.base_url + "/api/v1/catalogue/editor/stale").json()["items"]
    assert stale
    for s in stale:
        assert abs(s["daysSinceReview"] - ages[s["id"]]) <= 1, (s["id"], s["daysSinceReview"], ages[s["id"]])
    # None of the ones left is missing (the tests below may have marked some reviewed already).
    assert {s["id"] for s in stale} <= {i for i, days in ages.items() if days >= 120}


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_stale_list_marks_flagged_services_and_mark_reviewed_takes_one_off(ui, server):
    swept(server)
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, "/editor")
    ui.css("main a[data-action='stale']").click()
    ui.wait_page("/editor/stale")
    loaded(ui)
    assert h1(ui) == "Tarkistettavat palvelut"
    producer = api_session(server, "contentProducer")
    expected = [s["id"] for s in producer.get(server.base_url + "/api/v1/catalogue/editor/stale").json()["items"]]
    rows = [li.get_attribute("data-service-id") for li in ui.all("main .stale-list > li")]
    assert rows == expected and len(rows) >= 3, rows
    flagged = ui.css(f"main li[data-service-id='{OUTDATED}']")
    assert flagged.get_attribute("data-outdated") == "true"
    assert "Merkitty vanhentuneeksi" in flagged.text and "päivää sitten" in flagged.text
    assert flagged.find_element("css selector", "h3 a").get_attribute("href").endswith(f"/editor/services/{OUTDATED}")
    assert ui.css("main .result-count").text == f"{len(rows)} palvelua odottaa tarkistusta"
    problems = ui.page_problems("/editor/stale")
    shot(ui, "editor-stale-360")

    # By name, kept in the address.
    Select(control(ui, "sort")).select_by_value("name")
    ui.wait(lambda: "sort=name" in ui.d.current_url)
    loaded(ui)
    by_name = [s["id"] for s in producer.get(server.base_url + "/api/v1/catalogue/editor/stale?sort=name").json()["items"]]
    assert [li.get_attribute("data-service-id") for li in ui.all("main .stale-list > li")] == by_name
    Select(control(ui, "sort")).select_by_value("days")
    ui.wait(lambda: "sort=name" not in ui.d.current_url)
    loaded(ui)

    # Mark one reviewed: it leaves the list, the page says so, focus goes to the next row's button.
    listed = producer.get(server.base_url + "/api/v1/catalogue/editor/stale").json()["items"]
    service, name = next((s["id"], s["name"]["fi"]) for s in listed[:-1] if s["id"] != OUTDATED)
    row = ui.css(f"main li[data-service-id='{service}']")
    following = row.find_element("xpath", "following-sibling::li[1]").get_attribute("data-service-id")
    row.find_element("css selector", "[data-action='mark-reviewed']").click()
    ui.wait(lambda: not ui.all(f"main li[data-service-id='{service}']"))
    ui.wait_text(f"{name} merkittiin tarkistetuksi ja poistui listalta.")
    assert ui.css("main .result-count").text == f"{len(rows) - 1} palvelua odottaa tarkistusta"
    assert ui.d.execute_script(
        "return document.activeElement.dataset.action === 'mark-reviewed'"
        " && document.activeElement.closest('li').dataset.serviceId === arguments[0]", following)
    shot(ui, "editor-stale-marked-360")
    open_page(ui, "/editor/stale")
    assert not ui.all(f"main li[data-service-id='{service}']")

    # An organisation admin sees the list (services open in the catalogue) without the button.
    sign_in_as(ui, server, "orgAdmin")
    open_page(ui, "/editor/stale")
    flagged = ui.css(f"main li[data-service-id='{OUTDATED}']")
    assert flagged.find_element("css selector", "h3 a").get_attribute("href").endswith(f"/catalogue/services/{OUTDATED}")
    assert not ui.all("main [data-action='mark-reviewed']")
    problems += ui.page_problems("/editor/stale (organisation admin)")
    # A platform admin: every organisation, or one chosen.
    sign_in_as(ui, server, "platformAdmin")
    open_page(ui, "/editor/stale")
    organisation = Select(control(ui, "organization"))
    assert organisation.first_selected_option.text == "Kaikki organisaatiot"
    everywhere = len(ui.all("main .stale-list > li"))
    organisation.select_by_value("hki-tyollisyys")
    ui.wait(lambda: "organization=hki-tyollisyys" in ui.d.current_url)
    loaded(ui)
    assert 0 < len(ui.all("main .stale-list > li")) < everywhere
    assert not ui.all("main li[data-service-id='uraohjaus-korkeakoulutetuille']")  # another organisation's
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_review_reminders_show_on_the_editor_page_and_are_marked_read(ui, server):
    swept(server)
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, "/editor")
    section = ui.css("main .review-notices")
    assert section.find_element("css selector", "h2").text == "2 palvelua odottaa tarkistusta"
    first = section.find_element("css selector", "li[data-service-id='yrityksen-perustaminen-neuvonta']")
    assert "Muistutus" in first.text and "Palvelun tietoja ei ole tarkistettu 120 päivään." in first.text
    assert first.find_element("css selector", "h3 a").get_attribute("href").endswith("/editor/services/yrityksen-perustaminen-neuvonta")
    again = section.find_element("css selector", "li[data-service-id='paihdeneuvonta-tyonhakijoille']")
    assert "Toinen muistutus" in again.text and "135 päivää" in again.text
    # the header's editor link counts them (behind "Valikko" on a phone, whose button adds them up)
    assert ui.css("#nav-editor .nav-count").get_attribute("textContent") == "2 muistutusta"
    assert ui.css("#menu-count").get_attribute("textContent") == "2 uutta"
    problems = ui.page_problems("/editor with reminders")
    shot(ui, "editor-notices-360", "main .review-notices")

    first.find_element("css selector", "[data-action='mark-read']").click()
    ui.wait(lambda: not ui.all("main li[data-service-id='yrityksen-perustaminen-neuvonta']"))
    ui.wait_text("Muistutus palvelusta Yrityksen perustaminen – neuvonta merkittiin luetuksi.", selector="main .review-notices")
    assert ui.css("main .review-notices h2").text == "1 palvelu odottaa tarkistusta"
    assert ui.d.execute_script("return document.activeElement.dataset.action") == "mark-read"
    ui.wait(lambda: ui.css("#nav-editor .nav-count").get_attribute("textContent") == "1 muistutus")
    producer = api_session(server, "contentProducer")
    assert producer.get(server.base_url + NOTICES).json()["unread"] == 1
    ui.css("main .review-notices [data-action='mark-read']").click()
    ui.wait(lambda: ui.css("main .review-notices h2").text == "Kaikki muistutukset on luettu")
    assert ui.d.execute_script("return document.activeElement.tagName") == "H2"
    ui.wait(lambda: ui.css("#nav-editor .nav-count").get_attribute("hidden") is not None)
    open_page(ui, "/editor")
    assert not ui.all("main .review-notices")

    # An organisation admin is told of the outdated services; without editing rights, no service list.
    sign_in_as(ui, server, "orgAdmin")
    ui.open_menu()
    assert ui.css("#nav-editor").is_displayed()
    open_page(ui, "/editor")
    section = ui.css("main .review-notices")
    kinds = {li.get_attribute("data-kind") for li in section.find_elements("css selector", "li")}
    assert kinds == {"outdated"}, kinds
    outdated = section.find_element("css selector", f"li[data-service-id='{OUTDATED}']")
    assert "Vanhentunut" in outdated.text and "merkittiin vanhentuneiksi" in outdated.text
    assert outdated.find_element("css selector", "h3 a").get_attribute("href").endswith(f"/catalogue/services/{OUTDATED}")
    assert ui.all("main a[data-action='stale']") and not ui.all("main table") and not ui.all("main a[data-action='new']")
    problems += ui.page_problems("/editor (organisation admin)")
    shot(ui, "editor-notices-admin-360")
    # a client has none of it
    sign_in_as(ui, server, "client")
    assert not ui.css("#nav-editor").find_element("xpath", "..").is_displayed()
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_experts_see_the_outdated_mark_and_clients_do_not(ui, cui, server):
    swept(server)
    ui.sign_in(*server.users["expert"])
    cui.sign_in(*server.users["client"])
    problems = []
    for who, browser in (("expert", ui), ("client", cui)):
        browser.open("/catalogue?q=digituki")
        wait_results(browser, "q=digituki")
        row = browser.css(f"main .result-list > li[data-service-id='{OUTDATED}']")
        marks = row.find_elements("css selector", ".badge--outdated")
        if who == "expert":
            assert marks and marks[0].text == "Tiedot vanhentuneet – tarkistettu yli 150 päivää sitten", marks
            shot(browser, "catalogue-outdated-row-360", f"main .result-list > li[data-service-id='{OUTDATED}']")
        else:
            assert not marks
        problems += browser.page_problems(f"search [{who}]")
        browser.open(f"/catalogue/services/{OUTDATED}")
        browser.wait(lambda: browser.h1() == "Digituki työnhakuun")
        flagged = browser.all("main .service-outdated")
        if who == "expert":
            assert flagged, "no outdated notice on the service page"
            text = flagged[0].text
            assert "Tiedot vanhentuneet – tarkistettu yli 150 päivää sitten" in text and "tarkistettu viimeksi" in text, text
            shot(browser, "catalogue-outdated-page-360")
        else:
            assert not flagged
        problems += browser.page_problems(f"service page [{who}]")
    assert not problems, "\n".join(problems)


def test_the_views_in_finnish_swedish_and_english(ui, server):
    swept(server)
    titles = {
        "fi": ("Tarkistettavat palvelut", "Tuo palveluja palvelutietovarannosta", "Tiedostossa on 8 ongelmaa.", "Tarkista tiedosto"),
        "sv": ("Tjänster att granska", "Importera tjänster från servicedatalagret", "Filen har 8 problem.", "Kontrollera filen"),
        "en": ("Services due for review", "Import services from the service registry", "The file has 8 problems.", "Check the file"),
    }
    ui.sign_in(*server.users["platformAdmin"])
    problems = []
    for language, (stale, importing, bad, check) in titles.items():
        if language != "fi":
            choose_language(ui, language)
        open_page(ui, "/editor")
        # a platform admin is told of every organisation's outdated services: three, then "show all"
        rows = ui.all("main .review-notice-list > li")
        assert len(rows) > 3 and [r.is_displayed() for r in rows].count(True) == 3
        problems += ui.page_problems(f"/editor [{language}]")
        if language == "fi":
            more = ui.css("main .review-notices [data-action='show-all']")
            assert more.text == f"Näytä kaikki {len(rows)} muistutusta"
            more.click()
            assert all(r.is_displayed() for r in rows) and not more.is_displayed()
            assert ui.d.execute_script("return document.activeElement") == rows[3].find_element("css selector", "h3 a")
        open_page(ui, "/editor/stale")
        assert h1(ui) == stale and ui.d.title == f"{stale} – Ohjaustila"
        problems += ui.page_problems(f"/editor/stale [{language}]")
        open_page(ui, "/editor/import?organization=hki-tyollisyys")
        assert h1(ui) == importing and ui.d.title == f"{importing} – Ohjaustila"
        assert ui.css("main [data-action='dry-run']").text == check
        report = dry_run(ui, FIXTURES / "bad.json")
        assert bad in report.text, report.text[:300]
        problems += ui.page_problems(f"/editor/import [{language}]")
        if language != "fi":
            shot(ui, f"editor-import-problems-{language}-360", "main .import-report")
    choose_language(ui, "fi")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()
