"""Favourites in the browser: visitors' favourites for the browser session, staff's named lists on
the server (the "Tallenna listalle" dialog, the lists page, one list's page), printing, sharing a
list by a read-only link, recently viewed services, and accessibility in fi/sv/en at 360 px."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import api_session

SERVICE = "uraohjaus-aikuisille"
OTHER = "uraohjaus-korkeakoulutetuille"
THIRD = "uraohjausta-alanvaihtajille"
KEY = "ohjaustila.catalogue.favourites"


# ---- helpers ------------------------------------------------------------------------------

def wait_results(ui, params, timeout=15):
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .catalogue-results'); return s ? s.dataset.loaded : null") == params,
        timeout, f"results of {params!r} not shown")


def session_favourites(ui):
    return ui.d.execute_script("return JSON.parse(sessionStorage.getItem(arguments[0]) || '[]').map((x) => x.id)", KEY)


def expert_api(server):
    """The demo expert over the API, with no lists and nothing recently viewed."""
    s = api_session(server, "expert")
    r = s.get(server.base_url + "/api/v1/favourite-lists?limit=100")
    r.raise_for_status()
    for item in r.json()["items"]:
        assert s.delete(f"{server.base_url}/api/v1/favourite-lists/{item['id']}").status_code == 204
    assert s.delete(server.base_url + "/api/v1/me/recently-viewed").status_code == 204
    return s


def lists_by_name(s, server):
    r = s.get(server.base_url + "/api/v1/favourite-lists?limit=100")
    r.raise_for_status()
    return {item["name"]: item for item in r.json()["items"]}


def make_list(s, server, name, services=()):
    r = s.post(server.base_url + "/api/v1/favourite-lists", json={"name": name})
    assert r.status_code == 201, r.text
    list_id = r.json()["id"]
    for service in services:
        assert s.put(f"{server.base_url}/api/v1/favourite-lists/{list_id}/services/{service}").status_code == 204
    return list_id


def sign_in_expert(ui, server, language=None):
    ui.sign_in(*server.users["expert"], expect=None)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    if language:
        ui.set_language(language)  # the account's language won at sign-in; choose the tested one again


def dialog(ui):
    ui.wait(lambda: ui.all("dialog[open]"), message="no dialog open")
    return ui.css("dialog[open]")


def list_box(ui, name):
    """The checkbox of a list in the open dialog, by the list's name."""
    d = dialog(ui)
    for label in d.find_elements(By.CSS_SELECTOR, ".list-picker__lists label"):
        if label.text == name:
            return d.find_element(By.ID, label.get_attribute("for"))
    raise AssertionError(f"no list {name!r} in the dialog: {d.text}")


def wait_dialog_lists(ui):
    ui.wait(lambda: ui.all("dialog[open] .list-picker__lists input"), message="the lists did not load")


def status_text(ui):
    return ui.css("dialog[open] .list-picker__status").text


def wait_loaded(ui, selector):
    ui.wait(lambda: ui.all(f"{selector}[data-loaded='true']"), 15, f"{selector} not loaded")


def api_requests(ui, fragment):
    """The URLs of the requests this document made that contain `fragment`."""
    return ui.d.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes(arguments[0]))",
        fragment)


# ---- visitors and clients: the browser session -------------------------------------------

