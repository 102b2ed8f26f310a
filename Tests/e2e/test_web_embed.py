"""The search widget for other websites (/embed/widget.js → /embed/search) and its admin page
(/admin/embed).

A host page is served from another origin (http://localhost:PORT; the server is
http://127.0.0.1:PORT, so the frame is cross-site, as on a municipality's own website):
- while its origin is not allowed, the browser blocks the framed page (a Chrome error page, no
  search field, the CSP violation in the console) and the widget page's frame-ancestors is
  'self' only, with no X-Frame-Options;
- a platform admin adds the origin through the form of /admin/embed; then the host page shows the
  widget: "cv" finds the services of the configured municipality only (the same ones, in the same
  order, as the API's answer for that municipality), the result links open the full service page
  in a new tab, the count is said in a polite live region, the frame's height follows its content
  (postMessage), Swedish is Swedish, and two widgets on one page each work on their own;
- removing the site through the browser blocks the widget again.
The admin API: non-admins get 401 / 403; bad origins (a script, plain http, a path, a port out of
range, a user, header and policy injection…) → 422 embed.invalidOrigin and nothing is stored.
The admin page and the widget page have no serious or critical axe violation at 360 px;
screenshots of both in /tmp/shots.
"""
import functools
import http.server
import pathlib
import re
import shutil
import socketserver
import tempfile
import threading
import urllib.parse

import pytest
import requests

from conftest import api_session, free_port

SHOTS = pathlib.Path("/tmp/shots")
SITES = "/api/v1/admin/embed-sites"
PATH = "/admin/embed"
BAD_ORIGINS = [
    "javascript:alert(1)",
    "http://example.fi",  # not https (plain http only for localhost and 127.0.0.1)
    "http://localhost.example.fi",
    "https://a.fi/path",
    "https://a.fi/?q=1",
    "https://a.fi#top",
    "https://a.fi:99999",
    "https://a.fi:0",
    "https://user@a.fi",
    "https://user:secret@a.fi",
    "https://a.fi\r\nX-Injected: 1",
    "https://a.fi\nX-Injected: 1",
    "https://a.fi; script-src *",
    "https://a.fi 'unsafe-inline'",
    "https://a.fi,https://b.fi",
    "https://*.a.fi",
    "https://a_b.fi",
    "https://fi",
    "data:text/html,hi",
    "//a.fi",
    "a.fi",
    "",
    "https://" + "a" * 250 + ".fi",
]
TEXTS = {
    "fi": {"label": "Hae palveluja", "submit": "Hae", "title": "Palvelumanuaalin haku", "found": "Löytyi 5 palvelua.",
           "all": "Näytä kaikki tulokset palvelumanuaalissa", "scope": "Kunta: Helsinki."},
    "sv": {"label": "Sök tjänster", "submit": "Sök", "title": "Sökning i servicemanualen", "found": "Hittade 5 tjänster.",
           "all": "Visa alla resultat i servicemanualen", "scope": "Kommun: Helsingfors."},
}


# ---- the host site on another origin --------------------------------------------------------

class Host:
    """Static pages on http://localhost:PORT, each with the widget's script tag(s)."""

    def __init__(self, server):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-embed-host-"))
        self.port = free_port()
        self.origin = f"http://localhost:{self.port}"
        widget = f"{server.base_url}/embed/widget.js"
        self.page("index.html", f'<script src="{widget}" data-municipality="091" data-lang="fi" async></script>')
        self.page("sv.html", f'<script src="{widget}" data-municipality="091" data-lang="sv" async></script>', lang="sv")
        self.page("two.html",
                  f'<h2>Helsinki</h2><script src="{widget}" data-municipality="091" data-lang="fi" async></script>'
                  f'<h2>Porvoo</h2><script src="{widget}" data-municipality="638" data-lang="en" async></script>')
        handler = functools.partial(Quiet, directory=str(self.dir))
        self.httpd = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def page(self, name, body, lang="fi"):
        (self.dir / name).write_text(
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,"><title>Esimerkin kunta</title></head>'
            '<body><h1>Esimerkin kunta</h1><p>Työllisyyspalvelut kuntalaisille.</p>'
            f'{body}<p>Sivun loppu.</p></body></html>', encoding="utf-8")

    def url(self, name="index.html"):
        return f"{self.origin}/{name}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def host(server):
    h = Host(server)
    yield h
    h.stop()


