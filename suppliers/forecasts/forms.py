"""Forms of the forecast pages: one row per bucket to commit, and the CSV uploads."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from suppliers.forecasts.csvio import MAX_UPLOAD_BYTES


class BucketCommitForm(forms.Form):
    """A supplier's commitment to one bucket. An empty quantity leaves the bucket as it is."""

    quantity = forms.DecimalField(label=_("Commit"), required=False, min_value=0, max_digits=14, decimal_places=3)
    reason = forms.ChoiceField(label=_("Reason when short"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=200)

    def __init__(self, data=None, *, bucket, reasons, **kwargs):
        self.bucket = bucket
        kwargs.setdefault("prefix", f"b{bucket.pk}")
        if data is None:
            kwargs.setdefault("initial", {
                "quantity": bucket.committed_quantity, "reason": bucket.reason.code if bucket.reason_id else "",
                "comment": bucket.comment,
            })
        super().__init__(data, **kwargs)
        self.fields["reason"].choices = [("", "—")] + [(r.code, r.display) for r in reasons]
        self.fields["quantity"].widget.attrs.update({"step": "any", "inputmode": "decimal", "class": "qty-input"})
        self.fields["comment"].widget.attrs.update({"maxlength": 200})

    def clean(self):
        data = super().clean()
        quantity = data.get("quantity")
        if quantity is not None and quantity < self.bucket.quantity and not data.get("reason"):
            self.add_error("reason", _("Committing less than the forecast needs a reason."))
        return data

    @property
    def has_commit(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("quantity") is not None


class LineCommitForm:
    """Every bucket of one forecast line as one form (``action=commit`` or ``action=as-forecast``)."""

    def __init__(self, data=None, *, line, reasons):
        self.line = line
        self.data = data
        self.action = (data or {}).get("action", "commit")
        reasons = list(reasons)
        self.rows = [BucketCommitForm(data, bucket=b, reasons=reasons) for b in line.buckets.all()]
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        return all([row.is_valid() for row in self.rows])

    def commits(self):
        from suppliers.forecasts.services import BucketCommit

        if self.action == "as-forecast":
            # Every bucket not yet committed, at the forecast quantity.
            return [BucketCommit(row.bucket.pk, row.bucket.quantity) for row in self.rows
                    if row.bucket.committed_quantity is None]
        return [BucketCommit(row.bucket.pk, row.cleaned_data["quantity"], row.cleaned_data.get("reason") or "",
                             row.cleaned_data.get("comment") or "")
                for row in self.rows if row.has_commit]


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload
