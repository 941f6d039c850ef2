from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "International layer: states and treaties"
