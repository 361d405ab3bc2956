"""Words of "did you mean" are kept per ACL, with the number of documents holding them.

Suggestions then come only from documents the reader may see. The words already stored
carried no ACL: they are counted again from the stored documents.
"""

from collections import Counter

import django.db.models.deletion
from django.db import migrations, models

# Same limit as search.stores.database.MAX_WORDS_PER_DOCUMENT.
MAX_WORDS_PER_DOCUMENT = 10_000


def forget_words(apps, schema_editor):
    apps.get_model("search", "IndexedWord").objects.all().delete()


def count_words(apps, schema_editor):
    from search import text

    IndexedDocument = apps.get_model("search", "IndexedDocument")
    IndexedToken = apps.get_model("search", "IndexedToken")
    IndexedWord = apps.get_model("search", "IndexedWord")
    IndexedWordACL = apps.get_model("search", "IndexedWordACL")
    tokens: dict[int, list[str]] = {}
    for pk, token in IndexedToken.objects.values_list("document_id", "token"):
        tokens.setdefault(pk, []).append(token)
    counts: Counter = Counter()
    displays: dict = {}
    fields = ("pk", "title", "summary", "body", "attachments", "theme", "authors")
    for pk, *texts, authors in IndexedDocument.objects.values_list(*fields).iterator(500):
        acl = " ".join(sorted(set(tokens.get(pk, ()))))
        joined = "\n".join((*texts, " ".join(authors or ())))
        for word, written in text.vocabulary(joined, MAX_WORDS_PER_DOCUMENT).items():
            counts[(acl, word)] += 1
            displays.setdefault((acl, word), written)
    acl_ids = {}
    for acl in sorted({acl for acl, _word in counts}):
        acl_ids[acl] = IndexedWordACL.objects.create(tokens=acl).pk
    IndexedWord.objects.bulk_create(
        (
            IndexedWord(
                word=word,
                display=displays[(acl, word)],
                length=len(word),
                acl_id=acl_ids[acl],
                documents=n,
            )
            for (acl, word), n in counts.items()
        ),
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext"),
    ]

    operations = [
        migrations.RunPython(forget_words, migrations.RunPython.noop),
        migrations.CreateModel(
            name="IndexedWordACL",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tokens", models.TextField(unique=True)),
            ],
        ),
        migrations.AlterField(
            model_name="indexedword",
            name="word",
            field=models.CharField(max_length=64),
        ),
        migrations.AddField(
            model_name="indexedword",
            name="acl",
            field=models.ForeignKey(
                default=None,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="words",
                to="search.indexedwordacl",
            ),
        ),
        migrations.AlterField(
            model_name="indexedword",
            name="acl",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="words",
                to="search.indexedwordacl",
            ),
        ),
        migrations.AddField(
            model_name="indexedword",
            name="documents",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="indexedword",
            constraint=models.UniqueConstraint(
                fields=("word", "acl"), name="search_word_acl_unique"
            ),
        ),
        migrations.RunPython(count_words, forget_words),
    ]
