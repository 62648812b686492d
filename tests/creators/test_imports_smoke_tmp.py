import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from creators.imports import services, selectors
from creators.models import Creator, SocialAccount, CreatorImport, ImportRowError

pytestmark = pytest.mark.django_db

CSV = (
    "Name,Email,Platform,Instagram handle,Follower count,ER,Audience countries,Niches,Rate post\n"
    "Dr Ana Lee,ana@x.test,instagram,@AnaLee,12000,3.2%,US:40;GB:20,skincare;derm,1200\n"
    "Dr Ana Lee,ana@x.test,tiktok,analee,5000,8,,skincare,\n"
    "Bob,,instagram,bob,-5,150,US:80;GB:40,,\n"
    "Carl,,myspace,carl,abc,,,,\n"
    "Dup,,instagram,analee,1,,,,\n"
)


def test_smoke(tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    org = tenant_a.organization
    with tenant_a.context():
        imp = services.import_upload(organization=org, uploaded_by=tenant_a.owner,
                                     upload=SimpleUploadedFile("r.csv", CSV.encode()))
        sample = selectors.import_sample(organization=org, creator_import=imp)
        mapping = selectors.import_mapping_initial(organization=org, headers=sample.headers)
        print(mapping)
        prev = selectors.import_preview(organization=org, sample=sample, mapping=mapping, on_duplicate="update")
        for r in prev:
            print(r.line, r.outcome, [(c.label, c.text, c.error) for c in r.cells], r.other_errors)
        services.import_start(organization=org, creator_import=imp, mapping=mapping, on_duplicate="update", started_by=tenant_a.owner)
    print(services.import_run(organization=org, import_id=imp.pk))
    with tenant_a.context():
        imp.refresh_from_db()
        print(imp.status, imp.failure, imp.total_rows, imp.processed_rows, imp.created_count, imp.updated_count, imp.error_count)
        for e in ImportRowError.objects.all():
            print(e.line, e.column, e.value, e.reason)
        for c in Creator.objects.all():
            print(c.name, c.email, c.followers, c.platforms, c.niches, c.min_rate, c.audience_countries)
        for a in SocialAccount.objects.all():
            print(a.platform, a.handle, a.followers, a.engagement_rate, a.provenance)