# ---- helpers --------------------------------------------------------------------------------

def frame_ancestors(server, query="?municipality=091&lang=fi"):
    r = requests.get(server.base_url + "/embed/search" + query)
    r.raise_for_status()
    assert "X-Frame-Options" not in r.headers, "the widget page must not say DENY (it names its sites in the CSP)"
    m = re.search(r"(?:^|;)\s*frame-ancestors ([^;]*)", r.headers["Content-Security-Policy"])
    assert m, r.headers["Content-Security-Policy"]
    return m.group(1).split()


def remove_all_sites(admin, server):
    for site in admin.get(server.base_url + SITES).json()["items"]:
        assert admin.delete(f"{server.base_url}{SITES}/{site['id']}").status_code == 204


def api_ids(server, q, lang="fi", **filters):
    r = requests.get(server.base_url + "/api/v1/catalogue/search", params={"q": q, "lang": lang, "limit": 10, **filters})
    r.raise_for_status()
    answer = r.json()
    return [item["id"] for item in answer["items"]], answer


def widget_frames(ui, count=1):
    ui.wait(lambda: len(ui.all("iframe.ohjaustila-search")) == count, 10, f"{count} widget frame(s) not added")
    return ui.all("iframe.ohjaustila-search")


def inside(ui, frame, script, *args):
    """Run `script` in the frame's document; back to the host page after."""
    ui.d.switch_to.frame(frame)
    try:
        return ui.d.execute_script(script, *args)
    finally:
        ui.d.switch_to.default_content()


def assert_blocked(ui, frame):
    """The framed page was refused: Chrome's error page in the frame, no search field in it, and
    the console names frame-ancestors."""
    ui.wait(lambda: inside(ui, frame, "return document.readyState === 'complete' && document.URL")
            .startswith("chrome-error://"), 10, "the frame was not blocked")
    assert inside(ui, frame, "return document.getElementById('es-q') === null")
    logs = " ".join(e["message"] for e in ui.d.get_log("browser"))
    assert "frame-ancestors 'self'" in logs, logs[:1000]


def widget_ready(ui, frame):
    ui.wait(lambda: inside(ui, frame, "return !!document.getElementById('es-q')"
                                      " && !document.documentElement.classList.contains('es-loading')"),
            15, "the widget did not show its search field")


def search_in(ui, frame, text):
    ui.d.switch_to.frame(frame)
    try:
        box = ui.css("#es-q")
        box.clear()
        box.send_keys(text)
        box.send_keys("\ue007")
        ui.wait(lambda: ui.d.execute_script(
            "const m = document.getElementById('es'); return m.dataset.searched === arguments[0] && !m.hasAttribute('aria-busy')",
            text), 15, f"search {text!r} did not finish")
    finally:
        ui.d.switch_to.default_content()


def frame_height(frame):
    return int(float(frame.value_of_css_property("height").replace("px", "")))


def content_height(ui, frame):
    return inside(ui, frame, "return Math.ceil(document.body.getBoundingClientRect().height)")


def wait_fitted(ui, frame):
    """Until the frame is as high as the page in it (the height came by postMessage)."""
    ui.wait(lambda: abs(frame_height(frame) - content_height(ui, frame)) <= 1, 10,
            f"frame {frame_height(frame)} px, content {content_height(ui, frame)} px")
    return frame_height(frame)


def shot(ui, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ui.d.save_screenshot(str(SHOTS / name))


def admin_loaded(ui):
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .embed-sites-section'), c = document.querySelector('main .embed-code');"
        "return !!s && s.dataset.loaded === 'true' && !!c && !!c.dataset.loaded"), 15,
        f"/admin/embed not loaded; main says {ui.text()[:300]!r}")


