"""Browsing the service catalogue in the browser: topics (categories) with their counts, a topic's
page, municipality pages as a tree of topics, articles with a municipality filter kept in the URL,
internal articles for experts only, print styles, accessibility in fi/sv/en at 360 px."""
import datetime
import html.parser
import urllib.parse
import zoneinfo

import pytest
import requests

from conftest import api_session

HELSINKI = "091"
PUBLIC_ARTICLE = "nain-loydat-sopivan-palvelun"  # for every municipality; has a heading and a list
LOCAL_ARTICLE = "ruotsinkieliset-palvelut-lansi-uusimaa"  # for Raasepori (710) and Hanko (078)
INTERNAL_ARTICLE = "kuntouttavan-tyotoiminnan-ohjausprosessi"


def api(server, path, session=None, **params):
    r = (session or requests).get(server.base_url + path, params=params)
    r.raise_for_status()
    return r.json()


def facet(server, name):
    return {f["id"]: f["count"] for f in api(server, "/api/v1/catalogue/search", limit=1)["facets"][name]}


def services_fi(count):
    return "1 palvelu" if count == 1 else f"{count} palvelua"


def query(ui):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(ui.d.current_url).query)


def crumbs(ui):
    nav = ui.css("main nav.breadcrumbs")
    links = nav.find_elements("css selector", "ol > li > a")
    return nav, [(a.text, a.get_attribute("aria-current")) for a in links], links


def wait_category_services(ui):
    ui.wait(lambda: ui.all("main .browse-services[data-loaded]"), 15, "the topic's services were not shown")


def wait_articles(ui, municipality=""):
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .article-results'); return s ? s.dataset.loaded : null") == municipality,
        15, f"articles of {municipality!r} not shown; at {ui.d.current_url}")


def shown_services(ui):
    return [li.get_attribute("data-service-id") for li in ui.all("main .result-list > li")]


def shown_articles(ui):
    return [li.get_attribute("data-article-id") for li in ui.all("main .article-list > li")]


# ---- topics ---------------------------------------------------------------------------------

def test_topic_tree_shows_every_category_with_the_counts_of_the_api(ui, server):
    categories = api(server, "/api/v1/catalogue/taxonomy")["categories"]
    counts = facet(server, "category")
    ui.open("/catalogue/categories")
    assert ui.h1() == "Palvelut aiheittain"
    nav, texts, _ = crumbs(ui)
    assert nav.get_attribute("aria-label") == "Olet tässä"
    assert texts == [("Palvelumanuaali", None), ("Palvelut aiheittain", "page")]

    top = [c for c in categories if not c["parent"]]
    items = ui.all("main .browse-tree > li")
    assert [li.get_attribute("data-category-id") for li in items] == [c["id"] for c in top]
    for li, category in zip(items, top):
        title = li.find_element("css selector", "h2")
        assert title.find_element("css selector", "a").text == category["name"]["fi"]
        assert title.find_element("css selector", "a").get_attribute("pathname") == f"/catalogue/categories/{category['id']}"
        assert title.find_element("css selector", ".browse-count").text == services_fi(counts.get(category["id"], 0))
        children = [c for c in categories if c["parent"] == category["id"]]
        rows = li.find_elements("css selector", ".browse-tree__children > li")
        assert [r.get_attribute("data-category-id") for r in rows] == [c["id"] for c in children]
        for row, child in zip(rows, children):
            assert row.find_element("css selector", "a").text == child["name"]["fi"]
            assert row.find_element("css selector", ".browse-count").text == services_fi(counts.get(child["id"], 0))
        # a parent's count includes its children
        assert counts.get(category["id"], 0) >= max([counts.get(c["id"], 0) for c in children] or [0])

    ui.css("main .browse-tree > li[data-category-id='tyonhaku'] h2 a").click()
    ui.wait_page("/catalogue/categories/tyonhaku")
    assert ui.h1() == "Työnhaku"
    assert not ui.console_errors()


