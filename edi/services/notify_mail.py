from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from edi.models import Interchange
from suppliers.roles import EDI_ADMINISTRATOR


def edi_administrators():
    User = get_user_model()
    return User.objects.filter(Q(groups__name=EDI_ADMINISTRATOR) | Q(is_superuser=True), is_active=True,
                               is_staff=True).exclude(email="").distinct()


def send_interchange_alert(*, interchange_id: int, what: str) -> int:
    interchange = Interchange.objects.select_related("partner").filter(pk=interchange_id).first()
    if interchange is None:
        return 0
    recipients = list(edi_administrators().values_list("email", flat=True))
    if not recipients:
        return 0
    url = f"{settings.SITE_URL.rstrip('/')}/console/edi/interchange/{interchange.pk}/change/"
    partner = interchange.partner.code if interchange.partner_id else "unknown partner"
    if what == "rejected":
        subject = f"[Tsunagi] {partner} rejected interchange {interchange.control_number}"
        body = (f"{partner} acknowledged our interchange #{interchange.pk} (control number "
                f"{interchange.control_number}) as {interchange.ack_status}.\n\n{url}\n")
    else:
        subject = f"[Tsunagi] EDI interchange #{interchange.pk} from {partner} failed"
        body = (f"Interchange #{interchange.pk} ({interchange.get_direction_display()}, {partner}, "
                f"{interchange.document_types or interchange.filename}) failed:\n\n{interchange.error}\n\n"
                f"Look at it and reprocess it in the console:\n{url}\n")
    return send_mail(subject, body, None, recipients)
