"""The web client's shared ground and its security defences, in the browser: ?next= stays on our
origin, the article HTML allow-list, sign-out and an ended session clear the browser's storage,
page teardown (ctx.signal), the paged list's race and focus, plural forms, the phone layout of
label/value lists, and the service worker's shell list."""
import json
import pathlib
import re
import time
import urllib.parse

import pytest
import requests

from conftest import api_session

# Its "show more" races hold answers back for set times: run with no other suite beside it.
pytestmark = pytest.mark.alone

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICE = "uraohjaus-aikuisille"  # has internal instructions with contacts
ARTICLE = "nain-loydat-sopivan-palvelun"
KEY = "ohjaustila.catalogue.favourites"

# Slows down (or cancels) fetches of the page: requests whose URL contains window.__slow wait
# window.__delay ms. window.__late = true answers even when the request was cancelled meanwhile
# (a server answer that arrives after all). Every request is kept in window.__requests.
INTERCEPT = """
window.__requests = [];
window.__slow = arguments[0];
window.__delay = arguments[1];
window.__late = arguments[2];
if (!window.__realFetch) window.__realFetch = window.fetch;
window.fetch = (input, init = {}) => {
  const url = String(input && input.url ? input.url : input);
  const entry = { url, signal: init.signal || null, aborted: false, answered: false };
  window.__requests.push(entry);
  if (!window.__slow || !url.includes(window.__slow)) return window.__realFetch(input, init);
  return new Promise((resolve, reject) => {
    const go = () => window.__realFetch(input, { ...init, signal: undefined }).then((r) => { entry.answered = true; resolve(r); }, reject);
    const timer = setTimeout(go, window.__delay);
    if (init.signal && !window.__late) {
      init.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        entry.aborted = true;
        reject(new DOMException('aborted', 'AbortError'));
      });
    }
  });
};
"""


def router_go(ui, path):
    """A navigation inside the app (no page load), as a link click does."""
    ui.d.execute_script("history.pushState({}, '', arguments[0]); dispatchEvent(new PopStateEvent('popstate'));", path)
    ui.wait_page(path.split("?")[0].split("#")[0])


def wait_results(ui, params, timeout=15):
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .catalogue-results'); return s ? s.dataset.loaded : null") == params,
        timeout, f"results of {params!r} not shown; at {ui.d.current_url}")


def result_ids(ui):
    return [li.get_attribute("data-service-id") for li in ui.all("main .result-list > li")]


# ---- A1: ?next= never leaves our origin --------------------------------------------------------

HOSTILE_NEXT = [
    "/\t/evil.example/phish",       # the tab is dropped by the URL parser: "//evil.example"
    "/\n/evil.example/phish",       # so is a newline
    "/\\evil.example/phish",        # a backslash is a slash in http(s) URLs
    "\\\\evil.example/phish",
    "//evil.example/phish",         # %2F%2F in the address
    "https:evil.example/phish",
    "https://evil.example/phish",
    "javascript:alert(document.domain)",
    " //evil.example/phish",
]


def stays_home(ui, server):
    time.sleep(0.3)  # a redirect would have started by now
    url = urllib.parse.urlsplit(ui.d.current_url)
    assert f"{url.scheme}://{url.netloc}" == server.base_url, ui.d.current_url
    assert "evil" not in ui.d.current_url
    ui.wait(lambda: ui.d.execute_script("return document.documentElement.dataset.page") == ui.d.execute_script(
        "return location.pathname"))


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_next_of_a_signed_in_user_stays_on_our_origin(ui, server, next_value):
    ui.sign_in(*server.users["expert"])
    ui.d.get(f"{server.base_url}/login?next={urllib.parse.quote(next_value, safe='')}")
    # the signed-in user is sent on from /login (a loaded machine may take more than stays_home's pause)
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login")
    stays_home(ui, server)
    assert ui.d.execute_script("return location.pathname") == "/"


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_next_after_signing_in_stays_on_our_origin(ui, server, next_value):
    ui.d.get(f"{server.base_url}/login?next={urllib.parse.quote(next_value, safe='')}")
    ui.wait_page("/login")
    ui.fill("email", server.users["expert"][0])
    ui.fill("password", server.users["expert"][1])
    ui.css("main form button[type=submit]").click()
    ui.wait(lambda: ui.d.execute_script("return location.pathname") != "/login" or "evil" in ui.d.current_url)
    stays_home(ui, server)