def site_row(ui, origin):
    rows = ui.all(f"main .embed-sites > li[data-origin='{origin}']")
    return rows[0] if rows else None


# ---- the admin API --------------------------------------------------------------------------

def test_only_platform_admins_manage_the_sites_and_bad_origins_are_refused(server):
    url = server.base_url + SITES
    assert requests.get(url).status_code == 401
    for who in ("expert", "orgAdmin", "client"):
        other = api_session(server, who)
        assert other.get(url).status_code == 403, who
        assert other.post(url, json={"origin": "https://www.example.fi", "label": "x"}).status_code == 403, who

    admin = api_session(server, "platformAdmin")
    remove_all_sites(admin, server)
    assert frame_ancestors(server) == ["'self'"]
    for bad in BAD_ORIGINS:
        r = admin.post(url, json={"origin": bad, "label": "Paha"})
        assert r.status_code == 422, (bad, r.status_code, r.text)
        assert {"field": "origin", "code": "embed.invalidOrigin"} in [
            {"field": e.get("field"), "code": e.get("code")} for e in r.json()["errors"]], (bad, r.text)
    assert admin.get(url).json()["items"] == []
    assert frame_ancestors(server) == ["'self'"], "nothing of a refused origin reaches the header"

    # a good one is stored as browsers send it; again → the same site (200)
    r = admin.post(url, json={"origin": " HTTPS://WWW.Example.FI:443/ ", "label": "Esimerkin kunta"})
    assert r.status_code == 201, r.text
    site = r.json()
    assert site["origin"] == "https://www.example.fi" and site["label"] == "Esimerkin kunta" and site["addedAt"]
    again = admin.post(url, json={"origin": "https://www.example.fi", "label": "Toinen nimi"})
    assert again.status_code == 200 and again.json()["id"] == site["id"]
    assert frame_ancestors(server) == ["'self'", "https://www.example.fi"]
    assert admin.get(url).json()["items"] == [site]

    expert = api_session(server, "expert")
    assert expert.delete(f"{url}/{site['id']}").status_code == 403
    assert admin.delete(f"{url}/{site['id']}").status_code == 204
    assert admin.delete(f"{url}/{site['id']}").status_code == 404
    assert frame_ancestors(server) == ["'self'"]


# ---- the widget on another site, allowed and removed through the browser ----------------------

