"""Search by word prefix: rebuild every archive's search words (name tails and number now
included) and, on PostgreSQL, serve them with a full-text GIN index instead of trigrams,
which cannot help the two-letter initials that people type most (zs → 张三)."""

from django.db import migrations


def rebuild_keys(apps, schema_editor):
    from archives.search import build_search_keys

    Customer = apps.get_model("archives", "Customer")
    for customer in Customer.objects.only("pk", "name", "employer", "number").iterator():
        keys = build_search_keys(customer.name, customer.employer, number=customer.number)
        Customer.objects.filter(pk=customer.pk).update(search_keys=keys)


def prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS customer_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS customer_number_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_search_words ON archives_customer "
        "USING gin (to_tsvector('simple'::regconfig, search_keys))"
    )


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_words")


class Migration(migrations.Migration):
    dependencies = [("archives", "0004_labels")]

    operations = [
        migrations.RunPython(rebuild_keys, migrations.RunPython.noop),
        migrations.RunPython(prefix_index, drop_prefix_index),
    ]