def test_visitor_favourites_are_kept_for_the_session_and_loaded_in_one_request(ui, server):
    # favourites of an earlier version (localStorage) move to the session and leave localStorage
    ui.d.execute_script(
        "localStorage.setItem(arguments[0], JSON.stringify([{id: arguments[1], name: {fi: 'Vanha suosikki'}}]))", KEY, THIRD)
    ui.open("/catalogue?q=uraohjaus")
    wait_results(ui, "q=uraohjaus")
    toggle = ui.css(f"main .result[data-service-id='{SERVICE}'] .favourite-toggle")
    # a toggle keeps one label; only aria-pressed changes
    assert toggle.text.endswith("Suosikki") and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    ui.wait(lambda: toggle.get_attribute("aria-pressed") == "true")
    assert toggle.text.endswith("Suosikki")
    ui.wait(lambda: "on tallennettu suosikkeihin" in ui.css("main .catalogue-results [role='status'].visually-hidden").text)
    ui.css(f"main .result[data-service-id='{OTHER}'] .favourite-toggle").click()
    ui.wait(lambda: OTHER in session_favourites(ui))
    assert session_favourites(ui) == [OTHER, SERVICE, THIRD]
    assert ui.d.execute_script("return localStorage.getItem(arguments[0])", KEY) is None

    # one that no longer exists is shown as gone, with a way to remove it
    ui.d.execute_script("""
        const list = JSON.parse(sessionStorage.getItem(arguments[0]));
        list.push({id: 'ei-enaa-olemassa', name: {fi: 'Lopetettu palvelu'}});
        sessionStorage.setItem(arguments[0], JSON.stringify(list));""", KEY)
    ui.open("/catalogue/favourites")
    wait_loaded(ui, "main .result-list")
    assert ui.h1() == "Suosikkipalvelut"
    assert "vain, kunnes suljet sen" in ui.text()
    assert [li.get_attribute("data-service-id") for li in ui.all("main .result-list > li")] == \
        [OTHER, SERVICE, THIRD, "ei-enaa-olemassa"]
    # every service in ONE request (ids in the order saved), none one by one
    requests_made = api_requests(ui, "/api/v1/catalogue/services")
    assert len(requests_made) == 1, requests_made
    assert f"ids={OTHER},{SERVICE},{THIRD},ei-enaa-olemassa" in requests_made[0]
    gone = ui.css("main .result[data-service-id='ei-enaa-olemassa']")
    assert "Lopetettu palvelu" in gone.text and "ei enää löydy" in gone.text
    assert not gone.find_elements(By.CSS_SELECTOR, "a")
    gone.find_element(By.XPATH, ".//button[normalize-space(.)='Poista suosikeista']").click()
    ui.wait(lambda: not ui.all("main .result[data-service-id='ei-enaa-olemassa']"))
    ui.wait_text("on poistettu suosikeista")
    assert session_favourites(ui) == [OTHER, SERVICE, THIRD]

    # a reload keeps them (the same browser session); the toggle removes one
    ui.d.refresh()
    ui.wait_page("/catalogue/favourites")
    wait_loaded(ui, "main .result-list")
    button = ui.css(f"main .result[data-service-id='{SERVICE}'] .favourite-toggle")
    assert button.get_attribute("aria-pressed") == "true"
    button.click()
    ui.wait(lambda: button.get_attribute("aria-pressed") == "false")
    assert session_favourites(ui) == [OTHER, THIRD]
    assert ui.d.execute_script("return localStorage.getItem(arguments[0])", KEY) is None
    # no lists and no recently viewed for a visitor
    assert not ui.all("main #recent") and not ui.all("main .favourite-lists-button")
    assert not ui.console_errors()


def test_a_client_keeps_favourites_in_the_browser_too(ui, server):
    ui.sign_in(*server.users["client"], expect=None)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    ui.open("/catalogue")
    wait_results(ui, "")
    assert not ui.all("main .catalogue-recent-link"), "recently viewed is for staff"
    ui.open(f"/catalogue/services/{SERVICE}")
    toggle = ui.css("main .service-actions .favourite-toggle")
    assert not ui.all("main .favourite-lists-button")
    toggle.click()
    ui.wait(lambda: toggle.get_attribute("aria-pressed") == "true")
    assert session_favourites(ui) == [SERVICE]
    ui.open("/catalogue/favourites")
    wait_loaded(ui, "main .result-list")
    assert ui.h1() == "Suosikkipalvelut"
    assert [li.get_attribute("data-service-id") for li in ui.all("main .result-list > li")] == [SERVICE]


# ---- staff: lists on the server ----------------------------------------------------------

