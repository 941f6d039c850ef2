"""The change form carries the version it rendered; a save based on an older version is refused
with the other editor's changes (core.versioning)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from core.versioning import EditConflict, VersionedFormMixin

from .widgets import NoMultiSelectHintMixin


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    pass


def _with_version(fieldsets):
    """Add the hidden version field to the first fieldset."""
    fieldsets = [(name, dict(options)) for name, options in fieldsets]
    if fieldsets and "version" not in admin.utils.flatten_fieldsets(fieldsets):
        name, options = fieldsets[0]
        options["fields"] = [*options["fields"], "version"]
    return fieldsets


class VersionedAdminMixin:
    """For models with a `version` column (core.versioning.VersionedModel)."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        return _with_version(super().get_fieldsets(request, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Someone saved between the form's check and our write: the transaction rolled
            # back, nothing of this edit was written.
            self.message_user(request, conflict.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except (PermissionDenied, ValidationError) as error:
            # A transition refused (TransitionError), or a revision that cannot be published
            # (core.revisions.merge_revision): the transaction rolled back.
            if request.method != "POST":
                raise
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            if not text.startswith(str(_("Not published"))):
                text = _("Not saved: ") + text
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and obj is not None and obj.pk is not None:
            # The form was refused (an edit conflict, a rule): `obj` holds the unsaved values.
            # The heading, the breadcrumbs and the page title name the record as stored.
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            if stored is not None:
                context["subtitle"] = str(stored)
                context["original"] = stored
        return super().render_change_form(request, context, add, change, form_url, obj)


class VersionedInlineMixin(NoMultiSelectHintMixin):
    """An inline whose rows each carry their version (a provision inline of a law)."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]
