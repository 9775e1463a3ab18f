"""Attachments: stored outside the web root under MEDIA_ROOT with a random name, refused when the
content is not what the name says or too large, served only to the buyer side and the notice's
own supplier, as a download the browser must not sniff."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suppliers.quality.models import NoticeAttachment
from tests.conftest import login, make_user
from tests.quality.conftest import HTML_AS_PDF, PDF, PNG, upload


def test_buyer_attachment_is_stored_outside_the_web_root(tenant_a, raise_notice, settings):
    notice = raise_notice(tenant_a, attachments=[upload("../../../static/evil.pdf", PDF)])
    attachment = notice.attachments.get()
    assert attachment.name == "evil.pdf" and attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF) and len(attachment.sha256) == 64
    stored = attachment.file.path
    assert stored.startswith(str(settings.MEDIA_ROOT / "quality" / str(notice.pk)))
    assert stored.endswith(".pdf") and "evil" not in stored and ".." not in stored
    assert Path(stored).read_bytes() == PDF


def test_supplier_downloads_its_notices_attachment(tenant_a, raise_notice):
    notice = raise_notice(tenant_a, attachments=[upload("AOI result 写真.png", PNG)])
    attachment = notice.attachments.get()
    response = login(tenant_a.member).get(reverse("quality:attachment", args=[notice.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''AOI%20result%20%E5%86%99%E7%9C%9F.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_another_supplier_gets_404_for_the_attachment(tenant_a, tenant_b, raise_notice):
    notice = raise_notice(tenant_a, attachments=[upload("report.pdf", PDF)])
    attachment = notice.attachments.get()
    other_notice = raise_notice(tenant_b)
    client = login(tenant_b.member)
    assert client.get(reverse("quality:attachment", args=[notice.pk, attachment.pk])).status_code == 404
    # its own notice id with the other notice's attachment id
    assert client.get(reverse("quality:attachment", args=[other_notice.pk, attachment.pk])).status_code == 404


def test_buyer_side_downloads_in_the_console_and_others_do_not(tenant_a, raise_notice, engineer, buyer, db):
    notice = raise_notice(tenant_a, attachments=[upload("report.pdf", PDF)])
    attachment = notice.attachments.get()
    url = reverse("admin:quality_attachment_download", args=[notice.pk, attachment.pk])
    for user in (engineer, buyer):
        response = login(user).get(url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    # staff without the permission: nothing
    stranger = make_user("intern@tsunagi.test", staff=True)
    assert login(stranger).get(url).status_code == 404
    # a supplier user is not let into the console at all
    response = login(tenant_a.member).get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_no_url_serves_media(tenant_a, raise_notice, client):
    notice = raise_notice(tenant_a, attachments=[upload("report.pdf", PDF)])
    relative = notice.attachments.get().file.name
    for prefix in ("/media/", "/static/", "/"):
        assert login(tenant_a.member).get(prefix + relative).status_code == 404
    assert NoticeAttachment.objects.count() == 1


def answer_post(client, notice, discipline, files):
    return client.post(reverse("quality:answer", args=[notice.pk, discipline]),
                       {f"d{discipline}-text": "Containment: 200 pcs sorted", f"d{discipline}-attachments": files})


def test_supplier_attaches_evidence_to_an_answer(tenant_a, raise_notice):
    notice = raise_notice(tenant_a)
    response = answer_post(login(tenant_a.member), notice, 1, [
        SimpleUploadedFile("sort report.pdf", PDF, "application/pdf"), SimpleUploadedFile("bench.png", PNG, "image/png")])
    assert response.status_code == 302
    names = sorted(notice.attachments.values_list("name", "side", "step__discipline"))
    assert names == [("bench.png", "supplier", 1), ("sort report.pdf", "supplier", 1)]


def test_html_renamed_pdf_is_refused_and_nothing_is_saved(tenant_a, raise_notice):
    notice = raise_notice(tenant_a)
    response = answer_post(login(tenant_a.member), notice, 1,
                           [SimpleUploadedFile("report.pdf", HTML_AS_PDF, "application/pdf")])
    assert response.status_code == 400
    assert "is not what its name says" in response.content.decode()
    assert not notice.attachments.exists()
    assert notice.steps.get(discipline=1).status == "pending"


def test_oversize_is_refused(tenant_a, raise_notice, settings):
    settings.QUALITY_ATTACHMENT_MAX_BYTES = 1024
    notice = raise_notice(tenant_a)
    big = PDF + b"0" * 2048
    response = answer_post(login(tenant_a.member), notice, 1, [SimpleUploadedFile("big.pdf", big, "application/pdf")])
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not notice.attachments.exists()


def test_console_upload_checks_content_too(tenant_a, raise_notice, engineer):
    notice = raise_notice(tenant_a)
    url = reverse("admin:quality_attachment_add", args=[notice.pk])
    client = login(engineer)
    client.post(url, {"attachments": [SimpleUploadedFile("x.pdf", HTML_AS_PDF)]})
    assert not notice.attachments.exists()
    client.post(url, {"attachments": [SimpleUploadedFile("x.pdf", PDF)]})
    assert notice.attachments.get().side == "buyer"
