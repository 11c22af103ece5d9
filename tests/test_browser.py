"""An analyst's minute, in a real browser: sign in, log evidence, assess, see it public.

Drives Debian's Chromium through Playwright (Playwright's own browser download is
not used). Screenshots of each step are saved under test-artifacts/browser/.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections

from declarations.models import Assessment, BodyKind, Evidence, Role, Status
from tests.factories import (
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    UserFactory,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
PASSWORD = "a long and unusual passphrase 7"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM),
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(15_000)
        yield page
        browser.close()
        # The test's queries ran while Playwright's event loop was running, on a
        # connection of that context: close it, or it outlives the test database.
        connections.close_all()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_analyst_logs_evidence_assesses_and_the_public_sees_it(
    live_server, browser_page
):
    commitment = CommitmentFactory(
        reference="AST2005-10b", title="Accelerate the founding of the Development Fund"
    )
    CommitmentBodyFactory(
        commitment=commitment,
        body=BodyFactory(kind=BodyKind.MEMBER_STATE, name="Republic of Kazakhstan"),
        role=Role.RESPONSIBLE,
    )
    analyst = UserFactory(username="amina", password=PASSWORD)
    analyst.groups.add(Group.objects.get(name="Analysts"))
    page = browser_page
    url = f"{live_server.url}{commitment.get_absolute_url()}"

    # 1. Sign in from the commitment page.
    page.goto(url)
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "1-login")
    page.get_by_role("button", name="Sign in").click()
    page.goto(url)
    shot(page, "2-commitment-as-analyst")

    # 2. Log evidence.
    page.get_by_role("link", name="Log evidence").click()
    page.get_by_label("Event date").fill("2015-07-10")
    page.get_by_label("Summary").fill(
        "Ufa declaration: the member states will continue to work on the Fund."
    )
    page.get_by_label("Source title").fill(
        "SCO countries to continue working on the fund"
    )
    page.get_by_label("Source publisher").fill("TASS")
    page.get_by_label("Source URL").fill("https://tass.com/economy/807813")
    page.get_by_label("Language of the source").fill("en")
    page.get_by_label("Excerpt").fill("SCO countries to continue working on the fund")
    page.get_by_label("Confidence").select_option("medium")
    shot(page, "3-evidence-form")
    page.get_by_role("button", name="Log evidence").click()
    page.wait_for_url(f"**{commitment.get_absolute_url()}#evidence-*")
    shot(page, "4-evidence-logged")
    evidence = Evidence.objects.get()
    assert evidence.logged_by == analyst

    # 3. Record an assessment resting on that evidence.
    page.get_by_role("link", name="Record an assessment").click()
    page.get_by_label("Status").select_option(Status.STALLED)
    page.get_by_label("As of").fill("2015-07-10")
    page.get_by_label("Confidence").select_option("high")
    page.get_by_label("Rationale").fill("Ten years on, no practical steps to found it.")
    page.get_by_label(evidence.event_date_display, exact=False).check()
    shot(page, "5-assessment-form")
    page.get_by_role("button", name="Record assessment").click()
    page.wait_for_url(f"**{commitment.get_absolute_url()}#assessment-*")
    shot(page, "6-assessment-recorded")
    assessment = Assessment.objects.get()
    assert assessment.status == Status.STALLED
    assert list(assessment.evidence.all()) == [evidence]

    # 4. Signed out, the public page shows the new status and the changelog entry.
    page.get_by_role("button", name="Log out").click()
    page.goto(url)
    shot(page, "7-public-page")
    status = page.locator("main").inner_text()
    assert "Stalled" in status
    assert "Ten years on, no practical steps to found it." in status
    assert "Ufa declaration" in status
    page.goto(f"{live_server.url}/commitments/?status=stalled")
    assert "AST2005-10b" in page.locator("main").inner_text()
    shot(page, "8-public-list")


def test_the_api_documentation_opens_and_runs_a_request(live_server, browser_page):
    """Swagger UI from the app's own static files, under the site's policy: every
    list is described, a request runs from the page, nothing is blocked and
    nothing is fetched from another site."""
    CommitmentFactory(reference="AST2005-05a", title="Strengthen the Secretariat")
    page = browser_page
    problems, hosts = [], set()
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("Declaration tracker API").first.wait_for()
    for path in ["/api/commitments/", "/api/evidence/", "/api/changes/"]:
        assert page.get_by_text(path, exact=True).count() >= 1, path
    shot(page, "9-api-docs")
    page.get_by_text("/api/commitments/", exact=True).first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".responses-wrapper .live-responses-table").wait_for()
    assert "AST2005-05a" in page.locator(".responses-wrapper").inner_text()
    shot(page, "10-api-docs-request")
    assert problems == []
    assert hosts == {live_server.url.split("/")[2]}
