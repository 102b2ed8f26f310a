"""Short links (/s/…) in the browser: an expert shares a catalogue search ("Jaa haku") and a shared
favourite list ("Tee lyhyt linkki"); the link opens the same search or list for anyone, also
signed out; asking again gives the same code; a changed search hides the old link; stopping the
sharing of a list makes its short link "not found". Over the API: the client profile is left out
of a search's link, unknown parameters are refused, another expert's list is not found, and
signing in is needed. The texts in fi/sv/en, the keyboard, axe and the 360-px screenshots."""
import os
import re
import urllib.parse

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import api_session

SHOTS = "/tmp/shots"
os.makedirs(SHOTS, exist_ok=True)

WORDS = "uraohjaus"
MUNICIPALITY = "091"
SEARCH = f"q={WORDS}&municipality={MUNICIPALITY}"
SERVICE = "uraohjaus-aikuisille"
OTHER = "uraohjaus-korkeakoulutetuille"
LANGUAGE_BUTTON = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
TEXTS = {
    # the search's button, its field's label, the list's button, its field's label, "Copy link"
    "fi": ("Jaa haku", "Lyhyt linkki tähän hakuun", "Tee lyhyt linkki", "Lyhyt linkki", "Kopioi linkki"),
    "sv": ("Dela sökningen", "Kort länk till den här sökningen", "Skapa en kort länk", "Kort länk", "Kopiera länken"),
    "en": ("Share this search", "Short link to this search", "Create a short link", "Short link", "Copy link"),
}
COPIED = ("Linkki on kopioitu.", "Linkki on valittu.")  # copied, or (no clipboard) selected for Ctrl+C


# ---- helpers ------------------------------------------------------------------------------

def wait_results(ui, params, timeout=15):
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .catalogue-results'); return s ? s.dataset.loaded : null") == params,
        timeout, f"results of {params!r} not shown; at {ui.d.current_url}")


def result_ids(ui):
    return [li.get_attribute("data-service-id") for li in ui.all("main .result-list > li")]


def shot(ui, name, selector=None):
    if selector:
        ui.d.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", selector)
    else:
        ui.d.execute_script("window.scrollTo(0, 0)")
    ui.d.save_screenshot(f"{SHOTS}/short-links-{name}.png")


def sign_in(ui, server, who="expert", language=None):
    ui.sign_in(*server.users[who], expect=None)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    if language:
        ui.set_language(language)  # the account's language won at sign-in; choose the tested one again


def choose_language(ui, language):
    ui.button(LANGUAGE_BUTTON[language]).click()
    ui.wait(lambda: ui.d.execute_script(
        "return document.documentElement.lang === arguments[0]"
        " && localStorage.getItem('ohjaustila.language') === arguments[0]", language))
    if ui.all("#menu-toggle[aria-expanded='true']"):
        ui.css("#menu-toggle").click()  # close the phone menu again


def box(ui, within="main"):
    return ui.css(f"{within} .short-link")


def make_link(ui, within="main"):
    """Press the box's button; → (the URL shown, its code). The field has the focus, its text selected."""
    b = box(ui, within)
    assert b.get_attribute("data-state") == "idle"
    b.find_element(By.CSS_SELECTOR, ".short-link__make").click()
    ui.wait(lambda: b.get_attribute("data-state") == "ready", message="no short link made")
    field = b.find_element(By.CSS_SELECTOR, "input.short-link__url")
    assert field.is_displayed() and field.get_attribute("readonly") is not None
    assert ui.d.switch_to.active_element == field
    url = field.get_attribute("value")
    m = re.fullmatch(re.escape(ui.server.base_url) + r"/s/([23456789abcdefghijkmnpqrstuvwxyz]{10})", url)
    assert m, url
    assert b.get_attribute("data-code") == m.group(1)
    assert not b.find_element(By.CSS_SELECTOR, ".short-link__make").is_displayed()
    return url, m.group(1)


