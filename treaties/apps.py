from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "International layer: states and treaties"

    def ready(self) -> None:
        # Dependent rows keep their parent's public change time (core.publication).
        from . import signals

        signals.connect()
