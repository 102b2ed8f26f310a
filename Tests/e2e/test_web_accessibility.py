"""Accessibility of every page in fi, sv and en: axe (no serious/critical), 360 px, keyboard."""
import secrets

import pytest

from conftest import Server, api_session

PAGES = ["/login", "/forgot-password", "/reset-password#token=example", "/invitation#token={token}",
         "/", "/account", "/organizations/{org}/users"]
SIGNED_IN = {"/", "/account", "/organizations/{org}/users"}
HEADINGS = {
    "fi": {"/login": "Kirjaudu sisään", "/account": "Oma tili"},
    "sv": {"/login": "Logga in", "/account": "Mitt konto"},
    "en": {"/login": "Sign in", "/account": "My account"},
}


@pytest.fixture(scope="module")
def context(server):
    admin = api_session(server, "orgAdmin")
    org = admin.user["memberships"][0]["organizationId"]
    email = f"a11y.{secrets.token_hex(4)}@example.fi"
    r = admin.post(f"{server.base_url}/api/v1/organizations/{org}/invitations",
                   json={"email": email, "roles": ["expert", "approver"], "language": "fi"})
    assert r.status_code == 201, r.text
    link = Server.link_in(server.wait_for_mail(email), "/invitation")
    token = link.split("#token=", 1)[1]
    return {"org": org, "token": token}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_pages_have_no_serious_axe_violations_and_fit_360px(ui, server, context, language):
    problems = []
    signed_in = False
    ui.reset(language=language)
    for template in PAGES:
        path = template.format(**context)
        if template in SIGNED_IN and not signed_in:
            ui.sign_in(*server.users["orgAdmin"])
            ui.set_language(language)  # the account's language won at sign-in; choose the tested one again
            signed_in = True
        ui.open(path)
        # wait until the page's data has loaded (forms and lists are present)
        ui.wait(lambda: not ui.all("main [aria-busy='true']") and ui.d.execute_script(
            "return document.querySelectorAll('main form, main ul, main table, main .notice').length > 0"))
        assert ui.d.execute_script("return document.documentElement.lang") == language
        expected = HEADINGS[language].get(template)
        if expected:
            assert ui.h1() == expected
        assert ui.d.title.endswith("– Ohjaustila")
        problems += ui.page_problems(f"{path} [{language}]")
        # 320 px (= 1280 px at 400 % zoom) must not scroll sideways either
        ui.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                             {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": True})
        width = ui.d.execute_script("return document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{path} [{language}]: scrollWidth {width} > 320")
        ui.phone()
    problems += [f"console [{language}]: {m}" for m in ui.console_errors()]
    assert not problems, "\n".join(problems)


def test_desktop_users_page_has_no_serious_axe_violations(ui, server, context):
    ui.desktop()
    ui.sign_in(*server.users["orgAdmin"])
    ui.open(f"/organizations/{context['org']}/users")
    ui.wait(lambda: ui.all("main tr[data-user-id]"))
    violations, axe = ui.axe_serious()
    assert not violations, axe.report(violations)


def test_dialog_has_no_serious_axe_violations_and_returns_focus(ui, server, context):
    from selenium.webdriver.common.keys import Keys
    ui.sign_in(*server.users["orgAdmin"])
    ui.open(f"/organizations/{context['org']}/users")
    ui.wait(lambda: ui.all("main tr[data-user-id]"))
    opener = ui.button("Muokkaa rooleja")
    opener.click()
    ui.wait(lambda: ui.all("dialog[open]"))
    assert ui.d.execute_script("return document.activeElement.closest('dialog') !== null")
    violations, axe = ui.axe_serious()
    assert not violations, axe.report(violations)
    ui.d.switch_to.active_element.send_keys(Keys.ESCAPE)
    ui.wait(lambda: not ui.all("dialog[open]"))
    assert ui.d.switch_to.active_element == opener


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(ui, server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    for path in ("/login", "/forgot-password"):
        ui.open(path)
        ActionChains(ui.d).send_keys(Keys.TAB).perform()
        active = ui.d.switch_to.active_element
        assert active.get_attribute("id") == "skip-link"
        assert active.text == "Siirry sisältöön"
        assert active.is_displayed()
        ActionChains(ui.d).send_keys(Keys.ENTER).perform()
        ui.wait(lambda: ui.d.switch_to.active_element.get_attribute("id") == "main")
        # the next tab stop is inside main
        ActionChains(ui.d).send_keys(Keys.TAB).perform()
        assert ui.d.execute_script("return document.getElementById('main').contains(document.activeElement)")


def test_language_switch_in_header(ui, server):
    ui.open("/login")
    ui.button("Svenska").click()
    ui.wait(lambda: ui.h1() == "Logga in")
    assert ui.d.execute_script("return document.documentElement.lang") == "sv"
    assert ui.css("#skip-link").get_attribute("textContent") == "Gå till innehållet"
    assert ui.css("[data-lang='sv']").get_attribute("aria-pressed") == "true"
    ui.d.refresh()
    ui.wait_page("/login")
    assert ui.h1() == "Logga in"
    ui.button("English").click()
    ui.wait(lambda: ui.h1() == "Sign in")
    assert ui.d.title == "Sign in – Ohjaustila"
