import django.db.models.deletion
from django.db import migrations, models


def fill_document_acls(apps, schema_editor):
    """Give every indexed document the ACL row of its tokens (as the store now writes it)."""
    IndexedDocument = apps.get_model("search", "IndexedDocument")
    IndexedToken = apps.get_model("search", "IndexedToken")
    IndexedWordACL = apps.get_model("search", "IndexedWordACL")
    tokens_of = {pk: [] for pk in IndexedDocument.objects.values_list("pk", flat=True)}
    for document_id, token in IndexedToken.objects.values_list("document_id", "token"):
        tokens_of[document_id].append(token)
    by_key = {}
    for pk, tokens in tokens_of.items():
        by_key.setdefault(" ".join(sorted(set(tokens))), []).append(pk)
    for key, ids in by_key.items():
        acl, _ = IndexedWordACL.objects.get_or_create(tokens=key)
        for start in range(0, len(ids), 500):
            IndexedDocument.objects.filter(pk__in=ids[start : start + 500]).update(acl=acl)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_word_acl")]

    operations = [
        migrations.AddField(
            model_name="indexeddocument",
            name="acl",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="documents",
                to="search.indexedwordacl",
            ),
        ),
        migrations.RunPython(fill_document_acls, migrations.RunPython.noop),
    ]
