from django.apps import AppConfig


class HeartbeatConfig(AppConfig):
    name = "heartbeat"
    verbose_name = "Memory and heartbeats"

    def ready(self) -> None:
        from heartbeat import receivers  # noqa: F401  (connects the signal receivers)
