"""The classifications page (/admin/taxonomy): a platform admin keeps the region's municipalities,
topics (the category tree), life situations and employment statuses through the browser at 360 px.

- The admin reaches the page from the home page's link (in the same document: the catalogue's copy
  of the lists was loaded before, on the search page). A life situation added with fi/sv/en names
  is listed, and the search page (reached in the same document, so the copy must have been loaded
  again) names it in its life-situation filter, in Swedish on the Swedish page. The search page
  offers only the options some service has, or the one chosen, so the new (unused) one is chosen
  in the address: without the lists the filter would show only its identifier as text.
  Removing it (confirmed in a dialog) takes it off the list, the API's lists and the filter.
- A topic's Swedish name changed in the edit dialog shows in the list, in the API and on the
  Swedish search page; a subtopic added under a main topic is nested under it, with the parent in
  the API; moving a main topic under its own subtopic is refused with the error next to the parent
  topic field, and nothing changes.
- A municipality code "12" gets the code error next to the code field and nothing is stored;
  removing a municipality or a topic in use (Helsinki, Työnhaku) says where it is used, with the
  counts of the server's answer, and nothing is removed.
- An expert has no link and gets the no-access state; the API answers 403 to an expert's PUT.
- The headings in fi, sv and en; no serious or critical axe violation (the tabs, the edit dialog,
  the remove dialog, the errors); no console errors. Screenshots at 360 px in /tmp/shots.
"""
import pathlib

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import api_session
from test_web_catalogue import open_filters, wait_results

SHOTS = pathlib.Path("/tmp/shots")
PATH = "/admin/taxonomy"
TAXONOMY = "/api/v1/catalogue/taxonomy"
ADMIN = "/api/v1/admin/taxonomy"
NEW_LIFE = {"id": "e2e-kokeilu", "fi": "Kokeilun elämäntilanne", "sv": "Försökets livssituation", "en": "Trial life situation"}
TITLES = {
    "fi": ("Luokitukset", ["Kunnat", "Aiheet", "Elämäntilanteet", "Työmarkkinatilanteet"]),
    "sv": ("Klassificeringar", ["Kommuner", "Ämnen", "Livssituationer", "Situationer på arbetsmarknaden"]),
    "en": ("Classifications", ["Municipalities", "Topics", "Life situations", "Employment statuses"]),
}
KINDS = ["municipalities", "categories", "lifeSituations", "employmentStatuses"]


# ---- helpers --------------------------------------------------------------------------------

def taxonomy(server):
    r = requests.get(server.base_url + TAXONOMY)
    r.raise_for_status()
    return r.json()


def item(server, kind, item_id):
    key = "code" if kind == "municipalities" else "id"
    return next((x for x in taxonomy(server)[kind] if x[key] == item_id), None)


def loaded(ui, after=0):
    """Until the page has shown the lists (more than `after` times); returns the count of loads."""
    ui.wait(lambda: int(ui.d.execute_script(
        "const r = document.querySelector('main .admin-taxonomy, main.admin-taxonomy');"
        "return r && r.dataset.loaded ? r.dataset.loaded : 0") or 0) > after,
        15, f"the lists were not shown; main says {ui.text()[:300]!r}")
    return int(ui.d.execute_script(
        "return document.querySelector('main .admin-taxonomy, main.admin-taxonomy').dataset.loaded"))


def loads(ui):
    return int(ui.d.execute_script(
        "const r = document.querySelector('main .admin-taxonomy, main.admin-taxonomy'); return r && r.dataset.loaded || 0") or 0)


def open_page(ui, query=""):
    ui.open(PATH + query, expect=PATH)
    loaded(ui)


def tab(ui, kind):
    """Choose the tab of a list; → its panel."""
    button = ui.css(f"main [role='tab'][data-kind='{kind}']")
    button.click()
    ui.wait(lambda: button.get_attribute("aria-selected") == "true")
    panel = ui.css(f"main [role='tabpanel'][data-kind='{kind}']")
    ui.wait(lambda: panel.is_displayed())
    return panel


