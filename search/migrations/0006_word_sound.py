"""The phonetic key of the « did you mean » words, computed for the words already indexed."""

from django.db import migrations, models


def fill_sounds(apps, schema_editor):
    from search.text import sound  # the key as the code of this release computes it

    IndexedWord = apps.get_model("search", "IndexedWord")
    batch = []
    for word in IndexedWord.objects.only("pk", "word").iterator(chunk_size=2000):
        word.sound = sound(word.word)[:64]
        batch.append(word)
        if len(batch) >= 2000:
            IndexedWord.objects.bulk_update(batch, ["sound"])
            batch = []
    IndexedWord.objects.bulk_update(batch, ["sound"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_document_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexedword",
            name="sound",
            field=models.CharField(blank=True, db_index=True, default="", max_length=64),
        ),
        migrations.RunPython(fill_sounds, migrations.RunPython.noop),
    ]
