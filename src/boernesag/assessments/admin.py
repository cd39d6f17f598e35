from django.contrib import admin

from boernesag.accounts.admin import RoleModelAdmin, admin_site
from boernesag.assessments.models import AssessmentTemplate, TemplateSection


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 1
    fields = ["order", "key", "title", "guidance"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_delete_permission(self, request, obj=None):
        return False  # a section investigations use is never deleted; make a new version


@admin.register(AssessmentTemplate, site=admin_site)
class AssessmentTemplateAdmin(RoleModelAdmin):
    """The investigation template as data: sections, guidance and order, in versions. A new
    investigation uses the newest active version for its law; every change is kept
    (pghistory)."""

    list_display = ["name", "law", "version", "active"]
    list_filter = ["law", "active"]
    inlines = [TemplateSectionInline]
