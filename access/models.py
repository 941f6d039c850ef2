"""Partner API keys: issued and revoked in the admin, stored hashed (docs/SECURITY.md).

A key reads `crin_<prefix>_<secret>`: the prefix (8 hex digits) finds the row, the SHA-256 of
the whole key must match. The key itself is shown once, when it is issued; it is never stored.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_SCHEME = "crin"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def default_rate() -> int:
    return settings.API_RATE_PARTNER


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    name = models.CharField(_("partner"), max_length=200, help_text=_("Who uses this key."))
    contact_email = models.EmailField(_("contact email"), blank=True)
    note = models.TextField(_("note"), blank=True)
    prefix = models.CharField(max_length=16, unique=True, editable=False, verbose_name=_("prefix"))
    key_hash = models.CharField(max_length=64, editable=False, verbose_name=_("key hash"))
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=default_rate,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_("The key's rate limit (anonymous clients get API_RATE_ANON)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requests_per_minute__gte=1),
                name="access_apikey_rate_positive",
            ),
        ]

    def __str__(self):
        state = "revoked" if self.revoked_at else "active"
        return f"{self.name} ({KEY_SCHEME}_{self.prefix}…, {state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def set_new_key(self) -> str:
        """Give this (unsaved or saved) row a fresh key; return the key, which is not stored."""
        self.prefix = secrets.token_hex(4)
        key = f"{KEY_SCHEME}_{self.prefix}_{secrets.token_urlsafe(32)}"
        self.key_hash = hash_key(key)
        return key

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @classmethod
    def find(cls, key: str) -> "ApiKey | None":
        """The active key matching `key`, or None."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_SCHEME or not parts[1].isalnum():
            return None
        candidate = cls.objects.active().filter(prefix=parts[1][:16]).first()
        if candidate is None or not hmac.compare_digest(candidate.key_hash, hash_key(key)):
            return None
        return candidate
