"""Plan to report in a real browser: a goal, a campaign, a Google Ads export imported, ROAS
on the dashboard with its drill-down, a weekly report scheduled and received over SMTP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tandem.accounts import Role
from tandem.jobs.runtime import Worker, run_pending
from tandem.report.delivery import SEND_DUE_REPORTS
from tandem.storage.queue import enqueue
from tests.browser.test_roles import sign_in
from tests.support.world import PERSONAS
from tests.web.conftest import make_settings

pytestmark = pytest.mark.browser
EXPORT = Path(__file__).parents[1] / "data" / "spend" / "google_ads.csv"


def test_goal_campaign_import_roas_and_a_scheduled_report(
    browser, live_server, db, world, tmp_path, smtp_server
):
    ws = world.acme.slug
    base = f"{live_server}/w/{ws}"
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, PERSONAS[Role.MARKETER])

    page.goto(f"{base}/plan/spend")
    page.locator("#p-currency").fill("EUR")
    page.locator("form[action$='/plan/settings']").get_by_role(
        "button", name="Save"
    ).click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{base}/plan/goals")
    page.locator("#g-name").fill("500 qualified leads")
    page.locator("#g-metric").select_option("conversions")
    page.locator("#g-target").fill("500")
    page.locator("#g-start").fill("2026-11-01")
    page.locator("#g-deadline").fill("2027-01-31")
    page.get_by_role("button", name="Create goal").click()
    page.wait_for_url("**/plan/goals/*")

    page.goto(f"{base}/plan/campaigns")
    page.locator("#c-name").fill("Spring Launch")
    page.locator("#c-goal").select_option(label="500 qualified leads")
    page.locator("#c-start").fill("2026-11-01")
    page.locator("#c-end").fill("2026-11-30")
    page.locator("#c-budget").fill("3000")
    page.locator("#c-currency").fill("EUR")
    page.get_by_role("button", name="Create campaign").click()
    page.wait_for_url("**/plan/campaigns/*")

    page.goto(f"{base}/plan/spend")
    page.locator("#s-file").set_input_files(str(EXPORT))
    page.locator("#s-preset").select_option("google_ads")
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("networkidle")
    assert "4 lines added" in page.content()

    page.get_by_role("link", name="Dashboard").first.click()
    page.wait_for_url(f"{base}/dashboard")
    page.locator("input[name=since]").fill("2026-11-01")
    page.locator("input[name=until]").fill("2026-11-30")
    page.locator("select[name=campaign]").select_option(label="Spring Launch")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/dashboard?*campaign=*")
    roas = page.locator("[data-section=campaign_roi] [data-figure=roas] dd a")
    assert roas.inner_text() == "2.95"  # 650.00 / 220.00
    page.locator("[data-section=campaign_roi] .plot-area .main-svg").first.wait_for()
    roas.click()
    page.wait_for_url("**/plan/spend?campaign=*")
    assert "Spring Launch - Search" in page.content()
    assert "Brand Terms" not in page.content()

    page.goto(f"{base}/reports")
    page.get_by_label("Title").fill("Spring Launch weekly")
    page.get_by_label("Campaign ROI").check()
    page.get_by_label("Goals", exact=True).check()
    page.locator("select[name=filter_campaign]").select_option(label="Spring Launch")
    page.get_by_label("Schedule").select_option("weekly")
    page.get_by_label("Recipients (one address a line)").fill("client@acme.test")
    page.get_by_role("button", name="Create report").click()
    page.wait_for_url("**/reports?notice=created")
    cells = page.locator("tr[data-report] td")
    assert cells.nth(2).inner_text() == "campaign: Spring Launch"
    assert cells.nth(3).inner_text() == "weekly"

    world.clock.advance(days=7)  # Monday 9 Nov: the report is due at 08:00 Paris
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    with db.session() as s:
        enqueue(s, SEND_DUE_REPORTS, {}, now=world.clock.now())
    run_pending(
        Worker(database=db, settings=settings, clock=world.clock, publish=False)
    )
    message = smtp_server.inbox.wait_for(1)[0]
    assert message["To"] == "client@acme.test"
    assert message["Subject"].startswith(
        "Spring Launch weekly (2026-11-02 to 2026-11-08)"
    )
    files = {
        p.get_filename(): p.get_payload(decode=True)
        for p in message.walk()
        if p.get_filename()
    }
    pdf = files["spring-launch-weekly-2026-11-02-2026-11-08.pdf"]
    text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(pdf))
    assert "Spring Launch weekly" in text and "ROAS" in text
    assert "Filters: campaign: Spring Launch" in text
    csvs = zipfile.ZipFile(
        io.BytesIO(files["spring-launch-weekly-2026-11-02-2026-11-08-csv.zip"])
    )
    campaigns = csvs.read("campaign_roi-campaigns.csv").decode("utf-8-sig")
    assert (
        "Spring Launch,99.5," in campaigns
    )  # only 2 Nov of the export falls in that week
