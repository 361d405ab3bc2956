"""Search polish (issue 12, item 8) on the demo: every type it indexes reads as a French label.

Apart from test_search_polish.py, whose pages are loaded once in a transaction of the module:
the demo is a copy of a database of its own, and a copy cannot be taken inside a transaction.
"""

from search.documents import all_documents
from search.labels import type_labels


def test_every_type_the_demo_indexes_has_a_human_label(demo):
    labels = type_labels()
    types = {document.type for document in all_documents()}

    assert types  # the demo indexes something
    assert {value for value in types if value not in labels} == set()
    assert all(labels[value] != value and labels[value][0].isupper() for value in types)
