from django.apps import AppConfig


class CrinLegalConfig(AppConfig):
    """The project package as an app: it holds the data-version stamp (crin_legal.models) that
    the public response cache and conditional requests key on."""

    name = "crin_legal"
    verbose_name = "CRIN legal database"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import cache

        cache.connect_signals()
