"""Build a believable electronics maker's data: suppliers, parts, a year of orders, ASNs, receipts.

Idempotent: objects are looked up by their natural keys, so running it twice changes nothing
and running it a month later only adds that month's orders.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from suppliers import gs1, roles, services
from suppliers.audit import Actor
from suppliers.models import (
    DespatchAdvice,
    GoodsReceipt,
    Part,
    Plant,
    PurchaseOrder,
    Supplier,
    SupplierMembership,
    SupplierPart,
)
from suppliers.scorecards import demo as scorecard_demo

DEMO_PASSWORD = "tsunagi-demo-2026"

PLANTS = [("NGO1", "Nagoya final assembly", "4512345000016"), ("SZX1", "Shenzhen SMT line", "6901234000018")]

SUPPLIERS = [
    # code, name, commodity, currency, lead time, e-mail
    ("SAKURA", "Sakura Passive Components", "passive", "JPY", 28, "sakura@supplier.example"),
    ("LUMEN", "Lumen Semiconductor", "semiconductor", "USD", 84, "lumen@supplier.example"),
    ("PRPCB", "Pearl River PCB", "pcb", "CNY", 21, "prpcb@supplier.example"),
]

PARTS = {
    "passive": [
        ("R-0402-10K", "Resistor 10 kΩ 1% 0402", "0.12"), ("R-0402-100R", "Resistor 100 Ω 1% 0402", "0.12"),
        ("R-0603-4K7", "Resistor 4.7 kΩ 1% 0603", "0.15"), ("C-0402-100N", "Capacitor 100 nF X7R 16 V 0402", "0.35"),
        ("C-0603-1U", "Capacitor 1 µF X5R 25 V 0603", "0.60"), ("C-0805-10U", "Capacitor 10 µF X5R 16 V 0805", "1.80"),
        ("C-1206-47U", "Capacitor 47 µF X5R 6.3 V 1206", "4.20"), ("L-0603-2U2", "Inductor 2.2 µH 0603", "6.50"),
        ("FB-0402-600R", "Ferrite bead 600 Ω 0402", "0.90"), ("X-32K768", "Crystal 32.768 kHz 12.5 pF", "18.00"),
    ],
    "semiconductor": [
        ("U-MCU-M4F-512", "MCU Cortex-M4F 512 KB flash LQFP64", "3.85"), ("U-MCU-M0-64", "MCU Cortex-M0+ 64 KB QFN32", "0.92"),
        ("U-LDO-3V3-500", "LDO regulator 3.3 V 500 mA SOT-223", "0.21"), ("U-BUCK-5V-2A", "Buck converter 5 V 2 A SOT-23-6", "0.48"),
        ("Q-NMOS-30V-6A", "N-MOSFET 30 V 6 A SOT-23", "0.09"), ("D-TVS-5V", "TVS diode 5 V SOD-323", "0.05"),
        ("U-CAN-XCVR", "CAN FD transceiver SOIC-8", "0.78"), ("U-EEPROM-256K", "EEPROM 256 Kbit I2C SOIC-8", "0.19"),
        ("U-OPAMP-RR", "Op-amp rail-to-rail dual MSOP-8", "0.33"), ("D-LED-GRN-0603", "LED green 0603", "0.03"),
    ],
    "pcb": [
        ("PCB-CTRL-4L-R3", "Controller board 4-layer FR4 rev 3", "6.40"), ("PCB-PWR-2L-R2", "Power board 2-layer 2 oz rev 2", "2.10"),
        ("PCB-IO-4L-R1", "I/O board 4-layer ENIG rev 1", "3.75"), ("PCB-LED-AL-R5", "LED board aluminium core rev 5", "1.20"),
        ("PCB-RF-6L-R2", "RF board 6-layer Rogers hybrid rev 2", "18.90"), ("PCB-FLEX-2L-R1", "Flex cable 2-layer polyimide rev 1", "2.95"),
        ("PCB-BKPL-8L-R4", "Backplane 8-layer rev 4", "42.00"), ("PCB-SENS-2L-R7", "Sensor board 2-layer rev 7", "0.85"),
        ("PCB-DISP-4L-R2", "Display carrier 4-layer rev 2", "4.60"), ("PCB-TEST-2L-R1", "Test fixture board rev 1", "12.00"),
    ],
}

CARRIERS = ["Nippon Express", "Yamato Transport", "DHL Express", "SF Express", "FedEx"]


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(date(y, m + 1, 1))
    return out


class Command(BaseCommand):
    help = "Load demo data (idempotent): three suppliers, ~30 parts, 12 months of POs, ASNs and receipts."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD")

    def handle(self, *args, months: int, today: date | None, **options):
        if isinstance(today, str):
            today = date.fromisoformat(today)
        today = today or date.today()
        actor = Actor.system("demo")
        with transaction.atomic():
            plants = self._plants()
            suppliers = self._suppliers(actor)
            parts = self._parts(suppliers)
            self._users(suppliers)
            self._edi_partner(suppliers)
        created = 0
        for month in _month_starts(today, months):
            for index, (supplier, commodity) in enumerate(suppliers):
                created += self._month(supplier, commodity, index, month, today, plants, parts, actor)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Supplier.objects.count()} suppliers, {Part.objects.count()} parts, "
            f"{PurchaseOrder.objects.count()} POs ({created} new), {DespatchAdvice.objects.count()} ASNs, "
            f"{GoodsReceipt.objects.count()} receipts."
        ))
        # Scorecards of the orders, shipments, receipts and invoices above (suppliers/scorecards/demo.py).
        scorecard_demo.compute(today=today, write=self.stdout.write, created=created)
        self._planning(today)
        # Work orders built from the received lots, for lot traceability (suppliers/production/demo.py).
        from suppliers.production import demo as production_demo

        production_demo.load(write=self.stdout.write)
        self.stdout.write("Logins (password %s):" % DEMO_PASSWORD)
        self.stdout.write("  buyer console:  buyer@tsunagi.example   (also quality@, edi@, admin@tsunagi.example)")
        for code, name, *_rest, email in SUPPLIERS:
            self.stdout.write(f"  supplier portal: {email:<26} {name}")

    # --- master data ---

    def _plants(self) -> list[Plant]:
        return [Plant.objects.update_or_create(code=c, defaults={"name": n, "gln": g})[0] for c, n, g in PLANTS]

    def _suppliers(self, actor: Actor) -> list[tuple[Supplier, str]]:
        out = []
        for code, name, commodity, _cur, _lt, email in SUPPLIERS:
            supplier = Supplier.objects.filter(code=code).first() or services.supplier_create(
                code=code, name=name, actor=actor, contact_email=email, edi_enabled=(code == "LUMEN"),
            )
            if not supplier.gs1_company_prefix:
                # The same made-up prefix as the demo ASNs below; web ASNs number their packages
                # from extension digit 1, so they never meet the demo's (extension 0) SSCCs.
                supplier.gs1_company_prefix = f"45{sum(map(ord, code)) % 100000:05d}"
                supplier.sscc_next_serial = max(supplier.sscc_next_serial, 10**9 + 1)
                supplier.save(update_fields=["gs1_company_prefix", "sscc_next_serial"])
            out.append((supplier, commodity))
        return out

    def _edi_partner(self, suppliers: list[tuple[Supplier, str]]) -> None:
        """Lumen trades by EDI: an X12 file-drop partner (var/edi/LUMEN-X12/in, out, archive, error)."""
        from edi.models import HubSettings, TradingPartner

        HubSettings.get()
        lumen = next(s for s, _c in suppliers if s.code == "LUMEN")
        TradingPartner.objects.get_or_create(code="LUMEN-X12", defaults={
            "name": "Lumen Semiconductor EDI", "supplier": lumen, "standard": "x12", "version": "004010",
            "interchange_id": "LUMENSEMI", "qualifier": "ZZ", "transport": "filedrop", "ack": True,
        })

    def _parts(self, suppliers: list[tuple[Supplier, str]]) -> dict[str, list[SupplierPart]]:
        by_supplier: dict[str, list[SupplierPart]] = {}
        for (supplier, commodity), (_c, _n, _com, currency, lead, _e) in zip(suppliers, SUPPLIERS):
            rate = {"JPY": Decimal(150), "CNY": Decimal("7.2"), "USD": Decimal(1)}[currency]
            sps = []
            for n, (number, description, usd) in enumerate(PARTS[commodity], start=1):
                part, _ = Part.objects.get_or_create(
                    buyer_part_number=number,
                    defaults={"description": description, "commodity_class": commodity, "unit": "PCE"},
                )
                sp, _ = SupplierPart.objects.get_or_create(
                    supplier=supplier, part=part,
                    defaults={
                        "supplier_part_number": f"{supplier.code[:3]}-{n:04d}-{number.split('-')[1]}",
                        "lead_time_days": lead, "currency": currency,
                        "price": (Decimal(usd) * rate / (100 if commodity == "passive" else 1)).quantize(Decimal("0.00001")),
                    },
                )
                sps.append(sp)
            by_supplier[supplier.code] = sps
        return by_supplier

    def _users(self, suppliers: list[tuple[Supplier, str]]) -> None:
        User = get_user_model()

        def ensure(email: str, **fields) -> object:
            user, created = User.objects.get_or_create(username=email, defaults={"email": email, **fields})
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
                user.is_active = True
                user.save()
            return user

        ensure("admin@tsunagi.example", is_staff=True, is_superuser=True, first_name="Ada", last_name="Admin")
        for email, role, first in [
            ("buyer@tsunagi.example", roles.BUYER, "Hana"),
            ("quality@tsunagi.example", roles.QUALITY_ENGINEER, "Kenji"),
            ("edi@tsunagi.example", roles.EDI_ADMINISTRATOR, "Mei"),
        ]:
            user = ensure(email, is_staff=True, first_name=first)
            user.groups.add(Group.objects.get(name=role))
        for (supplier, _commodity), (*_x, email) in zip(suppliers, SUPPLIERS):
            user = ensure(email, first_name=supplier.name.split()[0])
            SupplierMembership.objects.get_or_create(user=user, defaults={"supplier": supplier, "role": "admin"})

    # --- demand planning (suppliers.planning) ---

    def _planning(self, today: date) -> None:
        """Two years of weekly consumption, stock, supply terms and policies; forecasts and a
        replenishment run. Owned by suppliers/planning/demo.py."""
        from suppliers.planning import demo as planning_demo

        planning_demo.load(today=today, write=self.stdout.write)

    # --- transactions ---

    def _month(self, supplier, commodity, index, month, today, plants, parts, actor) -> int:
        created = 0
        sps = parts[supplier.code]
        lead = sps[0].lead_time_days
        for n in range(1, 3):
            number = f"45{month:%y%m}{index + 1}{n:02d}"
            rng = random.Random(number)  # one stream per order: the same order whatever exists already
            order_date = month + timedelta(days=rng.randint(0, 27))
            if order_date > today or PurchaseOrder.objects.filter(number=number).exists():
                continue
            with transaction.atomic():
                created += 1
                self._order(supplier, number, order_date, today, rng, plants, sps, lead, actor)
        return created

    def _order(self, supplier, number, order_date, today, rng, plants, sps, lead, actor) -> None:
        plant = plants[rng.randrange(len(plants))]
        picked = rng.sample(sps, k=rng.randint(2, 5))
        # One delivery date per order (it ships in one consignment), so on-time delivery means something.
        requested = order_date + timedelta(days=lead + rng.randint(0, 14))
        order = services.purchase_order_create(
            number=number, supplier=supplier, ship_to=plant, order_date=order_date, currency=picked[0].currency,
            source=PurchaseOrder.Source.DEMO, actor=actor,
            lines=[
                services.LineInput(
                    line_no=i * 10, part=sp.part, price=sp.price, requested_date=requested,
                    quantity=Decimal(rng.choice([500, 1000, 2500, 5000, 10000]) if supplier.code == "SAKURA" else rng.choice([50, 100, 200, 500, 1000])),
                )
                for i, sp in enumerate(picked, start=1)
            ],
        )
        lines = list(order.lines.all())
        # Each supplier's habits (suppliers/scorecards/demo.py) make its scorecard; moments follow the demo's dates.
        rs, habits = scorecard_demo.stream(number), scorecard_demo.habits(supplier.code)
        sent = scorecard_demo.order_sent(order, rs)
        age = (today - order_date).days
        if age < 3:
            return  # still awaiting the supplier's confirmation
        slip = rng.choice([0, 0, 0, 0, 3, 7]) if rng.random() < 0.35 else 0
        for line in lines:
            line.confirmation = "changed" if slip else "accepted"
            line.confirmed_quantity = line.quantity
            line.confirmed_date = line.requested_date + timedelta(days=slip)
            line.save(update_fields=["confirmation", "confirmed_quantity", "confirmed_date"])
        services.purchase_order_transition(order=order, to=PurchaseOrder.Status.CONFIRMED, actor=actor)
        scorecard_demo.order_confirmed(order, sent, rs, habits)
        transit = rng.randint(2, 5)
        ship_date = scorecard_demo.arrival(rs, max(line.confirmed_date for line in lines), habits) - timedelta(days=transit)
        if ship_date > today:
            return
        prefix = f"{(supplier.code[:2])}"
        # Each supplier has its own (made-up) GS1 company prefix; serial references from the PO number.
        company_prefix = f"45{sum(map(ord, supplier.code)) % 100000:05d}"
        asn_lines = []
        packages = []
        for i, line in enumerate(lines, start=1):
            sscc = gs1.sscc(extension=0, company_prefix=company_prefix, serial_reference=int(number[-7:]) * 100 + i)
            packages.append({"sscc": sscc, "type": "carton"})
            lots = [(f"{prefix}{ship_date:%y%m%d}{i:02d}A", line.quantity)]
            if line.quantity >= 1000 and rng.random() < 0.5:
                half = (line.quantity / 2).quantize(Decimal(1))
                lots = [(f"{prefix}{ship_date:%y%m%d}{i:02d}A", half), (f"{prefix}{ship_date:%y%m%d}{i:02d}B", line.quantity - half)]
            serials = [f"SN{number}{i:02d}{k:03d}" for k in range(1, 4)] if line.part.commodity_class == "pcb" and line.quantity <= 100 else None
            asn_lines.append(services.AsnLineInput(line_no=i, order_line=line, quantity=line.quantity, lots=lots,
                                                   serials=serials, package_sscc=sscc))
        advice = services.despatch_advice_create(
            supplier=supplier, number=f"ASN-{number}", ship_to=order.ship_to, ship_date=ship_date,
            expected_delivery=ship_date + timedelta(days=3), carrier=rng.choice(CARRIERS),
            tracking_number=f"{rng.randint(10**9, 10**10 - 1)}", lines=asn_lines, packages=packages,
            source=DespatchAdvice.Source.DEMO, actor=actor,
        )
        received_on = ship_date + timedelta(days=transit)
        scorecard_demo.asn_sent(advice, received_on, rs, habits)
        if received_on > today:
            return
        receipt_lines = []
        n = 0
        for asn_line in advice.lines.all():
            for lot in asn_line.lots.all():
                n += 1
                rejected = (lot.quantity * Decimal(rng.choice(["0.002", "0.01", "0.05"]))).quantize(Decimal(1)) if rng.random() < habits.reject else Decimal(0)
                counted = scorecard_demo.received(rs, lot.quantity, habits)
                receipt_lines.append(services.ReceiptLineInput(
                    line_no=n, order_line=asn_line.order_line, advice_line=asn_line, lot=lot.lot,
                    received_quantity=counted, rejected_quantity=min(rejected, counted),
                ))
        receipt = services.goods_receipt_create(
            number=f"GR-{number}", supplier=supplier, plant=order.ship_to, received_on=received_on,
            lines=receipt_lines, advice=advice, actor=actor,
        )
        scorecard_demo.goods_received(receipt, advice, rs)
        if received_on + timedelta(days=3) <= today:
            scorecard_demo.invoice(order, received_on + timedelta(days=3), rs, habits, actor)
        if received_on < today - timedelta(days=30):
            services.purchase_order_transition(order=order, to=PurchaseOrder.Status.CLOSED, actor=actor)