def row(ui, kind, item_id):
    rows = ui.all(f"main [role='tabpanel'][data-kind='{kind}'] li[data-id='{item_id}']")
    return rows[0] if rows else None


def row_button(li, action):
    return li.find_element(By.CSS_SELECTOR, f":scope > .actions [data-action='{action}']")


def fill(root, name, value):
    field = root.find_element(By.CSS_SELECTOR, f"[name='{name}']")
    field.clear()
    if value:
        field.send_keys(value)
    return field


def field_error(root, name):
    """The error text shown next to the field `name` (its .field-error, tied by aria-describedby)."""
    box = root.find_element(By.CSS_SELECTOR, f"[data-field='{name}']")
    control = box.find_element(By.CSS_SELECTOR, "input, select")
    error = box.find_element(By.CSS_SELECTOR, ".field-error")
    if error.text:
        assert control.get_attribute("aria-invalid") == "true"
        assert error.get_attribute("id") in (control.get_attribute("aria-describedby") or "").split()
    return error.text


def dialog(ui):
    ui.wait(lambda: ui.all("dialog[open]"), 5, "no dialog opened")
    return ui.css("dialog[open]")


def go_in_app(ui, path):
    """Follow a link of the app without loading the document again (the router shows the page)."""
    ui.d.execute_script(
        "const a = document.createElement('a'); a.href = arguments[0]; a.textContent = 'test';"
        "document.querySelector('main').appendChild(a); a.click();", path)
    ui.wait_page(path.split("?")[0])


def filter_label(ui, name, value):
    """The text of a search filter's checkbox label ('' when the option is not offered)."""
    return ui.d.execute_script(
        "const box = document.querySelector(`main .catalogue-filters input[name='${arguments[0]}'][value='${arguments[1]}']`);"
        "if (!box) return ''; const l = document.querySelector(`label[for='${box.id}']`); return l ? l.textContent : '';",
        name, value)


def search_page(ui, query, language=None):
    if language:
        ui.set_language(language)
    ui.open("/catalogue" + query, expect="/catalogue")
    wait_results(ui)
    open_filters(ui)


def shot(ui, name, element=None):
    """A screenshot of the phone's screen, with `element` in its middle (else the top of the page)."""
    SHOTS.mkdir(exist_ok=True)
    if element is None:
        ui.d.execute_script("window.scrollTo(0, 0)")
    else:
        ui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ui.d.save_screenshot(str(SHOTS / f"admin-taxonomy-{name}-360.png"))


def no_console_errors(ui):
    errors = ui.console_errors()
    assert not errors, errors


def sign_in_admin(ui, server):
    ui.sign_in(*server.users["platformAdmin"])


# ---- the tests ------------------------------------------------------------------------------