def test_expert_saves_a_service_on_a_new_list_then_on_a_second_list(ui, server):
    s = expert_api(server)
    sign_in_expert(ui, server)
    ui.open("/catalogue?q=uraohjaus")
    wait_results(ui, "q=uraohjaus")
    row = ui.css(f"main .result[data-service-id='{SERVICE}']")
    assert not row.find_elements(By.CSS_SELECTOR, ".favourite-toggle")
    button = row.find_element(By.CSS_SELECTOR, ".favourite-lists-button")
    assert button.text.endswith("Tallenna listalle")
    assert button.get_attribute("aria-pressed") is None  # it opens a dialog; it is not a toggle
    button.click()

    d = dialog(ui)
    assert d.find_element(By.CSS_SELECTOR, "h2").text == "Tallenna listalle"
    assert "Uraohjaus aikuisille" in d.text
    wait_dialog_lists(ui)
    # an expert with no lists gets a first one, in the UI language; nothing is saved on it yet
    first = list_box(ui, "Suosikit")
    assert not first.is_selected()
    assert ui.d.switch_to.active_element == first
    ui.fill("listName", "Nuorten palvelut", within=d)
    ui.button("Luo lista ja tallenna", within=d).click()
    ui.wait(lambda: "Lista Nuorten palvelut on luotu" in status_text(ui))
    assert ui.css("dialog[open] .list-picker__status").get_attribute("role") == "status"
    assert list_box(ui, "Nuorten palvelut").is_selected()
    lists = lists_by_name(s, server)
    assert lists["Nuorten palvelut"]["serviceIds"] == [SERVICE]
    assert lists["Suosikit"]["serviceIds"] == []
    ui.button("Valmis", within=d).click()
    ui.wait(lambda: not ui.all("dialog"))
    # focus back on the button; the lists holding the service are named next to it
    assert ui.d.switch_to.active_element == button
    assert button.text.endswith("Tallenna listalle")
    note = row.find_element(By.CSS_SELECTOR, ".favourite-control__note")
    assert note.text == "Listoilla: Nuorten palvelut"
    assert note.get_attribute("id") in button.get_attribute("aria-describedby").split()

    # the service page: the same control, a second list ticked, saved at once
    ui.open(f"/catalogue/services/{SERVICE}")
    button = ui.css("main .service-actions .favourite-lists-button")
    ui.wait(lambda: ui.css("main .service-actions .favourite-control__note").text == "Listoilla: Nuorten palvelut")
    button.click()
    wait_dialog_lists(ui)
    assert list_box(ui, "Nuorten palvelut").is_selected()
    box = list_box(ui, "Suosikit")
    assert not box.is_selected()
    box.click()
    ui.wait(lambda: "Uraohjaus aikuisille on tallennettu listalle Suosikit." in status_text(ui))
    assert lists_by_name(s, server)["Suosikit"]["serviceIds"] == [SERVICE]
    # unticking takes it off at once
    list_box(ui, "Nuorten palvelut").click()
    ui.wait(lambda: "on poistettu listalta Nuorten palvelut" in status_text(ui))
    assert lists_by_name(s, server)["Nuorten palvelut"]["serviceIds"] == []
    # Escape closes; focus goes back to the button
    list_box(ui, "Suosikit").send_keys(Keys.ESCAPE)
    ui.wait(lambda: not ui.all("dialog"))
    assert ui.d.switch_to.active_element == button
    ui.wait(lambda: ui.css("main .service-actions .favourite-control__note").text == "Listoilla: Suosikit")
    assert not ui.console_errors()


