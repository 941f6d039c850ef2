from django.apps import AppConfig


class HotpathConfig(AppConfig):
    """The serving infrastructure: the data-version stamp (hotpath.models), the public response
    cache, the WSGI fast path, the lean handler and the API rate limiter (its contract:
    hotpath/__init__.py)."""

    name = "hotpath"
    verbose_name = "Public data version"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import cache

        cache.connect_signals()
