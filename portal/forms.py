from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from suppliers.models import SupplierMembership


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=SupplierMembership.Role.choices, initial="member")


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repeat password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


# --- Purchase orders -----------------------------------------------------------------------------

def plain(value):
    """A decimal without trailing zeros or exponent (100.000 -> 100), for form initial values."""
    from decimal import Decimal

    return None if value is None else Decimal(f"{Decimal(value).normalize():f}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OrderFilterForm(forms.Form):
    """The order list's search and filters (GET); the CSV export reads the same."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    ship_to = forms.TypedChoiceField(label=_("Ship to"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("Ordered from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Ordered until"), required=False, widget=DateInput())
    needs = forms.BooleanField(label=_("Needs confirmation"), required=False)

    def __init__(self, data=None, *, ship_tos=(), **kwargs):
        from suppliers.models import PurchaseOrder

        super().__init__(data, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + [
            (s.value, s.label) for s in PurchaseOrder.Status if s != PurchaseOrder.Status.DRAFT
        ]
        self.fields["ship_to"].choices = [("", _("All"))] + [(p.pk, f"{p.code} {p.name}") for p in ship_tos]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("PO number or part number")})

    def selector_kwargs(self) -> dict:
        """Keyword arguments for ``selectors.purchase_orders_for``; invalid filters are ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(), "status": data.get("status") or "",
            "ship_to": data.get("ship_to"), "date_from": data.get("date_from"), "date_to": data.get("date_to"),
            "needs_confirmation": bool(data.get("needs")),
        }


class LineResponseForm(forms.Form):
    """The supplier's answer to one order line: accept, change quantity and/or date, or reject."""

    ACCEPT, CHANGE, REJECT = "accepted", "changed", "rejected"

    decision = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=14, decimal_places=3,
                                  min_value=0)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=DateInput())
    reason_code = forms.ChoiceField(label=_("Reason"), required=False)
    reason = forms.CharField(label=_("Comment"), required=False, max_length=200)

    def __init__(self, data=None, *, line, allow_rejection: bool, **kwargs):
        from suppliers.models import ResponseReason

        self.line = line
        self.allow_rejection = allow_rejection
        kwargs.setdefault("prefix", f"line-{line.pk}")
        if data is None and "initial" not in kwargs:
            kwargs["initial"] = self._initial(line)
        super().__init__(data, **kwargs)
        choices = [(self.ACCEPT, _("Accept")), (self.CHANGE, _("Change quantity or date"))]
        if allow_rejection:
            choices.append((self.REJECT, _("Reject")))
        self.fields["decision"].choices = choices
        self.fields["reason_code"].choices = [("", "—")] + list(ResponseReason.choices)
        self.fields["quantity"].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["reason"].widget.attrs.update({"maxlength": 200})

    def values(self) -> dict[str, str]:
        """Each field's value as text, for the hand-written inputs of ``_line_form.html`` (an order
        of 40 lines would otherwise render ~300 widget templates)."""
        import datetime
        from decimal import Decimal

        out = {}
        for name in self.fields:
            value = self[name].value()
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = f"{value.normalize():f}"
            out[name] = "" if value is None else str(value)
        return out

    @staticmethod
    def _initial(line) -> dict:
        if line.confirmation == "pending":
            return {"decision": "accepted", "quantity": plain(line.quantity), "delivery_date": line.requested_date}
        return {
            "decision": line.confirmation,
            "quantity": plain(line.confirmed_quantity if line.confirmation != "rejected" else line.quantity),
            "delivery_date": line.confirmed_date or line.requested_date, "reason_code": line.reason_code,
            "reason": line.rejection_reason,
        }

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        quantity, when = data.get("quantity"), data.get("delivery_date")
        if decision == self.REJECT and not self.allow_rejection:
            raise forms.ValidationError(_("The buyer does not allow rejecting lines of this order."))
        if decision == self.CHANGE:
            if quantity is not None and quantity <= 0:
                self.add_error("quantity", _("Enter a quantity above zero, or reject the line."))
            same_qty = quantity is None or quantity == self.line.quantity
            same_date = when is None or when == self.line.requested_date
            if same_qty and same_date:
                raise forms.ValidationError(_("Change the quantity or the date, or choose Accept."))
        if decision == self.REJECT and not data.get("reason_code"):
            self.add_error("reason_code", _("Choose why you reject the line."))
        return data

    def line_response(self):
        from suppliers.services import LineResponse

        data = self.cleaned_data
        decision = data["decision"]
        if decision == self.ACCEPT:
            return LineResponse(line=self.line, status="accepted")
        if decision == self.REJECT:
            return LineResponse(line=self.line, status="rejected", reason=data.get("reason", ""),
                                reason_code=data.get("reason_code", ""))
        return LineResponse(
            line=self.line, status="changed", quantity=data.get("quantity"), delivery_date=data.get("delivery_date"),
            reason=data.get("reason", ""), reason_code=data.get("reason_code", ""),
        )