def test_lists_page_list_page_rename_and_delete(ui, server):
    s = expert_api(server)
    job = make_list(s, server, "Työnhaku", [SERVICE, OTHER])  # newest first: OTHER, SERVICE
    make_list(s, server, "Kuntoutus", [THIRD])
    sign_in_expert(ui, server)
    ui.open("/catalogue/favourites")
    wait_loaded(ui, "main .fav-lists")
    assert ui.h1() == "Suosikkilistat"
    rows = ui.all("main .fav-lists > li")
    assert sorted(r.find_element(By.CSS_SELECTOR, "h3").text for r in rows) == ["Kuntoutus", "Työnhaku"]
    row = ui.css(f"main .fav-lists > li[data-list-id='{job}']")
    assert "2 palvelua" in row.text and "Päivitetty" in row.text
    assert row.find_element(By.CSS_SELECTOR, "time").get_attribute("datetime")

    # the list's own page: its services as result rows, each removable
    row.find_element(By.LINK_TEXT, "Työnhaku").click()
    ui.wait_page(f"/catalogue/favourites/{job}")
    wait_loaded(ui, "main .list-services .result-list")
    assert ui.h1() == "Työnhaku"
    assert "2 palvelua" in ui.css("main .list-meta").text
    assert [li.get_attribute("data-service-id") for li in ui.all("main .list-services .result")] == [OTHER, SERVICE]
    assert ui.css(f"main .result[data-service-id='{SERVICE}'] .result__name a").get_attribute("href").endswith(
        f"/catalogue/services/{SERVICE}")
    remove = ui.css(f"main .result[data-service-id='{OTHER}']").find_element(By.XPATH, ".//button[normalize-space(.)='Poista listalta']")
    remove.click()
    ui.wait(lambda: not ui.all(f"main .result[data-service-id='{OTHER}']"))
    ui.wait_text("on poistettu listalta Työnhaku")
    assert "1 palvelu" in ui.css("main .list-meta").text
    # the focus moves on to the next service
    assert ui.d.switch_to.active_element.text == "Uraohjaus aikuisille"
    assert lists_by_name(s, server)["Työnhaku"]["serviceIds"] == [SERVICE]

    # rename (an empty name is refused next to the field)
    ui.css("main .back-link a").click()
    ui.wait_page("/catalogue/favourites")
    wait_loaded(ui, "main .fav-lists")
    row = ui.css(f"main .fav-lists > li[data-list-id='{job}']")
    assert "1 palvelu" in row.text
    row.find_element(By.XPATH, ".//button[normalize-space(.)='Nimeä uudelleen']").click()
    d = dialog(ui)
    field = d.find_element(By.CSS_SELECTOR, "input[name='listName']")
    assert field.get_attribute("value") == "Työnhaku"
    field.clear()
    ui.button("Tallenna nimi", within=d).click()
    ui.wait(lambda: "Kirjoita listan nimi." in d.text)
    assert field.get_attribute("aria-invalid") == "true"
    field.send_keys("Työnhaun palvelut")
    ui.button("Tallenna nimi", within=d).click()
    ui.wait(lambda: not ui.all("dialog"))
    ui.wait(lambda: row.find_element(By.CSS_SELECTOR, "h3").text == "Työnhaun palvelut")
    ui.wait_text("Listan uusi nimi on Työnhaun palvelut.")
    assert "Työnhaun palvelut" in lists_by_name(s, server)

    # a new list from the page
    ui.fill("listName", "Kielikurssit")
    ui.button("Luo lista").click()
    ui.wait_text("Lista Kielikurssit on luotu.")
    ui.wait(lambda: ui.all("main .fav-lists > li")[0].find_element(By.CSS_SELECTOR, "h3").text == "Kielikurssit")
    assert "Ei palveluja" in ui.all("main .fav-lists > li")[0].text
    assert "Kielikurssit" in lists_by_name(s, server)

    # delete asks first; cancelling keeps the list
    delete = row.find_element(By.XPATH, ".//button[normalize-space(.)='Poista lista']")
    delete.click()
    d = dialog(ui)
    assert d.find_element(By.CSS_SELECTOR, "h2").text == "Poistetaanko lista Työnhaun palvelut?"
    assert ui.d.switch_to.active_element.text == "Peruuta"  # the safe choice first
    ui.button("Peruuta", within=d).click()
    ui.wait(lambda: not ui.all("dialog"))
    assert "Työnhaun palvelut" in lists_by_name(s, server)
    delete.click()
    ui.button("Poista lista", within=dialog(ui)).click()
    ui.wait(lambda: not ui.all(f"main .fav-lists > li[data-list-id='{job}']"))
    ui.wait_text("Lista Työnhaun palvelut on poistettu.")
    assert "Työnhaun palvelut" not in lists_by_name(s, server)
    # the deleted list's page says so
    ui.open(f"/catalogue/favourites/{job}")
    assert ui.h1() == "Listaa ei löytynyt"
    assert not ui.console_errors()


