"""More of the catalogue editor in the browser at 360 px: articles (a content producer writes one
with a preview of its Markdown, the approver publishes it and readers find it at
/catalogue/articles/{id}; its version history), structured schedules (a course period and a weekly
time added in the service form, shown on the service page after approval and found by the search
filter "starts within 4 weeks"), and translation requests (a field marked as needing Swedish, the
queue lists it, and writing the Swedish text resolves it). The views in fi, sv and en; no serious or
critical axe violation anywhere."""
import datetime
import random
import urllib.parse

from selenium.webdriver.support.ui import Select

from conftest import api_session
from test_web_catalogue import result_ids, wait_results
from test_web_editor import choose_language, control, loaded, open_page, save, set_text, tab

SHOTS = "/tmp/shots"
ARTICLES = "/api/v1/catalogue/editor/articles"
EDITOR = "/api/v1/catalogue/editor/services"


def word():
    """A made-up word no text has (letters only)."""
    return "kvarkki" + "".join(random.choice("bdfghjklmnprstv") + random.choice("aeiouy") for _ in range(4))


def shot(ui, name, selector=None):
    if selector:
        ui.d.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)
    else:
        ui.d.execute_script("window.scrollTo(0, 0)")
    ui.d.save_screenshot(f"{SHOTS}/{name}.png")


def set_value(ui, name, value):
    """A date or time input's value, set as its picker would (the picker itself is the browser's)."""
    ui.d.execute_script(
        "const c = document.querySelector(`main [name='${arguments[0]}']`); c.value = arguments[1];"
        "c.dispatchEvent(new Event('input', {bubbles: true})); c.dispatchEvent(new Event('change', {bubbles: true}));",
        name, value)


