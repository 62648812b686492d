"""Contract PDFs: (a) render + seal one signed contract, warm (the contract text, its
signature page and its certificate of completion, laid out by WeasyPrint and sealed
PAdES B-B by pyHanko, exactly what the worker does, without the database writes);
(b) 200 completed contracts through real Celery workers, end to end (task, render, seal,
storage, register, completion emails): once with 1 worker, once with 2.

Figures: render_seal_median_s (target <= 0.3 s), per_min_1_worker, per_min_2_workers, and
scaling = per_min_2_workers / per_min_1_worker (2.0 would be perfect on 2 cores)."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import bench_database, setup_django

CONTRACTS = 200
WARM_ROUNDS = 20
ROOT = Path(__file__).resolve().parent.parent

# Set before Django loads: the bench enqueues to real workers, never runs tasks inline.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"kolhub-bench-{os.getpid()}")
WORK = Path(tempfile.mkdtemp(prefix="kolhub-bench-pdf-"))
os.environ["MEDIA_ROOT"] = str(WORK / "media")


def database_url() -> str:
    from django.db import connection

    from kolhub.devstack import database_url as url_of

    return url_of(connection.settings_dict)


def seed(organization_count: int = 1):
    """One brand with an admin signer and CONTRACTS completed contracts, made through the
    services (their PDFs queued, which the bench purges and re-enqueues per run)."""
    from django.utils import timezone

    from campaigns import services as campaign_services
    from campaigns.models import Collaboration
    from campaigns.pipeline import Stage
    from contracts import services
    from contracts.models import Contract
    from contracts.services.common import Actor
    from contracts.terms import ContractTerms
    from creators import services as creator_services
    from kolhub import services as kolhub_services
    from kolhub.models import Membership, Role, User
    from kolhub.tenancy.context import tenant_context

    owner = User.objects.create_user(
        email="owner@bench.test", first_name="Olive", last_name="Owner"
    )
    organization = kolhub_services.organization_create(
        name="Bench Brand", owner=owner, slug="bench-brand"
    )
    today = timezone.localdate()
    brand = Actor(label="Olive Owner", user=owner, ip_address="203.0.113.1", user_agent="Bench/1")
    creator_actor = Actor(label="creator", ip_address="198.51.100.1", user_agent="Phone/1")
    with tenant_context(organization):
        assert Membership.objects.get(user=owner).role == Role.OWNER
        campaign = campaign_services.campaign_create(
            organization=organization, data={"name": "Bench launch"}
        )
        creators = [
            creator_services.creator_create(
                organization=organization,
                data={"name": f"Creator {n}", "role": "kol"},
                accounts=[],
                rates={},
            )
            for n in range(CONTRACTS)
        ]
        campaign_services.collaborations_add(
            organization=organization,
            campaign=campaign,
            creator_ids=[c.pk for c in creators],
            added_by=owner,
        )
    contracts = []
    for n, collaboration_id in enumerate(
        _collaboration_ids(organization, Collaboration, tenant_context)
    ):
        with tenant_context(organization):
            collaboration = Collaboration.objects.get(pk=collaboration_id)
            for stage in (Stage.INVITED, Stage.NEGOTIATING, Stage.AGREED):
                campaign_services.collaboration_transition(
                    organization=organization,
                    collaboration=collaboration,
                    to_stage=stage,
                    by=owner,
                )
            terms = ContractTerms.from_json(_terms(owner, f"Creator {n}", today))
            contract = services.contract_create(
                organization=organization, collaboration=collaboration, terms=terms, actor=brand
            )
            contract = services.contract_send(
                organization=organization, contract=contract, actor=brand
            )
            brand_signer = contract.signers.get(party="brand")
            services.contract_sign(
                organization=organization,
                contract=contract,
                signer=brand_signer,
                typed_name="Olive Owner",
                consent=True,
                document_sha256=contract.document_sha256,
                actor=brand,
                user=owner,
            )
            creator_signer = contract.signers.get(party="creator")
            token = services.signer_link_issue(organization=organization, signer=creator_signer)
            services.contract_sign(
                organization=organization,
                contract=contract,
                signer=creator_signer,
                typed_name=f"Creator {n}",
                consent=True,
                document_sha256=contract.document_sha256,
                actor=creator_actor,
                token=token,
            )
            contracts.append(Contract.objects.get(pk=contract.pk))
        if n % 50 == 49:
            print(f"seeded {n + 1}/{CONTRACTS} completed contracts", flush=True)
    return organization, contracts


def _collaboration_ids(organization, Collaboration, tenant_context) -> list[int]:  # noqa: N803
    with tenant_context(organization):
        return list(Collaboration.objects.order_by("id").values_list("id", flat=True))


def _terms(owner, creator_name: str, start) -> dict:
    from datetime import timedelta

    return {
        "parties": {
            "brand_name": "Bench Brand",
            "brand_signer_name": "Olive Owner",
            "brand_signer_email": owner.email,
            "brand_signer_title": "Owner",
            "creator_name": creator_name,
            "creator_email": "creator@bench.test",
        },
        "campaign_name": "Bench launch",
        "deliverables": [
            {
                "platform": "instagram",
                "type": "Reel",
                "quantity": 2,
                "due_date": (start + timedelta(days=14)).isoformat(),
            },
            {
                "platform": "tiktok",
                "type": "Video",
                "quantity": 1,
                "due_date": (start + timedelta(days=28)).isoformat(),
            },
        ],
        "fee_amount": "5000",
        "fee_currency": "USD",
        "commission_percent": "10",
        "payment_schedule": [
            {"percent": "50", "trigger": "signature", "net_days": 15},
            {"percent": "50", "trigger": "publication", "net_days": 30},
        ],
        "usage_rights": {
            "duration_days": 90,
            "channels": ["Instagram", "TikTok"],
            "paid_amplification": True,
        },
        "exclusivity": {"categories": ["skincare"], "duration_days": 60},
        "start_date": start.isoformat(),
        "governing_law": "the State of New York",
    }


def warm_render_seal(organization, contract) -> tuple[float, int]:
    from pypdf import PdfReader

    from contracts import rendering, seal, selectors
    from kolhub.tenancy.context import tenant_context

    key = seal.seal_key()
    with tenant_context(organization):
        pages = selectors.contract_pdf_pages(
            organization=organization, contract=contract, seal_key=key
        )
    samples = []
    pdf = b""
    for n in range(WARM_ROUNDS + 3):
        start = time.perf_counter()
        pdf = seal.seal_pdf(rendering.pdf_render(pages), reason="bench")
        if n >= 3:  # the first rounds load fonts and caches
            samples.append(time.perf_counter() - start)
    import io

    return statistics.median(samples), len(PdfReader(io.BytesIO(pdf)).pages)


def reset_pdfs(organization) -> None:
    from django.core.files.storage import default_storage

    from contracts.models import Contract, IssuedDocument, PdfStatus
    from kolhub.tenancy.context import tenant_context

    IssuedDocument.objects.filter(organization=organization).delete()
    with tenant_context(organization):
        for contract in Contract.objects.exclude(pdf_file=""):
            default_storage.delete(contract.pdf_file.name)
        Contract.objects.update(
            pdf_status=PdfStatus.QUEUED,
            pdf_file="",
            pdf_sha256="",
            pdf_attempts=0,
            pdf_sealed_at=None,
        )


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    from kolhub.celery import app

    names, procs = [], []
    for n in range(count):
        name = f"bench-{n}-{uuid.uuid4().hex[:6]}@localhost"
        names.append(name)
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "kolhub",
                    "worker",
                    "--pool",
                    "solo",
                    "-n",
                    name,
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                    "-Q",
                    env["CELERY_TASK_DEFAULT_QUEUE"],
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=(WORK / f"worker-{n}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 90
    for name in names:
        while not app.control.ping(destination=[name], timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit(f"worker {name} did not start; see {WORK}")
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def through_workers(organization, contracts, workers: int, env: dict) -> float:
    from contracts.models import Contract, PdfStatus
    from contracts.tasks import render_contract_pdf_task
    from kolhub.celery import app
    from kolhub.tenancy.context import tenant_context

    reset_pdfs(organization)
    app.control.purge()
    procs = start_workers(workers, env)
    try:
        start = time.perf_counter()
        for contract in contracts:
            render_contract_pdf_task.apply_async(args=[organization.pk, contract.pk])
        while True:
            with tenant_context(organization):
                done = Contract.objects.filter(pdf_status=PdfStatus.READY).count()
            if done >= len(contracts):
                break
            if time.perf_counter() - start > 1800:
                raise SystemExit(f"only {done}/{len(contracts)} PDFs after 30 min; see {WORK}")
            time.sleep(0.1)
        seconds = time.perf_counter() - start
    finally:
        stop_workers(procs)
    print(f"{len(contracts)} PDFs through {workers} worker(s) in {seconds:.1f} s", flush=True)
    return seconds


def main() -> None:
    setup_django()
    from django.conf import settings

    from contracts.seal import DEV_PASSPHRASE, dev_certificate_create
    from kolhub.celery import app

    app.conf.task_always_eager = False
    seal_path = WORK / "bench-seal.p12"
    dev_certificate_create(path=seal_path, common_name="KOL Hub bench seal")
    settings.CONTRACTS_SEAL_PKCS12_PATH = str(seal_path)
    settings.CONTRACTS_SEAL_PKCS12_PASSPHRASE = DEV_PASSPHRASE
    settings.MEDIA_ROOT = str(WORK / "media")

    with bench_database("contract_pdf"):
        print(f"seeding {CONTRACTS} completed contracts", flush=True)
        organization, contracts = seed()
        median, pages = warm_render_seal(organization, contracts[0])
        print(f"render + seal, warm: median {median * 1000:.0f} ms ({pages} pages)", flush=True)
        env = dict(
            os.environ,
            DATABASE_URL=database_url(),
            DJANGO_SETTINGS_MODULE="kolhub.settings.test",
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
            MEDIA_ROOT=str(WORK / "media"),
            CONTRACTS_SEAL_PKCS12_PATH=str(seal_path),
            CONTRACTS_SEAL_PKCS12_PASSPHRASE=DEV_PASSPHRASE,
        )
        one = through_workers(organization, contracts, 1, env)
        two = through_workers(organization, contracts, 2, env)
        app.control.purge()
    per_min_1 = round(CONTRACTS / one * 60, 1)
    per_min_2 = round(CONTRACTS / two * 60, 1)
    print(
        json.dumps(
            {
                "benchmark": "contract_pdf",
                "contracts": CONTRACTS,
                "pages": pages,
                "render_seal_median_s": round(median, 3),
                "per_min_1_worker": per_min_1,
                "per_min_2_workers": per_min_2,
                "scaling": round(per_min_2 / per_min_1, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