def test_topic_page_has_breadcrumbs_subtopics_and_services_by_name_with_show_more(ui, server):
    total = api(server, "/api/v1/catalogue/search", category="tyonhaku", limit=1)["total"]
    first = api(server, "/api/v1/catalogue/search", category="tyonhaku", sort="name", limit=50, lang="fi")
    assert total > 50 and first["nextCursor"], "the demo topic needs more than one page"
    second = api(server, "/api/v1/catalogue/search", category="tyonhaku", sort="name", limit=50, lang="fi",
                 cursor=first["nextCursor"])
    counts = facet(server, "category")

    ui.open("/catalogue/categories/tyonhaku")
    wait_category_services(ui)
    assert ui.h1() == "Työnhaku"
    assert ui.d.title == "Työnhaku – Ohjaustila"
    _, texts, links = crumbs(ui)
    assert texts == [("Palvelumanuaali", None), ("Palvelut aiheittain", None), ("Työnhaku", "page")]
    assert [a.get_attribute("pathname") for a in links] == ["/catalogue", "/catalogue/categories", "/catalogue/categories/tyonhaku"]

    # the sub-topics with their counts
    subs = ui.all("main .browse-list > li")
    assert [li.get_attribute("data-category-id") for li in subs] == ["uraohjaus", "tyonhakuvalmennus", "tyokokeilu"]
    for li in subs:
        assert li.find_element("css selector", ".browse-count").text == services_fi(counts[li.get_attribute("data-category-id")])

    # the services in name order, 50 first
    ui.wait_text(f"{total} palvelua aakkosjärjestyksessä.")
    assert shown_services(ui) == [item["id"] for item in first["items"]]
    assert ui.all("main .result-list > li h3.result__name a")  # the same rows as the search's (name as h3)
    more = ui.button("Näytä lisää")
    more.click()
    ui.wait(lambda: len(shown_services(ui)) == 50 + len(second["items"]))
    assert shown_services(ui) == [item["id"] for item in first["items"] + second["items"]]
    assert len(set(shown_services(ui))) == len(shown_services(ui))
    # the focus moves to the first new service; the button goes when everything is shown
    assert ui.d.execute_script("return document.activeElement.closest('li').dataset.serviceId") == second["items"][0]["id"]
    ui.wait_text(f"Näytetään {len(shown_services(ui))} / {total} palvelua.")
    if not second["nextCursor"]:
        assert not ui.css("main .browse-services .actions button").is_displayed()

    # a sub-topic's page: the parent is in the breadcrumbs, there is no "show more" for one page
    ui.css("main .browse-list > li[data-category-id='tyonhakuvalmennus'] a").click()
    ui.wait_page("/catalogue/categories/tyonhakuvalmennus")
    wait_category_services(ui)
    _, texts, links = crumbs(ui)
    assert texts == [("Palvelumanuaali", None), ("Palvelut aiheittain", None), ("Työnhaku", None), ("Työnhakuvalmennus", "page")]
    assert links[2].get_attribute("pathname") == "/catalogue/categories/tyonhaku"
    assert not ui.all("main .browse-list")  # no sub-topics
    sub_total = counts["tyonhakuvalmennus"]
    assert len(shown_services(ui)) == sub_total <= 50
    assert not ui.css("main .browse-services .actions button").is_displayed()

    # "search within this topic" opens the search with the topic as a filter
    link = ui.link("Hae tämän aiheen palveluista")
    assert link.get_attribute("pathname") + link.get_attribute("search") == "/catalogue?category=tyonhakuvalmennus"
    link.click()
    ui.wait_page("/catalogue")
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .catalogue-results'); return s && s.dataset.loaded") == "category=tyonhakuvalmennus")
    ui.wait_text(f"Löytyi {sub_total} palvelua.")
    assert not ui.console_errors()


def test_unknown_topic_says_it_was_not_found(ui, server):
    ui.open("/catalogue/categories/ei-tallaista-aihetta")
    assert ui.h1() == "Aihetta ei löytynyt"
    assert "osoite on väärin" in ui.text()
    ui.link("Palvelut aiheittain").click()
    ui.wait_page("/catalogue/categories")


