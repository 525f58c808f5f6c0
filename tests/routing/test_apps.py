"""The dev server's reloader still sees the router's sources while the compiled build
runs (it watches each module's file, which is then the build)."""

from django.utils import autoreload

from routing import compiled


def test_the_dev_server_reloads_when_a_source_of_the_compiled_router_changes():
    reloader = autoreload.StatReloader()
    autoreload.autoreload_started.send(sender=reloader)

    watched = set(reloader.watched_files())

    assert compiled.IN_USE
    assert {compiled.source_path(m) for m in compiled.MODULES} <= watched
