"""The service plan and tasks in the browser: the expert picks one service on its catalogue page and
another inside the space (found with the catalogue search), orders them and assigns the client a
task with a due date; the client, on a 360 px phone, says one service interests them and ticks the
task off; "Tehtäväni" lists the client's tasks (an overdue one in words) and ticks one off there;
conversation notes, notifications, the access log (an expert's read only once a panel is opened),
texts in fi, sv and en, axe, and a 360 px screenshot of the space with both panels open."""
import datetime
import secrets

import pytest

from conftest import api_session
from spaces_ui import (access_kinds, assert_clean, expert_at_desk, helsinki, new_space, open_panel, open_space, open_space_api,
                       serious, set_value, shot, wait_log, wait_realtime)

FROM_PAGE = "uraohjaus-aikuisille"  # has internal instructions
FROM_SEARCH = "tyokokeilu"
NAMES = {
    FROM_PAGE: {"fi": "Uraohjaus aikuisille", "sv": "Karriärvägledning för vuxna", "en": "Career guidance for adults"},
    FROM_SEARCH: {"fi": "Työkokeilu", "sv": "Arbetsprövning", "en": "Work trial"},
}
TEXTS = {
    "fi": {"plan": "Palvelusuunnitelma", "tasks": "Tehtävät", "interested": "Tila: Kiinnostunut", "choose": "Kiinnostaa",
           "my": "Tehtäväni", "overdue": "Myöhässä", "done": "Tehty", "send": "Lähetä viesti"},
    "sv": {"plan": "Serviceplan", "tasks": "Uppgifter", "interested": "Status: Intresserad", "choose": "Intresserar mig",
           "my": "Mina uppgifter", "overdue": "Försenad", "done": "Klar", "send": "Skicka meddelandet"},
    "en": {"plan": "Service plan", "tasks": "Tasks", "interested": "Status: Interested", "choose": "Interested",
           "my": "My tasks", "overdue": "Overdue", "done": "Done", "send": "Send message"},
}


# ---- helpers ---------------------------------------------------------------------------------

def pick_ids(ui):
    return ui.d.execute_script("return [...document.querySelectorAll('#plan .pick-list > li')].map((li) => li.dataset.serviceId)")


def active_row(ui):
    return ui.d.execute_script("const r = document.activeElement.closest('[data-row]'); return r ? r.dataset.serviceId || r.dataset.taskId : null")


# ---- the flow --------------------------------------------------------------------------------