def test_entry_points_from_the_search_and_the_service_page(ui, server):
    ui.open("/catalogue")
    nav = ui.css("main nav.catalogue-browse-nav")
    assert nav.get_attribute("aria-label") == "Selaa palveluja"
    links = nav.find_elements("css selector", "a")
    assert [(a.text, a.get_attribute("pathname")) for a in links] == [
        ("Palvelut aiheittain", "/catalogue/categories"),
        ("Palvelut kunnittain", "/catalogue/municipalities"),
        ("Artikkelit ja oppaat", "/catalogue/articles"),
    ]
    links[1].click()
    ui.wait_page("/catalogue/municipalities")

    service = api(server, "/api/v1/catalogue/services/uraohjaus-aikuisille")
    ui.open("/catalogue/services/uraohjaus-aikuisille")
    ui.wait(lambda: ui.all("main section"))
    hrefs = [a.get_attribute("pathname") for a in ui.all("main a[href^='/catalogue/categories/']")]
    assert hrefs == [f"/catalogue/categories/{c}" for c in service["categoryIds"]]
    # the municipalities it serves lead to their pages
    hrefs = [a.get_attribute("pathname") for a in ui.all("main a[href^='/catalogue/municipalities/']")]
    assert hrefs == [f"/catalogue/municipalities/{m}" for m in service["targetGroup"]["municipalityCodes"]]
    ui.css(f"main a[href='/catalogue/categories/{service['categoryIds'][-1]}']").click()
    ui.wait_page(f"/catalogue/categories/{service['categoryIds'][-1]}")
    wait_category_services(ui)
    assert "uraohjaus-aikuisille" in shown_services(ui)


# ---- municipalities -------------------------------------------------------------------------

def test_municipality_list_and_page_show_the_tree_of_the_api(ui, server):
    municipalities = api(server, "/api/v1/catalogue/taxonomy")["municipalities"]
    counts = facet(server, "municipality")
    ui.open("/catalogue/municipalities")
    assert ui.h1() == "Palvelut kunnittain"
    rows = ui.all("main .browse-list > li")
    names = sorted((m["name"]["fi"], m["code"]) for m in municipalities)
    assert [li.get_attribute("data-municipality") for li in rows] == [code for _, code in names]
    for li in rows:
        code = li.get_attribute("data-municipality")
        assert li.find_element("css selector", ".browse-count").text == services_fi(counts.get(code, 0))

    page = api(server, f"/api/v1/catalogue/municipalities/{HELSINKI}", lang="fi")
    ui.css(f"main .browse-list > li[data-municipality='{HELSINKI}'] a").click()
    ui.wait_page(f"/catalogue/municipalities/{HELSINKI}")
    assert ui.h1() == "Helsinki"
    _, texts, _ = crumbs(ui)
    assert texts == [("Palvelumanuaali", None), ("Palvelut kunnittain", None), ("Helsinki", "page")]
    ui.wait_text(f"Yhteensä {page['total']} palvelua.")
    assert page["total"] == counts[HELSINKI]

    def check(node, li, level):
        """The topic's heading, count and services; its sub-topics nested inside it."""
        assert li.get_attribute("data-category-id") == node["id"]
        heading = li.find_element("css selector", f":scope > h{level}")
        assert heading.text == f"{node['name']['fi']} {services_fi(node['count'])}"
        # every service of the topic is shown inside it (a sub-topic's under the sub-topic)
        inside = {a.get_attribute("data-service-id") for a in li.find_elements("css selector", ".service-link")}
        below = set()
        stack = list(node["children"])
        while stack:
            child = stack.pop()
            below |= {s["id"] for s in child["services"]}
            stack += child["children"]
        assert inside == {s["id"] for s in node["services"]} | below
        own = [r.get_attribute("data-service-id") for r in li.find_elements("css selector", ":scope > .service-links > li")]
        assert own == [s["id"] for s in node["services"] if s["id"] not in below]
        children = li.find_elements("css selector", ":scope > .topic-tree > li")
        assert len(children) == len(node["children"])
        for child, child_li in zip(node["children"], children):
            check(child, child_li, level + 1)

    tops = ui.all("main .topic-tree:not(.topic-tree--nested) > li")
    assert [li.get_attribute("data-category-id") for li in tops] == [c["id"] for c in page["categories"]]
    for node, li in zip(page["categories"], tops):
        check(node, li, 2)
    # a service in several topics is under each of them (once in each branch)
    def occurrences(nodes, service):
        n = 0
        for node in nodes:
            below = set()
            stack = list(node["children"])
            while stack:
                child = stack.pop()
                below |= {s["id"] for s in child["services"]}
                stack += child["children"]
            n += service in {s["id"] for s in node["services"]} and service not in below
            n += occurrences(node["children"], service)
        return n
    ids = {s["id"] for top in page["categories"] for c in [top, *top["children"]] for s in c["services"]}
    several = [i for i in sorted(ids) if occurrences(page["categories"], i) > 1]
    assert several, "no demo service in several topics"
    for service in several[:5]:
        assert len(ui.all(f"main .service-link[data-service-id='{service}']")) == occurrences(page["categories"], service)

    # the table of contents jumps to a topic and moves the focus there
    first = page["categories"][-1]
    ui.css("main nav.topic-contents").find_element("xpath", f".//a[normalize-space(.)='{first['name']['fi']}']").click()
    assert ui.d.execute_script("return document.activeElement.closest('li').dataset.categoryId") == first["id"]
    assert ui.d.current_url.endswith(f"/catalogue/municipalities/{HELSINKI}")

    # links to a search filtered by the municipality and to its articles
    search = ui.link("Hae tämän kunnan palveluista")
    assert search.get_attribute("pathname") + search.get_attribute("search") == f"/catalogue?municipality={HELSINKI}"
    ui.link("Kunnan artikkelit ja oppaat").click()
    ui.wait_page("/catalogue/articles")
    wait_articles(ui, HELSINKI)
    assert query(ui) == {"municipality": [HELSINKI]}
    assert ui.css("main select[name='municipality']").get_attribute("value") == HELSINKI
    assert not ui.console_errors()


def test_unknown_municipality_says_it_was_not_found(ui, server):
    r = requests.get(server.base_url + "/api/v1/catalogue/municipalities/999")
    assert r.status_code == 404 and r.json()["code"] == "municipality.notFound"
    ui.open("/catalogue/municipalities/999")
    assert ui.h1() == "Kuntaa ei löytynyt"
    assert ui.link("Palvelut kunnittain").get_attribute("pathname") == "/catalogue/municipalities"


# ---- articles -------------------------------------------------------------------------------

class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def tags_of(markup):
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


def test_article_list_filter_lives_in_the_url_and_an_article_shows_its_html(ui, server):
    from selenium.webdriver.support.ui import Select
    everything = api(server, "/api/v1/catalogue/articles", limit=20)["items"]
    helsinki = api(server, "/api/v1/catalogue/articles", municipality=HELSINKI, limit=20)["items"]
    west = api(server, "/api/v1/catalogue/articles", municipality="710", limit=20)["items"]
    assert LOCAL_ARTICLE not in [a["id"] for a in helsinki] and len(helsinki) < len(everything)
    assert LOCAL_ARTICLE in [a["id"] for a in west]
    assert all(a["audience"] == "public" for a in everything)  # a visitor sees no internal articles

    ui.open("/catalogue/articles")
    wait_articles(ui, "")
    assert ui.h1() == "Artikkelit ja oppaat"
    assert shown_articles(ui) == [a["id"] for a in everything]
    ui.wait_text(f"Näytetään {len(everything)} artikkelia.")
    select = ui.css("main select[name='municipality']")
    label = ui.css(f"main label[for='{select.get_attribute('id')}']")
    assert label.text == "Kunta"
    assert select.get_attribute("value") == ""
    assert "Kunnat: Kaikki kunnat" in ui.css(f"main .article-list > li[data-article-id='{PUBLIC_ARTICLE}']").text
    assert "Kunnat: Raasepori, Hanko" in ui.css(f"main .article-list > li[data-article-id='{LOCAL_ARTICLE}']").text

    Select(select).select_by_value(HELSINKI)
    wait_articles(ui, HELSINKI)
    assert query(ui) == {"municipality": [HELSINKI]}
    assert shown_articles(ui) == [a["id"] for a in helsinki]
    ui.wait_text(f"Näytetään {len(helsinki)} artikkelia.")

    # a reload keeps the choice; Back and Forward go through the choices
    ui.d.refresh()
    ui.wait_page("/catalogue/articles")
    wait_articles(ui, HELSINKI)
    assert ui.css("main select[name='municipality']").get_attribute("value") == HELSINKI
    assert shown_articles(ui) == [a["id"] for a in helsinki]
    ui.d.back()
    wait_articles(ui, "")
    assert query(ui) == {}
    assert ui.css("main select[name='municipality']").get_attribute("value") == ""
    assert shown_articles(ui) == [a["id"] for a in everything]
    ui.d.forward()
    wait_articles(ui, HELSINKI)
    assert ui.css("main select[name='municipality']").get_attribute("value") == HELSINKI

    Select(ui.css("main select[name='municipality']")).select_by_value("710")
    wait_articles(ui, "710")
    assert query(ui) == {"municipality": ["710"]}
    assert shown_articles(ui) == [a["id"] for a in west]
    # the article's page: title, date, municipalities and the server's HTML inside <article>
    article = api(server, f"/api/v1/catalogue/articles/{LOCAL_ARTICLE}")
    # its day in Helsinki as the page writes it (the demo's dates move with the day it was started)
    updated = datetime.datetime.fromisoformat(article["updatedAt"].replace("Z", "+00:00")).astimezone(
        zoneinfo.ZoneInfo("Europe/Helsinki"))
    day = f"{updated.day}.{updated.month}.{updated.year}"
    assert f"Päivitetty: {day}" in ui.css(f"main .article-list > li[data-article-id='{LOCAL_ARTICLE}']").text
    ui.css(f"main .article-list > li[data-article-id='{LOCAL_ARTICLE}'] h2 a").click()
    ui.wait_page(f"/catalogue/articles/{LOCAL_ARTICLE}")
    assert ui.h1() == article["title"]["fi"]
    assert ui.d.switch_to.active_element.tag_name == "h1"
    _, texts, _ = crumbs(ui)
    assert texts == [("Palvelumanuaali", None), ("Artikkelit ja oppaat", None), (article["title"]["fi"], "page")]
    meta = ui.css("main article .article-meta").text
    assert day in meta and "Raasepori, Hanko" in meta
    assert not ui.all("main .article-internal")

    article = api(server, f"/api/v1/catalogue/articles/{PUBLIC_ARTICLE}")
    ui.open(f"/catalogue/articles/{PUBLIC_ARTICLE}")
    assert ui.h1() == article["title"]["fi"]
    assert "Kaikki kunnat" in ui.css("main article .article-meta").text
    body = ui.css("main article .article-body")
    rendered = ui.d.execute_script("return [...arguments[0].querySelectorAll('*')].map((e) => e.localName)", body)
    assert rendered == tags_of(article["html"]) and "h2" in rendered and "li" in rendered
    assert body.find_element("css selector", "h2").text == "Rajaa tuloksia"
    assert body.find_element("css selector", "em").text == "uraohjaus"
    assert len(ui.all("main h1")) == 1
    # in Swedish the title is the Swedish one
    ui.set_language("sv")
    ui.d.refresh()
    ui.wait_page(f"/catalogue/articles/{PUBLIC_ARTICLE}")
    assert ui.h1() == article["title"]["sv"]
    assert "Alla kommuner" in ui.css("main article .article-meta").text
    assert not ui.console_errors()


