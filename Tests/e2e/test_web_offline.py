"""The service worker keeps the shell: with the server gone, pages still open (offline banner)."""
from conftest import Server, UI


def test_shell_is_cached_and_served_when_the_server_is_gone(driver):
    server = Server()
    try:
        ui = UI(driver, server)
        ui.reset()
        ui.phone()
        ui.open("/login")
        cached = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            navigator.serviceWorker.ready
              .then(async () => {
                for (let i = 0; i < 100; i++) {
                  const keys = await caches.keys();
                  const name = keys.find((k) => k.startsWith('ohjaustila-shell-'));
                  if (name) {
                    const requests = await (await caches.open(name)).keys();
                    if (requests.length > 10) return requests.map((r) => new URL(r.url).pathname);
                  }
                  await new Promise((r) => setTimeout(r, 100));
                }
                return [];
              })
              .then(done, (e) => done(String(e)));
        """)
        for path in ("/index.html", "/css/app.css", "/js/app.js", "/i18n/fi.json", "/i18n/sv.json"):
            assert path in cached, cached
        assert not [p for p in cached if p.startswith("/api/")]
        # the page is controlled once reloaded
        driver.refresh()
        ui.wait_page("/login")
        ui.wait(lambda: driver.execute_script("return !!navigator.serviceWorker.controller"))
    finally:
        server.stop()

    # Server gone: a navigation still gets the cached shell, the app boots and says it is offline.
    driver.get(server.base_url + "/forgot-password")
    ui.wait_page("/forgot-password")
    assert ui.h1() == "Unohtunut salasana"
    ui.wait(lambda: ui.css("#offline-banner").is_displayed())
    assert "Ei verkkoyhteyttä" in ui.css("#offline-banner").text