def test_expert_builds_the_plan_and_the_client_answers_on_a_phone(ui, cui, server):
    title, expert, client, space_id = new_space(server, "Suunnitelma")
    problems = []

    # 1. the expert picks a service on its catalogue page
    expert_at_desk(ui, server)
    ui.open(f"/catalogue/services/{FROM_PAGE}")
    ui.css("#add-to-space summary").click()
    ui.wait(lambda: ui.all(f"#add-to-space select[name='spaceId'] option[value='{space_id}']"), 15)
    # only spaces where the expert is an expert, with a word for the kind of a group space
    assert all(o.get_attribute("value") for o in ui.all("#add-to-space select[name='spaceId'] option")[1:])
    set_value(ui, "#add-to-space select[name='spaceId']", space_id)
    ui.fill("note", "Tässä saat apua oman alan löytämiseen.")
    ui.button("Lisää ohjaustilaan", within=ui.css("#add-to-space form")).click()
    ui.wait_text(f"Uraohjaus aikuisille on lisätty ohjaustilan {title} suunnitelmaan.")
    link = ui.css("#add-to-space a[href*='#plan']")
    assert link.text == f"Siirry ohjaustilaan {title}"
    href = link.get_attribute("href")
    # the same service again: said next to the space choice
    ui.button("Lisää ohjaustilaan", within=ui.css("#add-to-space form")).click()
    ui.wait_text("Palvelu on jo tämän ohjaustilan suunnitelmassa.")
    problems += serious(ui, "service page with 'Lisää ohjaustilaan'")
    ui.d.execute_script("window.scrollTo(0, 0)")
    shot(ui, "plan-service-page-desk.png")

    # 2. the space: nothing of the plan or the tasks is read before a panel is opened
    ui.d.get(href)
    ui.wait_page(f"/spaces/{space_id}")
    ui.wait(lambda: not ui.all("main .conversation__log[aria-busy='true']"), 15)
    wait_realtime(ui)
    assert ui.css("#plan").get_attribute("open") is not None  # came with #plan
    assert ui.css("#tasks").get_attribute("open") is None
    open_panel(ui, "plan")
    assert pick_ids(ui) == [FROM_PAGE]
    row = ui.css(f"#plan .pick-list > li[data-service-id='{FROM_PAGE}']")
    assert "Tila: Ehdotettu" in row.text and "Tässä saat apua oman alan löytämiseen." in row.text
    assert row.find_elements("css selector", "details[data-internal] summary")[0].text == "Sisäiset ohjeet"
    assert "tasks" not in access_kinds(client, server, space_id)
    assert "picks" in access_kinds(client, server, space_id)

    # 3. … and another found with the catalogue search inside the space, with a note
    ui.fill("pickQuery", "työkokeilu")
    ui.button("Hae palveluja").click()
    ui.wait(lambda: ui.all(f"#plan .pick-result[data-service-id='{FROM_SEARCH}']"), 15)
    ui.wait_text("Valitse", selector="#plan .pick-add [role='status']")
    ui.fill("pickNote", "Kokeile työtä ilman sitoumusta.")
    ui.button("Lisää suunnitelmaan", within=ui.css(f"#plan .pick-result[data-service-id='{FROM_SEARCH}']")).click()
    ui.wait(lambda: pick_ids(ui) == [FROM_PAGE, FROM_SEARCH], 15)
    ui.wait_text("Työkokeilu on lisätty suunnitelmaan.", selector="#plan")

    # 4. the order: "Siirrä ylös" by keyboard; the focus stays on the moved service
    from selenium.webdriver.common.keys import Keys
    # (the list may be drawn again by the add's realtime event just then: a press on the row that
    # went away is pressed again on the new one)
    for attempt in range(3):
        try:
            ui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}'] button[data-action='up']").send_keys(Keys.ENTER)
            ui.wait(lambda: pick_ids(ui) == [FROM_SEARCH, FROM_PAGE], 5)
            break
        except Exception:
            if attempt == 2 or pick_ids(ui) == [FROM_SEARCH, FROM_PAGE]:
                break
    ui.wait(lambda: pick_ids(ui) == [FROM_SEARCH, FROM_PAGE], 15)
    ui.wait_text("Työkokeilu on nyt suunnitelmassa sijalla 1/2.", selector="#plan")
    assert active_row(ui) == FROM_SEARCH
    assert ui.d.switch_to.active_element.get_attribute("aria-disabled") == "true"  # first now: nothing above
    assert [p["serviceId"] for p in expert.get(f"{server.base_url}/api/v1/spaces/{space_id}/picks").json()["items"]] == [FROM_SEARCH, FROM_PAGE]

    # 5. a task for the client with a due date, linked to the first service
    open_panel(ui, "tasks")
    assert "tasks" in access_kinds(client, server, space_id)
    due = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    ui.fill("taskTitle", "Varaa aika työkokeilun aloituskeskusteluun")
    ui.fill("taskDescription", "Soita numeroon, joka on palvelun sivulla.")
    assignee = ui.css("#tasks select[name='assigneeId']")
    assert assignee.get_attribute("value") == client.user["id"]  # the one client is chosen already
    set_value(ui, "#tasks input[name='dueDate']", due)
    set_value(ui, "#tasks input[name='dueTime']", "14:30")
    pick_id = ui.d.execute_script("return document.querySelector(`#plan .pick-list > li[data-service-id='${arguments[0]}']`).dataset.pickId", FROM_SEARCH)
    set_value(ui, "#tasks select[name='pickId']", pick_id)
    ui.button("Anna tehtävä").click()
    ui.wait(lambda: ui.all("#tasks .task-list li[data-row]"), 15)
    ui.wait_text("Kalle Asiakas sai tehtävän: Varaa aika työkokeilun aloituskeskusteluun", selector="#tasks")
    task = ui.css("#tasks li.task")
    assert "klo 14.30" in task.text and "Liittyy palveluun: Työkokeilu" in task.text and "Tekijä: Kalle Asiakas" in task.text
    sent = expert.get(f"{server.base_url}/api/v1/spaces/{space_id}/tasks").json()["items"][0]
    assert sent["dueAt"].startswith(due) and sent["pickId"] == pick_id
    wait_log(ui, "Kalle Asiakas sai tehtävän: Varaa aika työkokeilun aloituskeskusteluun")
    wait_log(ui, "Lisäsit suunnitelmaan palvelun Työkokeilu.")
    # one more, overdue (given yesterday over the API)
    yesterday = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).isoformat(timespec="seconds")
    r = expert.post(f"{server.base_url}/api/v1/spaces/{space_id}/tasks",
                    json={"title": "Palauta lomake", "assigneeId": client.user["id"], "dueAt": yesterday})
    assert r.status_code == 201, r.text
    ui.wait(lambda: len(ui.all("#tasks .task-list li[data-row]")) == 2, 15)
    overdue = ui.css("#tasks li.task--overdue")
    assert "Palauta lomake" in overdue.text and "Myöhässä" in overdue.text
    problems += serious(ui, "expert space desk, both panels open")
    shot(ui, "plan-expert-desk.png", "#tasks")

    # 6. the client's notification names the task
    notes = client.get(f"{server.base_url}/api/v1/notifications").json()["items"]
    assert next(n for n in notes if n["spaceId"] == space_id)["kind"] == "taskAdded"
    cui.sign_in(*server.users["client"])
    helsinki(cui)
    cui.open("/notifications")
    cui.wait(lambda: cui.all(f"main li[data-space='{space_id}']"))
    assert f"Aino Asiantuntija antoi tehtävän tilassa {title}" in cui.css(f"main li[data-space='{space_id}']").text

    # 7. the client at 360 px: both panels open by themselves
    open_space(cui, space_id)
    wait_realtime(cui)
    for panel_id in ("tasks", "plan"):
        assert cui.css(f"#{panel_id}").get_attribute("open") is not None
    cui.wait(lambda: len(cui.all("#plan .pick-list > li")) == 2 and len(cui.all("#tasks .task-list li[data-row]")) == 2, 15)
    assert pick_ids(cui) == [FROM_SEARCH, FROM_PAGE]
    assert not cui.all("#plan details[data-internal]")  # internal instructions are the experts'
    assert not cui.all("#plan button[data-action='up']") and not cui.all("#tasks form.task-add")
    assert "Myöhässä" in cui.css("#tasks li.task--overdue").text
    # "Kiinnostaa": pressed, in words, the focus stays on it; the expert sees it live
    choose = cui.button("Kiinnostaa", within=cui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}']"))
    choose.click()
    cui.wait(lambda: "Tila: Kiinnostunut" in cui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}']").text, 15)
    cui.wait_text("Kerroit, että palvelu Työkokeilu kiinnostaa sinua.", selector="#plan")
    assert cui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}'] button[data-action='interested']").get_attribute("aria-pressed") == "true"
    assert active_row(cui) == FROM_SEARCH
    ui.wait(lambda: "Tila: Kiinnostunut" in ui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}']").text, 15)
    wait_log(ui, "Kalle Asiakas päivitti suunnitelmaa: Työkokeilu – kiinnostunut.")

    # the task ticked off: it moves under "Tehdyt tehtävät"; the expert sees it live
    first = next(li for li in cui.all("#tasks .task-list li[data-row]") if "Varaa aika" in li.text)
    first.find_element("css selector", "input[data-action='done']").click()
    cui.wait_text("Tehtävä merkittiin tehdyksi: Varaa aika työkokeilun aloituskeskusteluun", selector="#tasks")
    cui.wait(lambda: not cui.css("#tasks .tasks-done").get_attribute("hidden") and "Tehdyt tehtävät (1)" in cui.css("#tasks .tasks-done summary").text)
    assert cui.d.execute_script("return document.activeElement.dataset.action") == "done"  # on the next task's tick
    ui.wait(lambda: "Tehdyt tehtävät (1)" in ui.css("#tasks .tasks-done summary").get_attribute("textContent"), 15)
    wait_log(ui, "Tehtävä merkittiin tehdyksi: Varaa aika työkokeilun aloituskeskusteluun")
    wait_log(cui, "Sinulle annettiin tehtävä: Palauta lomake")

    # a comment on the open task, seen by the expert
    task_row = cui.css("#tasks .task-list li.task--overdue")
    task_row.find_element("css selector", "summary[data-action='comments']").click()
    cui.wait(lambda: cui.all("#tasks li.task--overdue textarea[name='comment']"))
    cui.css("#tasks li.task--overdue textarea[name='comment']").send_keys("Lomake on jo postissa.")
    cui.button("Lähetä kommentti").click()
    cui.wait(lambda: "Lomake on jo postissa." in cui.css("#tasks li.task--overdue .comment-list").text, 15)
    wait_log(ui, "Kalle Asiakas kommentoi tehtävää: Palauta lomake")

    # 8. the screenshot at 360 px with both panels open, and axe
    shot(cui, "plan-client-360.png", "#tasks")
    shot(cui, "plan-client-360-plan.png", "#plan")
    height = cui.d.execute_script("return document.documentElement.scrollHeight")
    cui.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": min(height, 6000), "deviceScaleFactor": 1, "mobile": True})
    shot(cui, "plan-client-360-full.png")
    cui.phone()
    problems += serious(cui, "client space 360px, both panels open")
    ui.phone()
    open_panel(ui, "plan")
    open_panel(ui, "tasks")
    for summary in ui.all("#plan details.pick__more > summary, #tasks .tasks-done > summary"):
        ui.d.execute_script("arguments[0].parentElement.open = true", summary)
    shot(ui, "plan-expert-360.png", "#plan")
    shot(ui, "plan-expert-360-add.png", "#plan form.pick-add")
    shot(ui, "plan-expert-360-tools.png", "#plan .pick__status-form")
    shot(ui, "plan-expert-360-form.png", "#tasks form.task-add")
    problems += serious(ui, "expert space 360px, both panels open")

    # 9. "Tehtäväni": from the header, an overdue task in words, ticked off there too
    cui.open_menu()
    cui.css("#nav-tasks").click()
    cui.wait_page("/tasks")
    assert cui.h1() == "Tehtäväni"
    cui.wait(lambda: cui.all("main .task-list[data-loaded] li[data-row]"), 15)
    mine = [li for li in cui.all("main .task-list li[data-row]") if "Palauta lomake" in li.text]
    assert len(mine) == 1 and "Myöhässä" in mine[0].text and title in mine[0].text
    assert mine[0].find_element("css selector", ".task__space a").get_attribute("href").endswith(f"/spaces/{space_id}")
    assert not [li for li in cui.all("main .task-list li[data-row]") if "Varaa aika" in li.text]  # done: not among the open ones
    problems += serious(cui, "/tasks 360px")
    cui.d.execute_script("window.scrollTo(0, 0)")
    shot(cui, "tasks-page-360.png")
    mine[0].find_element("css selector", "input[data-action='done']").click()
    cui.wait_text("Tehtävä merkittiin tehdyksi: Palauta lomake")
    cui.link("Tehdyt").click()
    cui.wait_page("/tasks")
    cui.wait(lambda: len([li for li in cui.all("main .task-list[data-loaded] li[data-row]") if title in li.text]) == 2, 15)
    assert all("Tehty" in li.text for li in cui.all("main .task-list li[data-row]"))  # the demo's done one too

    # 10. the same in Swedish and English (the client's phone)
    for language in ("sv", "en"):
        words = TEXTS[language]
        cui.button({"sv": "Svenska", "en": "English"}[language]).click()
        cui.wait(lambda: cui.h1() == words["my"])
        open_space(cui, space_id)
        cui.wait(lambda: cui.all("#plan .pick-list > li") and cui.all("#tasks li[data-row]"), 15)
        assert cui.css("#plan summary").text.startswith(words["plan"]) and cui.css("#tasks summary").text.startswith(words["tasks"])
        row = cui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}']")
        assert NAMES[FROM_SEARCH][language] in row.text and words["interested"] in row.text
        assert cui.css(f"#plan .pick-list > li[data-service-id='{FROM_PAGE}'] button[data-action='interested']").text == words["choose"]
        assert cui.css("main .composer button[type=submit]").text == words["send"]
        problems += serious(cui, f"client space 360px [{language}]")
        cui.open("/tasks?status=done")
        cui.wait(lambda: cui.all("main .task-list[data-loaded] li[data-row]"), 15)
        assert cui.h1() == words["my"] and words["done"] in cui.css("main .task-list").text
    cui.button("Suomi").click()
    cui.wait(lambda: cui.h1() == "Tehtäväni")

    assert_clean(problems, ui, cui)


