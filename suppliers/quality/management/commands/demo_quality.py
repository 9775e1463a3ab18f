"""Demo quality notices (after ``manage.py demo``): one open notice per supplier against its latest
received ASN, with D1–D3 answered and D1 accepted. Idempotent: suppliers with a notice are skipped."""

from __future__ import annotations

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from suppliers.audit import Actor
from suppliers.models import DespatchAdvice, Supplier
from suppliers.quality.models import DefectCode, QualityNotice
from suppliers.quality.services import quality_notice_raise, step_answer, step_review

CASES = [
    ("SOLDER", "major", "Solder bridges at AOI", "12 of 50 boards sampled show solder bridges between adjacent pins."),
    ("DIM", "critical", "Height out of tolerance", "Measured 1.32 mm against 1.20 ± 0.05 mm on the drawing."),
    ("LABEL", "minor", "Reel labels without date code", "Three reels arrived without the date code on the label."),
]


class Command(BaseCommand):
    help = "Raise a demo quality notice per supplier, partly answered."

    def handle(self, *args, **options):
        for i, supplier in enumerate(Supplier.objects.order_by("code")):
            if QualityNotice.objects.filter(supplier=supplier).exists():
                continue
            advice = (DespatchAdvice.objects.filter(supplier=supplier, status=DespatchAdvice.Status.RECEIVED)
                      .order_by("-ship_date").first())
            if advice is None:
                continue
            line = advice.lines.select_related("part").prefetch_related("lots").first()
            code, severity, title, description = CASES[i % len(CASES)]
            with transaction.atomic():
                notice = quality_notice_raise(
                    supplier=supplier, part=line.part, defect_code=DefectCode.objects.get(code=code),
                    rejected_quantity=min(line.quantity, Decimal(200)), severity=severity, title=title,
                    description=description, actor=Actor.system("demo"),
                    lot=line.lots.all()[0].lot if line.lots.all() else "", advice=advice,
                    receipt=advice.receipts.first(),
                )
                member = supplier.memberships.filter(is_active=True).select_related("user").first()
                answers = ["Team: quality manager (champion), process engineer, production lead.",
                           f"{title}: {description}",
                           "Stock at our site and in transit sorted; suspect lots on hold."]
                who = member.user if member else Actor.system("demo")
                for d, text in enumerate(answers, start=1):
                    step_answer(step=notice.steps.get(discipline=d), text=text, actor=who)
                step_review(step=notice.steps.get(discipline=1), accept=True, comment="", actor=Actor.system("demo"))
            self.stdout.write(f"Quality notice {notice.number} for {supplier.code}")
