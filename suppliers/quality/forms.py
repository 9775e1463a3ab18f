"""Forms of quality feedback: the 8D answer (with evidence files) and the attachment checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from suppliers.quality import files
from suppliers.quality.services import MAX_ANSWER, Upload, max_attachment_bytes

MAX_FILES = 10

REFUSALS = {
    "too_large": _("%(name)s is larger than %(mb)s MB."),
    "empty": _("%(name)s is empty."),
    "type": _("%(name)s: only PDF files and photos (JPEG, PNG, GIF, WebP) are accepted."),
    "mismatch": _("%(name)s is not what its name says: its content is not a %(ext)s file."),
}


def refusal_message(exc: files.AttachmentRefused, name: str) -> str:
    return str(REFUSALS.get(exc.code, _("%(name)s was refused."))) % {
        "name": files.clean_name(name), "mb": f"{max_attachment_bytes() / (1024 * 1024):g}",
        "ext": exc.params.get("ext", ""),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several photos or PDFs; each checked by its content (not its name) and its size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.gif,.webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        uploads = [single(item, initial) for item in items if item]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES})
        errors = []
        for upload in uploads:
            head = upload.read(files.HEAD_BYTES)
            upload.seek(0)
            try:
                files.check(name=upload.name, size=upload.size, head=head, max_bytes=max_attachment_bytes())
            except files.AttachmentRefused as exc:
                errors.append(refusal_message(exc, upload.name))
        if errors:
            raise forms.ValidationError(errors)
        return [Upload(name=u.name, stream=u, size=u.size) for u in uploads]


class StepAnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_ANSWER)
    attachments = AttachmentsField(label=_("Evidence (photos, PDF)"),
                                   help_text=_("Optional. PDF, JPEG, PNG, GIF or WebP files."))

    def __init__(self, *args, step, **kwargs):
        kwargs.setdefault("prefix", f"d{step.discipline}")
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["text"].help_text = step.help_text


class AttachmentUploadForm(forms.Form):
    attachments = AttachmentsField(label=_("Add files"), required=True)