def test_next_of_our_own_keeps_its_path_query_and_fragment(ui, server):
    ui.d.get(f"{server.base_url}/login?next={urllib.parse.quote('/catalogue?q=uraohjaus#x', safe='')}")
    ui.wait_page("/login")
    ui.fill("email", server.users["expert"][0])
    ui.fill("password", server.users["expert"][1])
    ui.css("main form button[type=submit]").click()
    ui.wait_page("/catalogue")
    assert ui.d.execute_script("return location.search + location.hash") == "?q=uraohjaus#x"


# ---- A2: the article HTML allow-list -----------------------------------------------------------

HOSTILE_HTML = """
<h1 id="top" name="top">Otsikko</h1>
<p class="x" style="color:red" onclick="window.__pwned=1" title="ok">Teksti <em>korostus</em> <strong>vahva</strong></p>
<script>window.__pwned = 1</script><style>body{display:none}</style>
<img src="x" onerror="window.__pwned=1" alt="kuva">
<img src="javascript:window.__pwned=1"><img src="data:image/png;base64,AAAA">
<a href="javascript:window.__pwned=1">js</a>
<a href="jav&#x61;script:window.__pwned=1">entity</a>
<a href="java\tscript:window.__pwned=1">tab</a>
<a href="java&#10;script:window.__pwned=1">newline</a>
<a href=" &#x20;JAVASCRIPT:window.__pwned=1">spaces</a>
<a href="data:text/html,<script>alert(1)</script>">data</a>
<a href="vbscript:msgbox(1)">vb</a>
<a href="https://example.org/ok" onmouseover="window.__pwned=1" target="_blank">https</a>
<a href="mailto:neuvonta@example.fi">mail</a><a href="tel:+358401234567">tel</a>
<a href="/catalogue/services/uraohjaus-aikuisille">relative</a>
<form action="https://evil.example"><input name="q"><button>Lähetä</button></form>
<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">
<svg><a xlink:href="javascript:window.__pwned=1"><text>svg</text></a></svg>
<math><mi xlink:href="javascript:window.__pwned=1">math</mi></math>
<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example"><link rel="stylesheet" href="x">
<div id="clobber"><span name="cookie">sisältö</span></div>
<details open ontoggle="window.__pwned=1"><summary>auki</summary>piilo</details>
<table><caption>Taulu</caption><thead><tr><th scope="col" onclick="x()">A</th></tr></thead><tbody><tr><td colspan="2" id="c">1</td></tr></tbody></table>
<ul><li>yksi</li></ul><ol start="3"><li>kolme</li></ol><blockquote>lainaus</blockquote><pre><code>koodi</code></pre><hr><br>
<!-- kommentti -->
"""

ALLOWED = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "b", "i", "code", "pre",
           "blockquote", "br", "hr", "img", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
           "dl", "dt", "dd", "del", "ins", "s", "sub", "sup", "mark", "small", "abbr"}
ATTRS = {"*": {"title"}, "a": {"href", "rel"}, "img": {"src", "alt", "loading", "width", "height"},
         "ol": {"start"}, "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"}}

DESCRIBE = """
const root = arguments[0];
return {
  html: root.innerHTML,
  text: root.textContent,
  elements: [...root.querySelectorAll('*')].map((e) => ({
    tag: e.localName, ns: e.namespaceURI, attrs: Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])),
    protocol: e.localName === 'a' && e.hasAttribute('href') ? new URL(e.href).protocol : null,
  })),
};
"""


