"""Search in a person's own words in the browser: a client at 360 px types a sentence and gets the
services that have most of its words, with the note that not all words matched, in fi, sv and en;
a query whose words all match says nothing of the kind. A colloquial word finds services through
the region's synonyms and says which words were searched too. The search words page
(/admin/search-words): a platform admin turns a search that found nothing into a synonym, edits
and removes synonyms; a content producer reads without edit buttons; a client has no access.
No serious or critical axe violation."""
import re
import urllib.parse

import requests

from conftest import api_session
from test_web_catalogue import result_ids, wait_results

NOTE = {
    "fi": "Näytetään palvelut, jotka vastaavat osaan hakusanoista.",
    "sv": "Tjänster som motsvarar en del av sökorden visas.",
    "en": "Showing services that match some of your search words.",
}
LANGUAGE_BUTTON = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def search(ui, text):
    box = ui.css("main input[role='combobox']")
    box.clear()
    box.send_keys(text)
    box.send_keys("\ue007")


def test_a_sentence_finds_services_and_says_not_every_word_matched(cui, server):
    cui.sign_in(*server.users["client"])
    problems = []
    for language in ("fi", "sv", "en"):
        choose_language(cui, language)
        cui.open("/catalogue")
        wait_results(cui)
        search(cui, "starttiraha oppisopimus")
        wait_results(cui, "q=starttiraha+oppisopimus")
        cui.wait_text(NOTE[language], selector="main .result-count")
        assert result_ids(cui)[0] == "starttiraha"
        problems += cui.page_problems(f"partial search {language}")
    cui.d.save_screenshot("/tmp/shots/search-partial-360.png")

    choose_language(cui, "fi")
    cui.open("/catalogue")
    wait_results(cui)
    search(cui, "haluan opiskella uuden ammatin")
    wait_results(cui, "q=haluan+opiskella+uuden+ammatin")
    assert result_ids(cui)[0] == "oppisopimuksella-uuteen-ammattiin"
    assert NOTE["fi"] not in cui.css("main .result-count").text, "every word that says something matched"
    assert not problems, "\n".join(problems)


# ---- colloquial words, the region's search words page ------------------------------------------
PATH = "/admin/search-words"
ALSO = {"fi": "Haettiin myös sanoilla:", "sv": "Sökte också med orden:", "en": "Also searched for:"}
# A colloquial word of the starter set (DemoData/synonyms.json) per language, the services its
# expansion must find (at least one of them), and a sentence with the services it must start with.
COLLOQUIAL = {
    "fi": ("kämppä", "asunto"),
    "sv": ("plugga", "studera"),
    "en": ("dole", "unemployment"),
}
SENTENCE = {
    "fi": "haluan opiskella uuden ammatin",
    "sv": "jag vill plugga till ett nytt yrke",
    "en": "i want to study for a new profession",
}
TITLES = {
    "fi": ("Hakusanat", "Haut, jotka eivät löytäneet palveluja", "Synonyymit", "Muutoshistoria", "Synonyymi lisätty", "Muokkaa synonyymiä"),
    "sv": ("Sökord", "Sökningar som inte hittade några tjänster", "Synonymer", "Ändringshistorik", "Synonym tillagd", "Redigera synonymen"),
    "en": ("Search words", "Searches that found no services", "Synonyms", "Change history", "Synonym added", "Edit the synonym"),
}
MADE_UP = "boksi"  # colloquial for "asunto" (a flat); nothing in the demo catalogue says it


def api_search(server, q, lang="fi"):
    r = requests.get(server.base_url + "/api/v1/catalogue/search", params={"q": q, "lang": lang, "limit": 5})
    r.raise_for_status()
    return r.json()


def loaded(ui, misses="days=30&results=zero", timeout=15):
    """Until the page's three parts have loaded (the searches of `misses`, the synonyms, the change log)."""
    ui.wait(lambda: ui.d.execute_script(
        "const m = document.querySelector('main .search-misses'), s = document.querySelector('main .search-synonyms'),"
        " c = document.querySelector('main .search-changes');"
        "return !!m && m.dataset.loaded === arguments[0] && !!s && !!s.dataset.loaded && !!c && c.dataset.loaded === 'true'"
        " && !document.querySelector('main [aria-busy=\"true\"]')", misses),
        timeout, f"search words page ({misses}) not loaded; main says {ui.text()[:400]!r}")


