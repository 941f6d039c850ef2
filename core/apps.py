from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The editorial core: publication, versioning, history, revisions and the workflow, the
    admin mixins that put them on screen, and the public API's base classes. No models of its
    own (abstract bases only); it imports no app above it (docs/ARCHITECTURE.md, "Layers")."""

    name = "core"
    verbose_name = _("Editorial core")
    default_auto_field = "django.db.models.BigAutoField"
