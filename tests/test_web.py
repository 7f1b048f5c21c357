"""`handouts serve`: the web page and `POST /api/handout` make the plan file's PDF byte for byte, keep nothing,
refuse cross-site posts and oversized requests, and answer bad input with a message naming the field. The last
test drives the page in a real browser (Debian's Chromium, headless, through chromedriver)."""

from __future__ import annotations

import re
import shutil
import threading
import time
from html.parser import HTMLParser

import pikepdf
import pytest
import yaml
from click.testing import CliRunner

from handouts.cli import main
from handouts.web.app import MAX_BODY, _NoNames, create_app
from tests.conftest import CONTENT, LAYOUTS
from tests.pdfread import normalized

EPOCH = "1764547200"
PLAN = {"topic": "back-mouse", "lang": "en", "level": "easy", "layout": "leaflet", "paper": "a4",
        "patient": "Ana López", "clinician": "J. Smith, PT", "note": "Heat 15 min before the exercises",
        "exercises": [{"id": "knee-to-chest", "sets": 2, "reps": 10, "hold_seconds": 20, "per_day": 2}]}


@pytest.fixture()
def client(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return create_app(CONTENT, LAYOUTS).test_client()


def token_of(client) -> str:
    page = client.get("/").data.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def form_fields(plan: dict, token: str) -> dict[str, str]:
    fields = {"token": token, **{k: str(plan[k]) for k in ("topic", "lang", "level", "layout", "paper", "patient",
                                                           "clinician", "note")}}
    for exercise in plan["exercises"]:
        fields[f"ex-{exercise['id']}"] = "on"
        for name in ("sets", "reps", "hold_seconds", "per_day"):
            fields[f"{exercise['id']}-{name}"] = str(exercise.get(name, ""))
    return fields


def test_the_api_the_form_and_the_plan_file_make_the_same_pdf(client, tmp_path, monkeypatch):
    api = client.post("/api/handout", json=PLAN)
    assert api.status_code == 200 and api.mimetype == "application/pdf"
    assert api.headers["Cache-Control"] == "no-store"
    assert "López" not in api.headers["Content-Disposition"]
    page = client.post("/handout", data=form_fields(PLAN, token_of(client)))
    assert page.status_code == 200 and page.mimetype == "application/pdf"
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--plan", str(plan_file), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (copy,) = (tmp_path / "out").glob("*.pdf")
    assert api.data == page.data == copy.read_bytes()
    assert "Ana López" in normalized(copy) and "1. Knee to chest" in normalized(copy)


def test_the_page_writes_nothing_to_disk(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in CONTENT.rglob("*"))
    assert client.post("/api/handout", json=PLAN).status_code == 200
    assert client.post("/handout", data=form_fields(PLAN, token_of(client))).status_code == 200
    assert list(tmp_path.iterdir()) == []
    assert sorted(p for p in CONTENT.rglob("*")) == before


def test_the_api_encrypts_with_a_password(client, tmp_path):
    response = client.post("/api/handout", json={**PLAN, "password": "s3cret"})
    assert response.status_code == 200
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(response.data)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(copy)
    with pikepdf.open(copy, password="s3cret") as pdf:
        assert len(pdf.pages) > 1


@pytest.mark.parametrize("change, field", [
    ({"exercises": [{"id": "knee-to-chest", "sets": 0, "reps": 10}]}, "exercises[0].sets"),
    ({"exercises": [{"id": "knee-to-chest", "sets": 2, "reps": 500}]}, "exercises[0].reps"),
    ({"exercises": [{"id": "no-such-exercise", "sets": 2, "reps": 5}]}, "exercises[0].id"),
    ({"lang": "xx"}, "lang"),
    ({"level": "hard"}, "level"),
    ({"exercises": "bridge"}, "exercises"),
    ({"exercises": [{"id": "bridge", "sets": 2.0, "reps": 5}]}, "exercises[0].sets"),
    ({"patient": "x" * 121}, "patient"),
    ({"patient": ""}, "patient"),
    ({"patient": "Ana\x00López"}, "patient"),
])
def test_bad_api_input_is_a_json_error_naming_the_field(client, change, field):
    response = client.post("/api/handout", json={**PLAN, **change})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert f"field '{field}'" in response.json["error"]
    assert "López" not in response.json["error"]


def test_a_layout_that_cannot_carry_exercises_is_a_400_not_a_crash(client):
    response = client.post("/api/handout", json={**PLAN, "layout": "trifold"})
    assert response.status_code == 400 and "no room for exercises" in response.json["error"]
    response = client.post("/api/handout", json={**PLAN, "layout": "no-such-layout"})
    assert response.status_code == 400 and "unknown layout" in response.json["error"]


def test_bad_form_input_is_a_message_on_the_page_keeping_what_was_typed(client):
    fields = form_fields(PLAN, token_of(client))
    fields["knee-to-chest-reps"] = "500"
    response = client.post("/handout", data=fields)
    assert response.status_code == 400 and response.mimetype == "text/html"
    page = response.data.decode()
    alert = re.search(r'role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "exercises[0].reps" in alert and "knee-to-chest" in alert
    assert 'value="500"' in page and 'value="Ana López"' in page
    fields["knee-to-chest-sets"] = "two"
    assert "exercises[0].sets" in client.post("/handout", data=fields).data.decode()


def test_requests_that_are_not_json_or_too_large_are_refused(client):
    assert client.post("/api/handout", data="topic=back-mouse",
                       content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.post("/api/handout", data="{not json", content_type="application/json").status_code == 400
    big = client.post("/api/handout", json={**PLAN, "note": "x" * (MAX_BODY + 10)})
    assert big.status_code == 413 and "KiB" in big.json["error"]


def test_cross_site_posts_are_refused(client):
    fields = form_fields(PLAN, token_of(client))
    assert client.post("/handout", data={**fields, "token": "forged"}).status_code == 403
    assert client.post("/handout", data=fields, headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/handout", data=fields, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post("/api/handout", json=PLAN, headers={"Origin": "https://evil.example"}).status_code == 403
    ok = client.post("/handout", data=fields, headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 200


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.labels: set[str] = set()
        self.forms: list[dict] = []
        self.fieldsets: list[dict] = []
        self.html: dict = {}
        self.viewport = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif tag == "form":
            self.forms.append(a)
        elif tag == "fieldset":
            self.fieldsets.append(a)
        elif tag == "html":
            self.html = a
        elif tag == "meta" and a.get("name") == "viewport":
            self.viewport = True


def test_the_page_is_labelled_and_takes_the_languages_direction(client):
    parser = _Page()
    response = client.get("/?lang=ar")
    parser.feed(response.data.decode())
    assert parser.html.get("lang") == "en" and parser.viewport
    assert parser.controls and all(c.get("id") in parser.labels for c in parser.controls)
    assert [f["method"] for f in parser.forms] == ["get", "post"]   # the name only ever travels in a POST body
    assert {"lang": "ar", "dir": "rtl"} in [{k: f.get(k) for k in ("lang", "dir")} for f in parser.fieldsets]
    assert "script" not in response.headers["Content-Security-Policy"] or \
        "script-src" not in response.headers["Content-Security-Policy"]
    assert "<script" not in response.data.decode()


def test_the_preview_is_the_html_twin(client):
    response = client.get("/preview?topic=back-mouse&lang=ar&level=easy")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'dir="rtl"' in response.data.decode()
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/preview?topic=nope&lang=en&level=easy").status_code == 404


def test_the_log_drops_query_strings():
    import logging

    # werkzeug's request line: '<address> - - [<date>] "%s" %s %s' % (request line, status, size)
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '127.0.0.1 - - [date] "%s" %s %s',
                               ("GET /preview?topic=back-mouse HTTP/1.1", "200", "-"), None)
    _NoNames().filter(record)
    assert "?" not in record.getMessage() and "GET /preview HTTP/1.1" in record.getMessage()
    coloured = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s %s',   # errors are coloured
                                 ("\x1b[33mGET /preview?lang=ar HTTP/1.1\x1b[0m", "404", "-"), None)
    _NoNames().filter(coloured)
    assert "lang=ar" not in coloured.getMessage()


def test_serve_binds_to_localhost_unless_told(monkeypatch):
    calls = []
    monkeypatch.setattr("handouts.web.app.serve", lambda app, host, port: calls.append((host, port)))
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0 and "other computers can reach the page" in result.output
    assert calls == [("127.0.0.1", 8000), ("0.0.0.0", 8123)]


# --- a real browser -------------------------------------------------------------------------------------------

def _browser() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.mark.skipif(_browser() is None, reason="no Chromium and chromedriver (Debian: apt-get install chromium "
                                               "chromium-driver; .ci/run installs them when it can)")
def test_a_browser_fills_the_form_and_downloads_the_same_pdf(tmp_path, monkeypatch):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from werkzeug.serving import make_server

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    app = create_app(CONTENT, LAYOUTS)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    chromium, driver_path = _browser()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--user-data-dir={tmp_path / 'profile'}", "--window-size=420,900"):   # a phone's width
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True})
    browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        browser.get(base + "/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Make a patient's copy"
        # the page fits a phone: nothing wider than the window
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        Select(browser.find_element(By.ID, "level")).select_by_value("easy")
        browser.find_element(By.ID, "patient").send_keys(PLAN["patient"])
        browser.find_element(By.ID, "clinician").send_keys(PLAN["clinician"])
        browser.find_element(By.ID, "note").send_keys(PLAN["note"])
        browser.find_element(By.ID, "ex-knee-to-chest").click()
        for name in ("sets", "reps", "hold_seconds", "per_day"):
            field = browser.find_element(By.ID, f"knee-to-chest-{name}")
            field.clear()
            field.send_keys(str(PLAN["exercises"][0][name]))
        browser.find_element(By.ID, "make").click()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = [p for p in downloads.glob("*.pdf")]
            if done and not list(downloads.glob("*.crdownload")):
                break
            time.sleep(0.2)
        (pdf,) = downloads.glob("*.pdf")
        assert "López" not in pdf.name
        expected = create_app(CONTENT, LAYOUTS).test_client().post("/api/handout", json=PLAN).data
        assert pdf.read_bytes() == expected
        # bad input: the message is on the page, and the browser stays on it
        browser.get(base + "/")
        browser.find_element(By.ID, "patient").send_keys("Ana López")
        browser.find_element(By.ID, "ex-bridge").click()
        reps = browser.find_element(By.ID, "bridge-reps")
        reps.clear()
        reps.send_keys("500")
        browser.find_element(By.ID, "make").click()
        # the answer is a new page: wait for it (a loaded machine may take seconds to render it)
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        error = WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.ID, "error")))
        assert "exercises[0].reps" in error.text
    finally:
        browser.quit()
        server.shutdown()
        thread.join(timeout=5)