def test_the_list_prints_cleanly(ui, server):
    s = expert_api(server)
    list_id = make_list(s, server, "Tulostettava lista", [SERVICE, OTHER])
    sign_in_expert(ui, server)
    ui.desktop()
    ui.open(f"/catalogue/favourites/{list_id}")
    wait_loaded(ui, "main .list-services .result-list")
    ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = ui.d.execute_script("""
            const visible = (el) => {
              for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).display === 'none') return false;
              return !!el;
            };
            const any = (sel) => [...document.querySelectorAll(sel)].some(visible);
            return {
              h1: visible(document.querySelector('main h1')),
              meta: visible(document.querySelector('main .list-meta')),
              services: [...document.querySelectorAll('main .result')].filter(visible).length,
              buttons: any('main button'),
              links: any('main .btn, main .back-link a'),
              share: any('main .share-panel'),
              header: any('.site-header__tools, #site-nav'),
              footer: any('.site-footer'),
            };""")
    finally:
        ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown == {"h1": True, "meta": True, "services": 2, "buttons": False, "links": False,
                     "share": False, "header": False, "footer": False}, shown
    assert "Päivitetty" in ui.css("main .list-meta").text


def test_sharing_a_list_by_a_read_only_link_and_stopping_it(ui, server):
    s = expert_api(server)
    list_id = make_list(s, server, "Jaettava lista", [SERVICE, OTHER])
    sign_in_expert(ui, server)
    ui.open(f"/catalogue/favourites/{list_id}")
    wait_loaded(ui, "main .list-services .result-list")
    panel = ui.css("main .share-panel")
    assert panel.get_attribute("data-shared") == "false"
    ui.button("Tee jakolinkki", within=panel).click()
    ui.wait(lambda: panel.get_attribute("data-shared") == "true")
    ui.wait_text("Jakolinkki on tehty.")
    link = panel.find_element(By.CSS_SELECTOR, "input.share-panel__link")
    assert link.get_attribute("readonly") is not None
    assert ui.d.switch_to.active_element == link
    url = link.get_attribute("value")
    token = lists_by_name(s, server)["Jaettava lista"]["shareToken"]
    assert token and url == f"{server.base_url}/catalogue/shared/{token}"
    label = panel.find_element(By.CSS_SELECTOR, f"label[for='{link.get_attribute('id')}']")
    assert label.text == "Jakolinkki"
    ui.button("Kopioi linkki", within=panel).click()
    # copied, or (no clipboard here) selected for Ctrl+C
    ui.wait(lambda: "Linkki on kopioitu." in ui.text() or "Linkki on valittu." in ui.text())

    # someone else, not signed in, in a fresh browser state
    ui.reset()
    ui.d.get(url)
    ui.wait_page(f"/catalogue/shared/{token}")
    assert ui.h1() == "Jaettava lista"
    assert "Päivitetty" in ui.css("main .list-meta").text and "2 palvelua" in ui.css("main .list-meta").text
    assert [li.get_attribute("data-service-id") for li in ui.all("main .result")] == [OTHER, SERVICE]
    # read-only: nothing to change, only printing
    assert [b.text for b in ui.all("main button")] == ["Tulosta"]
    assert not ui.all("main .favourite-toggle, main .favourite-lists-button, main input")

    # the owner stops sharing (asked first); the old link stops working
    sign_in_expert(ui, server)
    ui.open(f"/catalogue/favourites/{list_id}")
    wait_loaded(ui, "main .list-services .result-list")
    panel = ui.css("main .share-panel")
    assert panel.find_element(By.CSS_SELECTOR, "input").get_attribute("value") == url
    ui.button("Lopeta jakaminen", within=panel).click()
    d = dialog(ui)
    assert "lakkaa toimimasta" in d.text
    ui.button("Lopeta jakaminen", within=d).click()
    ui.wait(lambda: panel.get_attribute("data-shared") == "false")
    ui.wait_text("Jakaminen on lopetettu.")
    assert ui.d.switch_to.active_element.text == "Tee jakolinkki"
    assert lists_by_name(s, server)["Jaettava lista"]["shareToken"] is None

    ui.reset()
    ui.d.get(url)
    ui.wait_page(f"/catalogue/shared/{token}")
    assert ui.h1() == "Linkki ei toimi"
    assert "jakaminen on lopetettu" in ui.text()
    assert not ui.all("main .result")