def check_allow_list(server, described):
    for e in described["elements"]:
        assert e["ns"] == "http://www.w3.org/1999/xhtml", e
        assert e["tag"] in ALLOWED, e
        extra = set(e["attrs"]) - ATTRS["*"] - ATTRS.get(e["tag"], set())
        assert not extra, e
        if e["tag"] == "a" and "href" in e["attrs"]:
            assert e["protocol"] in ("http:", "https:", "mailto:", "tel:"), e
        if e["tag"] == "img":
            assert urllib.parse.urlsplit(e["attrs"]["src"]).scheme in ("http", "https"), e
    html = described["html"].lower()
    for word in ("script", "onerror", "onclick", "ontoggle", "onmouseover", "style", "iframe", "evil.example",
                 "<form", "<input", "<svg", "<math", "<base", "<meta", "<link", " id=", " name=", "data:", "<!--"):
        assert word not in html, word
    hrefs = {e["attrs"]["href"] for e in described["elements"] if e["tag"] == "a" and "href" in e["attrs"]}
    assert hrefs == {"https://example.org/ok", "mailto:neuvonta@example.fi", "tel:+358401234567",
                     f"{server.base_url}/catalogue/services/uraohjaus-aikuisille"}
    links = {e["attrs"].get("href"): e["attrs"].get("rel") for e in described["elements"] if e["tag"] == "a"}
    assert links["https://example.org/ok"] == "noopener noreferrer"  # another site gets no opener
    assert links["mailto:neuvonta@example.fi"] is None
    tags = [e["tag"] for e in described["elements"]]
    assert "h1" not in tags and tags[0] == "h2"  # the page's title is its only h1
    assert tags.count("img") == 1 and tags.count("a") == 11
    for kept in ("Otsikko", "korostus", "sisältö", "auki", "piilo", "Taulu", "yksi", "kolme", "lainaus", "koodi"):
        assert kept in described["text"], kept


def only_csp_reports(ui):
    """The browser's console holds nothing but the CSP's reports of what it blocked in the hostile
    HTML (inline styles while parsing): no error of the client."""
    problems = [m for m in ui.console_errors() if "Content Security Policy" not in m]
    assert not problems, problems


def test_article_sanitiser_keeps_only_the_allow_list(ui, server):
    ui.open("/catalogue/articles")
    box = ui.d.execute_async_script("""
        const [html, done] = arguments;
        import('/js/pages/catalogue-article.js').then((m) => {
          const box = document.createElement('div');
          box.id = 'sanitised';
          box.append(m.articleBody(html));
          document.body.append(box);
          done(box);
        }, (e) => done(String(e)));
    """, HOSTILE_HTML)
    assert not isinstance(box, str), box
    check_allow_list(server, ui.d.execute_script(DESCRIBE, box))
    assert ui.d.execute_script("return window.__pwned") is None
    only_csp_reports(ui)


def test_article_page_shows_hostile_html_only_through_the_allow_list(ui, server):
    article = requests.get(f"{server.base_url}/api/v1/catalogue/articles/{ARTICLE}").json()
    ui.open("/catalogue/articles")
    # the article's answer, as a compromised server (or a proxy) could send it
    ui.d.execute_script("""
        const [id, answer] = arguments;
        const real = window.fetch;
        window.fetch = (input, init) => String(input).startsWith(`/api/v1/catalogue/articles/${id}`)
          ? Promise.resolve(new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } }))
          : real(input, init);
    """, ARTICLE, {**article, "html": HOSTILE_HTML})
    router_go(ui, f"/catalogue/articles/{ARTICLE}")
    body = ui.css("main article .article-body")
    check_allow_list(server, ui.d.execute_script(DESCRIBE, body))
    time.sleep(0.5)  # an image's onerror would have run by now
    assert ui.d.execute_script("return window.__pwned") is None
    assert len(ui.all("main h1")) == 1
    only_csp_reports(ui)


