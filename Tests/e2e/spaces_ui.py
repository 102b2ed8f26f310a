"""What the browser tests of guidance spaces share: a space opened over the API, its events read
page by page, and waiting in the browser for the conversation and the realtime connection."""
from conftest import api_session


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