def miss_row(ui, query):
    rows = ui.all(f"main .search-misses tr[data-query='{query}']")
    return rows[0] if rows else None


def synonym_rows(ui, word):
    """The list's entries that have `word` (as the searched word or one of the words)."""
    pattern = re.compile(rf"(^|[\s,]){re.escape(word)}([\s,]|$)")
    return [li for li in ui.all("main .synonym-list > li") if pattern.search(entry_text(li))]


def entry_text(li):
    return li.find_element("css selector", ".synonym__words").get_attribute("textContent")


def choose_language(ui, language):
    """The header's language button; until the page is in that language (and the choice is kept)."""
    ui.button(LANGUAGE_BUTTON[language]).click()
    ui.wait(lambda: ui.d.execute_script(
        "return document.documentElement.lang === arguments[0]"
        " && localStorage.getItem('ohjaustila.language') === arguments[0]", language))


def first_change(ui):
    return ui.css("main .change-list > li")


def test_a_colloquial_word_and_a_sentence_find_services_in_every_language(cui, server):
    """A client at 360 px: a colloquial word finds services through the starter set's expansion
    and says which words were searched too; a sentence finds sensible services."""
    cui.sign_in(*server.users["client"])
    problems = []
    for language in ("fi", "sv", "en"):
        word, target = COLLOQUIAL[language]
        answer = api_search(server, word, language)
        assert answer["total"] > 0 and target in answer["alsoSearched"], (language, answer["alsoSearched"])
        choose_language(cui, language)
        cui.open("/catalogue")
        wait_results(cui)
        assert cui.d.execute_script("return document.documentElement.lang") == language
        search(cui, word)
        wait_results(cui, urllib.parse.urlencode({"q": word}))
        assert result_ids(cui), f"{word} [{language}] found nothing"
        cui.wait(lambda: cui.css("main .search-words-note").is_displayed()
                 and ALSO[language] in cui.css("main .search-words-note").text, 10,
                 f"no 'also searched' note for {word} [{language}]: {cui.text()[:300]!r}")
        assert target in cui.css("main .search-words-note").text
        problems += cui.page_problems(f"colloquial {word} [{language}]")
        if language == "fi":
            cui.d.execute_script("document.querySelector('main .result-count').scrollIntoView()")
            cui.d.save_screenshot("/tmp/shots/search-colloquial-360.png")

        sentence = SENTENCE[language]
        search(cui, sentence)
        wait_results(cui, urllib.parse.urlencode({"q": sentence}))
        assert result_ids(cui), f"{sentence!r} [{language}] found nothing"
        # sensible: the first services are about studying or a new occupation
        first = " ".join(li.text.lower() for li in cui.all("main .result-list > li")[:3])
        assert any(w in first for w in {"fi": ("opiskel", "ammat", "koulut", "oppisopimus"),
                                        "sv": ("studi", "yrke", "utbild", "läroavtal"),
                                        "en": ("stud", "occupation", "training", "apprentice", "profession")}[language]), first
        problems += cui.page_problems(f"sentence [{language}]")
    choose_language(cui, "fi")
    assert not problems, "\n".join(problems)


