"""Queue a heartbeat for the background worker (deploy/systemd/intranet-heartbeat.timer)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.heartbeat import queue_heartbeat

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


class Command(BaseCommand):
    help = "Met en file un battement de cœur que le travailleur (db_worker) exécute."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS["default"]["BACKEND"] != DATABASE_BACKEND:
            raise CommandError(
                "Les tâches ne passent pas par la base (TASKS_BACKEND=database) : "
                "aucun travailleur à surveiller."
            )
        if queue_heartbeat():
            self.stdout.write("Battement de cœur mis en file.")
        else:
            self.stdout.write("Un battement de cœur attend déjà le travailleur.")
