"""Partner keys in the admin: issue (the key is shown once), set a limit, revoke.

Only users granted the access app's permissions (superusers) see this; editors do not.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import KEY_SCHEME, ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key_prefix",
        "requests_per_minute",
        "active",
        "created_at",
        "last_used_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact_email", "prefix"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["name", "contact_email", "requests_per_minute", "note", *readonly_fields]
    actions = ["revoke_keys"]

    @admin.display(description=_("key"))
    def key_prefix(self, obj):
        return f"{KEY_SCHEME}_{obj.prefix}_…" if obj.prefix else gettext("(issued on save)")

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key = obj.set_new_key()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            format_html(
                gettext(
                    "The key for {} is <code>{}</code>. Copy it now: it is stored only as a "
                    "hash and will not be shown again."
                ),
                obj.name,
                key,
            ),
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key.revoke()
            revoked += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