def test_the_widget_shows_on_a_site_only_while_it_is_allowed(ui, server, host):
    admin = api_session(server, "platformAdmin")
    remove_all_sites(admin, server)
    assert frame_ancestors(server) == ["'self'"]
    problems = []

    # not allowed: the browser refuses to frame the widget's page
    ui.d.get_log("browser")  # only what comes next
    ui.d.get(host.url())
    frame = widget_frames(ui)[0]
    src = urllib.parse.urlsplit(frame.get_attribute("src"))
    assert f"{src.scheme}://{src.netloc}{src.path}" == server.base_url + "/embed/search"
    assert urllib.parse.parse_qs(src.query) == {"municipality": ["091"], "lang": ["fi"]}
    assert frame.get_attribute("title") == TEXTS["fi"]["title"]
    assert_blocked(ui, frame)
    shot(ui, "embed-host-blocked-360.png")

    # the platform admin allows the host's origin on /admin/embed
    ui.reset()
    ui.sign_in(*server.users["platformAdmin"])
    ui.link("Palveluhaku muille sivustoille").click()
    ui.wait_page(PATH)
    admin_loaded(ui)
    assert ui.h1() == "Palveluhaku muille sivustoille"
    assert "Listalla ei ole vielä sivustoja" in ui.text()
    ui.fill("origin", host.origin + "/sivu")  # a path: the server's error next to the field
    ui.fill("label", "Esimerkin kunta")
    ui.css("main .embed-add-form button[type=submit]").click()
    ui.wait_text("Osoite ei kelpaa.", selector="main .embed-add-form [data-field='origin'] .field-error")
    assert ui.css("main [name='origin']").get_attribute("aria-invalid") == "true"
    assert ui.d.switch_to.active_element == ui.css("main [name='origin']")
    assert admin.get(server.base_url + SITES).json()["items"] == []
    ui.fill("origin", host.origin)
    ui.css("main .embed-add-form button[type=submit]").click()
    ui.wait(lambda: site_row(ui, host.origin) is not None, 10, "the site is not on the list")
    ui.wait_text(f"Sivusto {host.origin} lisättiin.", selector="main .embed-add")
    row = site_row(ui, host.origin)
    assert "Esimerkin kunta" in row.text and "Lisätty" in row.text
    assert ui.css("main .embed-sites-section .result-count").text == "Listalla on 1 sivusto."
    assert ui.css("main [name='origin']").get_attribute("value") == ""
    assert frame_ancestors(server) == ["'self'", host.origin]

    # the code for the site, and its preview
    ui.d.execute_script("const s = document.querySelector('main [name=municipality]'); s.value = '091';"
                        "s.dispatchEvent(new Event('change', {bubbles: true}));")
    ui.wait(lambda: 'data-municipality="091"' in ui.css("main [data-snippet='script']").get_attribute("value"))
    script_code = ui.css("main [data-snippet='script']").get_attribute("value")
    assert script_code == (f'<script src="{server.base_url}/embed/widget.js" data-municipality="091" data-lang="fi" async>'
                           "</script>")
    iframe_code = ui.css("main [data-snippet='iframe']").get_attribute("value")
    assert f'src="{server.base_url}/embed/search?municipality=091&amp;lang=fi"' in iframe_code
    assert 'title="Palvelumanuaalin haku"' in iframe_code
    ui.css("main [data-copy='script']").click()  # the clipboard, or the code selected for Ctrl+C
    ui.wait(lambda: ui.css("main [data-copy='script']").find_element(
        "xpath", "ancestor::div[contains(@class, 'embed-snippet')]").text.endswith(
        ("Koodi kopioitiin.", "Koodi on valittuna. Kopioi se näppäimillä Ctrl+C (Macissa Cmd+C).")), 10, "no word on copying")
    preview = ui.css("main .embed-preview__frame")
    assert preview.get_attribute("src") == server.base_url + "/embed/search?municipality=091&lang=fi"
    widget_ready(ui, preview)
    assert inside(ui, preview, "return document.getElementById('es-scope').textContent") == TEXTS["fi"]["scope"]
    wait_fitted(ui, preview)
    problems += ui.page_problems("/admin/embed")
    ui.d.execute_script("window.scrollTo(0, 0)")
    shot(ui, "embed-admin-360.png")
    ui.d.execute_script("document.querySelector('main .embed-code').scrollIntoView()")
    shot(ui, "embed-admin-code-360.png")
    ui.d.execute_script("document.querySelector('main .embed-preview').scrollIntoView()")
    shot(ui, "embed-admin-preview-360.png")

    # allowed: the host page shows the widget, limited to Helsinki
    ui.d.get(host.url())
    frame = widget_frames(ui)[0]
    widget_ready(ui, frame)
    before = wait_fitted(ui, frame)
    assert 100 <= before <= 400, before
    assert inside(ui, frame, "return document.documentElement.lang") == "fi"
    assert inside(ui, frame, "return document.querySelector('label[for=es-q]').textContent") == TEXTS["fi"]["label"]
    search_in(ui, frame, "cv")
    expected, answer = api_ids(server, "cv", municipality="091")
    everywhere, _ = api_ids(server, "cv")
    assert expected and set(everywhere) - set(expected), "the demo data must show the municipality limit"
    assert all("091" in item["municipalityCodes"] for item in answer["items"])
    ui.d.switch_to.frame(frame)
    try:
        ids = ui.d.execute_script("return [...document.querySelectorAll('#es-results > li')].map(li => li.dataset.serviceId)")
        assert ids == expected, (ids, expected)
        status = ui.css("#es-status")
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        assert status.text == TEXTS["fi"]["found"]
        link = ui.css("#es-results > li a")
        assert link.get_attribute("href") == f"{server.base_url}/catalogue/services/{expected[0]}"
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel").split()
        assert link.text.startswith(answer["items"][0]["name"]["fi"])
        every = ui.css("#es-all")
        assert every.text == TEXTS["fi"]["all"]
        assert every.get_attribute("href") == f"{server.base_url}/catalogue?q=cv&municipality=091"
        assert every.get_attribute("target") == "_blank"
    finally:
        ui.d.switch_to.default_content()
    after = wait_fitted(ui, frame)
    assert after > before + 300, (before, after)
    assert ui.d.execute_script("return document.documentElement.scrollWidth") <= 360
    ui.d.execute_script("window.scrollTo(0, 0)")
    shot(ui, "embed-host-360.png")

    # in Swedish
    ui.d.get(host.url("sv.html"))
    frame = widget_frames(ui)[0]
    assert frame.get_attribute("title") == TEXTS["sv"]["title"]
    widget_ready(ui, frame)
    assert inside(ui, frame, "return [document.documentElement.lang, document.title,"
                             " document.querySelector('label[for=es-q]').textContent,"
                             " document.getElementById('es-submit').textContent,"
                             " document.getElementById('es-scope').textContent]") == [
        "sv", TEXTS["sv"]["title"], TEXTS["sv"]["label"], TEXTS["sv"]["submit"], TEXTS["sv"]["scope"]]
    search_in(ui, frame, "cv")
    expected_sv, _ = api_ids(server, "cv", lang="sv", municipality="091")
    assert inside(ui, frame, "return [document.getElementById('es-status').textContent,"
                             " [...document.querySelectorAll('#es-results > li')].map(li => li.dataset.serviceId),"
                             " document.getElementById('es-all').textContent]") == [
        TEXTS["sv"]["found"], expected_sv, TEXTS["sv"]["all"]]
    ui.d.execute_script("window.scrollTo(0, 0)")
    shot(ui, "embed-host-sv-360.png")

    # two widgets on one page: each its own municipality, language and height
    ui.d.get(host.url("two.html"))
    first, second = widget_frames(ui, 2)
    assert "municipality=091" in first.get_attribute("src") and "municipality=638" in second.get_attribute("src")
    assert second.get_attribute("title") == "Service catalogue search"
    widget_ready(ui, first)
    widget_ready(ui, second)
    search_in(ui, first, "cv")
    one = wait_fitted(ui, first)
    small = wait_fitted(ui, second)
    assert one > small + 300, (one, small)
    search_in(ui, second, "cv")
    porvoo, _ = api_ids(server, "cv", lang="en", municipality="638")
    assert inside(ui, second, "return [...document.querySelectorAll('#es-results > li')].map(li => li.dataset.serviceId)") == porvoo
    assert inside(ui, second, "return document.getElementById('es-status').textContent") == "Found 1 service."
    wait_fitted(ui, second)
    assert frame_height(first) == one, "a message of one frame does not move the other"

    # the admin removes the site through the browser: the widget is blocked again
    ui.open(PATH)
    admin_loaded(ui)
    row = site_row(ui, host.origin)
    ui.button("Poista", within=row).click()
    dialog = ui.css("dialog[open]")
    assert host.origin in dialog.text
    ui.button("Poista sivusto", within=dialog).click()
    ui.wait(lambda: site_row(ui, host.origin) is None, 10, "the site is still on the list")
    ui.wait_text(f"Sivusto {host.origin} poistettiin listalta.", selector="main .embed-sites-section")
    assert "Listalla ei ole vielä sivustoja" in ui.text()
    assert admin.get(server.base_url + SITES).json()["items"] == []
    assert frame_ancestors(server) == ["'self'"]
    ui.d.get_log("browser")
    ui.d.get(host.url())
    assert_blocked(ui, widget_frames(ui)[0])
    assert not problems, "\n".join(problems)


