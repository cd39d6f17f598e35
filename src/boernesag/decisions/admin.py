from django.contrib import admin

from boernesag.accounts.admin import RoleModelAdmin, admin_site
from boernesag.decisions.models import AuthorityRule


@admin.register(AuthorityRule, site=admin_site)
class AuthorityRuleAdmin(RoleModelAdmin):
    """The authority matrix (kompetenceplan) as data: who may decide which kind of decision
    up to which yearly cost. Shown to everyone on *Kompetenceplan*. Read-only here: a
    silent change in the admin would move who may decide without a trace; the matrix is
    changed by a data migration (reviewed, in history)."""

    list_display = ["kind", "level", "max_yearly_cost", "outside_frame"]
    list_filter = ["kind", "level"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
