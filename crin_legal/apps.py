from django.apps import AppConfig


class CrinLegalConfig(AppConfig):
    """The project shell as an app, for its management commands (backup, restore). It holds no
    models, and nothing imports it: settings, URLs, the WSGI entry point and the v1 API router
    live here and import everything below (docs/ARCHITECTURE.md, "Layers")."""

    name = "crin_legal"
    verbose_name = "CRIN legal database"
    default_auto_field = "django.db.models.BigAutoField"
