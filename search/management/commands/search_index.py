import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import breaker
from search.contract import StoreUnavailable
from search.documents import all_documents, count_pages
from search.indexing import retry_pending
from search.service import stores
from search.stores.elasticsearch import ElasticsearchStore


class ProgressBar:
    """A one-line text progress bar with throughput, redrawn in place."""

    WIDTH = 30

    def __init__(self, stream, label: str) -> None:
        self.stream = stream
        self.label = label
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        filled = int(self.WIDTH * done / total)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r  {self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{done}/{total} ({rate:.0f} doc/s)"
        )
        self.stream.flush()


class Command(BaseCommand):
    help = "Index de recherche : rebuild (reconstruire), reconcile (réparer), status (état)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "reconcile", "status"])

    def handle(self, *args, action: str, **options):
        getattr(self, action)()

    def rebuild(self) -> None:
        total_pages = count_pages()
        documents = list(all_documents())  # built once (files extracted once) for every store
        for store in stores():
            bar = ProgressBar(sys.stdout, store.name)
            started = time.monotonic()
            try:
                count = store.rebuild(iter(documents), len(documents), bar)
            except StoreUnavailable as error:
                raise CommandError(f"{store.name} injoignable : {error}") from None
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"\n{store.name} : {count} documents ({total_pages} pages) en {elapsed:.1f} s, "
                f"{count / max(elapsed, 1e-6):.0f} documents/s"
            )
        self.stdout.write(self.style.SUCCESS("Index reconstruit."))

    def reconcile(self) -> None:
        # Run by hand or nightly: try every store, even one whose breaker is open.
        done, pending = retry_pending(ignore_breaker=True)
        if not pending:
            for store in stores():
                breaker.close(store.name)
        if done or pending:
            self.stdout.write(f"Opérations en attente rejouées : {done}, restantes : {pending}")
        wanted = {document.key: document for document in all_documents()}
        fingerprints = {key: document.fingerprint() for key, document in wanted.items()}
        for store in stores():
            try:
                indexed = store.fingerprints()
                missing = [wanted[key] for key in wanted if indexed.get(key) != fingerprints[key]]
                extra = sorted(set(indexed) - set(wanted))
                if extra:
                    store.delete(extra)
                if missing:
                    store.index(missing)
            except StoreUnavailable as error:
                raise CommandError(f"{store.name} injoignable : {error}") from None
            self.stdout.write(
                f"{store.name} : {len(missing)} document(s) ajouté(s) ou mis à jour, "
                f"{len(extra)} retiré(s)"
            )
        self.stdout.write(self.style.SUCCESS("Index réconcilié."))

    def status(self) -> None:
        from search.models import PendingOperation

        expected = sum(1 for _ in all_documents())
        self.stdout.write(f"Documents attendus : {expected}")
        for store in stores():
            try:
                self.stdout.write(f"{store.name} : {store.count()} documents indexés")
                if isinstance(store, ElasticsearchStore):
                    self.write_cluster_health(store)
            except StoreUnavailable as error:
                self.stdout.write(f"{store.name} : injoignable ({error})")
        self.stdout.write(f"Opérations en attente : {PendingOperation.objects.count()}")

    def write_cluster_health(self, store: ElasticsearchStore) -> None:
        health = store.health()
        style = {"green": self.style.SUCCESS, "yellow": self.style.WARNING}.get(
            health.status, self.style.ERROR
        )
        self.stdout.write(
            style(
                f"Grappe : état {health.status}, {health.nodes} nœud(s), "
                f"{health.unassigned_shards} fragment(s) non attribué(s)"
            )
        )
        live = ", ".join(health.live_indices) or "aucun (pas encore d'écriture)"
        self.stdout.write(f"Alias {store.alias} → {live}")
