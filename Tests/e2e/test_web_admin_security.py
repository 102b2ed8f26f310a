"""Security events page (/admin/security-events): platform admins only; filters kept in the address."""
import pytest
import requests

from conftest import api_session

PATH = "/admin/security-events"


def failed_sign_in(server, who):
    """A wrong password for a demo user, through the API; returns that user's id."""
    email, password = server.users[who]
    s = requests.Session()
    s.headers["Origin"] = server.base_url
    r = s.post(server.base_url + "/api/v1/auth/login", json={"email": email, "password": password + "-väärin"})
    assert r.status_code == 401, r.text
    return api_session(server, who).user["id"]


def loaded(ui, query):
    """Until the list of the given filters (a query string without '?') has loaded."""
    ui.wait(lambda: ui.d.execute_script(
        "const s = document.querySelector('main .event-results');"
        "return !!s && s.dataset.loaded === arguments[0] && !document.querySelector('main tbody[aria-busy=\"true\"]')",
        query), 10, f"list of {query!r} not loaded; main says {ui.text()[:300]!r}")


def kinds_shown(ui):
    return [r.get_attribute("data-kind") for r in ui.all("main tr[data-event-id]")]


def test_api_refuses_others_than_platform_admins(server):
    r = api_session(server, "orgAdmin").get(server.base_url + "/api/v1/admin/security-events")
    assert r.status_code == 403
    assert r.json()["code"] == "access.forbidden"


def test_admin_finds_a_failed_sign_in_and_the_filters_survive_reload_and_back(ui, server):
    from selenium.webdriver.support.ui import Select

    expert_id = failed_sign_in(server, "expert")
    ui.desktop()
    ui.sign_in(*server.users["platformAdmin"])
    ui.link("Tietoturvatapahtumat").click()
    ui.wait_page(PATH)
    assert ui.h1().replace("\u00ad", "") == "Tietoturvatapahtumat"
    assert ui.d.title == "Tietoturvatapahtumat – Ohjaustila"
    loaded(ui, "")
    shown = kinds_shown(ui)
    assert "signInFailed" in shown and "signIn" in shown, shown
    failed = [r for r in ui.all("main tr[data-kind='signInFailed']") if expert_id in r.text]
    assert failed, "the expert's failed sign-in is not listed"
    assert "Epäonnistunut kirjautuminen" in failed[0].text
    assert "Sinä" in ui.text()  # the admin's own sign-in names them "you"
    assert ui.all("main .print-button")

    # The kind filter narrows the list to failed sign-ins; the address keeps it.
    Select(ui.css("main select[name='kind']")).select_by_value("signInFailed")
    ui.button("Näytä tapahtumat").click()
    loaded(ui, "kind=signInFailed")
    assert set(kinds_shown(ui)) == {"signInFailed"}
    assert "kind=signInFailed" in ui.d.current_url

    # The user filter, by choosing the expert's id in the table.
    failed = [r for r in ui.all("main tr[data-kind='signInFailed']") if expert_id in r.text]
    failed[0].find_element("link text", expert_id).click()
    ui.wait_page(PATH)
    loaded(ui, f"userId={expert_id}&kind=signInFailed")
    assert ui.css("main input[name='userId']").get_attribute("value") == expert_id
    assert kinds_shown(ui) and set(kinds_shown(ui)) == {"signInFailed"}

    # A reload shows the same filters and the same list.
    ui.d.refresh()
    ui.wait_page(PATH)
    loaded(ui, f"userId={expert_id}&kind=signInFailed")
    assert Select(ui.css("main select[name='kind']")).first_selected_option.get_attribute("value") == "signInFailed"
    assert ui.css("main input[name='userId']").get_attribute("value") == expert_id
    assert set(kinds_shown(ui)) == {"signInFailed"}

    # Back goes to the earlier search: the kind only.
    ui.d.back()
    loaded(ui, "kind=signInFailed")
    assert ui.css("main input[name='userId']").get_attribute("value") == ""
    assert Select(ui.css("main select[name='kind']")).first_selected_option.get_attribute("value") == "signInFailed"

    # A last day before the first day is refused on the field, focus there.
    ui.d.execute_script(
        "const f = document.querySelector('main form.event-filter');"
        "f.elements.from.value = '2026-11-20'; f.elements.to.value = '2026-11-10';")
    ui.button("Näytä tapahtumat").click()
    ui.wait_text("Loppupäivä ei voi olla ennen alkupäivää.")
    assert ui.d.execute_script("return document.activeElement.name") == "to"
    assert ui.css("main input[name='to']").get_attribute("aria-invalid") == "true"

    # Days are read in Helsinki time: today's events are found with today as both days.
    today = ui.d.execute_script(
        "return new Intl.DateTimeFormat('en-CA', {timeZone: 'Europe/Helsinki'}).format(new Date())")
    ui.d.execute_script(
        "const f = document.querySelector('main form.event-filter');"
        "f.elements.from.value = arguments[0]; f.elements.to.value = arguments[0];", today)
    ui.button("Näytä tapahtumat").click()
    loaded(ui, f"kind=signInFailed&from={today}&to={today}")
    assert set(kinds_shown(ui)) == {"signInFailed"}

    # No events: said in the status line, no empty table.
    ui.fill("userId", "ei-ketaan")
    ui.button("Näytä tapahtumat").click()
    loaded(ui, f"userId=ei-ketaan&kind=signInFailed&from={today}&to={today}")
    ui.wait_text("Näillä rajauksilla ei löytynyt tapahtumia.")
    assert not ui.css("main .event-table").is_displayed()

    # Clear: every event again.
    ui.button("Tyhjennä rajaukset").click()
    loaded(ui, "")
    assert PATH + "?" not in ui.d.current_url
    assert len(set(kinds_shown(ui))) > 1
    assert not ui.console_errors()


