"""The service catalogue in the browser: search with the state in the URL, service pages,
favourites, internal instructions for experts only, accessibility in fi/sv/en at 360 px."""
import urllib.parse

import pytest
import requests

SERVICE = "uraohjaus-aikuisille"  # a demo service with contacts, links, locations and internal instructions


def wait_results(ui, params=None, timeout=15):
    """Until the result list shows the search of `params` (the page's query string), or any search."""
    def loaded():
        value = ui.d.execute_script(
            "const s = document.querySelector('main .catalogue-results'); return s ? s.dataset.loaded : null")
        if value is None:
            return False
        return params is None or value == params
    ui.wait(loaded, timeout, f"results of {params!r} not shown; at {ui.d.current_url}")


def query(ui):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(ui.d.current_url).query)


def open_filters(ui):
    toggle = ui.css("main .filter-toggle")
    if toggle.is_displayed() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        ui.wait(lambda: ui.css("main .catalogue-filters").is_displayed())


def checkbox(ui, name, value):
    return ui.css(f"main .catalogue-filters input[name='{name}'][value='{value}']")


def result_ids(ui):
    return [li.get_attribute("data-service-id") for li in ui.all("main .result-list > li")]


def api_total(server, **params):
    r = requests.get(server.base_url + "/api/v1/catalogue/search", params={**params, "limit": 1})
    r.raise_for_status()
    return r.json()["total"]


def test_search_state_lives_in_the_url_reload_and_back_restore_it(ui, server):
    ui.open("/catalogue")
    wait_results(ui, "")
    assert ui.h1() == "Palvelumanuaali"
    everything = api_total(server)
    ui.wait_text(f"Löytyi {everything} palvelua.")

    box = ui.css("main input[role='combobox']")
    box.send_keys("uraohjaus")
    # Enter submits (no suggestion is active); clicking the button could hit the suggestion list,
    # which opens over it after a short delay.
    box.send_keys("\ue007")
    wait_results(ui, "q=uraohjaus")
    with_word = api_total(server, q="uraohjaus")
    assert 0 < with_word < everything
    ui.wait_text(f"Löytyi {with_word} palvelua.")

    # on the phone the filters are behind the "Rajaa hakua" button
    assert not ui.css("main .catalogue-filters").is_displayed()
    open_filters(ui)
    checkbox(ui, "municipality", "049").click()
    wait_results(ui, "q=uraohjaus&municipality=049")
    # the filters are built again with the new counts; the focus stays on the same checkbox
    assert ui.d.execute_script("const a = document.activeElement; return a.name + '=' + a.value") == "municipality=049"
    checkbox(ui, "cost", "free").click()
    wait_results(ui, "q=uraohjaus&municipality=049&cost=free")
    expected = api_total(server, q="uraohjaus", municipality="049", cost="free")
    assert 0 < expected <= with_word
    ui.wait_text("Löytyi 1 palvelu." if expected == 1 else f"Löytyi {expected} palvelua.")
    assert query(ui) == {"q": ["uraohjaus"], "municipality": ["049"], "cost": ["free"]}
    shown = result_ids(ui)
    assert SERVICE in shown and len(shown) == min(expected, 20)
    # the matching word is highlighted
    assert any("uraohja" in m.text.lower() for m in ui.all("main .result-list mark"))

    # a reload (or a shared link) gives the same search
    ui.d.refresh()
    ui.wait_page("/catalogue")
    wait_results(ui, "q=uraohjaus&municipality=049&cost=free")
    assert ui.css("main input[role='combobox']").get_attribute("value") == "uraohjaus"
    assert result_ids(ui) == shown
    open_filters(ui)
    assert checkbox(ui, "municipality", "049").is_selected()
    assert checkbox(ui, "cost", "free").is_selected()

    # Back goes to the search before the last filter, Forward again to it
    ui.d.back()
    wait_results(ui, "q=uraohjaus&municipality=049")
    assert query(ui) == {"q": ["uraohjaus"], "municipality": ["049"]}
    assert not checkbox(ui, "cost", "free").is_selected()
    assert checkbox(ui, "municipality", "049").is_selected()
    ui.d.back()
    wait_results(ui, "q=uraohjaus")
    assert ui.css("main input[role='combobox']").get_attribute("value") == "uraohjaus"
    ui.d.forward()
    wait_results(ui, "q=uraohjaus&municipality=049")

    # the order is part of the state as well
    from selenium.webdriver.support.ui import Select
    Select(ui.css("main select[name='sort']")).select_by_value("name")
    wait_results(ui, "q=uraohjaus&municipality=049&sort=name")
    r = requests.get(server.base_url + "/api/v1/catalogue/search",
                     params={"q": "uraohjaus", "municipality": "049", "sort": "name", "lang": "fi", "limit": 20})
    assert result_ids(ui) == [item["id"] for item in r.json()["items"]]
    assert not ui.console_errors()


