"""The catalogue's publishing statistics in the browser (/editor/statistics) at 360 px: a content
producer opens them from the editor's page and sees their organisation's services by status, by
days since review, month by month and one by one, with a service's views as many as its page was
opened (the same figures as the API's); the region (Helsinki) and the period change the address and
the figures, Back brings the choice before; a platform admin starts from the whole catalogue; an
organisation admin sees them too (a failed load says so and offers "try again"); a service
provider of one organisation has only the period to choose; an expert and a client do not get
them. The page in fi, sv and en; no serious or critical axe violation, nothing wider than the
phone, no console error."""
import re

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import api_session
from test_web_editor import choose_language, control, loaded, open_page
from test_web_editor_more import shot

STATS = "/api/v1/catalogue/editor/statistics"
SERVICE = "tyonhakuvalmennus"  # a published service of hki-tyollisyys, offered in Helsinki
ORG = "hki-tyollisyys"
REGION = "091"
STATUSES = ("draft", "review", "published", "hidden", "archived")
TITLES = {"fi": "Julkaisutilastot", "sv": "Publiceringsstatistik", "en": "Publishing statistics"}
REGION_OPTION = {"fi": "Alue: Helsinki", "sv": "Område: Helsingfors", "en": "Region: Helsinki"}
ALL_OPTION = {"fi": "Koko palvelumanuaali", "sv": "Hela servicemanualen", "en": "The whole service catalogue"}
MONTH_NAMES = {
    "fi": ["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu",
           "syyskuu", "lokakuu", "marraskuu", "joulukuu"],
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def statistics(session, server, **params):
    r = session.get(server.base_url + STATS, params=params)
    assert r.status_code == 200, r.text[:300]
    return r.json()


def unscroll(ui):
    """The regions that scroll sideways back at their start (axe scrolls them as it looks)."""
    ui.d.execute_script("document.querySelectorAll('main .stat-scroll').forEach((r) => { r.scrollLeft = 0; })")


def query(ui):
    return ui.d.execute_script("return location.search")


def shown_scope(ui):
    return ui.css("main .page").get_attribute("data-scope")


def choose(ui, name, value):
    """Choose an option of a select as a person would, then wait for the figures."""
    Select(control(ui, name)).select_by_value(value)
    loaded(ui)


def number(cell):
    """The figure of a cell (its first number, spaces of thousands left out)."""
    text = cell.text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    m = re.search(r"\d+", text)
    assert m, cell.text
    return int(m.group(0))


def check_figures(ui, expected):
    """The tables show what the API says."""
    for status in STATUSES:
        row = ui.css(f"main table.stat-statuses tbody tr[data-status='{status}']")
        assert number(row.find_element(By.CSS_SELECTOR, "td")) == expected["statuses"][status], (status, row.text)
    total = ui.css("main table.stat-statuses tfoot tr[data-status='total'] td")
    assert number(total) == sum(expected["statuses"][s] for s in STATUSES)
    assert number(ui.css("main table.stat-edits tr[data-edit='draft'] td")) == expected["statuses"]["openDrafts"]
    assert number(ui.css("main table.stat-edits tr[data-edit='review'] td")) == expected["statuses"]["openReviews"]
    for bucket in expected["review"]["buckets"]:
        row = ui.css(f"main table.stat-review tbody tr[data-from='{bucket['from']}']")
        assert number(row.find_element(By.CSS_SELECTOR, "td")) == bucket["services"], row.text
    if expected["review"].get("medianDays") is not None:
        assert ui.css("main .stat-median").get_attribute("data-days") == str(expected["review"]["medianDays"])
    months = ui.all("main table.stat-monthly tbody tr")
    assert [r.get_attribute("data-month") for r in months] == [m["month"] for m in expected["monthly"]]
    for row, month in zip(months, expected["monthly"]):
        for key in ("publications", "views", "picks"):
            assert number(row.find_element(By.CSS_SELECTOR, f"td.cell-{key}")) == month[key], (month, row.text)
    totals = ui.css("main table.stat-monthly tfoot tr")
    for key in ("publications", "views", "picks"):
        assert number(totals.find_element(By.CSS_SELECTOR, f"td.cell-{key}")) == expected["totals"][key]
    rows = ui.all("main table.stat-services tbody tr")
    assert [r.get_attribute("data-service-id") for r in rows] == [s["id"] for s in expected["services"]]
    for row, service in zip(rows, expected["services"]):
        assert number(row.find_element(By.CSS_SELECTOR, "td.cell-views")) == service["views"], service
        assert number(row.find_element(By.CSS_SELECTOR, "td.cell-picks")) == service["picks"], service
    count = ui.css("main .stat-services-count")
    assert count.get_attribute("data-total") == str(expected["servicesTotal"])


def test_a_producer_sees_the_views_of_a_service_and_switches_to_the_region_and_period(ui, server):
    producer = api_session(server, "contentProducer")
    before = next(s for s in statistics(producer, server)["services"] if s["id"] == SERVICE)["views"]
    # Someone opens the service's page four times (anyone counts: nothing of who is kept).
    for _ in range(3):
        assert requests.get(f"{server.base_url}/api/v1/catalogue/services/{SERVICE}").status_code == 200
    assert api_session(server, "expert").get(f"{server.base_url}/api/v1/catalogue/services/{SERVICE}").status_code == 200

    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, "/editor")
    link = ui.css("main a[data-action='statistics']")
    assert link.text == "Julkaisutilastot"
    link.click()
    ui.wait_page("/editor/statistics")
    loaded(ui)
    assert ui.h1() == "Julkaisutilastot"
    assert ui.d.title == "Julkaisutilastot – Ohjaustila"
    assert ui.css("main .back-link a").get_attribute("href").endswith("/editor")

    expected = statistics(producer, server)
    assert expected["organization"] == ORG
    service = next(s for s in expected["services"] if s["id"] == SERVICE)
    assert service["views"] == before + 4, service
    # The address and the choices say what is shown: the producer's own organisation, 12 months.
    assert query(ui) == f"?organization={ORG}"
    assert Select(control(ui, "scope")).first_selected_option.text == "Helsingin kaupungin työllisyyspalvelut"
    assert Select(control(ui, "months")).first_selected_option.text == "Viimeiset 12 kuukautta"
    groups = [g.get_attribute("label") for g in ui.all("main select[name='scope'] optgroup")]
    assert groups == ["Organisaatiot", "Alueet"], groups
    assert [o.text for o in Select(control(ui, "scope")).options] == ["Helsingin kaupungin työllisyyspalvelut", "Alue: Helsinki"]
    showing = ui.css("main .result-count").text
    assert showing.startswith("Näytetään: Helsingin kaupungin työllisyyspalvelut,") and "alkaen" in showing, showing
    check_figures(ui, expected)

    # The service's row: its views as many as its page was opened; its name opens it in the editor.
    row = ui.css(f"main table.stat-services tr[data-service-id='{SERVICE}']")
    assert number(row.find_element(By.CSS_SELECTOR, "td.cell-views")) == service["views"] >= 4
    name = row.find_element(By.CSS_SELECTOR, "th[scope='row'] a")
    assert name.text == "Työnhakuvalmennus"
    assert name.get_attribute("href").endswith(f"/editor/services/{SERVICE}")
    assert "Julkaistu" in row.text
    # this month's views count them too
    this_month = ui.all("main table.stat-monthly tbody tr")[-1]
    assert number(this_month.find_element(By.CSS_SELECTOR, "td.cell-views")) == expected["monthly"][-1]["views"] >= 4
    assert ui.css("main .stat-services-count").text == f"{expected['servicesTotal']} palvelua, eniten katsotut ensin."

    # The tables: captions, headings of columns and rows; the bars are pictures only.
    for table in ui.all("main table"):
        named = table.find_elements(By.CSS_SELECTOR, "caption") or ui.all(f"#{table.get_attribute('aria-labelledby')}")
        assert named, table.get_attribute("class")
        assert all(th.get_attribute("scope") in ("col", "row") for th in table.find_elements(By.CSS_SELECTOR, "th"))
    assert all(b.get_attribute("aria-hidden") == "true" for b in ui.all("main .stat-bar"))
    assert ui.css("main table.stat-edits").get_attribute("aria-labelledby")
    # the month table fits a phone of 360 px (on a narrower one the rest scrolls into view)
    assert ui.d.execute_script("const r = document.querySelector('main .stat-scroll');"
                               "return r.scrollLeft === 0 && r.scrollWidth <= r.clientWidth")
    buckets = [r.find_element(By.CSS_SELECTOR, "th").text for r in ui.all("main table.stat-review tbody tr")]
    assert buckets == ["0–89 päivää", "90–119 päivää", "120–134 päivää (ensimmäinen muistutus)",
                       "135–149 päivää (toinen muistutus)", "150 päivää tai enemmän (vanhentunut)"], buckets
    region = ui.css("main .stat-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert ui.css(f"#{region.get_attribute('aria-labelledby')}").get_attribute("textContent") == \
        "Julkaisut, katselut ja valinnat kuukausittain"
    problems = ui.page_problems("/editor/statistics")
    unscroll(ui)
    shot(ui, "editor-statistics-360")
    shot(ui, "editor-statistics-statuses-360", "main .stat-statuses-part")
    shot(ui, "editor-statistics-review-360", "main .stat-review-part")
    shot(ui, "editor-statistics-monthly-360", "main .stat-monthly-part")
    shot(ui, "editor-statistics-services-360", "main .stat-services-part")

    # By keyboard: Tab reaches the choices and the table that scrolls sideways.
    ui.d.execute_script("document.querySelector('main h1').focus()")
    reached = []
    for _ in range(40):
        ui.d.switch_to.active_element.send_keys(Keys.TAB)
        active = ui.d.switch_to.active_element
        reached.append(active.get_attribute("name") or active.get_attribute("class") or active.tag_name)
        if "stat-scroll" in (active.get_attribute("class") or ""):
            break
    assert "scope" in reached and "months" in reached and reached[-1] == "stat-scroll", reached
    assert reached.index("scope") < reached.index("months")

    # The region of Helsinki: the services offered there, of every organisation.
    choose(ui, "scope", f"municipality:{REGION}")
    assert query(ui) == f"?municipality={REGION}"
    assert shown_scope(ui) == f"municipality:{REGION}"
    in_region = statistics(producer, server, municipality=REGION)
    assert in_region["servicesTotal"] > expected["servicesTotal"]
    check_figures(ui, in_region)
    assert ui.css("main .result-count").text.startswith("Näytetään: Helsinki (alue),")
    other = next(s for s in in_region["services"] if s["organizationId"] != ORG)
    other_row = ui.css(f"main table.stat-services tr[data-service-id='{other['id']}']")
    assert other_row.find_element(By.CSS_SELECTOR, ".editor-table__org").text  # whose service it is
    problems += ui.page_problems("/editor/statistics region")
    shot(ui, "editor-statistics-region-360")

    # The period: three months.
    choose(ui, "months", "3")
    assert query(ui) == f"?municipality={REGION}&months=3"
    three = statistics(producer, server, municipality=REGION, months=3)
    assert len(three["monthly"]) == 3
    check_figures(ui, three)
    assert ui.css("main .page").get_attribute("data-months") == "3"

    # Back: twelve months again, then the organisation.
    ui.d.back()
    ui.wait(lambda: query(ui) == f"?municipality={REGION}")
    loaded(ui)
    ui.wait(lambda: len(ui.all("main table.stat-monthly tbody tr")) == 12)
    assert control(ui, "months").get_attribute("value") == "12"
    ui.d.back()
    ui.wait(lambda: query(ui) == f"?organization={ORG}")
    loaded(ui)
    ui.wait(lambda: shown_scope(ui) == f"organization:{ORG}")
    assert control(ui, "scope").get_attribute("value") == f"organization:{ORG}"

    # An address kept (a bookmark) opens the same choices.
    ui.open(f"/editor/statistics?municipality={REGION}&months=6")
    loaded(ui)
    assert shown_scope(ui) == f"municipality:{REGION}" and len(ui.all("main table.stat-monthly tbody tr")) == 6
    # Someone else's organisation in the address: the user's own instead.
    ui.open("/editor/statistics?organization=espoo-tyollisyys")
    loaded(ui)
    assert shown_scope(ui) == f"organization:{ORG}" and query(ui) == f"?organization={ORG}"
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_the_statistics_in_swedish_and_english(ui, server):
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, "/editor/statistics")
    expected = statistics(api_session(server, "contentProducer"), server)
    problems = []
    for lang in ("sv", "en", "fi"):
        choose_language(ui, lang)
        ui.wait(lambda: ui.h1() == TITLES[lang])
        loaded(ui)
        assert ui.d.title == f"{TITLES[lang]} – Ohjaustila"
        options = [o.text for o in Select(control(ui, "scope")).options]
        assert REGION_OPTION[lang] in options, options
        # the months in the language's own words
        first = ui.css("main table.stat-monthly tbody tr th").text
        year, month = expected["monthly"][0]["month"].split("-")
        assert MONTH_NAMES[lang][int(month) - 1] in first and year in first, first
        check_figures(ui, expected)
        assert ui.d.execute_script("const r = document.querySelector('main .stat-scroll'); return r.scrollWidth <= r.clientWidth"), \
            f"the month table fits a phone in {lang}"
        if lang != "fi":
            problems += ui.page_problems(f"/editor/statistics {lang}")
            unscroll(ui)
            shot(ui, f"editor-statistics-{lang}-360")
            shot(ui, f"editor-statistics-review-{lang}-360", "main .stat-review-part")
            shot(ui, f"editor-statistics-monthly-{lang}-360", "main .stat-monthly-part")
    assert ui.css("main table.stat-review tbody tr[data-outdated='true'] th").text == "150 päivää tai enemmän (vanhentunut)"
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_a_platform_admin_starts_from_the_whole_catalogue(ui, server):
    admin = api_session(server, "platformAdmin")
    ui.sign_in(*server.users["platformAdmin"])
    open_page(ui, "/editor")
    ui.css("main a[data-action='statistics']").click()
    ui.wait_page("/editor/statistics")
    loaded(ui)
    whole = statistics(admin, server)
    assert whole["choices"]["all"] is True and whole.get("organization") is None and whole.get("municipality") is None
    scope = Select(control(ui, "scope"))
    assert scope.first_selected_option.text == "Koko palvelumanuaali"
    assert scope.options[0].get_attribute("value") == "all"
    assert query(ui) == ""
    assert ui.css("main .result-count").text.startswith("Näytetään: Koko palvelumanuaali,")
    check_figures(ui, whole)
    # every organisation is named beside its services
    assert all(r.find_elements(By.CSS_SELECTOR, ".editor-table__org") for r in ui.all("main table.stat-services tbody tr")[:5])
    problems = ui.page_problems("/editor/statistics admin")
    shot(ui, "editor-statistics-admin-360")
    choose(ui, "scope", "organization:espoo-tyollisyys")
    assert query(ui) == "?organization=espoo-tyollisyys"
    check_figures(ui, statistics(admin, server, organization="espoo-tyollisyys"))
    choose(ui, "scope", "all")
    assert query(ui) == "" and shown_scope(ui) == "all"
    # on a desk's wide screen: tables side by side with their columns
    ui.desktop()
    problems += ui.page_problems("/editor/statistics desktop", width=1280)
    shot(ui, "editor-statistics-desktop")
    shot(ui, "editor-statistics-statuses-desktop", "main .stat-statuses-part")
    shot(ui, "editor-statistics-services-desktop", "main .stat-services-part")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_an_organisation_admin_sees_them_experts_and_clients_do_not(ui, server):
    ui.sign_in(*server.users["orgAdmin"])
    open_page(ui, "/editor")
    ui.css("main a[data-action='statistics']").click()
    ui.wait_page("/editor/statistics")
    loaded(ui)
    expected = statistics(api_session(server, "orgAdmin"), server)
    check_figures(ui, expected)
    # no editing rights: a published service opens in the catalogue instead of the editor
    row = ui.css(f"main table.stat-services tr[data-service-id='{SERVICE}']")
    assert row.find_element(By.CSS_SELECTOR, "th a").get_attribute("href").endswith(f"/catalogue/services/{SERVICE}")

    # The statistics cannot be reached: the error says what to do, no figures of other choices stay,
    # and "try again" loads them once the connection is back.
    ui.d.execute_cdp_cmd("Network.enable", {})
    ui.d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/v1/catalogue/editor/statistics*"]})
    try:
        Select(control(ui, "months")).select_by_value("6")
        ui.wait(lambda: ui.all("main [data-action='retry']"), 10, "no try again")
    finally:
        ui.d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        ui.d.execute_cdp_cmd("Network.disable", {})
    alert = ui.css("main .live-region[role='alert']")
    assert alert.text == "Palvelimeen ei saatu yhteyttä. Tarkista verkkoyhteys ja yritä uudelleen.", alert.text
    assert not ui.all("main table") and ui.css("main .result-count").text == ""
    assert query(ui) == f"?organization={ORG}&months=6"
    problems = ui.page_problems("/editor/statistics error")
    shot(ui, "editor-statistics-error-360")
    retry = ui.css("main [data-action='retry']")
    assert retry.text == "Yritä uudelleen"
    retry.send_keys(Keys.ENTER)  # by keyboard
    loaded(ui)
    assert len(ui.all("main table.stat-monthly tbody tr")) == 6 and alert.text == ""
    assert ui.d.execute_script("return document.activeElement.matches('main .stat-section h2')")
    check_figures(ui, statistics(api_session(server, "orgAdmin"), server, months=6))
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()

    # A service provider of one organisation that serves no region: nothing to choose but the period.
    ui.reset()
    ui.sign_in(*server.users["serviceProvider"])
    open_page(ui, "/editor/statistics")
    assert not control(ui, "scope").is_displayed() and control(ui, "months").is_displayed()
    assert ui.css("main .result-count").text.startswith("Näytetään: Valmennus Kompassi Oy,")
    check_figures(ui, statistics(api_session(server, "serviceProvider"), server))
    problems += ui.page_problems("/editor/statistics serviceProvider")

    for who in ("expert", "client"):
        ui.reset()
        ui.sign_in(*server.users[who], expect=None)
        ui.wait(lambda: "/login" not in ui.d.current_url)
        ui.open("/editor/statistics")
        ui.wait(lambda: ui.css("main .page").get_attribute("data-state") == "no-access")
        assert ui.h1() == "Ei käyttöoikeutta"
        assert not ui.all("main table") and not ui.all("main select[name='scope']")
        assert api_session(server, who).get(server.base_url + STATS).status_code == 403
        problems += ui.page_problems(f"/editor/statistics {who}")
    assert not problems, "\n".join(problems)
    shot(ui, "editor-statistics-no-access-360")
    assert not ui.console_errors()