def test_a_producer_writes_an_article_and_the_approver_publishes_it(ui, cui, server):
    title = f"Kesän {word()}-työt"
    ui.sign_in(*server.users["contentProducer"])
    problems = []
    open_page(ui, "/editor")
    ui.css("main a[data-action='articles']").click()
    ui.wait_page("/editor/articles")
    loaded(ui)
    assert ui.h1() == "Artikkelit"
    problems += ui.page_problems("/editor/articles")
    ui.css("main a[data-action='new-article']").click()
    ui.wait_page("/editor/articles/new")
    loaded(ui)
    assert ui.h1() == "Uusi artikkeli"
    # nothing written: the required fields are said next to them and in the summary
    save(ui)
    ui.wait(lambda: ui.css("main .error-summary").is_displayed())
    assert "Otsikko (suomeksi)" in ui.css("main .error-summary").text
    assert "Tämä tieto puuttuu." in ui.css("main [data-field='title.fi'] .field-error").text
    problems += ui.page_problems("new article with errors")
    control(ui, "title.fi").send_keys(title)
    control(ui, "body.fi").send_keys("Kesätöitä on **paljon** tarjolla.\n\n- Hae ajoissa\n- Kysy neuvoa\n\n<script>alert(1)</script>")
    # the preview: only when asked, announced, the HTML as readers will see it
    assert not ui.all("main .article-preview[data-lang='fi'] .article-body strong")
    ui.css("main [data-action='preview'][data-lang='fi']").click()
    ui.wait(lambda: ui.all("main .article-preview[data-lang='fi'] .article-body strong"))
    preview = ui.css("main .article-preview[data-lang='fi']")
    assert preview.find_element("css selector", ".article-body strong").text == "paljon"
    assert len(preview.find_elements("css selector", ".article-body li")) == 2
    assert "<script>" in preview.find_element("css selector", ".article-body").text  # shown as text, never run
    assert "Esikatselu päivitettiin." in preview.find_element("css selector", "[role='status']").get_attribute("textContent")
    problems += ui.page_problems("article preview")
    shot(ui, "editor-article-preview-360", "main .article-preview[data-lang='fi']")
    # Swedish too
    tab(ui, "sv").click()
    control(ui, "title.sv").send_keys("Sommarjobb")
    control(ui, "body.sv").send_keys("Det finns **många** sommarjobb.")
    tab(ui, "fi").click()
    save(ui)
    ui.wait(lambda: ui.d.execute_script("return /^\\/editor\\/articles\\/kesan-/.test(location.pathname)"), 10)
    loaded(ui)
    ui.wait_text("Uusi artikkeli tallennettiin luonnokseksi.")
    article_id = ui.d.current_url.rstrip("/").split("/")[-1]
    assert ui.h1() == title
    assert "Luonnos" in ui.css("main .editor-status").text
    assert not ui.all("main [data-action='publish']")  # a producer does not publish
    shot(ui, "editor-article-360")
    problems += ui.page_problems("article form")

    # the approver publishes it
    cui.sign_in(*server.users["approver"])
    open_page(cui, "/editor/articles")
    row = cui.css(f"main tr[data-article-id='{article_id}']")
    assert "Luonnos" in row.text
    row.find_element("css selector", "a").click()
    cui.wait_page(f"/editor/articles/{article_id}")
    loaded(cui)
    assert control(cui, "title.fi").get_attribute("readonly") is not None
    assert cui.css("main .article-preview[data-lang='fi'] .article-body strong").text == "paljon"
    cui.css("main [data-action='publish']").click()
    cui.wait_text("Artikkeli julkaistiin. Lukijat näkevät nyt version 1.")
    assert "Julkaistu" in cui.css("main .editor-status").text
    assert cui.all("main [data-action='unpublish']")
    problems += cui.page_problems("published article")
    cui.link("Näytä palvelumanuaalissa").click()
    cui.wait_page(f"/catalogue/articles/{article_id}")
    cui.wait(lambda: cui.h1() == title)
    assert cui.css("main .article-body strong").text == "paljon"

    # the producer changes it: a new version waits beside the published one; the history compares them
    open_page(ui, f"/editor/articles/{article_id}")
    control(ui, "body.fi").send_keys("\n\nKysy lisää työllisyyspalveluista.")
    save(ui)
    ui.wait_text("Muutokset tallennettiin versioksi 2.")
    assert "Julkaisematon muutos" in ui.css("main .editor-status").text
    ui.link("Versiohistoria").click()
    ui.wait_page(f"/editor/articles/{article_id}/history")
    loaded(ui)
    ui.wait(lambda: ui.all("main .editor-compare-result li[data-field='body.fi'] ins"))
    assert "työllisyyspalveluista" in ui.css("main .editor-compare-result li[data-field='body.fi'] ins").text
    assert [li.get_attribute("data-version") for li in ui.all("main .editor-versions > li")] == ["2", "1"]
    problems += ui.page_problems("article history")
    shot(ui, "editor-article-history-360")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors() and not cui.console_errors()


def helsinki_today():
    """Today in Helsinki (the server's days are Europe/Helsinki days)."""
    from zoneinfo import ZoneInfo
    return datetime.datetime.now(ZoneInfo("Europe/Helsinki")).date()


