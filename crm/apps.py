from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from crm.roles import Role

EVERYONE = list(Role.values)


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Snowball core")

    role_permissions = {
        **{role: ["crm.view_project", "crm.view_building", "crm.view_unit"] for role in EVERYONE},
        Role.GENERAL_MANAGER: [
            "crm.view_project",
            "crm.view_building",
            "crm.view_unit",
            "crm.view_user",
            "crm.view_smsmessage",
        ],
    }

    def ready(self):
        from crm import rules, ui  # noqa: F401  (registers access rules, panels and menu)

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(sender, using="default", verbosity=1, **kwargs):
    from crm.roles import sync_role_permissions

    sync_role_permissions(using=using, verbosity=verbosity > 1)