# ---- A3: sign-out and an ended session clear the browser's storage ------------------------------

def fill_storage_as_a_client(ui, server):
    """A client signs in, searches with client-profile fields and keeps a visitor favourite; an
    IndexedDB database and a stray localStorage key stand for what later features will keep."""
    ui.set_language("fi")
    ui.sign_in(*server.users["client"])
    router_go(ui, "/catalogue?q=uraohjaus&profileAge=30&profileMunicipality=091")
    wait_results(ui, "q=uraohjaus&profileAge=30&profileMunicipality=091")
    ui.css("main .result .favourite-toggle").click()
    ui.wait(lambda: ui.d.execute_script("return JSON.parse(sessionStorage.getItem(arguments[0]) || '[]').length", KEY) == 1)
    ui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        localStorage.setItem('ohjaustila.draft', 'luonnos');
        const open = indexedDB.open('ohjaustila-outbox', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('messages');
        open.onsuccess = () => { open.result.close(); done(true); };
        open.onerror = () => done(false);
    """)
    stored = storage(ui)
    assert "profileAge=30" in (stored["session"].get("ohjaustila.catalogue.lastSearch") or "")
    assert KEY in stored["session"] and "ohjaustila-outbox" in stored["databases"]


def storage(ui):
    return ui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const all = (s) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));
        indexedDB.databases().then((dbs) => done({
          session: all(sessionStorage), local: all(localStorage), databases: dbs.map((d) => d.name),
        }));
    """)


def assert_cleared(ui):
    ui.wait(lambda: storage(ui)["session"] == {} and "ohjaustila-outbox" not in storage(ui)["databases"], 10,
            f"storage not cleared: {storage(ui)}")
    assert storage(ui)["local"] == {"ohjaustila.language": "fi"}  # the language choice stays


def test_sign_out_clears_what_the_browser_holds_for_the_user(ui, server):
    fill_storage_as_a_client(ui, server)
    ui.open_menu()  # on a phone, signing out is in the header's menu
    ui.css("#sign-out").click()
    ui.wait_page("/login")
    assert_cleared(ui)


def test_an_ended_session_clears_the_browser_at_the_next_request(ui, server):
    fill_storage_as_a_client(ui, server)
    router_go(ui, "/")
    # the session is ended elsewhere (another browser: "sign out everywhere")
    api_session(server, "client").post(f"{server.base_url}/api/v1/auth/logout-everywhere", json={}).raise_for_status()
    ui.link("Oma tili").click()  # the account page asks for the sessions: 401
    ui.wait_page("/login")
    assert ui.css("main [data-flash='login.sessionEnded']")
    assert_cleared(ui)


def test_a_reload_after_the_session_ended_clears_the_browser_too(ui, server):
    fill_storage_as_a_client(ui, server)
    router_go(ui, "/")
    api_session(server, "client").post(f"{server.base_url}/api/v1/auth/logout-everywhere", json={}).raise_for_status()
    ui.d.refresh()
    ui.wait(lambda: ui.d.execute_script("return document.documentElement.dataset.ready") == "true")
    assert_cleared(ui)


# ---- B: page teardown ------------------------------------------------------------------------

def test_a_dialog_left_open_does_not_survive_navigation(ui, server):
    ui.sign_in(*server.users["expert"])
    router_go(ui, "/catalogue?q=uraohjaus")
    wait_results(ui, "q=uraohjaus")
    ui.css("main .result .favourite-lists-button").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.d.back()  # Back with the dialog open
    ui.wait_page("/")
    ui.wait(lambda: not ui.all("dialog"), 5, "the dialog is still in the page")
    assert ui.d.execute_script("return document.activeElement === document.querySelector('main h1')")

    # a question ("delete the list?") left open: leaving the page answers it "no"
    expert = api_session(server, "expert")
    made = expert.post(f"{server.base_url}/api/v1/favourite-lists", json={"name": "Jätetty auki", "clientId": "teardown-1"})
    made.raise_for_status()
    router_go(ui, "/catalogue/favourites")
    ui.wait(lambda: ui.all(f"main .fav-list[data-list-id='{made.json()['id']}']"))
    ui.css(f"main .fav-list[data-list-id='{made.json()['id']}'] .btn--danger-outline").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.d.back()
    ui.wait_page("/")
    ui.wait(lambda: not ui.all("dialog"), 5, "the question is still in the page")
    time.sleep(0.3)
    lists = expert.get(f"{server.base_url}/api/v1/favourite-lists").json()["items"]
    assert made.json()["id"] in [x["id"] for x in lists]
    assert not ui.console_errors()


