"""The site in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven by selenium)
against `dailycast serve` over a folder made by a real publish of two short episodes (tone voices).

Screenshots go to tests/artifacts/browser/ (ignored by git), so CI can keep them. Without Chromium
these tests are skipped with the command that installs it; everything else still runs.
"""

from __future__ import annotations

import base64
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
import requests

from pipeline import runner
from pipeline.config import load_config
from tests.conftest import REPO, register_tones, show_config, write_config
from tests.loopback import background_process, free_port

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
DAY_ONE, DAY_TWO = date(2026, 11, 30), date(2026, 12, 1)
PAGE = f"episodes/{DAY_TWO}.html"
INSTALL = "headless Chromium is not installed: apt-get install -y chromium chromium-driver"


def _webdriver():
    try:
        from selenium import webdriver
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[dev]'")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(INSTALL)
    return webdriver


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The base URL of `dailycast serve` (its own process) over a freshly published two-episode site."""
    _webdriver()
    tmp = tmp_path_factory.mktemp("browser-site")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with pytest.MonkeyPatch.context() as patch:
        hosts = register_tones(patch, {"Oliver": 150, "Shelby": 240})
        config = load_config(write_config(tmp, show_config(tmp, hosts=hosts, publish={"base_url": url})))
        for day in (DAY_ONE, DAY_TWO):
            runner.run_day(config, day)
    serving = tmp / "serving"
    serving.mkdir()
    config_path = write_config(serving, show_config(tmp, publish={"base_url": url}))  # the same folder
    command = [sys.executable, "-m", "pipeline.cli", "--config", str(config_path), "serve", "--host", "127.0.0.1",
               "--port", str(port)]

    def ready() -> bool:
        requests.head(url, timeout=1)
        return True

    with background_process(command, ready, name="dailycast serve", log=tmp / "serve.log", timeout=30):
        yield url


def _driver(javascript: bool = True):
    webdriver = _webdriver()
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="dailycast-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--autoplay-policy=no-user-gesture-required", "--hide-scrollbars", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)  # never Selenium Manager
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    emulate(driver, 1280, 900, dark=False)
    return driver, profile


@pytest.fixture(scope="module")
def browser(base):
    driver, profile = _driver()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def emulate(driver, width: int, height: int, dark: bool) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    # One call sets every feature (each call replaces the list). Reduced motion: the stylesheet's smooth
    # scrolling would still be moving when selenium clicks what it scrolled to.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "dark" if dark else "light"},
        {"name": "prefers-reduced-motion", "value": "reduce"}]})


def screenshot(driver, name: str, full: bool = True) -> Path:
    """A PNG of the whole page (selenium's own screenshot holds the viewport only)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    params: dict = {"format": "png", "captureBeyondViewport": full}
    if full:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}
    path = ARTIFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", params)["data"]))
    return path


def wait(driver, condition, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def player(driver, expression: str):
    return driver.execute_script(f"var a = document.getElementById('player'); return {expression};")


def problems(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def open_episode(driver, base: str) -> None:
    driver.get(base + PAGE)
    wait(driver, lambda d: player(d, "a.readyState") >= 1)  # HAVE_METADATA: seekable
    player(driver, "(a.muted = true)")


def test_the_index_page_is_served_at_the_root_and_copies_the_feed_url(browser, base):
    from selenium.webdriver.common.by import By

    emulate(browser, 1280, 900, dark=False)
    browser.get(base)
    assert browser.find_element(By.TAG_NAME, "h1").text == "The Daily Circuit"
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".episode-card h3 a")]
    assert links == [base + f"episodes/{DAY_TWO}.html", base + f"episodes/{DAY_ONE}.html"]
    assert browser.execute_script("return document.querySelector('img.cover').naturalWidth") == 480
    copy = browser.find_element(By.CSS_SELECTOR, "button.copy")
    assert copy.is_displayed()  # the script showed it
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": base.rstrip("/"),
                                                          "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    copy.click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".copy-status").text == "Feed URL copied")
    assert browser.execute_script("return navigator.clipboard.readText()") == base + "feed.xml"
    assert problems(browser) == []
    screenshot(browser, "index-desktop-light")
    emulate(browser, 390, 844, dark=True)
    browser.get(base)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(browser, "index-phone-dark")


