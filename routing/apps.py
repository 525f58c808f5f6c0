from django.apps import AppConfig
from django.utils.autoreload import autoreload_started

from routing import compiled


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        if compiled.IN_USE:  # the dev server watches the build, not the sources it is from
            autoreload_started.connect(_watch_router_sources)


def _watch_router_sources(sender, **kwargs) -> None:
    sender.extra_files.update(compiled.sources())
