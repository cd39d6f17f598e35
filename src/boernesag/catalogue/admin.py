from django.contrib import admin

from boernesag.accounts.admin import RoleModelAdmin, admin_site
from boernesag.catalogue.models import LegalSection, TargetGroup


@admin.register(TargetGroup, site=admin_site)
class TargetGroupAdmin(RoleModelAdmin):
    """The municipality's controlled list of target groups."""

    list_display = ["name"]
    search_fields = ["name"]


@admin.register(LegalSection, site=admin_site)
class LegalSectionAdmin(RoleModelAdmin):
    """Legal sections kept as data, so decisions can cite the right one."""

    list_display = ["__str__", "kle", "valid_from", "valid_to"]
    list_filter = ["law"]
