"""Background tasks (django-tasks): immediate by default, ``db_worker`` in production."""

from django_tasks import task

from search.indexing import retry_pending, sync_page_ids


@task()
def index_pages(page_ids: list[int]) -> int:
    retry_pending()
    return sync_page_ids(page_ids)