def test_an_admin_turns_a_search_that_found_nothing_into_a_synonym(ui, server):
    # Three anonymous searches for a word that finds nothing (rarer ones are never shown).
    for _ in range(3):
        answer = api_search(server, MADE_UP, "fi")
        assert answer["total"] == 0 and not answer["alsoSearched"]

    ui.desktop()
    ui.sign_in(*server.users["platformAdmin"])
    ui.link("Hakusanat").click()
    ui.wait_page(PATH)
    loaded(ui)
    assert ui.h1() == "Hakusanat" and ui.d.title == "Hakusanat – Ohjaustila"
    assert "vähintään 3 kertaa" in ui.css("main .search-misses").text
    row = miss_row(ui, MADE_UP)
    assert row is not None, f"{MADE_UP} is not listed: {ui.css('main .search-misses').text[:500]!r}"
    assert "3 kertaa" in row.text and "Suomi" in row.text
    ui.d.save_screenshot("/tmp/shots/search-words-admin-desktop.png")

    # "Lisää synonyymi" fills the form: an expansion of the word, in its language; focus on the words.
    ui.button("Lisää synonyymi", within=row).click()
    ui.wait(lambda: ui.d.execute_script("return document.activeElement.name") == "words")
    form = ui.css("main form.synonym-form")
    assert form.find_element("css selector", "[name='source']").get_attribute("value") == MADE_UP
    assert form.find_element("css selector", "input[name='kind'][value='expansion']").is_selected()
    assert form.find_element("css selector", "select[name='language']").get_attribute("value") == "fi"
    ui.d.switch_to.active_element.send_keys("asunto")
    ui.button("Tallenna synonyymi").click()
    ui.wait_text(f"Synonyymi tallennettu: {MADE_UP} → asunto", selector="main .synonym-editor")
    assert form.find_element("css selector", "[name='source']").get_attribute("value") == ""
    ui.fill("find", MADE_UP)  # the list shows 25 entries at a time: find the word
    ui.wait(lambda: synonym_rows(ui, MADE_UP))
    saved = synonym_rows(ui, MADE_UP)[0]
    assert "synonym--saved" in saved.get_attribute("class")
    assert "asunto" in entry_text(saved)
    ui.d.execute_script("document.querySelector('main .synonym-editor').scrollIntoView()")
    ui.d.save_screenshot("/tmp/shots/search-words-admin-saved.png")
    # the change log names the change, the admin and the entry
    ui.wait(lambda: MADE_UP in first_change(ui).get_attribute("textContent"))
    change = first_change(ui)
    assert change.get_attribute("data-action") == "created"
    assert "Lisätty" in change.text and "(sinä)" in change.text

    # The catalogue now finds services for the word, and says what else it searched for.
    answer = api_search(server, MADE_UP, "fi")
    assert answer["total"] > 0 and "asunto" in answer["alsoSearched"]
    ui.open(f"/catalogue?q={MADE_UP}")
    wait_results(ui, urllib.parse.urlencode({"q": MADE_UP}))
    assert result_ids(ui)
    ui.wait(lambda: ui.css("main .search-words-note").is_displayed())
    assert "Haettiin myös sanoilla:" in ui.css("main .search-words-note").text
    assert "asunto" in ui.css("main .search-words-note").text

    # The page in fi, sv and en at 360 px: headings, texts, no serious axe violations.
    ui.phone()
    problems = []
    for language in ("fi", "sv", "en"):
        ui.open(PATH)
        if language != "fi":
            choose_language(ui, language)
        title, misses, synonyms, changes, handled, edit = TITLES[language]
        ui.wait(lambda: ui.h1() == title)
        loaded(ui)
        assert ui.d.title == f"{title} – Ohjaustila"
        h2 = [e.text for e in ui.all("main h2")]
        assert h2 == [misses, synonyms, changes], h2
        # the search's row says that its word has a synonym now, and offers to edit it
        row = miss_row(ui, MADE_UP)
        assert row.get_attribute("data-handled") == "true" and handled in row.text
        assert ui.button(edit, within=row)
        assert ui.all("main form.synonym-form") and ui.all("main .synonym-list > li")
        problems += ui.page_problems(f"{PATH} [{language}]")
        ui.d.execute_script("window.scrollTo(0, 0)")
        ui.d.save_screenshot(f"/tmp/shots/search-words-admin-{language}-360.png")
    choose_language(ui, "fi")
    ui.wait(lambda: ui.h1() == "Hakusanat")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()


