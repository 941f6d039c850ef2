from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = _("International layer: states and treaties")

    def ready(self) -> None:
        # Dependent rows keep their parent's public change time (core.publication).
        from . import signals

        signals.connect()
