"""The creator import end to end, through the pages: upload, mapping and preview, the task
(run eagerly on commit), progress, results, the errors CSV; who may do what; and another
organization's import."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creators.imports import services
from creators.imports.reading import MAX_UPLOAD_BYTES
from creators.models import (
    Creator,
    CreatorImport,
    ImportColumnMapping,
    ImportRowError,
    RateCardItem,
    SocialAccount,
)
from kolhub.models import Role
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db

HAPPY_CSV = (
    "Name,Email,Role,Credentials,Niches,Country,Platform,Instagram handle,Follower count,"
    "Engagement rate (%),Audience countries,Audience gender,Rate post\n"
    'Dr Ana Lee,ana@derm.test,KOL,MD,skincare;acne,us,instagram,@AnaLee,"12,000",3.2%,'
    "US:40;GB:20,female:70;male:30,1200\n"
    "Dr Ana Lee,ana@derm.test,,,,,TikTok,analee,5000,8,,,\n"
    "Ben Okafor,,influencer,,fitness|running,GB,youtube,benruns,250000,1.5,,,900.50\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def url(name: str, tenant, *args) -> str:
    return reverse(name, args=[tenant.organization.slug, *args])


def upload(client, tenant, content: bytes, name: str = "roster.csv"):
    return client.post(url("creator_imports", tenant), {"file": SimpleUploadedFile(name, content)})


def uploaded(tenant) -> CreatorImport:
    with tenant.context():
        return CreatorImport.objects.order_by("-id").first()


def mapping_data(client, tenant, creator_import, overrides=None, on_duplicate="update") -> dict:
    """The mapping form as the page pre-fills it, with `overrides` {header: field}."""
    response = client.get(url("creator_import_mapping", tenant, creator_import.pk))
    assert response.status_code == 200
    form = response.context["form"]
    mapping = {**form.current_mapping(), **(overrides or {})}
    data = {f"column_{i}": mapping[h] for i, h in enumerate(form.headers)}
    return {**data, "on_duplicate": on_duplicate, "action": "start"}


def run_import(client, tenant, content: bytes, *, name="roster.csv", overrides=None,
               on_duplicate="update", capture) -> CreatorImport:  # fmt: skip
    response = upload(client, tenant, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    creator_import = uploaded(tenant)
    data = mapping_data(client, tenant, creator_import, overrides, on_duplicate)
    with capture(execute=True):
        response = client.post(url("creator_import_mapping", tenant, creator_import.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == url("creator_import_detail", tenant, creator_import.pk)
    with tenant.context():
        creator_import.refresh_from_db()
    return creator_import


def errors_of(tenant, creator_import) -> list[tuple[int, str, str, str]]:
    with tenant.context():
        return [
            (e.line, e.column, e.value, e.reason)
            for e in ImportRowError.objects.filter(creator_import=creator_import)
        ]


def test_happy_path_csv(tenant_a, django_capture_on_commit_callbacks):
    client = tenant_a.client(Role.MEMBER)
    creator_import = run_import(
        client, tenant_a, HAPPY_CSV.encode(), capture=django_capture_on_commit_callbacks
    )
    assert creator_import.status == CreatorImport.Status.DONE, creator_import.failure
    assert (creator_import.total_rows, creator_import.processed_rows) == (3, 3)
    assert (creator_import.created_count, creator_import.updated_count) == (3, 0)
    assert (creator_import.skipped_count, creator_import.error_count) == (0, 0)
    assert creator_import.started_by == tenant_a.member
    with tenant_a.context():
        ana = Creator.objects.get(name="Dr Ana Lee")
        assert ana.role == "kol" and ana.credentials == "MD"
        assert ana.credential_status == "unverified"  # creators.services' rule
        assert ana.country == "US" and ana.niches == ["skincare", "acne"]
        assert sorted(ana.platforms) == ["instagram", "tiktok"] and ana.followers == 17_000
        instagram = SocialAccount.objects.get(platform="instagram", handle="analee")
        assert instagram.followers == 12_000 and str(instagram.engagement_rate) == "3.20"
        assert instagram.audience_countries == {"US": 40.0, "GB": 20.0}
        assert instagram.audience_gender == {"female": 70.0, "male": 30.0}
        assert set(instagram.provenance) == {
            "followers", "engagement_rate", "audience_countries", "audience_gender",
        }  # fmt: skip
        assert {p["source"] for p in instagram.provenance.values()} == {"import"}
        assert RateCardItem.objects.get(creator=ana, deliverable="post").amount == 1200
        ben = Creator.objects.get(name="Ben Okafor")
        assert ben.niches == ["fitness", "running"] and ben.min_rate == 900.5
        # What a row leaves out takes the model's defaults.
        assert (ben.email, ben.status, ben.rate_currency) == ("", "prospect", "USD")
        assert ben.credential_status == "none" and ben.years_experience is None
        tiktok = SocialAccount.objects.get(platform="tiktok")
        assert (tiktok.url, tiktok.audience_countries, tiktok.brands_mentioned) == ("", {}, [])
        assert tiktok.avg_views is None and tiktok.external_id == ""
        assert Creator.objects.count() == 2 and SocialAccount.objects.count() == 3

    page = client.get(url("creator_import_detail", tenant_a, creator_import.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Import finished" in body and "Every row passed the checks" in body
    assert "hx-trigger" not in body


def test_happy_path_xlsx(tenant_a, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Full name", "Platform", "Username", "Followers", "ER", "Years of experience"])
    sheet.append(["Dr Kofi Mensah", "Instagram", "@KofiMD", 48000, 2.75, 12])
    sheet.append(["Lena Novak", "tiktok", "lenamoves", 1500.0, 9, None])
    sheet.append([None, None, None, None, None, None])  # a blank row is not a row
    sheet.append(["Ivan Petrov", "youtube", "ivanlifts", -3, 1, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    creator_import = run_import(
        tenant_a.client(), tenant_a, buffer.getvalue(), name="roster.xlsx",
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert creator_import.status == CreatorImport.Status.DONE, creator_import.failure
    assert (creator_import.created_count, creator_import.error_count) == (2, 1)
    assert creator_import.total_rows == 3
    assert errors_of(tenant_a, creator_import) == [(5, "Followers", "-3", "-3 is negative.")]
    with tenant_a.context():
        kofi = SocialAccount.objects.get(handle="kofimd")
        assert kofi.followers == 48_000 and str(kofi.engagement_rate) == "2.75"
        assert kofi.creator.years_experience == 12
        assert SocialAccount.objects.get(handle="lenamoves").followers == 1500


@pytest.mark.parametrize(
    "encoding,prefix", [("utf-8", b"\xef\xbb\xbf"), ("latin-1", b""), ("cp1252", b"")]
)
def test_bom_and_latin1_files(tenant_a, django_capture_on_commit_callbacks, encoding, prefix):
    text = "Name,Platform,Handle,City\nJosé Müller,instagram,josemuller,Zürich\n"
    if encoding == "cp1252":
        text = text.replace("Zürich", "Zürich – “Altstadt”")
    creator_import = run_import(
        tenant_a.client(), tenant_a, prefix + text.encode(encoding),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert creator_import.status == CreatorImport.Status.DONE, creator_import.failure
    assert creator_import.mapping["Name"] == "name"  # the BOM is not part of the header
    with tenant_a.context():
        creator = Creator.objects.get()
    assert creator.name == "José Müller"
    assert creator.city.startswith("Zürich")
    if encoding == "cp1252":
        assert creator.city == "Zürich – “Altstadt”"


BAD_CSV = (
    "Name,Email,Role,Platform,Handle,Profile URL,Country,Followers,Engagement rate,"
    "Audience countries,Audience ages\n"
    "Good One,good@x.test,kol,instagram,goodone,https://instagram.com/goodone,US,1000,2,,\n"  # 2
    "Neg,,,instagram,neg,,,-50,,,\n"  # 3
    "Word,,,instagram,word,,,lots,,,\n"  # 4
    "Pct,,,instagram,pct,,,,101,,\n"  # 5
    "Shares,,,instagram,shares,,,,,US:70;GB:40,\n"  # 6
    "Plat,,,myspace,plat,,,,,,\n"  # 7
    "Rol,,wizard,instagram,rol,,,,,,\n"  # 8
    "Mail,not-an-email,,instagram,mail,,,,,,\n"  # 9
    "Link,,,instagram,link,http://,,,,,\n"  # 10
    "Land,,,instagram,land,,Narnia,,,,\n"  # 11
    "Dup,,,Instagram,@GoodOne,,,,,,\n"  # 12
    ",,,instagram,noname,,,,,,\n"  # 13
    "Ages,,,instagram,ages,,,,,,18-24:50;25-34:60\n"  # 14
    "Good Two,,,tiktok,goodone,,,,,,\n"  # 15: same handle, other platform: fine
    "Extra,,,instagram,extra,,,,,,,surplus\n"  # 16
)


def test_every_bad_input_is_reported_with_line_column_value_reason(
    tenant_a, django_capture_on_commit_callbacks
):
    creator_import = run_import(
        tenant_a.client(), tenant_a, BAD_CSV.encode(), capture=django_capture_on_commit_callbacks
    )
    assert creator_import.status == CreatorImport.Status.DONE, creator_import.failure
    errors = errors_of(tenant_a, creator_import)
    expected = [
        (3, "Followers", "-50", "-50 is negative."),
        (4, "Followers", "lots", "'lots' is not a whole number."),
        (5, "Engagement rate", "101", "101% is outside 0–100%."),
        (6, "Audience countries", "US:70;GB:40", "The shares add up to 110%, over 100%."),
        (7, "Platform", "myspace", "Unknown platform"),
        (8, "Role", "wizard", "Unknown role"),
        (9, "Email", "not-an-email", "Not a valid email address."),
        (10, "Profile URL", "http://", "Not a valid web address"),
        (11, "Country", "Narnia", "Not an ISO 3166-1 alpha-2 country code"),
        (12, "Handle", "@GoodOne", "Duplicate of line 2: instagram @goodone"),
        (13, "Name", "", "A name is required."),
        (14, "Audience ages", "18-24:50;25-34:60", "The shares add up to 110%, over 100%."),
        (16, "", "surplus", "This row has 12 cells but the header has 11"),
    ]
    assert len(errors) == len(expected), errors
    for (line, column, value, reason), error in zip(expected, errors, strict=True):
        assert error[:3] == (line, column, value), error
        assert error[3].startswith(reason), error
    assert creator_import.error_count == len(expected)
    assert creator_import.created_count == 2
    with tenant_a.context():
        assert sorted(Creator.objects.values_list("name", flat=True)) == ["Good One", "Good Two"]


def test_missing_required_columns_refuse_the_mapping(tenant_a):
    client = tenant_a.client()
    upload(client, tenant_a, b"Creator,Network,Followers\nAna,instagram,100\n")
    creator_import = uploaded(tenant_a)
    data = mapping_data(client, tenant_a, creator_import)
    response = client.post(url("creator_import_mapping", tenant_a, creator_import.pk), data)
    assert response.status_code == 400
    assert "Map a column to each required field" in response.content.decode()
    assert "Missing: Handle." in response.content.decode()
    with tenant_a.context():
        creator_import.refresh_from_db()
        assert creator_import.status == CreatorImport.Status.UPLOADED
        with pytest.raises(services.ValidationError, match="Missing: Handle"):
            services.import_start(
                organization=tenant_a.organization, creator_import=creator_import,
                mapping={"Creator": "name", "Network": "platform"}, on_duplicate="update",
                started_by=tenant_a.owner,
            )  # fmt: skip


def test_two_columns_for_one_field_refuse_the_mapping(tenant_a):
    client = tenant_a.client()
    upload(client, tenant_a, b"Name,Platform,Handle,Followers,Subs\nA,x,a,1,2\n")
    creator_import = uploaded(tenant_a)
    data = mapping_data(client, tenant_a, creator_import, {"Subs": "followers"})
    response = client.post(url("creator_import_mapping", tenant_a, creator_import.pk), data)
    assert response.status_code == 400
    assert "both map to Followers" in response.content.decode()


@pytest.mark.parametrize("on_duplicate", ["update", "skip"])
def test_duplicates_update_or_skip(tenant_a, django_capture_on_commit_callbacks, on_duplicate):
    with tenant_a.context():
        existing = make_creator(
            tenant_a.organization, name="Old Name", niches=["old"],
            accounts=[{"platform": "instagram", "handle": "dupe", "followers": 100}],
        )  # fmt: skip
    content = (
        b"Name,Platform,Handle,Followers,Niches,Rate post\n"
        b"New Name,instagram,DUPE,999,,150\n"
        b"Fresh,instagram,fresh,5,,\n"
    )
    creator_import = run_import(
        tenant_a.client(), tenant_a, content, on_duplicate=on_duplicate,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert creator_import.status == CreatorImport.Status.DONE
    with tenant_a.context():
        existing.refresh_from_db()
        account = SocialAccount.objects.get(handle="dupe")
        assert SocialAccount.objects.filter(handle="dupe").count() == 1
        if on_duplicate == "update":
            assert (creator_import.updated_count, creator_import.skipped_count) == (1, 0)
            assert existing.name == "New Name" and account.followers == 999
            assert existing.niches == ["old"]  # an empty cell erases nothing
            assert existing.followers == 999  # derived fields refreshed
            assert account.provenance["followers"]["source"] == "import"
            assert RateCardItem.objects.get(creator=existing).amount == 150
        else:
            assert (creator_import.updated_count, creator_import.skipped_count) == (0, 1)
            assert existing.name == "Old Name" and account.followers == 100
            assert account.provenance["followers"]["source"] == "manual"
            assert not RateCardItem.objects.filter(creator=existing).exists()
        assert creator_import.created_count == 1


def test_rows_with_the_same_name_and_email_are_one_creator(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_a.context():
        earlier = make_creator(
            tenant_a.organization, name="Mia Chen", email="MIA@chen.test", accounts=[]
        )
    content = (
        b"Name,Email,Platform,Handle\n"
        b"mia chen,mia@chen.test,instagram,mia.ig\n"  # the roster's Mia: same name and email
        b"Sam Roe,sam@roe.test,instagram,sam1\n"
        b"Sam Roe,sam@roe.test,tiktok,sam1\n"  # the file's Sam, twice
        b"Jo,,instagram,jo1\n"
        b"Jo,,tiktok,jo1\n"  # no email: two creators
        b"Sam Roe,other@roe.test,x,sam1\n"  # another email: another creator
    )
    run_import(tenant_a.client(), tenant_a, content, capture=django_capture_on_commit_callbacks)
    with tenant_a.context():
        assert list(earlier.accounts.values_list("handle", flat=True)) == ["mia.ig"]
        assert Creator.objects.filter(name="Sam Roe").count() == 2
        assert Creator.objects.get(email="sam@roe.test").accounts.count() == 2
        assert Creator.objects.filter(name="Jo").count() == 2


def test_errors_csv_never_returns_a_formula(tenant_a, django_capture_on_commit_callbacks):
    content = (
        b'Name,Platform,Handle,Followers,=HYPERLINK("http://evil.test")\n'
        b"Evil,instagram,evil,=cmd|' /C calc'!A0,\n"
        b"Plus,instagram,plus,+1+2,\n"
        b"At,instagram,at,@SUM(1),\n"
    )
    creator_import = run_import(
        tenant_a.client(), tenant_a, content,
        overrides={'=HYPERLINK("http://evil.test")': "notes"},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert creator_import.error_count == 3
    response = tenant_a.client(Role.VIEWER).get(
        url("creator_import_errors_csv", tenant_a, creator_import.pk)
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["line", "column", "value", "reason"]
    assert rows[1][:3] == ["2", "Followers", "'=cmd|' /C calc'!A0"]
    assert rows[2][2] == "'+1+2" and rows[3][2] == "'@SUM(1)"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_mapping_is_remembered_per_organization(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    content = b"Who,Network,IG name,Subs on IG,Internal code\nAna,instagram,ana,10,X1\n"
    run_import(
        tenant_a.client(), tenant_a, content,
        overrides={"Who": "name", "Network": "platform", "IG name": "handle",
                   "Subs on IG": "followers"},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    with tenant_a.context():
        assert ImportColumnMapping.objects.get(header="subs on ig").field == "followers"
        assert ImportColumnMapping.objects.get(header="internal code").field == ""

    again = b"  who ,NETWORK,IG Name,subs ON ig,Internal Code,Followers\nBo,x,bo,1,Y,2\n"
    client = tenant_a.client()
    upload(client, tenant_a, again)
    form = client.get(url("creator_import_mapping", tenant_a, uploaded(tenant_a).pk)).context[
        "form"
    ]
    assert form.current_mapping() == {
        "who": "name", "NETWORK": "platform", "IG Name": "handle", "subs ON ig": "followers",
        "Internal Code": "",
        "Followers": "",  # followers is taken by the remembered column
    }  # fmt: skip

    # Another organization remembers nothing of A's choices.
    client_b = tenant_b.client()
    upload(client_b, tenant_b, again)
    form_b = client_b.get(url("creator_import_mapping", tenant_b, uploaded(tenant_b).pk)).context[
        "form"
    ]
    assert form_b.current_mapping()["subs ON ig"] == ""
    assert form_b.current_mapping()["Followers"] == "followers"


def test_a_file_over_50_mb_is_refused(tenant_a):
    big = b"Name,Platform,Handle\n" + b"x" * (51 * 1024 * 1024)
    assert len(big) > MAX_UPLOAD_BYTES
    response = upload(tenant_a.client(), tenant_a, big)
    assert response.status_code == 400
    body = response.content.decode()
    assert "51.0 MB; the limit is 50 MB" in body
    with tenant_a.context():
        assert not CreatorImport.objects.exists()


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"", "empty.csv", "is empty"),
        (b"Name,Platform,Handle\n", "header.csv", "no rows under it"),
        (b"Name,,Handle\na,b,c\n", "gap.csv", "Column 2 has no header"),
        (b"Name,Handle,name\na,b,c\n", "twice.csv", "Two columns are called"),
        (b"\xd0\xcf\x11\xe0", "old.xls", "Excel 97"),
        (b"PK\x03\x04not really", "fake.xlsx", "could not be opened"),
        (b"%PDF-1.4", "brief.pdf", "Upload a .csv or .xlsx file"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(tenant_a, content, name, message):
    response = upload(tenant_a.client(), tenant_a, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_viewer_sees_but_cannot_upload_start_or_retry(tenant_a):
    creator_import = _uploaded_import(tenant_a)
    viewer = tenant_a.client(Role.VIEWER)
    page = viewer.get(url("creator_imports", tenant_a))
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    assert creator_import.original_name in page.content.decode()
    assert upload(viewer, tenant_a, HAPPY_CSV.encode()).status_code == 403
    mapping_url = url("creator_import_mapping", tenant_a, creator_import.pk)
    page = viewer.get(mapping_url)
    assert page.status_code == 200 and "Start import" not in page.content.decode()
    assert viewer.post(mapping_url, {"action": "start"}).status_code == 403
    assert viewer.post(url("creator_import_retry", tenant_a, creator_import.pk)).status_code == 403
    with tenant_a.context():
        assert CreatorImport.objects.count() == 1
        creator_import.refresh_from_db()
        assert creator_import.status == CreatorImport.Status.UPLOADED


def _uploaded_import(tenant, content: bytes = HAPPY_CSV.encode()) -> CreatorImport:
    with tenant.context():
        return services.import_upload(
            organization=tenant.organization, uploaded_by=tenant.owner,
            upload=SimpleUploadedFile("secret-list.csv", content),
        )  # fmt: skip


def test_progress_partial_polls_until_done(tenant_a):
    creator_import = _uploaded_import(tenant_a)
    with tenant_a.context():
        CreatorImport.objects.filter(pk=creator_import.pk).update(
            status=CreatorImport.Status.RUNNING, total_rows=3, processed_rows=2, created_count=2,
            mapping={"Name": "name", "Platform": "platform", "Instagram handle": "handle"},
        )  # fmt: skip
    client = tenant_a.client(Role.VIEWER)
    progress_url = url("creator_import_progress", tenant_a, creator_import.pk)
    response = client.get(progress_url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # a partial
    assert 'hx-trigger="every 1s"' in body and f'hx-get="{progress_url}"' in body
    assert 'value="67"' in body and "2 of 3 rows" in body
    assert "Download errors" not in body

    services.import_run(organization=tenant_a.organization, import_id=creator_import.pk)
    body = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in body  # polling stops
    assert "Import finished" in body and 'value="100"' in body


def test_summary_lists_the_first_100_errors_and_links_the_csv(
    tenant_a, django_capture_on_commit_callbacks
):
    rows = "".join(f"N{i},instagram,h{i},-{i + 1}\n" for i in range(120))
    creator_import = run_import(
        tenant_a.client(), tenant_a, ("Name,Platform,Handle,Followers\n" + rows).encode(),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert creator_import.error_count == 120
    page = tenant_a.client(Role.VIEWER).get(
        url("creator_import_detail", tenant_a, creator_import.pk)
    )
    body = page.content.decode()
    assert body.count("is negative.") == 100
    assert "The first 100 of 120" in body
    assert url("creator_import_errors_csv", tenant_a, creator_import.pk) in body
    response = tenant_a.client().get(url("creator_import_errors_csv", tenant_a, creator_import.pk))
    assert len(response.content.decode().strip().splitlines()) == 121


def test_upload_page_lists_past_imports(tenant_a, tenant_b):
    _uploaded_import(tenant_a)
    page = tenant_a.client().get(url("creator_imports", tenant_a))
    assert page.status_code == 200
    body = page.content.decode()
    assert "secret-list.csv" in body and "Waiting for column mapping" in body
    assert "Upload and map columns" in body
    other = tenant_b.client().get(url("creator_imports", tenant_b)).content.decode()
    assert "secret-list.csv" not in other and "No imports yet" in other


def test_other_orgs_import_not_accessible(tenant_a, tenant_b):
    creator_import = _uploaded_import(tenant_a)
    outsider = tenant_b.client(Role.OWNER)
    for name in ("creator_import_mapping", "creator_import_detail", "creator_import_progress",
                 "creator_import_errors_csv"):  # fmt: skip
        # Through B's own URL with A's import id, and through A's URL: 404 both ways.
        response = outsider.get(url(name, tenant_b, creator_import.pk))
        assert response.status_code == 404, name
        assert "secret-list.csv" not in response.content.decode()
        assert outsider.get(url(name, tenant_a, creator_import.pk)).status_code == 404
    for name in ("creator_import_mapping", "creator_import_retry"):
        assert outsider.post(url(name, tenant_b, creator_import.pk)).status_code == 404
    with tenant_b.context(), pytest.raises(services.ValidationError):
        services.import_retry(organization=tenant_b.organization, creator_import=creator_import)


def test_a_crash_mid_file_fails_the_import_and_a_retry_does_not_duplicate(
    tenant_a, django_capture_on_commit_callbacks, monkeypatch
):
    from creators.imports import writing

    monkeypatch.setattr(services, "BATCH_ROWS", 2)
    calls = {"n": 0}
    real_refresh = writing.refresh_derived

    def crash_on_second_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real_refresh(**kwargs)

    monkeypatch.setattr(writing, "refresh_derived", crash_on_second_batch)
    content = "Name,Platform,Handle,Followers\n" + "".join(
        f"Creator {i},instagram,c{i},{i if i != 4 else 'bad'}\n" for i in range(1, 6)
    )
    creator_import = run_import(
        tenant_a.client(), tenant_a, content.encode(), capture=django_capture_on_commit_callbacks
    )
    assert creator_import.status == CreatorImport.Status.FAILED
    assert "lines 4–5" in creator_import.failure and "database went away" in creator_import.failure
    assert "Rows before line 4 were imported" in creator_import.failure
    assert (creator_import.processed_rows, creator_import.created_count) == (2, 2)
    with tenant_a.context():
        assert SocialAccount.objects.count() == 2  # the first batch landed, the second did not
        assert not ImportRowError.objects.exists()  # line 5's error went with its batch
    page = tenant_a.client().get(url("creator_import_detail", tenant_a, creator_import.pk))
    assert "database went away" in page.content.decode() and "Retry" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_a.client().post(url("creator_import_retry", tenant_a, creator_import.pk))
    assert response.status_code == 302
    with tenant_a.context():
        creator_import.refresh_from_db()
        assert creator_import.status == CreatorImport.Status.DONE, creator_import.failure
        assert creator_import.processed_rows == creator_import.total_rows == 5
        assert (creator_import.created_count, creator_import.error_count) == (4, 1)
        assert SocialAccount.objects.count() == 4
        assert sorted(SocialAccount.objects.values_list("handle", flat=True)) == [
            "c1", "c2", "c3", "c5"
        ]  # fmt: skip
        assert Creator.objects.count() == 4
        assert errors_of(tenant_a, creator_import) == [
            (5, "Followers", "bad", "'bad' is not a whole number.")
        ]
    # A finished import is left alone by another run (a redelivered task).
    assert services.import_run(organization=tenant_a.organization, import_id=creator_import.pk) == (
        CreatorImport.Status.DONE
    )
    with tenant_a.context():
        assert SocialAccount.objects.count() == 4


def test_a_resumed_run_still_catches_duplicates_of_imported_rows(tenant_a, monkeypatch):
    monkeypatch.setattr(services, "BATCH_ROWS", 1)
    content = b"Name,Platform,Handle\nA,instagram,same\nB,tiktok,other\nC,instagram,same\n"
    creator_import = _uploaded_import(tenant_a, content)
    with tenant_a.context():
        services.import_start(
            organization=tenant_a.organization, creator_import=creator_import,
            mapping={"Name": "name", "Platform": "platform", "Handle": "handle"},
            on_duplicate="update", started_by=tenant_a.owner,
        )  # fmt: skip
        # As if a worker died after committing the first two rows.
        CreatorImport.objects.filter(pk=creator_import.pk).update(status="running")
    services.import_run(organization=tenant_a.organization, import_id=creator_import.pk)
    with tenant_a.context():
        CreatorImport.objects.filter(pk=creator_import.pk).update(
            status="running", processed_rows=2, created_count=2
        )
        ImportRowError.objects.all().delete()
    services.import_run(organization=tenant_a.organization, import_id=creator_import.pk)
    assert errors_of(tenant_a, creator_import) == [
        (4, "Handle", "same", "Duplicate of line 2: instagram @same is already in this file.")
    ]


def test_start_enqueues_the_task_only_on_commit(tenant_a, django_capture_on_commit_callbacks):
    creator_import = _uploaded_import(tenant_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, tenant_a.context():
        services.import_start(
            organization=tenant_a.organization, creator_import=creator_import,
            mapping={"Name": "name", "Platform": "platform", "Instagram handle": "handle"},
            on_duplicate="skip", started_by=tenant_a.member,
        )  # fmt: skip
    assert len(callbacks) == 1
    with tenant_a.context():
        creator_import.refresh_from_db()
        assert creator_import.status == CreatorImport.Status.QUEUED
        assert not SocialAccount.objects.exists()
        with pytest.raises(services.ValidationError, match="already been started"):
            services.import_start(
                organization=tenant_a.organization, creator_import=creator_import,
                mapping={}, on_duplicate="skip", started_by=tenant_a.member,
            )  # fmt: skip


def test_mapping_page_prefills_and_previews(tenant_a):
    content = (
        b"Creator Name,E-mail,Network,TikTok handle,Followers (total),Notes\n"
        b"<script>alert(1)</script>,x@y.test,tiktok,@Scripty,-1,hello\n"
        b"Fine,,tiktok,fine,10,\n"
    )
    creator_import = _uploaded_import(tenant_a, content)
    client = tenant_a.client()
    response = client.get(url("creator_import_mapping", tenant_a, creator_import.pk))
    body = response.content.decode()
    assert response.context["form"].current_mapping() == {
        "Creator Name": "name", "E-mail": "email", "Network": "platform",
        "TikTok handle": "handle", "Followers (total)": "followers", "Notes": "notes",
    }  # fmt: skip
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "-1 is negative." in body  # the cell's error, in the preview
    assert "scripty" in body  # the handle as it will be stored
    assert "Error: skipped" in body and "New" in body

    # Changing a select asks htmx for just the preview.
    data = mapping_data(client, tenant_a, creator_import, {"Followers (total)": ""})
    data["action"] = "preview"
    partial = client.post(
        url("creator_import_mapping", tenant_a, creator_import.pk), data, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200
    text = partial.content.decode()
    assert "<html" not in text and "-1 is negative." not in text and "Line" in text
    with tenant_a.context():
        creator_import.refresh_from_db()
        assert creator_import.status == CreatorImport.Status.UPLOADED


def test_mapping_page_of_a_started_import_is_read_only(
    tenant_a, django_capture_on_commit_callbacks
):
    creator_import = run_import(
        tenant_a.client(), tenant_a, HAPPY_CSV.encode(), capture=django_capture_on_commit_callbacks
    )
    client = tenant_a.client()
    response = client.get(url("creator_import_mapping", tenant_a, creator_import.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "has already started" in body and "disabled" in body and "Start import" not in body
    data = mapping_data(client, tenant_a, creator_import)
    again = client.post(url("creator_import_mapping", tenant_a, creator_import.pk), data)
    assert again.status_code == 400 and "already been started" in again.content.decode()
