"""The current Greenhouse form in real Chromium, as the browser driver meets it: the comboboxes'
options exist only once opened, the résumé goes in through the Attach button's file chooser, a
missing answer shows inline, and the script's POST lands on "Thank you for applying" with one
Submission on the board. The job list and the form are also looked at at a phone's width and a
desktop's: nothing scrolls sideways (BOARD_SCREENSHOTS_DIR keeps screenshots)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.demo_board.visitors import RESUME, RESUME_SHA256, unique_email, unique_number

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def chromium():
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


def test_fill_and_submit(board, chromium, tmp_path):
    path, email = f"/greenhouse/acme-robotics/jobs/{unique_number()}", unique_email()
    resume = tmp_path / "ada-lovelace.pdf"
    resume.write_bytes(RESUME)
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(board.url + path)

    page.get_by_label("First Name").fill("Ada")
    page.get_by_label("Last Name").fill("Lovelace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone").fill("20 7946 0000")
    assert page.locator("#country-listbox").count() == 0
    page.locator("#country").click()
    page.get_by_role("option", name="United Kingdom +44").click()
    assert page.locator("#country").text_content() == "United Kingdom +44"
    assert page.locator("#country-listbox").count() == 0
    with page.expect_file_chooser() as chooser:
        page.locator("button.attach[data-input=resume]").click()
    chooser.value.set_files(resume)
    assert page.locator("#resume-filename").text_content() == "ada-lovelace.pdf"

    # The required question left open: an inline error, nothing sent.
    page.get_by_role("button", name="Submit application").click()
    page.locator("#question_2-error").wait_for()
    assert board.submissions(path) == []

    authorized = page.get_by_role("combobox", name="Are you legally authorized")
    assert authorized.get_attribute("aria-expanded") == "false"
    authorized.click()
    assert authorized.get_attribute("aria-expanded") == "true"
    assert page.locator("#question_2-listbox [role=option]").all_text_contents() == ["Yes", "No"]
    page.get_by_role("option", name="Yes", exact=True).click()
    assert authorized.input_value() == "Yes"
    veteran = page.locator("#veteran_status")
    veteran.press_sequentially("wish")  # typing opens and filters the list
    page.get_by_role("option", name="I don't wish to answer").click()
    page.get_by_role("button", name="Submit application").click()

    page.wait_for_url(board.url + path + "/confirmation")
    assert page.locator("h1").text_content() == "Thank you for applying"
    (submission,) = board.submissions(path)
    assert submission["values"]["question_2"] == "Yes"
    assert submission["values"]["country"] == "United Kingdom +44"
    assert submission["values"]["veteran_status"] == "I don't wish to answer"
    assert submission["files"][0]["sha256"] == RESUME_SHA256
    assert submission["files"][0]["name"] == "ada-lovelace.pdf"
    assert errors == []
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_pages_fit_the_screen(board, chromium, size):
    folder = os.environ.get("BOARD_SCREENSHOTS_DIR")
    page = chromium.new_page(viewport=SIZES[size])
    for name, link in (
        ("job-list", "/"),
        ("greenhouse", f"/greenhouse/acme-robotics/jobs/{unique_number()}"),
        ("lever-captcha", "/lever/wayne/7d2e9a41-5b3c-4f8e-a6d1-0c9b8e7f6a52/apply"),
        ("careers", f"/careers/hooli/{unique_number()}"),
        ("ashby", "/ashby/umbrella/c4a8e2f0-1b3d-4e5f-8a9b-6c7d0e1f2a3b/application"),
        ("embed", f"/greenhouse/embed/job_app?for=globex&token={unique_number()}"),
    ):
        page.goto(board.url + link)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {size} size"
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{size}.png", full_page=True)
    page.close()