def test_admin_edits_and_removes_a_synonym_and_problems_are_told_at_their_fields(ui, server):
    from selenium.webdriver.support.ui import Select

    admin = api_session(server, "platformAdmin")
    r = admin.post(server.base_url + "/api/v1/search-words/synonyms",
                   json={"language": "fi", "kind": "expansion", "source": "mökkihomma", "words": ["kesätyö"]})
    assert r.status_code == 201, r.text
    ui.sign_in(*server.users["platformAdmin"])
    ui.open(PATH)
    loaded(ui)

    # Field problems: no words; a word that already has an expansion; a two-way group of one word.
    ui.fill("source", "kämppä")
    ui.button("Tallenna synonyymi").click()
    ui.wait_text("Kirjoita vähintään yksi sana", selector="main form.synonym-form")
    assert ui.d.execute_script("return document.activeElement.name") == "words"
    ui.fill("words", "asunto")
    ui.button("Tallenna synonyymi").click()
    ui.wait_text("Tälle sanalle on jo yksisuuntainen synonyymi", selector="main form.synonym-form [data-field='source']")
    assert ui.css("main [name='source']").get_attribute("aria-invalid") == "true"
    ui.css("main input[name='kind'][value='group']").click()
    assert not ui.css("main [name='source']").is_displayed(), "a two-way group has no searched word"
    ui.fill("words", "kämppä")
    ui.button("Tallenna synonyymi").click()
    ui.wait_text("vähintään kaksi sanaa", selector="main form.synonym-form [data-field='words']")
    ui.fill("words", "hyvä, sana, väärä!merkki")
    ui.button("Tallenna synonyymi").click()
    ui.wait_text("”väärä!merkki” ei kelpaa", selector="main form.synonym-form [data-field='words']")
    ui.d.execute_script("document.querySelector('main .synonym-editor').scrollIntoView()")
    ui.d.save_screenshot("/tmp/shots/search-words-admin-errors-360.png")

    # The list narrows to a word; Edit fills the form, the entry is changed.
    ui.fill("find", "mökkihomma")
    ui.wait(lambda: len(ui.all("main .synonym-list > li")) == 1)
    ui.wait_text("Näytetään 1 synonyymi.", selector="main .synonym-browser")
    row = ui.css("main .synonym-list > li")
    ui.button("Muokkaa", within=row).click()
    ui.wait(lambda: ui.css("main .synonym-editor h3").text == "Muokkaa synonyymiä")
    assert ui.d.execute_script("return document.activeElement.name") == "words"
    assert ui.css("main [name='words']").get_attribute("value") == "kesätyö"
    assert ui.css("main input[name='kind'][value='expansion']").is_selected()

    # Someone else changes it meanwhile: the save is refused, said, and the list shows the change.
    entry = admin.get(server.base_url + "/api/v1/search-words/synonyms?language=fi").json()["items"]
    entry = next(e for e in entry if e["source"] == "mökkihomma")
    r = admin.put(f"{server.base_url}/api/v1/search-words/synonyms/{entry['id']}",
                  json={"language": "fi", "kind": "expansion", "source": "mökkihomma", "words": ["kesätyö", "työ"], "version": entry["version"]})
    assert r.status_code == 200, r.text
    ui.fill("words", "kesätyö\nkausityö")
    ui.button("Tallenna muutokset").click()
    ui.wait_text("Joku muu muutti tätä synonyymiä", selector="main form.synonym-form")
    ui.wait(lambda: "kesätyö, työ" in entry_text(ui.css("main .synonym-list > li")))
    # saving again changes the entry as it is now
    ui.button("Tallenna muutokset").click()
    ui.wait_text("Synonyymi tallennettu: mökkihomma → kesätyö, kausityö", selector="main .synonym-browser")
    assert ui.d.execute_script("return document.activeElement.dataset.action") == "edit", "focus back on the entry's Edit"
    assert ui.css("main .synonym-editor h3").text == "Lisää synonyymi"
    ui.wait(lambda: first_change(ui).get_attribute("data-action") == "updated"
            and "kausityö" in first_change(ui).get_attribute("textContent"))
    assert "Ennen" in first_change(ui).text and "Jälkeen" in first_change(ui).text

    # Remove asks first; cancel keeps it, confirm removes it and says so.
    row = ui.css("main .synonym-list > li")
    ui.button("Poista", within=row).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    assert "Poistetaanko synonyymi?" in ui.css("dialog[open]").text
    violations, axe = ui.axe_serious()
    assert not violations, axe.report(violations)
    ui.button("Peruuta", within=ui.css("dialog[open]")).click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    assert len(ui.all("main .synonym-list > li")) == 1
    ui.button("Poista", within=row).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.button("Poista synonyymi", within=ui.css("dialog[open]")).click()
    ui.wait_text("Synonyymi poistettu: mökkihomma → kesätyö, kausityö", selector="main .synonym-browser")
    assert not ui.all("main .synonym-list > li")
    ui.wait_text("Näillä valinnoilla ei löytynyt synonyymejä.", selector="main .synonym-browser")
    ui.wait(lambda: first_change(ui).get_attribute("data-action") == "deleted")
    assert "Poistettu" in first_change(ui).text
    assert not [e for e in admin.get(server.base_url + "/api/v1/search-words/synonyms").json()["items"] if e["source"] == "mökkihomma"]

    # The language filter is kept in the address and survives a reload.
    ui.fill("find", "")
    Select(ui.css("main select[name='listLanguage']")).select_by_value("sv")
    ui.wait(lambda: "language=sv" in ui.d.current_url)
    assert {li.get_attribute("data-language") for li in ui.all("main .synonym-list > li")} == {"sv"}
    ui.css("main input[name='results'][value='few']").click()
    ui.css("main input[name='days'][value='90']").click()
    loaded(ui, "days=90&results=few")
    assert ui.css("main .search-misses h2").text == "Haut, jotka löysivät vain vähän palveluja"
    ui.d.refresh()
    ui.wait_page(PATH)
    loaded(ui, "days=90&results=few")
    assert ui.css("main input[name='results'][value='few']").is_selected()
    assert Select(ui.css("main select[name='listLanguage']")).first_selected_option.get_attribute("value") == "sv"
    ui.d.back()
    loaded(ui, "days=30&results=few")
    assert not ui.console_errors()