def test_the_expert_removes_a_pick_and_a_task_and_the_focus_stays_in_the_list(ui, server):
    title = f"Poistot {secrets.token_hex(2)}"
    expert, space = open_space_api(server, title)
    client = api_session(server, "client")
    for service in (FROM_PAGE, FROM_SEARCH, "palkkatuki"):
        r = expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/picks", json={"serviceId": service})
        assert r.status_code == 201, r.text
    for name in ("Ensimmäinen", "Toinen"):
        r = expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/tasks", json={"title": name, "assigneeId": client.user["id"]})
        assert r.status_code == 201, r.text
    ui.desktop()
    ui.sign_in(*server.users["expert"])
    open_space(ui, space["id"])
    open_panel(ui, "plan")
    # the status in words, changed with the select
    set_value(ui, f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}'] select[name='pickStatus']", "applied")
    ui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}'] button[data-action='saveStatus']").click()
    ui.wait(lambda: "Tila: Haettu" in ui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}']").text, 15)
    # removing the middle one: confirmed, and the focus goes to the same button of the next one
    ui.css(f"#plan .pick-list > li[data-service-id='{FROM_SEARCH}'] button[data-action='remove']").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    assert "Poistetaanko Työkokeilu suunnitelmasta?" in ui.css("dialog[open]").text
    ui.css("dialog[open] .btn--danger").click()
    ui.wait(lambda: pick_ids(ui) == [FROM_PAGE, "palkkatuki"], 15)
    ui.wait_text("Työkokeilu on poistettu suunnitelmasta.", selector="#plan")
    assert active_row(ui) == "palkkatuki" and ui.d.switch_to.active_element.get_attribute("data-action") == "remove"
    # a task removed the same way
    open_panel(ui, "tasks")
    first = ui.css("#tasks .task-list li[data-row]")
    first.find_element("css selector", "button[data-action='remove']").click()
    ui.wait(lambda: ui.all("dialog[open]"))
    ui.css("dialog[open] .btn--danger").click()
    ui.wait(lambda: len(ui.all("#tasks .task-list li[data-row]")) == 1, 15)
    assert ui.d.switch_to.active_element.get_attribute("data-action") == "remove"
    # a task without a title is refused next to the field
    ui.button("Anna tehtävä").click()
    ui.wait(lambda: ui.css("#tasks [data-field='taskTitle'] .field-error").text == "Kirjoita, mitä pitää tehdä.")
    assert ui.d.switch_to.active_element.get_attribute("name") == "taskTitle"
    assert not ui.console_errors()


