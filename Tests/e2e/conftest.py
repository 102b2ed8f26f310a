"""Shared fixtures of the browser and API suites: the real binary on a free port."""
import collections
import email
import email.policy
import os
import pathlib
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("OHJAUSTILA_BINARY", ROOT / ".build" / "debug" / "ohjaustila"))
# The migrations the binary expects (a binary built from another tree may need that tree's).
MIGRATIONS = pathlib.Path(os.environ.get("OHJAUSTILA_MIGRATIONS", ROOT / "Migrations"))
DEMO_LINE = re.compile(
    r"^\s+(\w+)\s+(\S+@\S+)\s+(\S+)\s*$"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `ohjaustila serve --demo` with its own data directory."""

    def __init__(self, extra_args=(), env=None, data_dir=None, scheme="http", public_dir=None):
        self.port = free_port()
        host = "localhost" if scheme == "https" else "127.0.0.1"
        self.base_url = f"{scheme}://{host}:{self.port}"
        self.data_dir = pathlib.Path(data_dir) if data_dir else pathlib.Path(tempfile.mkdtemp(prefix="ohjaustila-e2e-"))
        self.users = {}
        self.log_path = self.data_dir / "server.log"
        args = [
            str(BINARY), "serve", "--demo",
            "--port", str(self.port),
            "--data-dir", str(self.data_dir),
            "--base-url", self.base_url,
            "--migrations-dir", str(MIGRATIONS),
            "--public-dir", str(public_dir or ROOT / "Public"),
            "--demo-data", str(ROOT / "DemoData" / "catalogue.json"),
            "--starter-synonyms", str(ROOT / "DemoData" / "synonyms.json"),
            *extra_args,
        ]
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True, env=full_env)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 60
        # Demo users are printed before the server starts listening.
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()}")
                continue
            m = DEMO_LINE.match(line)
            if m:
                self.users[m.group(1)] = (m.group(2), m.group(3))
            if "is starting on" in line:
                break
        while time.time() < deadline:
            try:
                insecure = ssl._create_unverified_context()  # readiness only; tests verify TLS themselves
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1, context=insecure) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def mails(self):
        """Every .eml the file transport wrote, oldest first, as email.message.EmailMessage."""
        folder = self.data_dir / "mail"
        if not folder.exists():
            return []
        out = []
        for path in sorted(folder.glob("*.eml")):
            with open(path, "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    def wait_for_mail(self, to, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for m in self.mails():
                if to.lower() in str(m["To"]).lower():
                    return m
            time.sleep(0.2)
        raise AssertionError(f"no mail to {to}")

    @staticmethod
    def link_in(message, path):
        body = message.get_body(preferencelist=("plain",)).get_content()
        m = re.search(r"https?://\S*" + re.escape(path) + r"\S*", body)
        assert m, f"no {path} link in mail"
        return m.group(0)

    def kill(self):
        """SIGKILL: no graceful shutdown; the data directory stays (to start again on it)."""
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.log.close()

    def terminate(self):
        """SIGTERM and the graceful shutdown; the data directory stays (to be looked into)."""
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self.log.close()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "alone: the suite measures latency under load; `make test` runs it after the others, with none beside it")


@pytest.fixture(scope="module")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first (make test does)")
    s = Server()
    yield s
    s.stop()


# ---------------------------------------------------------------------------------------------
# The crash suites (test_jobs_crash, test_reminders_crash, test_messages_crash): servers that a
# test starts, kills and starts again on one data directory.

@pytest.fixture
def data_dir(request):
    """An empty data directory of the test's own, removed afterwards."""
    name = request.module.__name__.removeprefix("test_")
    d = pathlib.Path(tempfile.mkdtemp(prefix=f"ohjaustila-{name}-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def wait_for(predicate, timeout, what):
    """Asks `predicate` every 50 ms until it is true; fails after `timeout` seconds, saying `what`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out: {what}")


def mail_journal(data_dir):
    """The Message-IDs the file mail transport has handed over, in order (it keeps the journal
    mail/deliveries.log only with the test-only OHJAUSTILA_TEST_FILE_MAIL_DELAY_MS)."""
    path = pathlib.Path(data_dir) / "mail" / "deliveries.log"
    return path.read_text().split() if path.exists() else []


def check_repeats(journal, expected, in_flight):
    """A journal of hand-overs across a kill and a restart: `expected` different mails, and none
    handed over twice but the one in flight at the kill. → (Counter of Message-IDs, the repeated)"""
    counts = collections.Counter(journal)
    assert len(counts) == expected
    repeated = {mid for mid, n in counts.items() if n > 1}
    assert repeated <= {in_flight}, f"only the mail in flight at the kill may repeat, not {repeated - {in_flight}}"
    return counts, repeated


# ---------------------------------------------------------------------------------------------
# Browser fixtures of the web-client suite (headless Chromium through Selenium).

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM")
PHONE = (360, 800)
DESKTOP = (1280, 900)


def make_driver():
    """A new headless Chromium (its own profile: cookies and storage of its own)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--lang=fi-FI",
                f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(arg)
    if CHROMIUM:
        options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_script_timeout(30)
    d.set_page_load_timeout(30)
    return d


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium per test module (starting one costs a second or two)."""
    d = make_driver()
    yield d
    d.quit()


class UI:
    """Small helpers over the Selenium driver for the Ohjaustila web client."""

    def __init__(self, driver, server):
        self.d = driver
        self.server = server

    # -- window and state --
    def phone(self):
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})

    def desktop(self):
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": DESKTOP[0], "height": DESKTOP[1], "deviceScaleFactor": 1, "mobile": False})

    def reset(self, language=None):
        """A new visitor: no cookies, empty storage (optionally a chosen UI language)."""
        self.d.get(self.server.base_url + "/healthz")
        self.d.delete_all_cookies()
        self.d.execute_script("localStorage.clear(); sessionStorage.clear();")
        if language:
            self.set_language(language)

    def set_language(self, language):
        self.d.execute_script("localStorage.setItem('ohjaustila.language', arguments[0]);", language)

    # -- waiting --
    def wait(self, condition, timeout=10, message=""):
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.d, timeout, poll_frequency=0.05,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                             ).until(lambda d: condition(), message)

    def wait_page(self, path, timeout=10):
        """Until the router has rendered `path` (pathname)."""
        self.wait(lambda: self.d.execute_script(
            "return location.pathname === arguments[0] && document.documentElement.dataset.page === arguments[0]"
            " && !!document.querySelector('main h1')", path), timeout, f"page {path} not rendered; at {self.d.current_url}")

    def open(self, path, expect=None):
        self.d.get(self.server.base_url + path)
        self.wait_page(expect or path.split("#")[0].split("?")[0])

    # -- finding --
    def css(self, selector):
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def button(self, text, within=None):
        from selenium.webdriver.common.by import By
        root = within or self.d
        xpath = f".//button[normalize-space(.)={self._xq(text)}]"
        found = [b for b in root.find_elements(By.XPATH, xpath) if b.is_displayed()]
        if not found and within is None and self.open_menu():
            # a header button (a language, signing out) behind the phone menu: open it, as a person would
            found = [b for b in root.find_elements(By.XPATH, xpath) if b.is_displayed()]
        assert found, f"no visible button {text!r}"
        return found[0]

    def open_menu(self):
        """Open the header's phone menu ("Valikko") when it is shown and closed; True if it was opened."""
        toggles = [b for b in self.all("#menu-toggle") if b.is_displayed()]
        if not toggles or toggles[0].get_attribute("aria-expanded") == "true":
            return False
        toggles[0].click()
        self.wait(lambda: toggles[0].get_attribute("aria-expanded") == "true")
        return True

    def link(self, text):
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.XPATH, f"//a[normalize-space(.)={self._xq(text)}]")

    @staticmethod
    def _xq(text):
        if "'" not in text:
            return f"'{text}'"
        return "concat('" + text.replace("'", "', \"'\", '") + "')"

    def h1(self):
        return self.css("main h1").text

    def fill(self, name, value, within=None):
        from selenium.webdriver.common.by import By
        root = within or self.d
        field = root.find_element(By.CSS_SELECTOR, f"main [name='{name}'], dialog [name='{name}']")
        field.clear()
        field.send_keys(value)
        return field

    def text(self):
        return self.css("main").text

    def wait_text(self, fragment, timeout=10, selector="main"):
        self.wait(lambda: fragment in self.css(selector).text, timeout,
                  f"{fragment!r} not shown; main says: {self.css(selector).text[:500]!r}")

    # -- flows --
    def sign_in(self, email, password, expect="/"):
        self.open("/login")
        self.fill("email", email)
        self.fill("password", password)
        self.css("main form button[type=submit]").click()
        if expect:
            self.wait_page(expect)

    # -- accessibility --
    def axe_serious(self):
        """axe-core violations with impact serious or critical on the current page."""
        from axe_selenium_python import Axe
        axe = Axe(self.d)
        axe.inject()
        results = axe.run()
        return [v for v in results["violations"] if v.get("impact") in ("serious", "critical")], axe

    def page_problems(self, label, width=360):
        """What is wrong with the page as shown: serious or critical axe violations, and a page
        wider than `width` px (it must not scroll sideways). Each problem is one line naming `label`."""
        problems = []
        violations, axe = self.axe_serious()
        if violations:
            problems.append(f"{label}: {axe.report(violations)}")
        scroll = self.d.execute_script("return document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{label}: scrollWidth {scroll} > {width}")
        return problems

    def console_errors(self):
        """Severe browser-console entries, other than failed requests the app expects (401 /me etc.)."""
        out = []
        for entry in self.d.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            if "Failed to load resource" in entry["message"] and "/api/v1/" in entry["message"]:
                continue  # expected API answers (401 from /me when signed out, 4xx in error tests)
            out.append(entry["message"])
        return out


def phone_ui(driver, server):
    """A browser at 360 px, signed out, with nothing kept from the test before."""
    u = UI(driver, server)
    u.reset()
    u.phone()
    return u


@pytest.fixture
def ui(driver, server):
    return phone_ui(driver, server)


@pytest.fixture(scope="module")
def client_driver():
    """A second browser (its own profile: its own cookies and storage), for the client."""
    d = make_driver()
    yield d
    d.quit()


@pytest.fixture
def cui(client_driver, server):
    """The client's browser at 360 px, signed out."""
    return phone_ui(client_driver, server)


def api_session(server, who):
    """A requests.Session signed in as a demo user (sends the server's Origin on writes)."""
    import requests

    s = requests.Session()
    s.headers["Origin"] = server.base_url
    email, password = server.users[who] if isinstance(who, str) else who
    r = s.post(server.base_url + "/api/v1/auth/login", json={"email": email, "password": password})
    r.raise_for_status()
    s.user = r.json()["user"]
    return s
