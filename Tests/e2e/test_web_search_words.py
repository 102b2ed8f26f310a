"""Search in a person's own words in the browser: a client at 360 px types a sentence and gets the
services that have most of its words, with the note that not all words matched, in fi, sv and en;
a query whose words all match says nothing of the kind. No serious or critical axe violation."""
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
        cui.button(LANGUAGE_BUTTON[language]).click()
        cui.open("/catalogue")
        wait_results(cui)
        search(cui, "starttiraha oppisopimus")
        wait_results(cui, "q=starttiraha+oppisopimus")
        cui.wait_text(NOTE[language], selector="main .result-count")
        assert result_ids(cui)[0] == "starttiraha"
        problems += cui.page_problems(f"partial search {language}")
    cui.d.save_screenshot("/tmp/shots/search-partial-360.png")

    cui.button(LANGUAGE_BUTTON["fi"]).click()
    cui.open("/catalogue")
    wait_results(cui)
    search(cui, "haluan opiskella uuden ammatin")
    wait_results(cui, "q=haluan+opiskella+uuden+ammatin")
    assert result_ids(cui)[0] == "oppisopimuksella-uuteen-ammattiin"
    assert NOTE["fi"] not in cui.css("main .result-count").text, "every word that says something matched"
    assert not problems, "\n".join(problems)