def test_a_group_space_has_private_picks_and_a_clients_task_is_private_to_them(ui, server):
    expert = api_session(server, "expert")
    group = next(s for s in expert.get(f"{server.base_url}/api/v1/spaces").json()["items"] if s["kind"] == "group")
    lina = api_session(server, "groupClient")
    kalle = api_session(server, "client")
    ui.desktop()
    ui.sign_in(*server.users["expert"])
    open_space(ui, group["id"])
    open_panel(ui, "plan")
    # a service for Lina only
    audience = "#plan select[name='pickPrivateTo']"
    ui.wait(lambda: ui.all(f"{audience} option[value='{lina.user['id']}']"))
    assert ui.css(f"{audience} option[value='{lina.user['id']}']").text == "Yksityisesti: Lina Laine"
    set_value(ui, audience, lina.user["id"])
    assert "Vain Lina Laine ja tämän tilan asiantuntijat näkevät tämän." in ui.css("#plan .field--audience").text
    ui.fill("pickQuery", "velkaneuvonta")
    ui.button("Hae palveluja").click()
    ui.wait(lambda: ui.all("#plan .pick-result[data-service-id='velkaneuvonta']"), 15)
    ui.button("Lisää suunnitelmaan", within=ui.css("#plan .pick-result[data-service-id='velkaneuvonta']")).click()
    ui.wait(lambda: ui.all("#plan .pick-list > li[data-service-id='velkaneuvonta']"), 15)
    assert "Yksityinen – vain Lina Laine ja asiantuntijat näkevät tämän palvelun" in ui.css("#plan .pick-list > li[data-service-id='velkaneuvonta']").text
    assert [p["serviceId"] for p in lina.get(f"{server.base_url}/api/v1/spaces/{group['id']}/picks").json()["items"]] == ["velkaneuvonta"]
    assert not kalle.get(f"{server.base_url}/api/v1/spaces/{group['id']}/picks").json()["items"]
    # a task for a client of the group is private to them: the form says so instead of asking
    open_panel(ui, "tasks")
    set_value(ui, "#tasks select[name='assigneeId']", lina.user["id"])
    assert not ui.css("#tasks .field--audience").is_displayed()
    assert ui.css("#tasks .task-private-note").text == "Vain Lina Laine ja tämän tilan asiantuntijat näkevät tehtävän."
    set_value(ui, "#tasks select[name='assigneeId']", expert.user["id"])
    assert ui.css("#tasks .field--audience").is_displayed() and not ui.css("#tasks .task-private-note").is_displayed()
    set_value(ui, "#tasks select[name='assigneeId']", lina.user["id"])
    ui.fill("taskTitle", "Varaa aika velkaneuvontaan")
    ui.button("Anna tehtävä").click()
    ui.wait_text("Lina Laine sai tehtävän: Varaa aika velkaneuvontaan", selector="#tasks")
    row = next(li for li in ui.all("#tasks .task-list li[data-row]") if "velkaneuvontaan" in li.text)
    assert "Yksityinen tehtävä – vain Lina Laine ja asiantuntijat näkevät sen" in row.text
    assert not [x for x in kalle.get(f"{server.base_url}/api/v1/tasks").json()["items"] if x["title"] == "Varaa aika velkaneuvontaan"]
    problems = serious(ui, "group space desk, both panels open")
    assert not problems, "\n".join(problems)


def test_a_closed_space_shows_the_plan_and_tasks_without_tools(cui, server):
    expert, space = open_space_api(server, f"Suljettu suunnitelma {secrets.token_hex(2)}")
    client = api_session(server, "client")
    assert expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/picks", json={"serviceId": FROM_SEARCH}).status_code == 201
    assert expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/tasks",
                       json={"title": "Lue ohje", "assigneeId": client.user["id"]}).status_code == 201
    status = expert.get(f"{server.base_url}/api/v1/catalogue/taxonomy").json()["employmentStatuses"][0]["id"]
    assert expert.post(f"{server.base_url}/api/v1/spaces/{space['id']}/close", json={"outcome": status}).status_code == 200
    cui.sign_in(*server.users["client"])
    open_space(cui, space["id"])
    cui.wait(lambda: cui.all("#plan .pick-list > li") and cui.all("#tasks li[data-row]"), 15)
    assert not cui.all("#plan button") and not cui.all("#tasks input[type='checkbox']") and not cui.all("#tasks form")
    assert "Tila: Ehdotettu" in cui.css("#plan").text and "Lue ohje" in cui.css("#tasks").text