def test_an_expert_gets_the_no_access_page(ui, server):
    ui.sign_in(*server.users["expert"])
    assert not [a for a in ui.all("main a") if a.get_attribute("href").endswith(PATH)]
    ui.open(PATH)
    ui.wait(lambda: ui.css("main .page").get_attribute("data-state") == "no-access")
    assert ui.h1() == "Ei käyttöoikeutta"
    assert not ui.all("main table")


def test_signed_out_visitor_is_sent_to_sign_in(ui, server):
    ui.d.get(server.base_url + PATH + "?kind=signIn")
    ui.wait_page("/login")
    assert "next=" in ui.d.current_url and "security-events" in ui.d.current_url


@pytest.mark.parametrize("language,title", [("fi", "Tietoturvatapahtumat"), ("sv", "Säkerhetshändelser"), ("en", "Security events")])
def test_page_has_no_serious_axe_violations_at_360px(ui, server, language, title):
    failed_sign_in(server, "client")
    ui.sign_in(*server.users["platformAdmin"])
    ui.set_language(language)
    ui.open(PATH)
    loaded(ui, "")
    assert ui.h1().replace("\u00ad", "") == title
    assert ui.all("main tr[data-kind='signInFailed']")
    # a phone shows cards: no table header row in view, empty cells left out
    assert ui.d.execute_script(
        "return getComputedStyle(document.querySelector('main .event-table thead')).position") == "absolute"
    problems = ui.page_problems(f"{PATH} [{language}]")
    ui.d.execute_script(
        "const f = document.querySelector('main form.event-filter');"
        "f.elements.from.value = '2026-11-20'; f.elements.to.value = '2026-11-10';")
    ui.css("main form.event-filter button[type=submit]").click()
    ui.wait(lambda: ui.all("main [aria-invalid='true']"))
    problems += ui.page_problems(f"{PATH} with an error [{language}]")
    assert not problems, "\n".join(problems)


def test_show_more_adds_the_next_page_and_moves_the_focus_there(ui, server):
    # 26 sign-ins and sign-outs: over 50 events, more than one page
    for _ in range(26):
        s = api_session(server, "approver")
        assert s.post(server.base_url + "/api/v1/auth/logout").status_code in (200, 204)
    ui.desktop()
    ui.sign_in(*server.users["platformAdmin"])
    ui.open(PATH + "?kind=signIn,signOut")  # a malformed kind in the address is left out
    loaded(ui, "")
    assert ui.d.current_url.endswith(PATH)
    assert len(ui.all("main tr[data-event-id]")) == 50
    ui.wait_text("Näytetään 50 tapahtumaa.")
    ui.button("Näytä lisää").click()
    ui.wait(lambda: len(ui.all("main tr[data-event-id]")) > 50)
    rows = ui.all("main tr[data-event-id]")
    ids = [r.get_attribute("data-event-id") for r in rows]
    assert len(ids) == len(set(ids))
    assert ui.d.execute_script("return document.activeElement.closest('tr') === arguments[0]", rows[50])
    ui.wait_text(f"Näytetään {len(rows)} tapahtumaa.")
