"""Browser tests of the web client's main flows: invitation, password reset, my account."""
import secrets

from conftest import Server, api_session

NEW_PASSWORD = "uusi salasana on pitkä 123"


def unique_email(prefix):
    return f"{prefix}.{secrets.token_hex(4)}@example.fi"


def test_invite_accept_sign_out_and_sign_in_again(ui, server):
    admin_email, admin_password = server.users["orgAdmin"]
    ui.desktop()
    ui.sign_in(admin_email, admin_password)
    assert ui.css("#sign-out").is_displayed()

    # The home page links to the users and roles page of the admin's organisation.
    link = ui.css("main a[href^='/organizations/'][href$='/users']")
    link.click()
    org_path = ui.d.execute_script("return location.pathname")
    ui.wait_page(org_path)
    assert ui.h1() == "Käyttäjät ja roolit"
    # After a navigation, focus is on the page heading.
    assert ui.d.execute_script("return document.activeElement === document.querySelector('main h1')")

    invitee = unique_email("uusi.asiantuntija")
    form = ui.css("main form")
    ui.fill("email", invitee, within=form)
    ui.css("main form input[name='roles'][value='expert']").click()
    ui.button("Lähetä kutsu").click()
    ui.wait_text(f"Kutsu on lähetetty osoitteeseen {invitee}.")
    ui.wait(lambda: any(invitee in row.text and "Odottaa" in row.text for row in ui.all("main tr[data-invitation-id]")))

    # The invited person opens the link of the e-mail on a phone.
    link = Server.link_in(server.wait_for_mail(invitee), "/invitation")
    ui.reset()
    ui.phone()
    ui.d.get(link)
    ui.wait_page("/invitation")
    ui.wait(lambda: ui.all("main form input[name='displayName']"))
    assert invitee in ui.text()
    assert "Asiantuntija" in ui.text()
    ui.fill("displayName", "Uusi Asiantuntija")
    ui.fill("password", NEW_PASSWORD)
    ui.fill("passwordAgain", NEW_PASSWORD)
    ui.button("Luo tili ja hyväksy kutsu").click()
    ui.wait_page("/")
    assert ui.h1() == "Hei, Uusi Asiantuntija!"
    ui.wait_text("Kutsu on hyväksytty")

    # Sign out from the header (its menu on a phone), then sign in again with the new password.
    ui.open_menu()
    ui.css("#sign-out").click()
    ui.wait_page("/login")
    ui.wait_text("Olet kirjautunut ulos.")
    assert not ui.css("#sign-out").is_displayed()
    ui.sign_in(invitee, NEW_PASSWORD)
    assert ui.h1() == "Hei, Uusi Asiantuntija!"

    # The admin now sees the new member and the accepted invitation.
    ui.open_menu()
    ui.css("#sign-out").click()
    ui.wait_page("/login")
    ui.desktop()
    ui.sign_in(admin_email, admin_password)
    ui.open(org_path)
    ui.wait(lambda: any(invitee in row.text for row in ui.all("main tr[data-user-id]")))
    ui.wait(lambda: any(invitee in row.text and "Hyväksytty" in row.text for row in ui.all("main tr[data-invitation-id]")))


def test_invitation_link_errors(ui, server):
    ui.open("/invitation#token=not-a-real-token")
    ui.wait_text("Kutsulinkki ei toimi")
    ui.open("/invitation")
    ui.wait_text("Kutsulinkki ei toimi")
    # A second link opened in the same tab changes only the fragment: the page is rendered again.
    admin = api_session(server, "orgAdmin")
    org = admin.user["memberships"][0]["organizationId"]
    email = unique_email("toinen.linkki")
    r = admin.post(f"{server.base_url}/api/v1/organizations/{org}/invitations", json={"email": email, "roles": ["approver"]})
    assert r.status_code == 201, r.text
    link = Server.link_in(server.wait_for_mail(email), "/invitation")
    ui.d.get(server.base_url + "/invitation#token=first-wrong-token")
    ui.wait_text("Kutsulinkki ei toimi")
    ui.d.get(link)
    ui.wait(lambda: ui.all("main input[name='displayName']"))
    assert email in ui.text()


