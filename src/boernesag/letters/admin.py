from django.contrib import admin

from boernesag.accounts.admin import RoleModelAdmin, admin_site
from boernesag.letters.models import LetterTemplate


@admin.register(LetterTemplate, site=admin_site)
class LetterTemplateAdmin(RoleModelAdmin):
    """Administrators edit the texts of the letters the municipality sends."""

    list_display = ["kind", "subject", "updated_at"]
