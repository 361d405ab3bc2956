"""Tables of the database search store (``search.stores.database``).

One row per search document, its ACL tokens and its colleges in side tables (so that the
ACL filter and the college facet stay plain SQL), and the words seen in the documents
for "did you mean". The full text lives beside them in a table created by the
migrations for the engine at hand, keyed by the document's id and holding the text
normalised by ``search.text``:

- SQLite: ``search_fulltext``, an FTS5 virtual table (columns ``title`` and ``body``);
- PostgreSQL: ``search_fulltext``, a table (``rowid``, ``vector tsvector``) with a GIN
  index; the title is weighted A, the rest B.

``PendingOperation`` is the queue of index work a store could not take (``search.indexing``).
"""

from django.db import models

FULLTEXT_TABLE = "search_fulltext"


class IndexedDocument(models.Model):
    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=32)
    title = models.TextField()
    summary = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    attachments = models.TextField(blank=True, default="")
    theme = models.CharField(max_length=255, blank=True, default="", db_index=True)
    colleges = models.JSONField(default=list, blank=True)  # as given; filters use the table
    territory = models.CharField(max_length=255, blank=True, default="", db_index=True)
    type = models.CharField(max_length=255, blank=True, default="", db_index=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    year = models.CharField(max_length=4, blank=True, default="", db_index=True)
    status = models.CharField(max_length=32, blank=True, default="", db_index=True)
    url = models.CharField(max_length=2048)
    authors = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64)
    acl_count = models.PositiveIntegerField(default=0)
    # The document's ACL tokens as one row: the visibility filter compares this id with
    # the few ACLs a reader holds, instead of looking up each document's tokens.
    acl = models.ForeignKey(
        "IndexedWordACL", null=True, on_delete=models.CASCADE, related_name="documents"
    )

    class Meta:
        verbose_name = "document indexé"
        verbose_name_plural = "documents indexés"

    def __str__(self):
        return self.key


class IndexedToken(models.Model):
    """One ACL token of a document: the reader must hold every one of them."""

    document = models.ForeignKey(IndexedDocument, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "token"], name="search_token_unique")
        ]

    def __str__(self):
        return self.token


class IndexedCollege(models.Model):
    document = models.ForeignKey(
        IndexedDocument, on_delete=models.CASCADE, related_name="college_rows"
    )
    college = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "college"], name="search_college_unique")
        ]

    def __str__(self):
        return self.college


class IndexedWordACL(models.Model):
    """A set of ACL tokens some documents carry, as one string ("public", "r:3 r:7").

    Few rows (one per combination of view restrictions met): the store reads them all to
    decide which documents, and which vocabularies for suggestions, a reader may see.
    """

    tokens = models.TextField(unique=True)

    def __str__(self):
        return self.tokens


class IndexedWord(models.Model):
    """A word met in indexed documents that carry one ACL: folded (``word``) and as first
    written (``display``), with the number of such documents that hold it.

    The vocabulary of "did you mean": a reader is only offered words of documents they may
    see, so a word (or its spelling) that only a restricted page holds is never suggested
    to someone outside it. The count drops as documents change or go, and the row goes
    with its last document.
    """

    word = models.CharField(max_length=64)
    display = models.CharField(max_length=64)
    length = models.PositiveSmallIntegerField(db_index=True)
    # The word's French phonetic key (``search.text.sound``): « numerik » finds « numérique ».
    sound = models.CharField(max_length=64, blank=True, default="", db_index=True)
    acl = models.ForeignKey(IndexedWordACL, on_delete=models.CASCADE, related_name="words")
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["word", "acl"], name="search_word_acl_unique")
        ]

    def __str__(self):
        return self.display


class PendingOperation(models.Model):
    """Index work a store could not take (unreachable): retried later (``search.indexing``)."""

    store = models.CharField(max_length=32)
    index_keys = models.JSONField(default=list, blank=True)
    delete_keys = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opération d'indexation en attente"
        verbose_name_plural = "opérations d'indexation en attente"

    def __str__(self):
        return f"{self.store} : {len(self.index_keys)} à indexer, {len(self.delete_keys)} à retirer"