def test_internal_articles_only_for_experts(ui, server):
    expert = api_session(server, "expert")
    for_expert = api(server, "/api/v1/catalogue/articles", session=expert, limit=50)["items"]
    internal = [a["id"] for a in for_expert if a["audience"] == "internal"]
    assert INTERNAL_ARTICLE in internal

    # a visitor: not in the list, and the address says "not found"
    ui.open("/catalogue/articles")
    wait_articles(ui, "")
    assert INTERNAL_ARTICLE not in shown_articles(ui)
    assert not ui.all("main .article-list > li[data-audience='internal']")
    assert "Sisäinen" not in ui.text()
    ui.open(f"/catalogue/articles/{INTERNAL_ARTICLE}")
    assert ui.h1() == "Artikkelia ei löytynyt"

    # an expert: in the list with a visible "Sisäinen" mark, and the page opens marked as internal
    ui.sign_in(*server.users["expert"], expect=None)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    ui.set_language("fi")
    ui.open("/catalogue/articles")
    wait_articles(ui, "")
    ui.wait(lambda: len(shown_articles(ui)) >= min(20, len(for_expert)))
    marked = [li.get_attribute("data-article-id") for li in ui.all("main .article-list > li[data-audience='internal']")]
    assert INTERNAL_ARTICLE in marked and set(marked) <= set(internal)
    badge = ui.css(f"main .article-list > li[data-article-id='{INTERNAL_ARTICLE}'] .badge--internal")
    assert badge.text == "Sisäinen" and badge.is_displayed()
    # the filter works for experts too: the article is for Helsinki, Vantaa and Kerava
    from selenium.webdriver.support.ui import Select
    Select(ui.css("main select[name='municipality']")).select_by_value("049")
    wait_articles(ui, "049")
    assert INTERNAL_ARTICLE not in shown_articles(ui)

    ui.open(f"/catalogue/articles/{INTERNAL_ARTICLE}")
    note = ui.css("main article .article-internal")
    assert "Sisäinen" in note.text and "vain asiantuntijoille" in note.text
    assert "Helsinki, Vantaa, Kerava" in ui.css("main article .article-meta").text
    assert ui.css("main article .article-body").text.strip()


