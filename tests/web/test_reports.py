"""Report pages: build a report from sections, errors name the field, white-label upload,
download the PDF, send now; an analyst only reads."""

from __future__ import annotations

from tandem.accounts import Role
from tests.integration.test_reports import PNG_1PX
from tests.web.conftest import csrf_of


def test_a_marketer_builds_a_branded_report_and_downloads_it(client_as, world):
    c = client_as(Role.MARKETER)
    base = f"/w/{world.acme.slug}/reports"
    token = csrf_of(c.get(base).text)
    assert 'name="csrf_token" value=""' not in c.get(base).text  # every form carries it
    bad = c.post(
        base,
        data={
            "csrf_token": token,
            "title": "Weekly",
            "schedule": "weekly",
            "recipients": "",
            "sections": "goals",
        },
    )
    assert bad.status_code == 422
    assert (
        'data-error-field="recipients"' in bad.text
        and "needs at least one address" in bad.text
    )
    created = c.post(
        base,
        data={
            "csrf_token": token,
            "title": "Weekly ROI",
            "schedule": "weekly",
            "recipients": "client@acme.test",
            "sections": ["goals", "campaign_roi"],
            "period_days": "7",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    branded = c.post(
        f"{base}/branding",
        data={
            "csrf_token": token,
            "agency_name": "Northwind",
            "primary_colour": "#123456",
            "accent_colour": "#654321",
        },
        files={"logo": ("logo.png", PNG_1PX, "image/png")},
        follow_redirects=False,
    )
    assert branded.status_code == 303
    page = c.get(base).text
    assert (
        "Weekly ROI" in page
        and "client@acme.test" in page
        and 'value="#123456"' in page
    )
    data = c.get(f"{base}?format=json").json()
    report = data["reports"][0]
    assert (
        report["sections"] == ["goals", "campaign_roi"] and data["branding"]["has_logo"]
    )
    pdf = c.get(f"{base}/{report['id']}/download?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad_logo = c.post(
        f"{base}/branding",
        data={
            "csrf_token": token,
            "primary_colour": "#123456",
            "accent_colour": "#654321",
        },
        files={"logo": ("x.svg", b"<svg/>", "image/svg+xml")},
    )
    assert bad_logo.status_code == 422 and 'data-error-field="logo"' in bad_logo.text
    queued = c.post(
        f"{base}/{report['id']}/send",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert queued.status_code == 303 and "queued" in queued.headers["location"]


def test_an_analyst_reads_reports_but_cannot_build_them(client_as, world):
    c = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/reports"
    page = c.get(base)
    assert page.status_code == 200 and "New report" not in page.text
    token = csrf_of(page.text)
    assert c.post(base, data={"csrf_token": token, "title": "x"}).status_code == 403


def test_the_builder_sets_filters_that_apply_to_every_section(client_as, world, db):
    import io
    import zipfile

    import pypdfium2 as pdfium
    from sqlalchemy import update

    from tandem.publish.store import PublishedPostRow

    c = client_as(Role.SOCIAL_MANAGER)
    slug = world.acme.slug
    token = csrf_of(c.get(f"/w/{slug}/create/pillars").text)
    c.post(
        f"/w/{slug}/create/pillars",
        data={"csrf_token": token, "name": "Education", "colour": "#2f7d6d"},
    )
    page = c.get(f"/w/{slug}/reports").text
    pillar_id = page.split('name="filter_pillar"')[1].split('<option value="')[2][:32]
    with db.session() as s:  # two of acme's five posts are Education
        s.execute(
            update(PublishedPostRow)
            .where(PublishedPostRow.platform_post_id.in_(["acme-1", "acme-2"]))
            .values(pillar_id=pillar_id)
        )
    base = f"/w/{slug}/reports"
    token = csrf_of(page)
    bad = c.post(
        base,
        data={
            "csrf_token": token,
            "title": "Education",
            "sections": "social_performance",
            "filter_account": "not-an-account",
        },
    )
    assert bad.status_code == 422 and 'data-error-field="account"' in bad.text
    created = c.post(
        base,
        data={
            "csrf_token": token,
            "title": "Education on X",
            "sections": ["social_performance", "social_pillars"],
            "filter_pillar": pillar_id,
            "filter_platform": "x",
            "filter_account": world.acme_account_id,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text[:300]
    listed = c.get(base).text
    assert "pillar: Education" in listed and "platform: x" in listed
    report_id = listed.split('data-report="')[1].split('"')[0]
    zipped = c.get(f"{base}/{report_id}/download?format=csv").content
    figures = (
        zipfile.ZipFile(io.BytesIO(zipped)).read("figures.csv").decode("utf-8-sig")
    )
    posts = next(line for line in figures.splitlines() if ",Posts," in line)
    assert posts.split(",")[2] == "2"  # only the pillar's posts, in every section
    pillars = (
        zipfile.ZipFile(io.BytesIO(zipped))
        .read("social_pillars-by_pillar.csv")
        .decode("utf-8-sig")
    )
    assert [line.split(",")[0] for line in pillars.strip().splitlines()[1:]] == [
        "Education"
    ]
    pdf = c.get(f"{base}/{report_id}/download?format=pdf").content
    first = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "Filters: campaign" not in first
    assert "platform: x" in first and "pillar: Education" in first