def test_recently_viewed_shows_what_the_expert_opened_and_can_be_cleared(ui, server):
    s = expert_api(server)
    sign_in_expert(ui, server)
    for service in (SERVICE, OTHER):
        ui.open(f"/catalogue/services/{service}")
        ui.wait(lambda: ui.all("main section"))
    ui.open("/catalogue")
    wait_results(ui, "")
    link = ui.css("main .catalogue-recent-link a")
    assert link.text == "Viimeksi katsotut"
    link.click()
    ui.wait_page("/catalogue/favourites")
    wait_loaded(ui, "main #recent .result-list")
    assert ui.d.execute_script("return location.hash") == "#recent"
    ui.wait(lambda: ui.d.switch_to.active_element.tag_name == "h2"
            and ui.d.switch_to.active_element.text == "Viimeksi katsotut")
    recent = ui.css("main #recent")
    assert [li.get_attribute("data-service-id") for li in recent.find_elements(By.CSS_SELECTOR, ".result")] == [OTHER, SERVICE]
    assert "Katsottu" in recent.find_element(By.CSS_SELECTOR, ".result__viewed").text

    ui.button("Tyhjennä viimeksi katsotut", within=recent).click()
    ui.wait(lambda: not recent.find_elements(By.CSS_SELECTOR, ".result"))
    ui.wait_text("Viimeksi katsotut on tyhjennetty.")
    assert "Et ole vielä avannut yhtään palvelua." in recent.text
    assert s.get(server.base_url + "/api/v1/me/recently-viewed").json()["items"] == []

    # a visitor has no such link
    ui.reset()
    ui.open("/catalogue")
    wait_results(ui, "")
    assert not ui.all("main .catalogue-recent-link")


# ---- accessibility ------------------------------------------------------------------------

HEADINGS = {
    "fi": ("Suosikkilistat", "Linkki ei toimi", "Tallenna listalle"),
    "sv": ("Favoritlistor", "Länken fungerar inte", "Spara i lista"),
    "en": ("Favourite lists", "The link does not work", "Save to list"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_favourite_pages_are_accessible_and_fit_360px(ui, server, language):
    s = expert_api(server)
    list_id = make_list(s, server, "Saavutettavuus", [SERVICE, OTHER])
    token = s.put(f"{server.base_url}/api/v1/favourite-lists/{list_id}/share").json()["shareToken"]
    lists_title, broken_title, save = HEADINGS[language]
    ui.reset(language=language)
    sign_in_expert(ui, server, language=language)
    ui.open(f"/catalogue/services/{THIRD}")  # something recently viewed
    ui.wait(lambda: ui.all("main section"))

    problems = []

    def check(name):
        assert ui.d.execute_script("return document.documentElement.lang") == language
        problems.extend(ui.page_problems(f"{name} [{language}]"))

    # the dialog of the lists, open on the service page
    ui.css("main .favourite-lists-button").click()
    wait_dialog_lists(ui)
    assert dialog(ui).find_element(By.CSS_SELECTOR, "h2").text == save
    check("list dialog")
    dialog(ui).send_keys(Keys.ESCAPE)
    ui.wait(lambda: not ui.all("dialog"))

    ui.open("/catalogue/favourites")
    wait_loaded(ui, "main .fav-lists")
    wait_loaded(ui, "main #recent .result-list")
    assert ui.h1() == lists_title
    check("/catalogue/favourites")

    ui.open(f"/catalogue/favourites/{list_id}")
    wait_loaded(ui, "main .list-services .result-list")
    assert ui.h1() == "Saavutettavuus"
    assert ui.all("main .share-panel input")
    check("/catalogue/favourites/:listId")

    ui.reset(language=language)
    ui.open(f"/catalogue/shared/{token}")
    ui.wait(lambda: ui.all("main .result-list[data-loaded='true']"))
    check("/catalogue/shared/:token")
    ui.open("/catalogue/shared/no-such-token")
    assert ui.h1() == broken_title
    check("/catalogue/shared/ (not found)")

    problems += [f"console [{language}]: {m}" for m in ui.console_errors()]
    assert not problems, "\n".join(problems)
