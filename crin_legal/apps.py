from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrinLegalConfig(AppConfig):
    """The project shell as an app, for its management commands (backup, restore). It holds no
    models, and nothing imports it: settings, URLs, the WSGI entry point and the v1 API router
    live here and import everything below (docs/ARCHITECTURE.md, "Layers")."""

    name = "crin_legal"
    verbose_name = _("CRIN legal database")
    default_auto_field = "django.db.models.BigAutoField"