def test_a_life_situation_is_added_offered_by_the_search_and_removed(ui, server):
    sign_in_admin(ui, server)
    # the search page first: the catalogue's copy of the lists is loaded in this document
    search_page(ui, "")
    assert "Kokeilun" not in filter_label(ui, "lifeSituation", NEW_LIFE["id"])
    ui.d.execute_script("window.__sameDocument = true;")
    go_in_app(ui, "/")
    link = ui.link("Luokitukset")
    assert link.get_attribute("href").endswith(PATH)
    link.click()
    ui.wait_page(PATH)
    loaded(ui)
    assert ui.h1() == "Luokitukset"
    problems = ui.page_problems("municipalities tab")
    shot(ui, "municipalities")

    panel = tab(ui, "lifeSituations")
    form = panel.find_element(By.CSS_SELECTOR, "form.taxonomy-add-form")
    fill(form, "itemId", NEW_LIFE["id"])
    fill(form, "name.fi", NEW_LIFE["fi"])
    fill(form, "name.sv", NEW_LIFE["sv"])
    fill(form, "name.en", NEW_LIFE["en"])
    before = loads(ui)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ui.wait(lambda: row(ui, "lifeSituations", NEW_LIFE["id"]) is not None, 10, "the new life situation is not listed")
    loaded(ui, before)
    ui.wait(lambda: f"”{NEW_LIFE['fi']}” lisättiin listaan (tunnus {NEW_LIFE['id']})." in panel.text)
    li = row(ui, "lifeSituations", NEW_LIFE["id"])
    for text in (NEW_LIFE["fi"], NEW_LIFE["sv"], NEW_LIFE["en"], "Lisätty", f"tunnus {NEW_LIFE['id']}"):
        assert text in li.text, li.text
    assert li == ui.all("main [role='tabpanel'][data-kind='lifeSituations'] .taxonomy-list > li")[-1], "a new item goes last"
    assert ui.d.execute_script("return document.activeElement.name") == "itemId", "focus back in the form for the next one"
    assert form.find_element(By.CSS_SELECTOR, "[name='name.fi']").get_attribute("value") == ""
    saved = item(server, "lifeSituations", NEW_LIFE["id"])
    assert saved["name"] == {"fi": NEW_LIFE["fi"], "sv": NEW_LIFE["sv"], "en": NEW_LIFE["en"]}
    assert ui.d.execute_script("return location.search") == "?list=lifeSituations"
    problems += ui.page_problems("life situation added")
    shot(ui, "life-added", li)

    # the search page in the same document: the lists are loaded again, the filter names it
    go_in_app(ui, f"/catalogue?lifeSituation={NEW_LIFE['id']}")
    assert ui.d.execute_script("return window.__sameDocument === true"), "the page was loaded again"
    wait_results(ui)
    open_filters(ui)
    ui.wait(lambda: NEW_LIFE["fi"] in filter_label(ui, "lifeSituation", NEW_LIFE["id"]), 10,
            f"the filter does not name it: {filter_label(ui, 'lifeSituation', NEW_LIFE['id'])!r}")
    # … and in Swedish on the Swedish page
    search_page(ui, f"?lifeSituation={NEW_LIFE['id']}", language="sv")
    assert NEW_LIFE["sv"] in filter_label(ui, "lifeSituation", NEW_LIFE["id"])
    ui.set_language("fi")

    # removing it: a confirm dialog (Cancel keeps it), then it is gone everywhere
    open_page(ui, "?list=lifeSituations")
    li = row(ui, "lifeSituations", NEW_LIFE["id"])
    row_button(li, "remove").click()
    box = dialog(ui)
    assert "Poistetaanko elämäntilanne?" in box.text and f"”{NEW_LIFE['fi']}”" in box.text
    assert ui.d.execute_script("return document.activeElement.textContent") == "Peruuta", "the safe choice first"
    problems += ui.page_problems("remove dialog")
    shot(ui, "remove-dialog")
    ui.button("Peruuta", within=box).click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    assert item(server, "lifeSituations", NEW_LIFE["id"]) is not None
    li = row(ui, "lifeSituations", NEW_LIFE["id"])
    assert ui.d.execute_script("return document.activeElement.dataset.action") == "remove", "focus back on the button"
    before = loads(ui)
    row_button(li, "remove").click()
    ui.button("Poista elämäntilanne", within=dialog(ui)).click()
    ui.wait(lambda: row(ui, "lifeSituations", NEW_LIFE["id"]) is None, 10, "still listed")
    loaded(ui, before)
    panel = ui.css("main [role='tabpanel'][data-kind='lifeSituations']")
    ui.wait(lambda: f"”{NEW_LIFE['fi']}” poistettiin listalta." in panel.text)
    assert item(server, "lifeSituations", NEW_LIFE["id"]) is None
    focused = ui.d.execute_script("return document.activeElement.tagName + ':' + (document.activeElement.dataset.action || '')")
    assert focused in ("BUTTON:edit", "H2:"), focused

    go_in_app(ui, f"/catalogue?lifeSituation={NEW_LIFE['id']}")
    wait_results(ui)
    open_filters(ui)
    ui.wait(lambda: NEW_LIFE["fi"] not in filter_label(ui, "lifeSituation", NEW_LIFE["id"]), 10, "the filter still names it")
    no_console_errors(ui)
    assert not problems, "\n".join(problems)


