"""Fold accents out of the stored search text, so "Ostfold" finds "Østfold"."""

from django.contrib.postgres.search import SearchVector
from django.db import migrations

from trials.search import fold


def refold(apps, schema_editor):
    Trial = apps.get_model("trials", "Trial")
    for pk, text in Trial.objects.values_list("pk", "search_text").iterator(chunk_size=1000):
        folded = fold(text)
        if folded != text:
            Trial.objects.filter(pk=pk).update(search_text=folded)
    if schema_editor.connection.vendor == "postgresql":
        Trial.objects.update(search_vector=SearchVector("search_text", config="english"))


class Migration(migrations.Migration):
    dependencies = [("trials", "0003_phases")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