def test_users_page_of_another_role_says_no_access(ui, server):
    email, password = server.users["expert"]
    ui.sign_in(email, password)
    org = api_session(server, "orgAdmin").user["memberships"][0]["organizationId"]
    ui.open(f"/organizations/{org}/users")
    ui.wait(lambda: ui.h1() == "Ei käyttöoikeutta")
    ui.open("/organizations/no-such-organisation/users")
    ui.wait(lambda: ui.h1() == "Ei käyttöoikeutta")


def test_forgot_password_flow(ui, server):
    email, old_password = server.users["approver"]
    ui.open("/login")
    ui.link("Unohditko salasanan?").click()
    ui.wait_page("/forgot-password")
    ui.fill("email", email)
    ui.button("Lähetä linkki").click()
    ui.wait_text("Katso sähköpostisi")
    ui.wait_text(f"Jos osoitteella {email} on tili")

    link = Server.link_in(server.wait_for_mail(email), "/reset-password")
    ui.d.get(link)
    ui.wait_page("/reset-password")
    # Client-side checks first: too short, then different passwords.
    ui.fill("newPassword", "lyhyt")
    ui.fill("newPasswordAgain", "lyhyt")
    ui.button("Tallenna uusi salasana").click()
    ui.wait_text("vähintään 10 merkkiä")
    field = ui.css("main input[name='newPassword']")
    assert field.get_attribute("aria-invalid") == "true"
    error_id = [i for i in field.get_attribute("aria-describedby").split() if i.endswith("-error")][0]
    assert "vähintään 10 merkkiä" in ui.css(f"#{error_id}").text
    ui.fill("newPassword", NEW_PASSWORD)
    ui.fill("newPasswordAgain", NEW_PASSWORD + "x")
    ui.button("Tallenna uusi salasana").click()
    ui.wait_text("Salasanat eivät ole samat")
    ui.fill("newPasswordAgain", NEW_PASSWORD)
    ui.button("Tallenna uusi salasana").click()
    ui.wait_page("/login")
    ui.wait_text("Salasana on vaihdettu.")

    # The old password no longer works; the new one does.
    ui.sign_in(email, old_password, expect=None)
    ui.wait_text("Sähköpostiosoite tai salasana on väärin", selector="main form [role='alert']")
    assert ui.d.execute_script("return location.pathname") == "/login"
    ui.fill("password", NEW_PASSWORD)
    ui.css("main form button[type=submit]").click()
    ui.wait_page("/")

    # The link works only once.
    ui.reset()
    ui.d.get(link)
    ui.wait_page("/reset-password")
    ui.fill("newPassword", NEW_PASSWORD + "2")
    ui.fill("newPasswordAgain", NEW_PASSWORD + "2")
    ui.button("Tallenna uusi salasana").click()
    ui.wait_text("Linkki ei toimi")


def test_my_account_language_and_sessions(ui, server):
    email, password = server.users["contentProducer"]
    ui.sign_in(email, password)
    ui.open("/account")
    assert ui.h1() == "Oma tili"

    # The sessions list shows this device, marked.
    ui.wait(lambda: ui.all("main li[data-session-id]"))
    current = ui.all("main li[data-current='true']")
    assert len(current) == 1
    assert "Tämä laite" in current[0].text

    # Wrong current password: the error is shown next to that field.
    ui.fill("currentPassword", "ei tämä ole oikea")
    ui.fill("newPassword", NEW_PASSWORD)
    ui.fill("newPasswordAgain", NEW_PASSWORD)
    ui.button("Vaihda salasana").click()
    ui.wait(lambda: ui.css("main input[name='currentPassword']").get_attribute("aria-invalid") == "true")
    ui.wait_text("Nykyinen salasana on väärin.")

    # Change the language to Swedish: the whole UI switches.
    from selenium.webdriver.support.ui import Select
    Select(ui.css("main select[name='language']")).select_by_value("sv")
    ui.button("Tallenna tiedot").click()
    ui.wait(lambda: ui.d.execute_script("return document.documentElement.lang") == "sv")
    ui.wait(lambda: ui.h1() == "Mitt konto")
    ui.wait_text("Uppgifterna har sparats.")
    # focus stays on the save button, now in Swedish
    assert ui.d.switch_to.active_element.text == "Spara uppgifterna"
    # the header too (on a phone signing out sits behind "Meny")
    assert ui.css("#sign-out").get_attribute("textContent") == "Logga ut"
    assert ui.css("#menu-label").get_attribute("textContent") == "Meny"
    assert ui.d.title.startswith("Mitt konto")
    ui.wait(lambda: "Den här enheten" in ui.css("main li[data-current='true']").text)

    # The choice is kept: after a reload and on the next sign-in.
    ui.d.refresh()
    ui.wait_page("/account")
    assert ui.h1() == "Mitt konto"
    ui.reset(language="en")
    ui.sign_in(email, password)
    assert ui.d.execute_script("return document.documentElement.lang") == "sv"

    # Sign out everywhere ends this session too.
    ui.open("/account")
    ui.button("Logga ut på alla enheter").click()
    ui.wait_page("/login")
    ui.wait_text("Du har loggat ut på alla enheter.")
    ui.d.get(server.base_url + "/account")
    ui.wait_page("/login")