def test_topics_renamed_nested_and_a_loop_refused(ui, server):
    sign_in_admin(ui, server)
    open_page(ui, "?list=categories")
    panel = ui.css("main [role='tabpanel'][data-kind='categories']")
    assert panel.is_displayed()
    # the tree: a subtopic is nested in its main topic's row
    assert ui.all("main [data-kind='categories'] .taxonomy-list > li[data-id='tyonhaku'] > .taxonomy-sublist > li[data-id='uraohjaus']")
    assert not ui.all("main [data-kind='categories'] .taxonomy-list > li[data-id='uraohjaus']")
    problems = ui.page_problems("topics tab")
    shot(ui, "topics", row(ui, "categories", "uraohjaus"))

    # the Swedish name of "digitaidot" in the edit dialog
    old = item(server, "categories", "digitaidot")
    row_button(row(ui, "categories", "digitaidot"), "edit").click()
    box = dialog(ui)
    assert "Muokkaa: Digitaidot" in box.text and "Tunnus digitaidot" in box.text
    assert box.find_element(By.CSS_SELECTOR, "[name='name.sv']").get_attribute("value") == old["name"]["sv"]
    assert Select(box.find_element(By.CSS_SELECTOR, "[name='parent']")).first_selected_option.get_attribute("value") == "osaaminen"
    problems += ui.page_problems("edit dialog")
    shot(ui, "edit-dialog")
    fill(box, "name.sv", "Digitala kunskaper")
    before = loads(ui)
    ui.button("Tallenna muutokset", within=box).click()
    ui.wait(lambda: not ui.all("dialog[open]"), 10, "the dialog stayed open")
    loaded(ui, before)
    li = row(ui, "categories", "digitaidot")
    assert "Digitala kunskaper" in li.text and "Tallennettu" in li.text, li.text
    ui.wait(lambda: "Muutokset tallennettiin: ”Digitaidot”." in panel.text)
    assert ui.d.execute_script("return document.activeElement.dataset.action") == "edit"
    assert ui.d.execute_script("return document.activeElement.closest('li').dataset.id") == "digitaidot"
    changed = item(server, "categories", "digitaidot")
    assert changed["name"] == {**old["name"], "sv": "Digitala kunskaper"} and changed["parent"] == "osaaminen"

    # a subtopic under a main topic: nested, and the parent in the API
    form = panel.find_element(By.CSS_SELECTOR, "form.taxonomy-add-form")
    fill(form, "name.fi", "Yrityksen perustaminen")
    fill(form, "name.en", "Starting a business")
    options = [o.text.strip() for o in Select(form.find_element(By.CSS_SELECTOR, "[name='parent']")).options]
    assert options[0] == "Ei yläaihetta (pääaihe)" and "Yrittäjyys" in options
    Select(form.find_element(By.CSS_SELECTOR, "[name='parent']")).select_by_value("yrittajyys")
    before = loads(ui)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    loaded(ui, before)
    # the identifier was made of the Finnish name
    nested = ui.all("main [data-kind='categories'] li[data-id='yrittajyys'] > .taxonomy-sublist > li[data-id='yrityksen-perustaminen']")
    assert nested, "the new subtopic is not nested under its main topic"
    assert "puuttuu" in nested[0].text and "Ruotsiksi" in nested[0].text, "the missing Swedish name is said in words"
    added = item(server, "categories", "yrityksen-perustaminen")
    assert added["parent"] == "yrittajyys" and added["name"] == {"fi": "Yrityksen perustaminen", "en": "Starting a business"}
    ui.wait(lambda: "”Yrityksen perustaminen” lisättiin listaan (tunnus yrityksen-perustaminen)." in panel.text)
    problems += ui.page_problems("subtopic added")

    # a main topic under its own subtopic: refused next to the parent field
    row_button(row(ui, "categories", "tyonhaku"), "edit").click()
    box = dialog(ui)
    values = [o.get_attribute("value") for o in Select(box.find_element(By.CSS_SELECTOR, "[name='parent']")).options]
    assert "tyonhaku" not in values and "uraohjaus" in values
    Select(box.find_element(By.CSS_SELECTOR, "[name='parent']")).select_by_value("uraohjaus")
    ui.button("Tallenna muutokset", within=box).click()
    ui.wait(lambda: field_error(box, "parent"), 10, "no error next to the parent field")
    assert field_error(box, "parent") == ("Aihetta ei voi siirtää itsensä tai oman ala-aiheensa alle. "
                                          "Valitse toinen yläaihe.")
    assert ui.d.execute_script("return document.activeElement.name") == "parent"
    assert box.find_element(By.CSS_SELECTOR, ".form-error").text
    problems += ui.page_problems("cycle error")
    shot(ui, "cycle-error", box.find_element(By.CSS_SELECTOR, "[data-field='parent']"))
    ui.button("Peruuta", within=box).click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    assert item(server, "categories", "tyonhaku")["parent"] is None
    assert item(server, "categories", "uraohjaus")["parent"] == "tyonhaku"

    # the Swedish name on the Swedish search page
    search_page(ui, "?category=digitaidot", language="sv")
    assert "Digitala kunskaper" in filter_label(ui, "category", "digitaidot")
    ui.set_language("fi")
    no_console_errors(ui)
    assert not problems, "\n".join(problems)