def test_age_filter_checks_what_is_written(ui, server):
    from selenium.webdriver.common.keys import Keys
    ui.open("/catalogue?cost=free")
    wait_results(ui, "cost=free")
    open_filters(ui)
    age = ui.css("main .catalogue-filters input[name='age']")
    age.send_keys("abc", Keys.ENTER)
    ui.wait(lambda: age.get_attribute("aria-invalid") == "true")
    assert "Kirjoita ikä numeroina" in ui.css("main .filter-age .field-error").text
    assert query(ui) == {"cost": ["free"]}
    age.clear()  # an empty age is no filter: the list is shown again
    wait_results(ui, "cost=free")
    age = ui.css("main .catalogue-filters input[name='age']")
    assert age.get_attribute("aria-invalid") is None
    age.send_keys("17", Keys.ENTER)
    wait_results(ui, "cost=free&age=17")
    assert ui.css("main .catalogue-filters input[name='age']").get_attribute("value") == "17"
    ui.wait_text(f"Löytyi {api_total(server, cost='free', age=17)} palvelua.")


def test_client_profile_in_the_url_shows_why_services_fit(ui, server):
    ui.open("/catalogue?profileAge=20&profileMunicipality=049")
    wait_results(ui, "profileAge=20&profileMunicipality=049")
    assert "Sopii asiakkaalle: ikä, kunta" in ui.css("main .result-list .result__fits").text
    open_filters(ui)
    checkbox(ui, "cost", "free").click()  # the profile stays when the filters change
    wait_results(ui, "cost=free&profileAge=20&profileMunicipality=049")


def test_keyboard_users_can_skip_the_filters(ui, server):
    from selenium.webdriver.common.keys import Keys
    ui.desktop()
    ui.open("/catalogue")
    wait_results(ui, "")
    ui.css("main form[role='search'] button[type='submit']").send_keys(Keys.TAB)
    skip = ui.d.switch_to.active_element
    assert skip.text == "Siirry hakutuloksiin"
    skip.send_keys(Keys.ENTER)
    assert ui.d.switch_to.active_element.text == "Hakutulokset"
    assert query(ui) == {}


def test_show_more_pages_with_the_cursor(ui, server):
    ui.open("/catalogue?sort=name")
    wait_results(ui, "sort=name")
    assert len(result_ids(ui)) == 20
    ui.button("Näytä lisää").click()
    ui.wait(lambda: len(result_ids(ui)) == 40)
    assert len(set(result_ids(ui))) == 40
    # the focus moves to the first new result
    assert ui.d.execute_script("return document.activeElement.closest('li').dataset.serviceId") == result_ids(ui)[20]
    ui.wait_text(f"Näytetään 40 / {api_total(server)} palvelua.")


def test_suggestions_are_a_keyboard_combobox(ui, server):
    from selenium.webdriver.common.keys import Keys
    ui.open("/catalogue")
    wait_results(ui, "")
    box = ui.css("main input[role='combobox']")
    box.send_keys("uraohj")
    ui.wait(lambda: box.get_attribute("aria-expanded") == "true")
    options = ui.all("main [role='listbox'] [role='option']")
    assert options
    box.send_keys(Keys.ARROW_DOWN)
    active = box.get_attribute("aria-activedescendant")
    assert active and ui.css(f"#{active}").get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ESCAPE)
    ui.wait(lambda: box.get_attribute("aria-expanded") == "false")
    box.send_keys(Keys.ARROW_DOWN)
    ui.wait(lambda: box.get_attribute("aria-expanded") == "true")
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    # a service suggestion opens the service's page; a keyword searches with it
    ui.wait(lambda: "/catalogue/services/" in ui.d.current_url or "q=" in ui.d.current_url)