def test_a_request_in_flight_is_cancelled_when_the_page_changes(ui, server):
    ui.open("/login")
    ui.d.execute_script(INTERCEPT, "/api/v1/catalogue/search", 4000, False)
    ui.css("#nav-catalogue").click()
    ui.wait_page("/catalogue")
    ui.wait(lambda: ui.d.execute_script(
        "return window.__requests.some((r) => r.url.includes('/api/v1/catalogue/search'))"))
    ui.d.back()
    ui.wait_page("/login")
    searches = ui.d.execute_script("""
        return window.__requests.filter((r) => r.url.includes('/api/v1/catalogue/search'))
          .map((r) => ({ aborted: r.aborted, signalAborted: !!(r.signal && r.signal.aborted) }));
    """)
    assert searches and all(s["aborted"] and s["signalAborted"] for s in searches), searches
    time.sleep(0.5)
    assert ui.h1() == "Kirjaudu sisään"  # nothing of the catalogue page came back
    assert not ui.all("main .catalogue-results")
    assert not ui.console_errors()


# ---- B: the paged list -----------------------------------------------------------------------

def search_first_page(server, q):
    return requests.get(f"{server.base_url}/api/v1/catalogue/search", params={"q": q, "limit": 20, "lang": "fi"}).json()


def assert_shows_search(ui, first):
    assert result_ids(ui) == [item["id"] for item in first["items"]]
    assert ui.css("main .result-list").get_attribute("aria-busy") is None
    more = ui.css("main .catalogue-results .actions button")
    assert more.get_attribute("aria-disabled") is None
    assert more.is_displayed() == bool(first["nextCursor"])
    total = first["total"]
    ui.wait_text(f"Löytyi {total} palvelua." if total != 1 else "Löytyi 1 palvelu.")


def new_search(ui, words):
    box = ui.css("main input[name='q']")
    box.clear()
    box.send_keys(words)
    ui.css("main form[role='search'] button[type='submit']").click()


def test_show_more_during_a_slow_new_search_does_not_drop_the_search(ui, server):
    first = search_first_page(server, "uraohjaus")
    ui.open("/catalogue")
    wait_results(ui, "")
    ui.d.execute_script(INTERCEPT, "/search?q=uraohjaus", 2000, False)  # the new search answers slowly
    new_search(ui, "uraohjaus")
    ui.wait(lambda: ui.d.execute_script("return window.__requests.some((r) => r.url.includes('/search?q=uraohjaus'))"))
    ui.css("main .catalogue-results .actions button").click()  # "show more" of the old list meanwhile
    wait_results(ui, "q=uraohjaus")
    time.sleep(0.3)
    assert_shows_search(ui, first)


def test_show_more_answer_arriving_during_a_new_search_is_dropped(ui, server):
    first = search_first_page(server, "uraohjaus")
    ui.open("/catalogue")
    wait_results(ui, "")
    # "show more" answers late, and even after it was cancelled
    ui.d.execute_script(INTERCEPT, "cursor=", 2000, True)
    ui.button("Näytä lisää").click()
    ui.wait(lambda: ui.d.execute_script("return window.__requests.some((r) => r.url.includes('cursor='))"))
    new_search(ui, "uraohjaus")
    wait_results(ui, "q=uraohjaus")
    ui.wait(lambda: ui.d.execute_script("return window.__requests.some((r) => r.url.includes('cursor=') && r.answered)"), 10)
    time.sleep(0.3)
    assert_shows_search(ui, first)  # the late page was not appended


