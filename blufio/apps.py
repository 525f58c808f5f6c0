from django.apps import AppConfig


class BlufioConfig(AppConfig):
    name = "blufio"
    verbose_name = "Assistant"