def test_service_page_and_favourites(ui, server):
    ui.open("/catalogue?q=uraohjaus&municipality=049")
    wait_results(ui, "q=uraohjaus&municipality=049")
    link = ui.css(f"main .result[data-service-id='{SERVICE}'] .result__name a")
    name = link.text
    link.click()
    ui.wait_page(f"/catalogue/services/{SERVICE}")
    assert ui.h1() == name
    assert ui.d.switch_to.active_element.tag_name == "h1"
    text = ui.text()
    for heading in ("Mikä palvelu on", "Kenelle", "Miten pääset mukaan", "Hinta", "Saavutettavuus",
                    "Missä ja milloin", "Yhteystiedot", "Linkit", "Päivitetty", "Tarkistettu"):
        assert heading in text, heading
    assert ui.all("main a[href^='tel:']") and ui.all("main a[href^='mailto:']")
    assert not ui.all("main a[target]")  # links open normally
    assert not ui.all("main .internal-band"), "internal instructions shown to a visitor"
    # the way back leads to the same search
    assert ui.css("main .back-link a").get_attribute("href").endswith("/catalogue?q=uraohjaus&municipality=049")

    # a toggle: one fixed label, only aria-pressed changes
    toggle = ui.css("main .favourite-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert toggle.text.endswith("Suosikki")
    toggle.click()
    ui.wait(lambda: toggle.get_attribute("aria-pressed") == "true")
    assert toggle.text.endswith("Suosikki")
    ui.wait_text("on tallennettu suosikkeihin")
    # kept for the browser session only: a public computer keeps nothing once closed
    favourites = "JSON.parse(sessionStorage.getItem('ohjaustila.catalogue.favourites') || '[]').map((x) => x.id)"
    assert ui.d.execute_script(f"return {favourites}") == [SERVICE]
    assert ui.d.execute_script("return localStorage.getItem('ohjaustila.catalogue.favourites')") is None

    ui.open("/catalogue/favourites")
    ui.wait(lambda: ui.all(f"main .result[data-service-id='{SERVICE}']"))
    assert ui.h1() == "Suosikkipalvelut"
    assert ui.css(f"main .result[data-service-id='{SERVICE}'] .result__name").text == name
    # the favourite survives a reload (the same browser session) and can be removed
    ui.d.refresh()
    ui.wait_page("/catalogue/favourites")
    ui.wait(lambda: ui.all(f"main .result[data-service-id='{SERVICE}']"))
    button = ui.css(f"main .result[data-service-id='{SERVICE}'] .favourite-toggle")
    assert button.get_attribute("aria-pressed") == "true"
    button.click()
    ui.wait(lambda: button.get_attribute("aria-pressed") == "false")
    assert button.text.endswith("Suosikki")
    assert ui.d.execute_script(f"return {favourites}") == []
    assert ui.d.execute_script("return localStorage.getItem('ohjaustila.catalogue.favourites')") is None
    assert not ui.console_errors()


def test_internal_instructions_only_for_experts(ui, server):
    ui.open(f"/catalogue/services/{SERVICE}")
    ui.wait(lambda: "Yhteystiedot" in ui.text())
    assert not ui.all("main .internal-band")
    assert "Sisäiset ohjeet" not in ui.text()

    ui.sign_in(*server.users["expert"], expect=None)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    ui.open(f"/catalogue/services/{SERVICE}")
    ui.wait(lambda: ui.all("main .internal-band"))
    band = ui.css("main .internal-band")
    assert band.find_element("css selector", "h2").text == "Sisäiset ohjeet"
    assert "Vain asiantuntijoille" in band.text
    assert "Ohjausprosessi" in band.text


def test_header_link_to_the_catalogue_for_everyone(ui, server):
    ui.open("/login")
    link = ui.css("#site-nav a[href='/catalogue']")
    assert link.text == "Palvelumanuaali"
    link.click()
    ui.wait_page("/catalogue")
    assert ui.css("#site-nav a[href='/catalogue']").get_attribute("aria-current") == "page"


def test_filter_names_come_from_the_taxonomy(ui, server):
    if requests.get(server.base_url + "/api/v1/catalogue/taxonomy").status_code == 404:
        pytest.skip("GET /api/v1/catalogue/taxonomy endpoint not yet served")
    ui.open("/catalogue?municipality=091")
    wait_results(ui, "municipality=091")
    open_filters(ui)
    label = ui.css("main .catalogue-filters input[name='municipality'][value='091'] + label")
    assert label.text.startswith("Helsinki")
    # the category filter is a tree: child categories under their parent
    assert ui.all("main .choices--tree > li > ul input[name='category']")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_catalogue_pages_are_accessible_and_fit_360px(ui, server, language):
    expected = {"fi": "Palvelumanuaali", "sv": "Servicemanual", "en": "Service catalogue"}[language]
    ui.reset(language=language)
    ui.d.execute_script(
        "sessionStorage.setItem('ohjaustila.catalogue.favourites', JSON.stringify([{id: arguments[0], name: null}]))", SERVICE)
    problems = []
    for path, ready in (
        ("/catalogue?q=uraohjaus&cost=free", lambda: wait_results(ui, "q=uraohjaus&cost=free")),
        (f"/catalogue/services/{SERVICE}", lambda: ui.wait(lambda: ui.all("main section"))),
        ("/catalogue/favourites", lambda: ui.wait(lambda: ui.all("main .result"))),
    ):
        ui.open(path.split("?")[0] + ("?" + path.split("?")[1] if "?" in path else ""), expect=path.split("?")[0])
        ready()
        assert ui.d.execute_script("return document.documentElement.lang") == language
        if path.startswith("/catalogue?"):
            assert ui.h1() == expected
            open_filters(ui)  # check the open filter panel too
        problems += ui.page_problems(f"{path} [{language}]")
    problems += [f"console [{language}]: {m}" for m in ui.console_errors()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_service_page_shows_its_translations_and_marks_what_is_only_in_finnish(ui, server, language):
    """Where a text has a translation, the page shows it; where it has none, the Finnish text is
    shown with lang="fi" and an "Endast på finska" / "Only in Finnish" mark before it."""
    service = requests.get(f"{server.base_url}/api/v1/catalogue/services/{SERVICE}").json()
    assert service["name"].get(language) and service["summary"].get(language) and not service["description"].get(language)
    ui.reset(language=language)
    ui.open(f"/catalogue/services/{SERVICE}")
    ui.wait(lambda: ui.all("main section"))
    assert ui.h1() == service["name"][language]
    assert not ui.css("main h1").get_attribute("lang")
    summary = ui.css("main .service-summary")
    assert summary.text == service["summary"][language]
    assert not summary.find_elements("css selector", ".lang-fallback")
    # the description and the cost description exist in Finnish only (the demo has no translation)
    mark = {"sv": "Endast på finska", "en": "Only in Finnish"}[language]
    description = service["description"]["fi"].split("\n\n")[0].strip()
    marked = [p for p in ui.all("main p") if p.find_elements("css selector", ".lang-fallback")]
    assert any(description in p.text and p.text.startswith(mark) for p in marked), [p.text[:80] for p in marked]
    finnish = ui.all("main [lang='fi']")
    assert any(description in e.text for e in finnish)
    cost = service["costDescription"]["fi"].split("\n\n")[0].strip()
    assert any(cost in e.text for e in finnish)

    # in the result list too: a summary without a translation is marked, a translated one is not
    ui.open("/catalogue?q=uraohjaus", expect="/catalogue")
    wait_results(ui, "q=uraohjaus")
    items = requests.get(f"{server.base_url}/api/v1/catalogue/search",
                         params={"q": "uraohjaus", "lang": language, "limit": 20}).json()["items"]
    shown = {li.get_attribute("data-service-id"): li for li in ui.all("main .result-list > li")}
    checked = set()
    for item in items:
        li = shown.get(item["id"])
        if li is None:
            continue
        marks = li.find_elements("css selector", ".result__summary .lang-fallback")
        translated = bool((item["summary"].get(language) or "").strip())
        assert bool(marks) != translated, (item["id"], translated)
        checked.add(translated)
    assert checked == {True, False}, "the first results should have both kinds"
    assert not ui.console_errors()


def test_a_finnish_page_has_no_language_marks(ui, server):
    ui.open(f"/catalogue/services/{SERVICE}")
    ui.wait(lambda: ui.all("main section"))
    assert not ui.all("main .lang-fallback") and not ui.all("main [lang]")