def test_show_more_moves_focus_to_the_first_new_row_when_the_button_goes(ui, server):
    # 25 sessions: 20 first, then 5 more and no button
    email, password = server.users["serviceProvider"]
    for _ in range(25):
        requests.post(f"{server.base_url}/api/v1/auth/login", json={"email": email, "password": password},
                      headers={"Origin": server.base_url}).raise_for_status()
    ui.sign_in(email, password)
    router_go(ui, "/account")
    ui.wait(lambda: len(ui.all("#sessions li[data-session-id]")) == 20)
    ui.button("Näytä lisää").click()
    ui.wait(lambda: len(ui.all("#sessions li[data-session-id]")) > 20)
    assert not [b for b in ui.all("#sessions button") if b.text == "Näytä lisää" and b.is_displayed()]
    focused = ui.d.execute_script("""
        const a = document.activeElement;
        const li = a.closest('li[data-session-id]');
        return { tag: a.tagName, index: li ? [...li.parentNode.children].indexOf(li) : -1 };
    """)
    assert focused == {"tag": "BUTTON", "index": 20}, focused


def test_paged_list_loads_older_rows_above_and_keeps_the_focus_near(ui, server):
    """The same paged list serves "load older" (a conversation): older rows go above the first
    one, the focus goes to the newest of them, and no button is left to hold it."""
    ui.open("/login")
    result = ui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const pages = {
          '': { items: [{ id: 'm5' }, { id: 'm6' }], nextCursor: 'c1' },
          c1: { items: [{ id: 'm3' }, { id: 'm4' }], nextCursor: 'c2' },
          c2: { items: [{ id: 'm1' }, { id: 'm2' }], nextCursor: null },
        };
        const real = window.fetch;
        window.fetch = (input, init) => {
          const url = new URL(String(input), location.origin);
          if (url.pathname !== '/api/v1/test-older') return real(input, init);
          const body = JSON.stringify(pages[url.searchParams.get('cursor') || '']);
          return Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } }));
        };
        import('/js/ui/paged-list.js').then(async ({ pagedList }) => {
          const heading = document.createElement('h2');
          const more = document.createElement('button');
          const list = document.createElement('ul');
          document.querySelector('main').append(heading, more, list);
          const row = (m) => {
            const li = document.createElement('li');
            li.dataset.id = m.id;
            const a = document.createElement('a');
            a.href = '#' + m.id;
            a.textContent = m.id;
            li.append(a);
            return li;
          };
          const older = pagedList({ list, more, heading, older: true, row,
            url: (cursor) => '/api/v1/test-older' + (cursor ? '?cursor=' + cursor : '') });
          await older.load();
          const ids = () => [...list.children].map((li) => li.dataset.id);
          const steps = [ids()];
          more.focus();
          await older.loadMore();
          steps.push([ids(), document.activeElement.textContent, more.hidden]);
          more.focus();
          await older.loadMore();
          steps.push([ids(), document.activeElement.textContent, more.hidden]);
          done(steps);
        }, (e) => done(String(e)));
    """)
    assert result == [
        ["m5", "m6"],
        [["m3", "m4", "m5", "m6"], "m4", False],
        [["m1", "m2", "m3", "m4", "m5", "m6"], "m2", True],
    ], result


# ---- B: plural forms -------------------------------------------------------------------------

@pytest.mark.parametrize("language,one,many,zero,suggestion", [
    ("fi", "Löytyi 1 palvelu.", "Löytyi 3 palvelua.", "Palveluja ei löytynyt.", "1 ehdotus."),
    ("sv", "1 tjänst hittades.", "3 tjänster hittades.", "Inga tjänster hittades.", "1 förslag."),
    ("en", "1 service found.", "3 services found.", "No services found.", "1 suggestion."),
])
def test_plural_forms_in_every_language(ui, server, language, one, many, zero, suggestion):
    ui.reset(language=language)
    ui.open("/login")
    texts = ui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('/js/i18n.js').then((m) => done({
          one: m.plural('catalogue.results', 1), many: m.plural('catalogue.results', 3),
          zero: m.plural('catalogue.results', 0), suggestion: m.plural('catalogue.suggestions', 1),
          suggestions: m.plural('catalogue.suggestions', 2), services: [1, 2, 21].map((n) => m.plural('catalogue.services', n)),
        }), (e) => done(String(e)));
    """)
    assert texts["one"] == one and texts["many"] == many
    assert texts["zero"].startswith(zero)
    assert texts["suggestion"].startswith(suggestion)
    assert texts["suggestions"].startswith("2 ") and not texts["suggestions"].startswith(suggestion)
    assert len(set(texts["services"][1:])) == 2 and texts["services"][0] != texts["services"][1].replace("2", "1")