def copy_by_keyboard(ui, within="main"):
    """From the focused field, Tab reaches "Kopioi linkki"; Enter copies (or selects) the link."""
    b = box(ui, within)
    ui.d.switch_to.active_element.send_keys(Keys.TAB)
    copy = b.find_element(By.CSS_SELECTOR, ".short-link__copy")
    assert ui.d.switch_to.active_element == copy
    copy.send_keys(Keys.ENTER)
    status = b.find_element(By.CSS_SELECTOR, "[role='status']")
    ui.wait(lambda: status.text.startswith(COPIED), message=f"not copied: {status.text!r}")
    assert status.get_attribute("aria-live") == "polite"


def label_of(ui, field):
    return ui.css(f"main label[for='{field.get_attribute('id')}']").text


def clean_lists(s, server):
    r = s.get(server.base_url + "/api/v1/favourite-lists?limit=100")
    r.raise_for_status()
    for item in r.json()["items"]:
        assert s.delete(f"{server.base_url}/api/v1/favourite-lists/{item['id']}").status_code == 204


def make_list(s, server, name, services=(), shared=False):
    r = s.post(server.base_url + "/api/v1/favourite-lists", json={"name": name})
    assert r.status_code == 201, r.text
    list_id = r.json()["id"]
    for service in services:
        assert s.put(f"{server.base_url}/api/v1/favourite-lists/{list_id}/services/{service}").status_code == 204
    token = None
    if shared:
        token = s.put(f"{server.base_url}/api/v1/favourite-lists/{list_id}/share").json()["shareToken"]
    return list_id, token


def short_link(s, server, **body):
    return s.post(server.base_url + "/api/v1/short-links", json=body)


# ---- a search -----------------------------------------------------------------------------

def test_expert_shares_a_search_and_the_short_link_opens_it_for_anyone(ui, cui, server):
    problems = []
    sign_in(ui, server)
    ui.open("/catalogue")
    wait_results(ui, "")
    # the words and a municipality, as a person chooses them
    search_box = ui.css("main input[role='combobox']")
    search_box.send_keys(WORDS)
    search_box.send_keys(Keys.ENTER)
    wait_results(ui, f"q={WORDS}")
    toggle = ui.css("main .filter-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    ui.css(f"main .catalogue-filters input[name='municipality'][value='{MUNICIPALITY}']").click()
    wait_results(ui, SEARCH)
    ui.css("main .filter-done").click()
    shown = result_ids(ui)
    assert shown and OTHER in shown and SERVICE not in shown, shown

    # "Jaa haku" next to the count; no link before it is asked for
    b = box(ui)
    make = b.find_element(By.CSS_SELECTOR, ".short-link__make")
    assert make.text == "Jaa haku" and make.tag_name == "button"
    assert not b.find_element(By.CSS_SELECTOR, ".short-link__result").is_displayed()
    assert not b.find_element(By.CSS_SELECTOR, ".short-link__note").is_displayed()  # no client profile here
    url, code = make_link(ui)
    field = b.find_element(By.CSS_SELECTOR, "input.short-link__url")
    assert label_of(ui, field) == "Lyhyt linkki tähän hakuun"
    hint = ui.css(f"#{field.get_attribute('aria-describedby')}").text
    assert hint == "Kuka tahansa, jolla on linkki, voi avata saman haun."
    ui.wait(lambda: "Lyhyt linkki on tehty." in b.find_element(By.CSS_SELECTOR, "[role='status']").text)
    # the address is text to copy, not a link the router would follow inside the page
    assert not ui.all("main a[href*='/s/']")
    copy_by_keyboard(ui)
    assert b.find_element(By.CSS_SELECTOR, ".short-link__copy").text == "Kopioi linkki"
    shot(ui, "search-fi", "main .catalogue-results")
    problems += ui.page_problems("search with a short link [fi]")

    # the server keeps the search as the page had it
    link = requests.get(f"{server.base_url}/api/v1/short-links/{code}").json()
    assert link["kind"] == "search" and link["path"] == f"/s/{code}" and link["url"] == url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link["target"]).query) == {"q": [WORDS], "municipality": [MUNICIPALITY]}
    r = requests.get(url, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == link["target"]

    # someone else, signed out, in another browser: the same search and the same results
    cui.d.get(url)
    cui.wait_page("/catalogue")
    wait_results(cui, SEARCH)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(cui.d.current_url).query) == {"q": [WORDS], "municipality": [MUNICIPALITY]}
    assert cui.css("main input[role='combobox']").get_attribute("value") == WORDS
    assert result_ids(cui) == shown
    assert cui.d.execute_script(
        "return document.querySelector(\"main input[name='municipality'][value='091']\").checked") is True
    assert not cui.all("main .short-link"), "signed out: nothing to share with"
    shot(cui, "opened-search")
    # a fresh page in the expert's own browser too
    ui.d.execute_script("window.open(arguments[0], '_blank')", url)
    first = ui.d.current_window_handle
    ui.d.switch_to.window([w for w in ui.d.window_handles if w != first][0])
    try:
        ui.wait_page("/catalogue")
        wait_results(ui, SEARCH)
        assert result_ids(ui) == shown
    finally:
        ui.d.close()
        ui.d.switch_to.window(first)

    # another search hides the old link (it is not this one's)
    Select(ui.css("main select[name='sort']")).select_by_value("updated")
    wait_results(ui, SEARCH + "&sort=updated")
    b = box(ui)
    assert b.get_attribute("data-state") == "idle" and b.get_attribute("data-code") is None
    assert not b.find_element(By.CSS_SELECTOR, ".short-link__result").is_displayed()
    assert b.find_element(By.CSS_SELECTOR, "input.short-link__url").get_attribute("value") == ""
    other_url, other_code = make_link(ui)
    assert other_code != code
    assert "sort=updated" in requests.get(f"{server.base_url}/api/v1/short-links/{other_code}").json()["target"]

    # Back to the first search: its link again is the same code
    ui.d.back()
    wait_results(ui, SEARCH)
    assert box(ui).get_attribute("data-state") == "idle"
    again_url, again_code = make_link(ui)
    assert (again_url, again_code) == (url, code)

    assert not problems, "\n".join(problems)
    assert not ui.console_errors() and not cui.console_errors()