def test_a_course_period_and_a_weekly_time_show_on_the_service_page_and_in_search(ui, cui, server):
    service = "tyonhakuvalmennus"
    start = helsinki_today() + datetime.timedelta(days=14)
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, f"/editor/services/{service}")
    # a period: the kind, the first day (and no last day)
    ui.css("main [data-action='add-row'][data-list='delivery.periods']").click()
    assert ui.d.execute_script("return document.activeElement.name") == "delivery.periods[0].kind"
    assert Select(control(ui, "delivery.periods[0].kind")).first_selected_option.text == "Kurssi"
    set_value(ui, "delivery.periods[0].start", start.isoformat())
    # a weekly time, first the wrong way round: the error is said next to its field
    ui.css("main [data-action='add-row'][data-list='delivery.slots']").click()
    assert ui.d.execute_script("return document.activeElement.name") == "delivery.slots[0].weekday"
    Select(control(ui, "delivery.slots[0].weekday")).select_by_value("1")
    set_value(ui, "delivery.slots[0].start", "12:00")
    set_value(ui, "delivery.slots[0].end", "09:00")
    save(ui)
    ui.wait(lambda: ui.css("main .error-summary").is_displayed())
    assert "Viikkoaika 1 – Päättyy klo" in ui.css("main .error-summary").text
    assert "alkamisajan jälkeen" in ui.css("main [data-field='delivery.slots[0].end'] .field-error").text
    problems = ui.page_problems("schedule rows with an error")
    shot(ui, "editor-schedule-error-360", "main [data-rows='delivery.slots']")
    set_value(ui, "delivery.slots[0].start", "09:00")
    set_value(ui, "delivery.slots[0].end", "12:00")
    save(ui)
    ui.wait_text("Muutokset tallennettiin versioksi", selector="main .editor-save")
    assert ui.d.execute_script("return document.querySelector(\"main [name='delivery.periods[0].start']\").value") == start.isoformat()
    shot(ui, "editor-schedule-360", "main [data-rows='delivery.slots']")
    ui.css("main [data-action='submit']").click()
    ui.wait_text("Muutos lähetettiin hyväksyttäväksi.")

    cui.sign_in(*server.users["approver"])
    open_page(cui, f"/editor/services/{service}")
    cui.wait(lambda: cui.css("main .editor-review-part").get_attribute("data-loaded"))
    review = cui.css("main .editor-review").text
    assert "Ajanjakso 1 – Alkaa" in review and "maanantai" in review, review[:600]
    cui.css("main .editor-review [data-action='approve']").click()
    cui.wait_text("Muutos hyväksyttiin.")

    # the service page: the course and the weekly time, in the page's language
    date = f"{start.day}.{start.month}.{start.year}"
    for language, course, slot in (("fi", f"Kurssi alkaa {date}", "ma 9.00–12.00"),
                                   ("en", f"The course starts on {start.day} {start.strftime('%b')} {start.year}", "Mon 09:00–12:00")):
        if language != "fi":
            choose_language(cui, language)
        cui.open(f"/catalogue/services/{service}")
        cui.wait(lambda: cui.all("main .service-periods li"))
        assert cui.css("main .service-periods li").text == course
        assert cui.css("main .service-slots li").text == slot
        problems += cui.page_problems(f"service page with times [{language}]")
        if language == "fi":
            shot(cui, "catalogue-service-times-360", "main .service-periods")
    choose_language(cui, "fi")

    # search: "starts within 4 weeks", kept in the address
    cui.open("/catalogue?q=valmennus")
    wait_results(cui)
    from test_web_catalogue import open_filters
    open_filters(cui)
    Select(cui.css("main select[name='startsWithinWeeks']")).select_by_value("4")
    params = urllib.parse.urlencode({"q": "valmennus", "startsWithinWeeks": "4"})
    cui.wait(lambda: "startsWithinWeeks=4" in cui.d.current_url)
    wait_results(cui, params)
    assert service in result_ids(cui)
    problems += cui.page_problems("search starts within 4 weeks")
    shot(cui, "catalogue-search-starts-360", "main .filter-starts")
    cui.open("/catalogue?q=valmennus&startsWithinWeeks=2")
    wait_results(cui, urllib.parse.urlencode({"q": "valmennus", "startsWithinWeeks": "2"}))
    assert Select(cui.css("main select[name='startsWithinWeeks']")).first_selected_option.get_attribute("value") == "2"
    assert not problems, "\n".join(problems)


