"""A law's provisions and a participation's declarations follow their parent's workflow and
revision, inline and on their own pages."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.publication import PublicationStatus
from core.revisions import (
    needs_revision,
    open_revision,
)
from core.workflow import (
    permission_name,
)

from .history import change_url
from .workflow import read_only_message


class RevisionInlineMixin:
    """An inline of dependent rows (a law's provisions): read-only under a published record for
    those who may not publish (they propose changes in a revision); in a revision, editors may
    also remove rows (publishing the revision deletes them from the published record)."""

    def _parent_read_only(self, request, obj) -> bool:
        return obj is not None and needs_revision(request.user, obj)

    def has_add_permission(self, request, obj=None):
        if self._parent_read_only(request, obj):
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if self._parent_read_only(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._parent_read_only(request, obj):
            return False
        if obj is not None and getattr(obj, "revision_of_id", None) is not None:
            return request.user.has_perm(permission_name(self.model, "change"))
        return super().has_delete_permission(request, obj)


class RevisionChildAdminMixin:
    """The own page of a dependent row (a provision, a declaration): read-only when its record is
    published and the user may not publish, with a pointer to the record's revision."""

    change_form_template = "admin/core/revision_child_change_form.html"

    def _parent(self, obj):
        return getattr(obj, self.model.revision_parent) if obj is not None else None

    def has_change_permission(self, request, obj=None):
        if obj is not None and needs_revision(request.user, self._parent(obj)):
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            parent = self._parent(obj)
            if parent is not None and needs_revision(request.user, parent):
                self.message_user(
                    request, _("Not saved: ") + read_only_message(parent), messages.ERROR
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and needs_revision(request.user, self._parent(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Neither into nor out of a published record without publish permission (the parent
        # field is editable here: a hand-made post could move a row under a published record).
        parents = [self._parent(obj)]
        if change:
            before = type(obj)._base_manager.filter(pk=obj.pk).first()
            if before is not None:
                parents.append(self._parent(before))
        for parent in parents:
            if parent is not None and needs_revision(request.user, parent):
                raise PermissionDenied(read_only_message(parent))
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        parent = self._parent(obj)
        info = {}
        if parent is not None and getattr(parent, "revision_of_id", None) is not None:
            info = {
                "is_revision": True,
                "original": parent.revision_of,
                "original_url": change_url(parent.revision_of),
                "parent": parent,
                "parent_url": change_url(parent),
            }
        elif parent is not None and parent.publication_status == PublicationStatus.PUBLISHED:
            revision = open_revision(parent)
            copy = (
                type(obj)
                ._base_manager.filter(**{self.model.revision_parent: revision}, copy_of=obj)
                .first()
                if revision is not None
                else None
            )
            opts = parent._meta
            info = {
                "is_original": True,
                "read_only": needs_revision(request.user, parent),
                "parent": parent,
                "parent_url": change_url(parent),
                "revision_url": change_url(revision) if revision else "",
                "copy_url": change_url(copy) if copy else "",
                "propose_url": (
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_propose", args=[parent.pk])
                    if revision is None
                    and request.user.has_perm(permission_name(type(parent), "change"))
                    else ""
                ),
            }
        context["revision_info"] = info
        return super().render_change_form(request, context, add, change, form_url, obj)


# ---- recent changes across the site --------------------------------------------------------