def test_a_search_with_a_client_profile_is_shared_without_it(ui, server):
    sign_in(ui, server)
    ui.open(f"/catalogue?{SEARCH}&profileAge=34&profileMunicipality=091&profileLanguage=ar")
    wait_results(ui, f"{SEARCH}&profileAge=34&profileMunicipality=091&profileLanguage=ar")
    b = box(ui)
    note = b.find_element(By.CSS_SELECTOR, ".short-link__note")
    assert note.is_displayed()
    assert note.text == "Asiakkaan omat tiedot eivät tule linkkiin, vain hakusanat ja rajaukset."
    make = b.find_element(By.CSS_SELECTOR, ".short-link__make")
    assert note.get_attribute("id") in make.get_attribute("aria-describedby").split()
    shot(ui, "profile-note", "main .catalogue-results")
    url, code = make_link(ui)
    # said under the link too, and read with the field
    field = b.find_element(By.CSS_SELECTOR, "input.short-link__url")
    link_note = b.find_element(By.CSS_SELECTOR, ".short-link__link-note")
    assert link_note.is_displayed() and link_note.text == note.get_attribute("textContent")
    assert link_note.get_attribute("id") in field.get_attribute("aria-describedby").split()
    shot(ui, "profile-link", "main .catalogue-results")
    target = requests.get(f"{server.base_url}/api/v1/short-links/{code}").json()["target"]
    assert "profile" not in target and "34" not in target
    assert urllib.parse.parse_qs(target.split("?", 1)[1]) == {"q": [WORDS], "municipality": [MUNICIPALITY]}
    # the same search without the profile is the same link
    s = api_session(server, "expert")
    r = short_link(s, server, search=SEARCH)
    assert r.status_code == 200 and r.json()["code"] == code

    assert requests.get(url, allow_redirects=False).headers["Location"] == target


# ---- a shared favourite list --------------------------------------------------------------

def test_a_shared_list_gets_a_short_link_that_stops_with_the_sharing(ui, cui, server):
    s = api_session(server, "expert")
    clean_lists(s, server)
    list_id, _ = make_list(s, server, "Lyhyen linkin lista", [SERVICE, OTHER])
    sign_in(ui, server)
    ui.open(f"/catalogue/favourites/{list_id}")
    ui.wait(lambda: ui.all("main .list-services .result-list[data-loaded='true']"))
    panel = ui.css("main .share-panel")
    # not shared: no short link to offer (the server would refuse it)
    assert not panel.find_elements(By.CSS_SELECTOR, ".short-link")
    assert short_link(s, server, listId=list_id).json()["code"] == "shortLink.listNotShared"
    ui.button("Tee jakolinkki", within=panel).click()
    ui.wait(lambda: panel.get_attribute("data-shared") == "true")
    token = s.get(f"{server.base_url}/api/v1/favourite-lists/{list_id}").json()["shareToken"]

    b = box(ui, "main .share-panel")
    make = b.find_element(By.CSS_SELECTOR, ".short-link__make")
    assert make.text == "Tee lyhyt linkki"
    assert b.find_element(By.CSS_SELECTOR, ".short-link__note").text == \
        "Lyhyt linkki on helpompi lähettää esimerkiksi tekstiviestillä."
    url, code = make_link(ui, "main .share-panel")
    field = b.find_element(By.CSS_SELECTOR, "input.short-link__url")
    assert label_of(ui, field) == "Lyhyt linkki"
    # the read-only link is still there, above it
    assert panel.find_element(By.CSS_SELECTOR, "input.share-panel__link").get_attribute("value").endswith(f"/catalogue/shared/{token}")
    copy_by_keyboard(ui, "main .share-panel")
    shot(ui, "list-fi", "main .share-panel")
    problems = ui.page_problems("list with a short link [fi]")
    # asking again (the API, or the page once more) gives the same code
    assert short_link(s, server, listId=list_id).json()["code"] == code
    ui.open(f"/catalogue/favourites/{list_id}")
    ui.wait(lambda: ui.all("main .list-services .result-list[data-loaded='true']"))
    assert make_link(ui, "main .share-panel") == (url, code)

    # anyone, signed out, opens the list by it
    cui.d.get(url)
    cui.wait_page(f"/catalogue/shared/{token}")
    assert cui.h1() == "Lyhyen linkin lista"
    cui.wait(lambda: cui.all("main .result-list[data-loaded='true']"))
    assert sorted(li.get_attribute("data-service-id") for li in cui.all("main .result")) == sorted([SERVICE, OTHER])

    # the owner stops sharing: the short link goes with it
    panel = ui.css("main .share-panel")
    ui.button("Lopeta jakaminen", within=panel).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.button("Lopeta jakaminen", within=ui.css("dialog[open]")).click()
    ui.wait(lambda: panel.get_attribute("data-shared") == "false")
    assert not panel.find_elements(By.CSS_SELECTOR, ".short-link")
    assert requests.get(f"{server.base_url}/api/v1/short-links/{code}").status_code == 404

    cui.reset()
    cui.d.get(url)
    cui.wait_page(f"/s/{code}")
    assert cui.h1() == "Sivua ei löytynyt"
    assert not cui.all("main .result")
    problems += cui.page_problems("short link not found [fi]")
    shot(cui, "list-not-found")

    # shared again, then stopped elsewhere while the page still shows it shared: the error says so
    assert s.put(f"{server.base_url}/api/v1/favourite-lists/{list_id}/share").status_code == 200
    ui.open(f"/catalogue/favourites/{list_id}")
    ui.wait(lambda: ui.all("main .list-services .result-list[data-loaded='true']"))
    assert s.delete(f"{server.base_url}/api/v1/favourite-lists/{list_id}/share").ok
    b = box(ui, "main .share-panel")
    b.find_element(By.CSS_SELECTOR, ".short-link__make").click()
    alert = b.find_element(By.CSS_SELECTOR, "[role='alert']")
    ui.wait(lambda: alert.text == "Listaa ei enää jaeta. Lataa sivu uudelleen.", message=f"no error: {alert.text!r}")
    assert b.get_attribute("data-state") == "idle"
    assert not problems, "\n".join(problems)


