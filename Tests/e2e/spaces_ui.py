"""What the browser tests of guidance spaces share: a space opened over the API, its events read
page by page and its access log, waiting in the browser for the conversation and the realtime
connection, the space's panels opened, values set as a person picks them, Helsinki time,
screenshots, and the checks that end a browser test."""
import pathlib
import secrets

from conftest import api_session

SHOTS = pathlib.Path("/tmp/shots")


def open_space_api(server, title, history=None, extra_expert=None):
    """A one-to-one space of the demo expert with the demo client, opened over the API; with
    `extra_expert`, that expert is added too (`history` "all" or "fromNow")."""
    expert = api_session(server, "expert")
    r = expert.post(f"{server.base_url}/api/v1/spaces", json={
        "title": title, "clientEmail": server.users["client"][0], "consent": {"method": "inPerson"}})
    assert r.status_code == 201, r.text
    space = r.json()
    if extra_expert:
        r = expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/members",
                        json={"email": extra_expert, "history": history or "all"})
        assert r.status_code == 201, r.text
    return expert, space


def new_space(server, name):
    """A new one-to-one space of the demo expert with the demo client, titled `name` and a random
    tail. → (title, the expert's session, the client's session, the space's id)"""
    title = f"{name} {secrets.token_hex(2)}"
    expert, space = open_space_api(server, title)
    return title, expert, api_session(server, "client"), space["id"]


def events(session, server, space_id):
    """Every event of the space the session may see, oldest first."""
    items, after = [], 0
    while True:
        page = session.get(f"{server.base_url}/api/v1/spaces/{space_id}/events?after={after}&limit=200").json()
        items += page["items"]
        if not page["nextCursor"]:
            break
        after = page["nextCursor"]
    return items


def messages_with(session, server, space_id, body):
    return [e for e in events(session, server, space_id) if e["kind"] == "message" and e["data"].get("body") == body]


def open_space(ui, space_id):
    ui.open(f"/spaces/{space_id}")
    ui.wait(lambda: not ui.all("main .conversation__log[aria-busy='true']"), 15)


def wait_realtime(ui):
    ui.wait(lambda: ui.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('/js/realtime.js').then((m) => done(m.status()), () => done(null));
    """) == "open", 15, "the realtime connection did not open")


def enter(ui, server, who, space_id):
    """Sign in as a demo user, open the space and wait for the realtime connection."""
    ui.sign_in(*server.users[who])
    open_space(ui, space_id)
    wait_realtime(ui)


def wait_log(ui, text, timeout=15):
    ui.wait(lambda: text in ui.css("main .conversation__log").text, timeout,
            f"{text!r} not in the conversation: {ui.css('main .conversation__log').text[-600:]!r}")


def serious(ui, label):
    """Serious or critical axe violations of the page at the window's current width."""
    return ui.page_problems(label, width=ui.d.execute_script("return window.innerWidth"))


def helsinki(ui):
    """Times are shown in Europe/Helsinki: let the browser be there too (the forms send its offset)."""
    ui.d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Helsinki"})


def open_panel(ui, panel_id):
    """Opens a panel of the space (a <details>) and waits until its list is loaded."""
    details = ui.css(f"#{panel_id}")
    if details.get_attribute("open") is None:
        details.find_element("css selector", "summary").click()
    ui.wait(lambda: ui.css(f"#{panel_id}").get_attribute("open") is not None)
    ui.wait(lambda: not ui.all(f"#{panel_id} [aria-busy='true']") and (
        ui.all(f"#{panel_id} li[data-row]") or ui.all(f"#{panel_id} .panel__body > p.muted:not([hidden])")), 15)


def set_value(ui, selector, value):
    """A date, time or select value set as a person would pick it (the input and change events follow)."""
    ui.d.execute_script("""
        const el = document.querySelector(arguments[0]);
        el.value = arguments[1];
        el.dispatchEvent(new Event('input', {bubbles: true}));
        el.dispatchEvent(new Event('change', {bubbles: true}));
    """, selector, value)


def access_kinds(client, server, space_id):
    """The kinds of the entries of the space's access log, as the client sees it."""
    items = client.get(f"{server.base_url}/api/v1/spaces/{space_id}/access-log?limit=100").json()["items"]
    return [i["kind"] for i in items]


def expert_at_desk(ui, server):
    """The demo expert signed in, in a desktop-wide browser in Helsinki time."""
    ui.desktop()
    helsinki(ui)
    ui.sign_in(*server.users["expert"])


def shot(ui, name, selector=None):
    """A screenshot in /tmp/shots (`name`), with the element of `selector` scrolled into view first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if selector:
        ui.d.execute_script("document.querySelector(arguments[0]).scrollIntoView()", selector)
    ui.d.save_screenshot(str(SHOTS / name))


def assert_clean(problems, *uis, label=""):
    """How a browser test ends: no "undefined" or "[object" on the pages, no errors in the browsers'
    consoles (said with `label`), and none of the `problems` found on the way."""
    for who in uis:
        assert "undefined" not in who.text() and "[object" not in who.text()
    problems = problems + [f"console{label}: {m}" for who in uis for m in who.console_errors()]
    assert not problems, "\n".join(problems)