def test_a_content_producer_reads_without_edit_buttons_and_a_client_gets_no_access(ui, server):
    producer = api_session(server, "contentProducer")
    r = producer.post(server.base_url + "/api/v1/search-words/synonyms",
                      json={"language": "fi", "kind": "expansion", "source": "tuottajasana", "words": ["työ"]})
    assert r.status_code == 403
    for _ in range(3):
        api_search(server, "xyzzyqq", "fi")

    ui.sign_in(*server.users["contentProducer"])
    ui.link("Hakusanat").click()
    ui.wait_page(PATH)
    loaded(ui)
    assert "lisää sana palvelun asiasanoihin" in ui.css("main .lead").text
    assert miss_row(ui, "xyzzyqq") is not None
    assert ui.all("main .synonym-list > li") and ui.all("main .change-list > li")
    assert not ui.all("main form.synonym-form")
    assert not [b for b in ui.all("main button") if b.text in ("Lisää synonyymi", "Muokkaa", "Poista")]
    assert "Toiminnot" not in ui.css("main .search-misses thead").get_attribute("textContent")
    problems = ui.page_problems(f"{PATH} producer")
    ui.d.execute_script("document.querySelector('main .search-synonyms').scrollIntoView()")
    ui.d.save_screenshot("/tmp/shots/search-words-producer-360.png")
    assert not problems, "\n".join(problems)

    client = api_session(server, "client")
    assert client.get(server.base_url + "/api/v1/search-words/synonyms").status_code == 403
    ui.reset()
    ui.phone()
    ui.sign_in(*server.users["client"])
    assert not [a for a in ui.all("main a") if (a.get_attribute("href") or "").endswith(PATH)]
    ui.open(PATH)
    ui.wait(lambda: ui.css("main .page").get_attribute("data-state") == "no-access")
    assert ui.h1() == "Ei käyttöoikeutta"
    assert not ui.all("main table") and not ui.all("main .synonym-list")
