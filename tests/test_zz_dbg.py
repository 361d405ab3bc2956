from tests.test_meetings import *  # noqa
from cms.content_loader import ContentLoader

def test_dbg(site):
    loader = ContentLoader(tree_with_minutes("k/rencontres/journee"))
    report = loader.load()
    print(report, loader._pending_meetings)
    from wagtail.models import Page
    print([ (p.url_path) for p in Page.objects.all()])
    assert 0