# ---- the widget page itself -----------------------------------------------------------------

def test_the_widget_page_ignores_unknown_choices_and_is_accessible(ui, server):
    problems = []
    # an unknown municipality and topic are left out: the search covers every municipality
    ui.d.get(server.base_url + "/embed/search?municipality=999&category=nope&lang=xx")
    ui.wait(lambda: ui.d.execute_script("return !!document.getElementById('es-q')"
                                        " && !document.documentElement.classList.contains('es-loading')"))
    assert ui.d.execute_script("return document.documentElement.lang") == "fi"
    assert not ui.css("#es-scope").is_displayed()
    box = ui.css("#es-q")
    box.send_keys("\ue007")  # nothing typed: the field says so
    ui.wait(lambda: ui.css("#es-field-error").text == "Kirjoita ensin hakusana.")
    assert box.get_attribute("aria-invalid") == "true"
    assert "es-field-error" in box.get_attribute("aria-describedby").split()
    box.send_keys("cv\ue007")
    ui.wait(lambda: ui.d.execute_script("return document.getElementById('es').dataset.searched === 'cv'"))
    everywhere, answer = api_ids(server, "cv")
    assert ui.d.execute_script("return [...document.querySelectorAll('#es-results > li')].map(li => li.dataset.serviceId)") == everywhere
    assert ui.css("#es-status").text == f"Löytyi {answer['total']} palvelua. Tässä {len(everywhere)} ensimmäistä."
    assert box.get_attribute("aria-invalid") is None
    problems += ui.page_problems("/embed/search (results)")

    # a municipality and a topic that exist are both applied; a search that finds nothing says so
    ui.d.get(server.base_url + "/embed/search?municipality=091&category=tyonhaku&lang=en")
    ui.wait(lambda: ui.d.execute_script("return !document.documentElement.classList.contains('es-loading')"
                                        " && !document.getElementById('es-scope').hidden"))
    assert ui.css("#es-scope").text == "Municipality: Helsinki. Topic: Job search."
    box = ui.css("#es-q")
    box.send_keys("cv\ue007")
    ui.wait(lambda: ui.d.execute_script("return document.getElementById('es').dataset.searched === 'cv'"))
    expected, _ = api_ids(server, "cv", lang="en", municipality="091", category="tyonhaku")
    assert ui.d.execute_script("return [...document.querySelectorAll('#es-results > li')].map(li => li.dataset.serviceId)") == expected
    assert ui.css("#es-all").get_attribute("href") == f"{server.base_url}/catalogue?q=cv&municipality=091&category=tyonhaku"
    box.clear()
    box.send_keys("qqxxzzqq\ue007")
    ui.wait(lambda: ui.d.execute_script("return document.getElementById('es').dataset.searched === 'qqxxzzqq'"))
    assert ui.css("#es-status").text == "No services found for “qqxxzzqq”. Try another word or a more general one."
    assert not ui.css("#es-results").is_displayed() and not ui.css("#es-all").is_displayed()
    problems += ui.page_problems("/embed/search (nothing found)")

    # the search cannot be reached: an error that says what to do, in an alert
    ui.d.execute_cdp_cmd("Network.enable", {})
    ui.d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/v1/catalogue/search*"]})
    try:
        box.clear()
        box.send_keys("cv\ue007")
        ui.wait(lambda: ui.css("#es-error").text != "", 10, "no error shown")
    finally:
        ui.d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        ui.d.execute_cdp_cmd("Network.disable", {})
    assert ui.css("#es-error").get_attribute("role") == "alert"
    assert ui.css("#es-error").text == ("The search did not work. Check your internet connection and try again in a moment.")
    assert ui.css("#es-status").text == ""
    assert not ui.css("#es-results").is_displayed() and not ui.css("#es-all").is_displayed()
    box.send_keys("\ue007")  # again, with the connection back
    ui.wait(lambda: ui.css("#es-error").text == "" and ui.css("#es-status").text.startswith("Found"), 10)
    assert not ui.console_errors()
    assert not problems, "\n".join(problems)


def test_others_see_no_access_on_the_admin_page(ui, server):
    ui.sign_in(*server.users["expert"])
    assert "Palveluhaku muille sivustoille" not in ui.text()
    ui.open(PATH)
    ui.wait(lambda: ui.d.execute_script("return document.querySelector('main .page').dataset.state === 'no-access'"))
    assert ui.h1() == "Ei käyttöoikeutta"
    assert not ui.all("main form")
