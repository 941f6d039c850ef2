"""Admin forms of the national layer."""

from django import forms
from django.core.exceptions import ValidationError

from core.publication import PublicationStatus
from core.versioning import VersionedFormMixin

from .models import Finding
from .services import validate_finding


class FindingAdminForm(VersionedFormMixin, forms.ModelForm):
    """A finding as editors enter it, held to the same rules as the importers.

    `clean` calls laws.services.validate_finding with the evidence the editor chose: a `yes` or
    `partial` must cite a provision of the same state's law, a `no` must explain what was
    reviewed. Its errors are keyed by field, so they show next to `evidence` and `note`.
    """

    class Meta:
        model = Finding
        fields = [
            "state",
            "indicator",
            "status",
            "evidence",
            "evidence_citation",
            "note",
            "effective_from",
            "effective_to",
            "verified",
            "verification_source",
            "version",
        ]

    def clean(self):
        cleaned_data = super().clean()
        state = cleaned_data.get("state")
        status = cleaned_data.get("status")
        # A field that already failed (unknown state, status, or a provision that does not
        # exist) has its own error; the finding rules need all three to say anything.
        if state is None or not status or "evidence" in self.errors:
            return cleaned_data
        try:
            validate_finding(
                state=state,
                status=status,
                evidence=cleaned_data.get("evidence") or [],
                note=cleaned_data.get("note", ""),
                published=self.instance.publication_status == PublicationStatus.PUBLISHED,
                indicator=cleaned_data.get("indicator"),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data