def test_a_bad_code_and_items_in_use_are_refused(ui, server):
    admin = api_session(server, "platformAdmin")
    # what uses them: the server's own counts (a removal refused changes nothing)
    r = admin.delete(f"{server.base_url}{ADMIN}/municipalities/091")
    assert r.status_code == 409 and r.json()["code"] == "taxonomy.inUse"
    helsinki = r.json()["details"]
    r = admin.delete(f"{server.base_url}{ADMIN}/categories/tyonhaku")
    assert r.status_code == 409
    job_search = r.json()["details"]
    assert helsinki["services"] > 1 and helsinki["organizations"] > 1 and job_search["subcategories"] > 1

    sign_in_admin(ui, server)
    open_page(ui)
    panel = ui.css("main [role='tabpanel'][data-kind='municipalities']")
    form = panel.find_element(By.CSS_SELECTOR, "form.taxonomy-add-form")
    fill(form, "itemId", "12")
    fill(form, "name.fi", "Testikunta")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ui.wait(lambda: field_error(form, "itemId"), 10, "no error next to the code")
    assert field_error(form, "itemId") == "Kuntakoodissa pitää olla kolme numeroa, esimerkiksi 091."
    assert ui.d.execute_script("return document.activeElement.name") == "itemId"
    assert not any(m["name"]["fi"] == "Testikunta" for m in taxonomy(server)["municipalities"])
    problems = ui.page_problems("code error")
    shot(ui, "code-error", form.find_element(By.CSS_SELECTOR, "[data-field='itemId']"))
    # an existing code is not overwritten by the add form
    fill(form, "itemId", "091")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ui.wait(lambda: "Kunnalla ”Helsinki” on jo koodi 091." in field_error(form, "itemId"))
    assert item(server, "municipalities", "091")["name"]["fi"] == "Helsinki"

    # Helsinki in use: the row says where, and it stays
    li = row(ui, "municipalities", "091")
    row_button(li, "remove").click()
    ui.button("Poista kunta", within=dialog(ui)).click()
    expected = (f"Kunta ”Helsinki” on käytössä {helsinki['services']} palvelussa, {helsinki['articles']} artikkelissa "
                f"ja {helsinki['organizations']} organisaatiossa, joten sitä ei voi poistaa.")
    ui.wait(lambda: expected in li.text, 10, f"no in-use message: {li.text!r}")
    assert li.find_element(By.CSS_SELECTOR, "[role='alert']").text.startswith(expected)
    assert row(ui, "municipalities", "091") is not None and item(server, "municipalities", "091") is not None
    problems += ui.page_problems("in use")
    shot(ui, "in-use", li)

    # a topic with services and subtopics: both said
    tab(ui, "categories")
    li = row(ui, "categories", "tyonhaku")
    row_button(li, "remove").click()
    ui.button("Poista aihe", within=dialog(ui)).click()
    expected = (f"Aihe ”Työnhaku” on käytössä {job_search['services']} palvelussa ja sillä on "
                f"{job_search['subcategories']} ala-aihetta, joten sitä ei voi poistaa.")
    ui.wait(lambda: expected in li.text, 10, f"no in-use message: {li.text!r}")
    assert "Siirrä ala-aiheet ensin toisen aiheen alle tai poista ne." in li.text
    assert item(server, "categories", "tyonhaku") is not None
    no_console_errors(ui)
    assert not problems, "\n".join(problems)


def test_an_expert_has_no_access(ui, server):
    expert = api_session(server, "expert")
    r = expert.put(f"{server.base_url}{ADMIN}/lifeSituations/e2e-expert", json={"name": {"fi": "Asiantuntijan"}})
    assert r.status_code == 403 and r.json()["code"] == "access.forbidden"
    r = expert.delete(f"{server.base_url}{ADMIN}/municipalities/078")
    assert r.status_code == 403
    assert item(server, "lifeSituations", "e2e-expert") is None and item(server, "municipalities", "078") is not None
    r = requests.put(f"{server.base_url}{ADMIN}/lifeSituations/e2e-anon", json={"name": {"fi": "X"}},
                     headers={"Origin": server.base_url})
    assert r.status_code == 401

    ui.sign_in(*server.users["expert"])
    assert not ui.all("main a[href='/admin/taxonomy']"), "an expert has no link to the page"
    ui.open(PATH)
    ui.wait(lambda: ui.d.execute_script("return document.querySelector('main [data-state]')?.dataset.state") == "no-access")
    assert ui.h1() == "Ei käyttöoikeutta"
    assert not ui.all("main form") and not ui.all("main [role='tab']")
    no_console_errors(ui)


def test_headings_in_three_languages(ui, server):
    sign_in_admin(ui, server)
    problems = []
    for language, (title, tabs) in TITLES.items():
        ui.set_language(language)
        open_page(ui)
        assert ui.h1() == title
        assert [b.text for b in ui.all("main [role='tab']")] == tabs
        for kind, text in zip(KINDS, tabs):
            panel = tab(ui, kind)
            assert panel.find_element(By.CSS_SELECTOR, "h2").text == text
            assert panel.get_attribute("aria-labelledby") == ui.css(f"main [role='tab'][data-kind='{kind}']").get_attribute("id")
        if language != "fi":
            problems += ui.page_problems(f"{language} employment statuses")
            shot(ui, f"{language}")
    # the arrow keys move between the tabs (one tab in the tab order)
    ui.set_language("fi")
    open_page(ui)
    first = ui.css("main [role='tab'][data-kind='municipalities']")
    assert [b.get_attribute("tabindex") for b in ui.all("main [role='tab']")] == ["0", "-1", "-1", "-1"]
    first.send_keys("\ue014")  # ArrowRight
    ui.wait(lambda: ui.d.execute_script("return document.activeElement.dataset.kind") == "categories")
    assert ui.css("main [role='tabpanel'][data-kind='categories']").is_displayed()
    ui.d.switch_to.active_element.send_keys("\ue010")  # End
    ui.wait(lambda: ui.d.execute_script("return document.activeElement.dataset.kind") == "employmentStatuses")
    assert "Kunta" not in ui.css("main [role='tabpanel'][data-kind='employmentStatuses']").text.split("\n")[0]
    no_console_errors(ui)
    assert not problems, "\n".join(problems)
