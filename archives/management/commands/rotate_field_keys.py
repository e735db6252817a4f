"""Re-encrypt every stored ID number under the newest key of SNOWBALL_FIELD_KEYS (R-ACC-06).

Rotation: put a new key first in SNOWBALL_FIELD_KEYS (keep the old ones after it), restart,
run this command, then drop the old keys. History rows keep encrypted copies too, so they are
rotated as well — otherwise dropping an old key would leave them unreadable.

A re-encryption is not a change of the archive: rows are updated in place without a new
history row (that would only copy the secret once more), in batches, each in a transaction.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from archives.models import Customer
from crm import pii

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers (and their history) under the newest field key."

    def handle(self, *args, **options):
        pii._fernet.cache_clear()  # read the keys as configured now
        total = 0
        for model in (Customer, Customer.history.model):
            total += self.rotate(model)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} ID numbers."))

    def rotate(self, model) -> int:
        rows = model._base_manager.exclude(id_number_encrypted="").order_by("pk")
        done, last = 0, None
        while True:
            batch = rows.filter(pk__gt=last) if last is not None else rows
            page = list(batch.values_list("pk", "id_number_encrypted")[:BATCH])
            if not page:
                return done
            with transaction.atomic():
                for pk, token in page:
                    model._base_manager.filter(pk=pk).update(id_number_encrypted=pii.rotate(token))
            done += len(page)
            last = page[-1][0]