def test_sign_in_errors_and_return_to_the_page_asked_for(ui, server):
    email, password = server.users["serviceProvider"]
    ui.open("/account", expect="/login")
    ui.wait_text("Kirjaudu ensin sisään.")
    ui.css("main form button[type=submit]").click()
    ui.wait_text("Kirjoita sähköpostiosoite.")
    assert ui.css("main input[name='email']").get_attribute("aria-invalid") == "true"
    assert ui.d.switch_to.active_element.get_attribute("name") == "email"
    ui.fill("email", email)
    ui.fill("password", password)
    ui.css("main form button[type=submit]").click()
    ui.wait_page("/account")
    assert ui.console_errors() == []


def test_invitation_for_an_existing_account_asks_only_its_password(ui, server):
    admin = api_session(server, "orgAdmin")
    org = admin.user["memberships"][0]["organizationId"]
    email, password = server.users["client"]
    r = admin.post(f"{server.base_url}/api/v1/organizations/{org}/invitations",
                   json={"email": email, "roles": ["expert"], "language": "fi"})
    assert r.status_code == 201, r.text
    link = Server.link_in(server.wait_for_mail(email), "/invitation")
    ui.d.get(link)
    ui.wait_page("/invitation")
    ui.wait(lambda: ui.all("main form input[name='password']"))
    assert not ui.all("main input[name='displayName']")
    assert f"Sinulla on jo tili osoitteella {email}" in ui.text()
    ui.fill("password", "väärä salasana tähän")
    ui.button("Hyväksy kutsu").click()
    ui.wait(lambda: ui.css("main input[name='password']").get_attribute("aria-invalid") == "true")
    ui.wait_text("Salasana on väärin. Kirjoita tilisi salasana.")
    ui.fill("password", password)
    ui.button("Hyväksy kutsu").click()
    ui.wait_page("/")
    ui.wait_text("Kutsu on hyväksytty")
    assert "Asiantuntija" in ui.text()  # the new role is listed under "Your organisations"


def test_too_many_sign_in_attempts_says_how_long_to_wait(ui, server):
    import re
    ui.open("/login")
    ui.fill("email", f"ei.ole.{secrets.token_hex(3)}@example.fi")
    pattern = re.compile(r"Yritä uudelleen (\d+) sekunnin kuluttua")
    for _ in range(12):
        ui.fill("password", "väärä salasana")
        ui.css("main form button[type=submit]").click()
        ui.wait(lambda: ui.css("main form [role='alert']").text)
        if pattern.search(ui.css("main form [role='alert']").text):
            break
        ui.wait(lambda: ui.css("main form").get_attribute("aria-busy") is None)
    assert pattern.search(ui.css("main form [role='alert']").text), ui.text()


def test_platform_admin_manages_every_organisation(ui, server):
    admin = api_session(server, "platformAdmin")
    orgs = admin.get(f"{server.base_url}/api/v1/organizations?limit=100").json()["items"]
    assert orgs
    ui.desktop()
    ui.sign_in(*server.users["platformAdmin"])
    links = ui.all("main a[href^='/organizations/'][href$='/users']")
    assert {a.get_attribute("href").split("/")[-2] for a in links} == {o["id"] for o in orgs}
    links[-1].click()
    ui.wait(lambda: ui.d.execute_script("return location.pathname.endsWith('/users')") and ui.h1() == "Käyttäjät ja roolit")
    ui.wait(lambda: ui.all("main form input[name='email']"))