# --- Web ASN -------------------------------------------------------------------------------------

class AsnHeaderForm(forms.Form):
    number = forms.CharField(label=_("ASN number"), max_length=35)
    ship_date = forms.DateField(label=_("Ship date"), widget=DateInput())
    expected_delivery = forms.DateField(label=_("Expected delivery"), required=False, widget=DateInput())
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=70)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=70)

    def clean(self):
        data = super().clean()
        if data.get("ship_date") and data.get("expected_delivery") and data["expected_delivery"] < data["ship_date"]:
            self.add_error("expected_delivery", _("The delivery cannot be before the ship date."))
        return data


class AsnPackageForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    parent = forms.ChoiceField(label=_("On pallet"), required=False)

    def __init__(self, *args, refs: list[str], **kwargs):
        from suppliers.models import DespatchPackage

        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            (DespatchPackage.Type.CARTON, _("Carton")), (DespatchPackage.Type.PALLET, _("Pallet")),
            ("", _("— not used —")),
        ]
        self.fields["parent"].choices = [("", "—")] + [(r, _("Package %(n)s") % {"n": r}) for r in refs]


class AsnLotForm(forms.Form):
    lot = forms.CharField(label=_("Lot"), required=False, max_length=35)
    quantity = forms.DecimalField(label=_("Lot quantity"), required=False, max_digits=14, decimal_places=3,
                                  min_value=0)

    def clean(self):
        data = super().clean()
        if data.get("lot") and data.get("quantity") in (None, ""):
            self.add_error("quantity", _("How many from this lot?"))
        if data.get("quantity") and not data.get("lot"):
            self.add_error("lot", _("Enter the lot number."))
        return data


class AsnLineForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity to ship"), max_digits=14, decimal_places=3, min_value=0)
    serials = forms.CharField(label=_("Serial numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One per line, or separated by commas."))
    package = forms.ChoiceField(label=_("Packed in"), required=False)

    def __init__(self, *args, line, allowed, refs: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.allowed = allowed
        self.fields["package"].choices = [("", _("— not packed —"))] + [(r, _("Package %(n)s") % {"n": r}) for r in refs]
        self.fields["quantity"].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity <= 0:
            raise forms.ValidationError(_("Ship more than zero, or go back and leave the line out."))
        if quantity > self.allowed:
            raise forms.ValidationError(_("At most %(n)s may be shipped on this line.") % {"n": f"{self.allowed.normalize():f}"})
        return quantity

    def clean_serials(self):
        import re

        raw = self.cleaned_data.get("serials", "")
        serials = [s for s in (part.strip() for part in re.split(r"[\s,;]+", raw)) if s]
        if any(len(s) > 35 for s in serials):
            raise forms.ValidationError(_("A serial number has at most 35 characters."))
        if len(set(serials)) != len(serials):
            raise forms.ValidationError(_("A serial number is listed twice."))
        return serials


class WebAsnForm:
    """The web ASN page as one form: header, a block per order line (quantity, lots, serials,
    package) and the package list. Rows are added by submit buttons (``action=add-lot-<line>``,
    ``action=add-package``) so the page works without JavaScript; htmx only swaps it in place."""

    def __init__(self, data=None, *, lines, tolerance, has_prefix: bool, initial_number: str = "", today=None):
        from decimal import Decimal

        self.data = data
        self.lines = list(lines)
        self.has_prefix = has_prefix
        self.action = (data or {}).get("action", "")
        bound = data is not None

        def count(name: str, default: int, maximum: int) -> int:
            try:
                value = int((data or {}).get(name, default))
            except (TypeError, ValueError):
                value = default
            return max(0, min(value, maximum))

        n_packages = count("packages", 1 if has_prefix else 0, 200)
        if self.action == "add-package" and has_prefix:
            n_packages += 1
        self.package_refs = [str(i) for i in range(1, n_packages + 1)]
        self.header = AsnHeaderForm(data if bound else None, prefix="asn",
                                    initial={"number": initial_number, "ship_date": today})
        # A row just added by "Add a package" has no data yet: it starts unbound, as a carton.
        self.packages = [AsnPackageForm(data if bound and f"pkg{r}-type" in data else None, prefix=f"pkg{r}",
                                        refs=[x for x in self.package_refs if x != r], initial={"type": "carton"})
                         for r in self.package_refs]
        self.blocks = []
        for line in self.lines:
            allowed = line.effective_quantity * (1 + tolerance / 100) - (line.shipped or Decimal(0))
            n_lots = count(f"lots-{line.pk}", 1, 50)
            if self.action == f"add-lot-{line.pk}":
                n_lots += 1
            line_form = AsnLineForm(
                data if bound else None, prefix=f"l{line.pk}", line=line, allowed=allowed, refs=self.package_refs,
                initial={"quantity": plain(line.remaining), "package": self.package_refs[0] if self.package_refs else ""},
            )
            lots = [AsnLotForm(data if bound else None, prefix=f"l{line.pk}-lot{i}") for i in range(1, n_lots + 1)]
            self.blocks.append({"line": line, "form": line_form, "lots": lots, "lot_count": n_lots,
                                "allowed": allowed})
        self.errors: list[str] = []

    @property
    def submitting(self) -> bool:
        return self.data is not None and self.action == "submit"

    def is_valid(self) -> bool:
        from decimal import Decimal

        ok = self.header.is_valid()
        ok = all([p.is_valid() for p in self.packages if p.is_bound]) and ok
        used_refs = {p.prefix[3:] for p in self.packages if p.is_bound and p.is_valid() and p.cleaned_data.get("type")}
        for block in self.blocks:
            form = block["form"]
            ok = form.is_valid() and ok
            ok = all([lot.is_valid() for lot in block["lots"]]) and ok
            if not form.is_valid():
                continue
            lots = [(lot.cleaned_data["lot"].strip(), lot.cleaned_data["quantity"]) for lot in block["lots"]
                    if lot.is_valid() and lot.cleaned_data.get("lot")]
            if lots and sum((q for _l, q in lots), Decimal(0)) != form.cleaned_data["quantity"]:
                form.add_error(None, _("The lot quantities must add up to the quantity shipped."))
                ok = False
            if len(form.cleaned_data["serials"]) > form.cleaned_data["quantity"]:
                form.add_error("serials", _("More serial numbers than pieces."))
                ok = False
            package = form.cleaned_data.get("package")
            if package and package not in used_refs:
                form.add_error("package", _("Package %(n)s is not used: pick another or set its type.") % {"n": package})
                ok = False
            block["lots_clean"] = lots
        return ok

    def service_kwargs(self) -> dict:
        from suppliers.services import WebAsnLine, WebPackage

        header = self.header.cleaned_data
        packages = [WebPackage(ref=p.prefix[3:], type=p.cleaned_data["type"], parent_ref=p.cleaned_data.get("parent") or "")
                    for p in self.packages if p.is_bound and p.cleaned_data.get("type")]
        lines = [WebAsnLine(order_line=b["line"], quantity=b["form"].cleaned_data["quantity"],
                            lots=b.get("lots_clean") or None, serials=b["form"].cleaned_data["serials"] or None,
                            package_ref=b["form"].cleaned_data.get("package") or "")
                 for b in self.blocks]
        return {"number": header["number"], "ship_date": header["ship_date"],
                "expected_delivery": header.get("expected_delivery"), "carrier": header.get("carrier", ""),
                "tracking_number": header.get("tracking_number", ""), "packages": packages, "lines": lines}