def test_clicking_a_chapter_seeks_the_player_there(browser, base):
    from selenium.webdriver.common.by import By

    emulate(browser, 1280, 900, dark=False)
    open_episode(browser, base)
    chapters = browser.find_elements(By.CSS_SELECTOR, ".chapters a.seek")
    assert len(chapters) >= 3
    second = chapters[2]  # the second story: well into the episode
    start = float(second.get_attribute("data-start"))
    assert start > 30
    second.click()
    wait(browser, lambda d: player(d, "a.currentTime") >= start - 0.05)
    position = player(browser, "a.currentTime")
    assert start - 0.05 <= position < start + 3, position
    assert browser.current_url == base + PAGE  # the player seeked; the browser did not open the MP3
    wait(browser, lambda d: d.execute_script(
        "var c = document.querySelector('.chapters a[aria-current]'); return c && c.dataset.start") == second.get_attribute("data-start"))
    assert problems(browser) == []


def test_the_cue_being_spoken_is_highlighted_while_playing(browser, base):
    from selenium.webdriver.common.by import By

    emulate(browser, 1280, 900, dark=False)
    open_episode(browser, base)
    cues = browser.find_elements(By.CSS_SELECTOR, "li.cue")
    assert len(cues) > 10
    cue, following = cues[5], cues[6]
    end = float(cue.get_attribute("data-end"))
    cue.find_element(By.CSS_SELECTOR, ".text").click()  # a click on the line plays from its start
    current = "var c = document.querySelector('.cue[aria-current]'); return c && c.dataset.start"
    wait(browser, lambda d: d.execute_script(current) == cue.get_attribute("data-start"))
    assert not player(browser, "a.paused") and player(browser, "a.muted")
    screenshot(browser, "episode-desktop-light-playing", full=False)
    highlighted = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", cue)
    plain = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", following)
    assert highlighted != plain
    player(browser, f"(a.currentTime = {max(0.0, end - 0.4)})")  # near its end: playback carries on to the next
    wait(browser, lambda d: d.execute_script(current) == following.get_attribute("data-start"), timeout=10)
    assert player(browser, "a.currentTime") >= float(following.get_attribute("data-start"))
    assert browser.find_elements(By.CSS_SELECTOR, ".cue[aria-current]") == [following]
    player(browser, "a.pause()")
    assert problems(browser) == []


def test_the_episode_page_screenshots_light_dark_and_phone(browser, base):
    for width, height, dark, name in ((1280, 900, False, "episode-desktop-light"), (390, 844, True, "episode-phone-dark")):
        emulate(browser, width, height, dark)
        open_episode(browser, base)
        start = browser.execute_script("return document.querySelectorAll('li.cue')[3].dataset.start")
        player(browser, f"(a.currentTime = {start} + 0.2)")  # paused on the fourth line: it is highlighted
        wait(browser, lambda d: d.execute_script("return !!document.querySelector('.cue[aria-current]')"))
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), name
        screenshot(browser, name)


def test_without_javascript_everything_reads_and_times_link_to_the_audio(base):
    from selenium.webdriver.common.by import By

    driver, profile = _driver(javascript=False)
    try:
        driver.get(base + PAGE)
        assert not driver.find_element(By.CSS_SELECTOR, ".transcript .hint").is_displayed()
        chapter = driver.find_elements(By.CSS_SELECTOR, ".chapters a.seek")[1]
        assert ".mp3#t=" in chapter.get_attribute("href")
        assert driver.find_element(By.ID, "player").get_attribute("controls") == "true"
        assert all(cue.is_displayed() for cue in driver.find_elements(By.CSS_SELECTOR, "li.cue .text"))
        driver.get(base)
        assert not driver.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()
        assert driver.find_element(By.ID, "feed-url").get_attribute("value") == base + "feed.xml"
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
