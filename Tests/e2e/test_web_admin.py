"""Users and roles page: edit roles, remove a member, revoke an invitation; sessions list."""
import secrets

from conftest import api_session


def org_of(server):
    return api_session(server, "orgAdmin").user["memberships"][0]["organizationId"]


def row_of(ui, email, kind="user"):
    rows = [r for r in ui.all(f"main tr[data-{kind}-id]") if email in r.text]
    return rows[0] if rows else None


def test_edit_roles_remove_member_and_revoke_invitation(ui, server):
    org = org_of(server)
    expert_email = server.users["expert"][0]
    approver_email = server.users["approver"][0]
    admin = api_session(server, "orgAdmin")
    pending = f"peruttava.{secrets.token_hex(3)}@example.fi"
    assert admin.post(f"{server.base_url}/api/v1/organizations/{org}/invitations",
                      json={"email": pending, "roles": ["expert"]}).status_code == 201

    ui.desktop()
    ui.sign_in(*server.users["orgAdmin"])
    ui.open(f"/organizations/{org}/users")
    ui.wait(lambda: row_of(ui, expert_email))

    # Edit roles: add content producer to the expert.
    ui.button("Muokkaa rooleja", within=row_of(ui, expert_email)).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.css("dialog[open] input[name='roles'][value='contentProducer']").click()
    ui.button("Tallenna roolit", within=ui.css("dialog[open]")).click()
    ui.wait(lambda: not ui.all("dialog[open]"))
    ui.wait(lambda: "Sisällöntuottaja" in row_of(ui, expert_email).text)
    ui.wait_text("Roolit on tallennettu")

    # Removing every role is refused in the dialog itself.
    ui.button("Muokkaa rooleja", within=row_of(ui, expert_email)).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    for box in ui.all("dialog[open] input[name='roles']"):
        if box.is_selected():
            box.click()
    ui.button("Tallenna roolit", within=ui.css("dialog[open]")).click()
    ui.wait_text("Valitse vähintään yksi rooli.", selector="dialog[open]")
    ui.button("Peruuta", within=ui.css("dialog[open]")).click()
    ui.wait(lambda: not ui.all("dialog[open]"))

    # The only admin cannot drop the admin role: the server's reason is shown in the dialog.
    admin_email = server.users["orgAdmin"][0]
    ui.button("Muokkaa rooleja", within=row_of(ui, admin_email)).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.css("dialog[open] input[name='roles'][value='expert']").click()
    ui.css("dialog[open] input[name='roles'][value='orgAdmin']").click()
    ui.button("Tallenna roolit", within=ui.css("dialog[open]")).click()
    ui.wait_text("ainakin yksi pääkäyttäjä", selector="dialog[open]")
    ui.button("Peruuta", within=ui.css("dialog[open]")).click()

    # Remove a member, after confirming.
    ui.button("Poista", within=row_of(ui, approver_email)).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.button("Poista jäsen", within=ui.css("dialog[open]")).click()
    ui.wait(lambda: row_of(ui, approver_email) is None)
    ui.wait_text("on poistettu organisaatiosta")

    # Revoke a pending invitation.
    ui.wait(lambda: row_of(ui, pending, "invitation"))
    ui.button("Peru kutsu", within=row_of(ui, pending, "invitation")).click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.button("Peru kutsu", within=ui.css("dialog[open]")).click()
    ui.wait(lambda: "Peruttu" in row_of(ui, pending, "invitation").text)

    # The server agrees.
    members = admin.get(f"{server.base_url}/api/v1/organizations/{org}/members?limit=100").json()["items"]
    assert approver_email not in [m["email"] for m in members]
    expert = [m for m in members if m["email"] == expert_email][0]
    assert set(expert["roles"]) == {"expert", "contentProducer"}
    invitations = admin.get(f"{server.base_url}/api/v1/organizations/{org}/invitations?limit=100").json()["items"]
    assert [i["status"] for i in invitations if i["email"] == pending] == ["revoked"]


def test_sign_out_another_session(ui, server):
    other = api_session(server, "client")  # the same person on another device
    assert other.get(f"{server.base_url}/api/v1/me").status_code == 200
    ui.sign_in(*server.users["client"])
    ui.open("/account")
    ui.wait(lambda: len(ui.all("main li[data-session-id]")) >= 2)
    before = len(ui.all("main li[data-session-id]"))
    others = ui.all("main li[data-current='false']")
    ui.button("Kirjaa laite ulos", within=others[0]).click()
    ui.wait(lambda: len(ui.all("main li[data-session-id]")) == before - 1)
    ui.wait_text("Laite on kirjattu ulos.")
    assert ui.all("main li[data-current='true']")
    assert other.get(f"{server.base_url}/api/v1/me").status_code == 401