def test_print_leaves_out_navigation_and_buttons(ui, server):
    ui.desktop()
    for path, ready in (
        (f"/catalogue/municipalities/{HELSINKI}", lambda: ui.wait(lambda: ui.all("main .topic-tree"))),
        ("/catalogue/categories/tyonhaku", lambda: wait_category_services(ui)),
        (f"/catalogue/articles/{PUBLIC_ARTICLE}", lambda: ui.wait(lambda: ui.all("main .article-body p"))),
        ("/catalogue/articles", lambda: wait_articles(ui, "")),
    ):
        ui.open(path)
        ready()
        ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            hidden = ui.d.execute_script("""
                return [...document.querySelectorAll('main .breadcrumbs, main .topic-contents, main .article-filter, main .btn, .site-nav')]
                  .filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.className || e.localName)""")
            assert hidden == [], f"{path}: shown on paper: {hidden}"
            assert ui.css("main h1").is_displayed()
        finally:
            ui.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# ---- accessibility --------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_browse_pages_are_accessible_and_fit_360px(ui, server, language):
    ui.reset(language=language)
    titles = {
        "fi": "Palvelut aiheittain", "sv": "Tjänster efter ämne", "en": "Services by topic",
    }
    problems = []
    for path, ready in (
        ("/catalogue/categories", lambda: ui.wait(lambda: ui.all("main .browse-tree"))),
        ("/catalogue/categories/tyonhaku", lambda: wait_category_services(ui)),
        ("/catalogue/categories/nope", lambda: None),
        ("/catalogue/municipalities", lambda: ui.wait(lambda: ui.all("main .browse-list"))),
        (f"/catalogue/municipalities/{HELSINKI}", lambda: ui.wait(lambda: ui.all("main .topic-tree"))),
        (f"/catalogue/articles?municipality={HELSINKI}", lambda: wait_articles(ui, HELSINKI)),
        (f"/catalogue/articles/{PUBLIC_ARTICLE}", lambda: ui.wait(lambda: ui.all("main .article-body p"))),
    ):
        ui.open(path, expect=path.split("?")[0])
        ready()
        assert ui.d.execute_script("return document.documentElement.lang") == language
        if path == "/catalogue/categories":
            assert ui.h1() == titles[language]
        assert ui.d.title.endswith("– Ohjaustila")
        violations, axe = ui.axe_serious()
        if violations:
            problems.append(f"{path} [{language}]: {axe.report(violations)}")
        for width in (360, 320):
            ui.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                 {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})
            scroll = ui.d.execute_script("return document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{path} [{language}]: scrollWidth {scroll} > {width}")
        ui.phone()
    problems += [f"console [{language}]: {m}" for m in ui.console_errors()]
    assert not problems, "\n".join(problems)


def test_internal_article_page_is_accessible_for_an_expert(ui, server):
    ui.sign_in(*server.users["expert"], expect=None)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    problems = []
    for language in ("fi", "sv", "en"):
        ui.set_language(language)
        for path, ready in (
            ("/catalogue/articles", lambda: wait_articles(ui, "")),
            (f"/catalogue/articles/{INTERNAL_ARTICLE}", lambda: ui.wait(lambda: ui.all("main .article-internal"))),
        ):
            ui.open(path)
            ready()
            problems += ui.page_problems(f"{path} [{language}]")
    assert not problems, "\n".join(problems)
