from django.contrib import admin

from boernesag.accounts.admin import RoleModelAdmin, admin_site
from boernesag.decisions.models import AuthorityRule


@admin.register(AuthorityRule, site=admin_site)
class AuthorityRuleAdmin(RoleModelAdmin):
    """The authority matrix (kompetenceplan) as data: who may decide which kind of decision
    up to which yearly cost. Shown to everyone on *Kompetenceplan*."""

    list_display = ["kind", "level", "max_yearly_cost", "outside_frame"]
    list_filter = ["kind", "level"]
