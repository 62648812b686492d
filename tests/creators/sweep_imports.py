"""Organization A's creator import (with a row error and a remembered column mapping) for
the cross-tenant sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from creators.imports import services
from creators.models import ImportColumnMapping, ImportRowError

CSV = (
    "Zebracorn Secret Column,Platform,Handle,Followers\n"
    "Zebracorn Imported Creator,instagram,zebracorn_import_handle,1200\n"
    "Zebracorn Broken Row,instagram,zebracorn_broken_handle,zebracorn-bad-followers\n"
)


def values(tenant) -> dict:
    org = tenant.organization
    with tenant.context():
        creator_import = services.import_upload(
            organization=org,
            uploaded_by=tenant.owner,
            upload=SimpleUploadedFile("zebracorn-secret-roster.csv", CSV.encode()),
        )
        services.import_start(
            organization=org,
            creator_import=creator_import,
            mapping={"Zebracorn Secret Column": "name", "Platform": "platform",
                     "Handle": "handle", "Followers": "followers"},
            on_duplicate="update",
            started_by=tenant.owner,
        )  # fmt: skip
    # The task body, run here rather than on commit: the sweep's callers differ in whether
    # their transaction ever commits.
    services.import_run(organization=org, import_id=creator_import.pk)
    with tenant.context():
        assert ImportRowError.objects.filter(creator_import=creator_import).exists()
        assert ImportColumnMapping.objects.filter(header="zebracorn secret column").exists()
    return {
        "import_id": creator_import.pk,
        "secrets": [
            "zebracorn-secret-roster.csv", "Zebracorn Secret Column", "Zebracorn Imported Creator",
            "zebracorn-bad-followers", "zebracorn_import_handle",
        ],
    }  # fmt: skip