# ---- B: the phone layout ---------------------------------------------------------------------

def test_label_value_lists_stack_at_360px_and_links_look_like_links(ui, server):
    ui.sign_in(*server.users["expert"])
    router_go(ui, f"/catalogue/services/{SERVICE}")
    ui.wait(lambda: ui.all("main .internal-band dl.meta"))
    pairs = ui.d.execute_script("""
        return [...document.querySelectorAll('main dl.meta dt')].map((dt) => {
          const dd = dt.nextElementSibling;
          const a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
          return { label: dt.textContent, dtBottom: a.bottom, ddTop: b.top, ddWidth: b.width, ddLeft: b.left, dtLeft: a.left };
        });
    """)
    assert len(pairs) >= 6
    for p in pairs:
        assert p["ddTop"] >= p["dtBottom"] - 1, p
        assert p["ddWidth"] >= 250, p
        assert abs(p["ddLeft"] - p["dtLeft"]) < 2, p
    # the back link looks like a link
    back = ui.css("main .back-link a")
    assert "underline" in back.value_of_css_property("text-decoration-line")
    assert ui.d.execute_script("return document.documentElement.scrollWidth") <= 360


def test_empty_live_regions_stay_in_the_accessibility_tree(ui, server):
    """A live region that is display:none when empty is not announced when it is filled."""
    for path in ("/login", "/catalogue"):
        ui.open(path)
        hidden = ui.d.execute_script("""
            return [...document.querySelectorAll('[role=status], [role=alert], [aria-live]')]
              .filter((el) => !el.closest('[hidden]') && getComputedStyle(el).display === 'none')
              .map((el) => el.outerHTML.slice(0, 120));
        """)
        assert not hidden, (path, hidden)


# ---- B: the service worker's shell -----------------------------------------------------------

def test_every_module_the_client_loads_is_in_the_shell_list(server):
    public = ROOT / "Public"
    sw = (public / "sw.js").read_text(encoding="utf-8")
    shell = set(re.findall(r"'(/[\w./-]+)'", sw.split("const SHELL = [", 1)[1].split("];", 1)[0]))
    loaded = set()
    for path in (public / "js").rglob("*.js"):
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.strip().startswith(("//", "*", "/*")))
        for spec in re.findall(r"""(?:from|import\()\s*'(\.[^']+)'""", code):
            loaded.add("/" + (path.parent / spec).resolve().relative_to(public).as_posix())
    assert loaded and not loaded - shell, loaded - shell
    served = requests.get(f"{server.base_url}/sw.js").text
    assert re.search(r"^const VERSION = '[^']+';$", served, flags=re.M)
    if "__SHELL_VERSION__" in served:
        pytest.skip("this server does not put the shell's hash into /sw.js yet")
    version = re.search(r"^const VERSION = '([^']+)';$", served, flags=re.M).group(1)
    assert version and version != "__SHELL_VERSION__"