# ---- the API ------------------------------------------------------------------------------

def test_the_api_keeps_only_the_search_and_the_callers_own_shared_lists(server):
    base = server.base_url
    s = api_session(server, "expert")
    # the client profile and the paging are left out
    r = short_link(s, server, search=f"{SEARCH}&profileAge=30&profileMunicipality=091&profileEmploymentStatus=unemployed&limit=5")
    assert r.status_code == 200, r.text
    link = r.json()
    assert link["kind"] == "search" and "profile" not in link["target"] and "limit" not in link["target"]
    assert urllib.parse.parse_qs(link["target"].split("?", 1)[1]) == {"q": [WORDS], "municipality": [MUNICIPALITY]}
    assert short_link(s, server, search=SEARCH).json()["code"] == link["code"]
    # an unknown parameter is refused, on the field `search`
    r = short_link(s, server, search="q=cv&password=secret")
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "request.validation"
    assert [e["field"] for e in r.json()["errors"]] == ["search"]

    # another expert's list, even when shared, is not found for this one
    other = api_session(server, "partnerExpert")
    clean_lists(other, server)
    other_list, _ = make_list(other, server, "Toisen lista", [SERVICE], shared=True)
    r = short_link(s, server, listId=other_list)
    assert r.status_code == 404, r.text
    assert short_link(other, server, listId=other_list).status_code == 200

    # signed out: 401, for a search and for a list
    anonymous = requests.Session()
    anonymous.headers["Origin"] = base
    for body in ({"search": SEARCH}, {"listId": other_list}):
        r = anonymous.post(base + "/api/v1/short-links", json=body)
        assert r.status_code == 401 and r.json()["code"] == "auth.required", r.text
    # an unknown code
    assert requests.get(base + "/api/v1/short-links/2222222222").json()["code"] == "shortLink.notFound"


# ---- the texts, keyboard and accessibility in fi/sv/en -----------------------------------

@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_texts_keyboard_and_accessibility_in_three_languages(ui, server, language):
    search_button, search_label, list_button, list_label, copy = TEXTS[language]
    s = api_session(server, "expert")
    clean_lists(s, server)
    list_id, _ = make_list(s, server, "Kielet", [SERVICE], shared=True)
    sign_in(ui, server)
    ui.open(f"/catalogue?{SEARCH}")
    wait_results(ui, SEARCH)
    if language != "fi":
        choose_language(ui, language)  # from the header, as a person would
        wait_results(ui, SEARCH)
    assert ui.d.execute_script("return document.documentElement.lang") == language

    b = box(ui)
    assert b.find_element(By.CSS_SELECTOR, ".short-link__make").text == search_button
    make_link(ui)
    field = b.find_element(By.CSS_SELECTOR, "input.short-link__url")
    assert label_of(ui, field) == search_label
    ui.d.switch_to.active_element.send_keys(Keys.TAB)
    assert ui.d.switch_to.active_element.text == copy
    shot(ui, f"search-{language}", "main .catalogue-results")
    problems = ui.page_problems(f"/catalogue with a short link [{language}]")

    ui.open(f"/catalogue/favourites/{list_id}")
    ui.wait(lambda: ui.all("main .list-services .result-list[data-loaded='true']"))
    b = box(ui, "main .share-panel")
    assert b.find_element(By.CSS_SELECTOR, ".short-link__make").text == list_button
    make_link(ui, "main .share-panel")
    assert label_of(ui, b.find_element(By.CSS_SELECTOR, "input.short-link__url")) == list_label
    ui.d.switch_to.active_element.send_keys(Keys.TAB)
    assert ui.d.switch_to.active_element.text == copy
    shot(ui, f"list-{language}", "main .share-panel")
    problems += ui.page_problems(f"/catalogue/favourites/:listId with a short link [{language}]")
    problems += [f"console [{language}]: {m}" for m in ui.console_errors()]
    assert not problems, "\n".join(problems)