def test_a_field_marked_for_swedish_is_queued_and_resolved_by_its_translation(ui, server):
    service = "kotoutumiskoulutus"
    ui.sign_in(*server.users["contentProducer"])
    open_page(ui, f"/editor/services/{service}")
    ui.css("main [data-action='request-translation'][data-lang='sv']").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    dialog = ui.css("dialog[open]")
    box = dialog.find_element("css selector", "input[name='fields'][value='delivery.duration']")
    assert dialog.find_element("css selector", f"label[for='{box.get_attribute('id')}']").text == "Kesto"
    problems = ui.page_problems("translation dialog")
    ui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    dialog.find_element("css selector", "button[type='submit']").click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    ui.wait_text("Ruotsiksi: 1 kenttä odottaa käännöstä.")
    assert ui.d.execute_script("return document.activeElement.dataset.action") == "request-translation"
    tab(ui, "sv").click()
    mark = ui.css("main [data-field='delivery.duration.sv'] label .translation-mark")
    assert mark.text == "Tarvitsee käännöksen" and mark.is_displayed()
    assert not ui.all("main [data-field='delivery.duration.en'] .translation-mark")
    problems += ui.page_problems("form with a translation mark")
    shot(ui, "editor-translation-mark-360", "main [data-field='delivery.duration.sv']")

    # the queue lists it, by the field's name, with the language filter in the address
    open_page(ui, "/editor")
    ui.css("main a[data-action='translations']").click()
    ui.wait_page("/editor/translations")
    loaded(ui)
    assert ui.h1() == "Käännösjono"
    item = ui.css(f"main .translation-queue-item[data-service-id='{service}'][data-lang='sv']")
    assert "Kesto" in item.text and "Ruotsiksi" in item.text
    Select(control(ui, "language")).select_by_value("en")
    ui.wait(lambda: "language=en" in ui.d.current_url)
    loaded(ui)
    assert not ui.all(f"main .translation-queue-item[data-service-id='{service}'][data-lang='sv']")
    Select(control(ui, "language")).select_by_value("sv")
    loaded(ui)
    problems += ui.page_problems("/editor/translations")
    shot(ui, "editor-translation-queue-360")

    # writing the Swedish text in the form resolves it
    ui.css(f"main .translation-queue-item[data-service-id='{service}'] h2 a").click()
    ui.wait_page(f"/editor/services/{service}")
    loaded(ui)
    tab(ui, "sv").click()
    set_text(ui, "delivery.duration.sv", "Sex månader")
    save(ui)
    ui.wait_text("Muutokset tallennettiin versioksi", selector="main .editor-save")
    ui.wait(lambda: not ui.all("main [data-field='delivery.duration.sv'] .translation-mark"))
    assert "Ruotsiksi: ei käännöspyyntöjä." in ui.css("main .editor-translations-card").text
    open_page(ui, "/editor/translations?language=sv")
    assert not ui.all(f"main .translation-queue-item[data-service-id='{service}']")
    assert not problems, "\n".join(problems)


def test_the_views_in_finnish_swedish_and_english(ui, server):
    titles = {
        "fi": ("Artikkelit", "Uusi artikkeli", "Käännösjono", "Esikatsele", "Kieliversiot:"),
        "sv": ("Artiklar", "Ny artikel", "Översättningskö", "Förhandsgranska", "Språkversioner:"),
        "en": ("Articles", "New article", "Translation queue", "Preview", "Language versions:"),
    }
    ui.sign_in(*server.users["contentProducer"])
    problems = []
    for language, (articles, new, queue, preview, versions) in titles.items():
        if language != "fi":
            choose_language(ui, language)
        open_page(ui, "/editor/articles")
        assert ui.h1() == articles and ui.d.title == f"{articles} – Ohjaustila"
        problems += ui.page_problems(f"/editor/articles [{language}]")
        open_page(ui, "/editor/articles/new")
        assert ui.h1() == new
        assert ui.css("main [data-action='preview'][data-lang='fi']").text == preview
        problems += ui.page_problems(f"/editor/articles/new [{language}]")
        if language == "fi":
            shot(ui, "editor-article-new-360")
        open_page(ui, "/editor/translations")
        assert ui.h1() == queue
        problems += ui.page_problems(f"/editor/translations [{language}]")
        open_page(ui, "/editor/services/tyonhakuvalmennus")
        assert ui.all("main [data-rows='delivery.slots']") and ui.all("main [data-rows='delivery.periods']")
        problems += ui.page_problems(f"service form [{language}]")
        ui.open("/catalogue/services/tyonhakuvalmennus")
        ui.wait(lambda: ui.all("main .service-languages"))
        assert ui.css("main .service-languages").text.startswith(versions)
        problems += ui.page_problems(f"service page [{language}]")
        if language == "fi":
            shot(ui, "catalogue-service-languages-360")
    choose_language(ui, "fi")
    assert not problems, "\n".join(problems)
    assert not ui.console_errors()
