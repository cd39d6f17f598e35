"""Administration screens for the admin role (Django admin, in Danish).

Only users holding the ``admin`` role reach these screens; caseworkers never need them.
The admin uses the normal login page, so lockout and the login log apply here too.
"""

from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from boernesag.accounts import services
from boernesag.accounts.constants import Role
from boernesag.accounts.models import (
    NEVER_REASONED_ACCESS,
    LoginAttempt,
    LoginLockout,
    Municipality,
    RoleAssignment,
    TeamMembership,
    Unit,
    User,
)


class BoernesagAdminSite(admin.AdminSite):
    site_header = _("Børnesag – administration")
    site_title = _("Børnesag administration")
    index_title = _("Organisation, brugere og opsætning")

    def has_permission(self, request):
        return (
            request.user.is_active
            and request.user.is_authenticated
            and request.user.has_perm("accounts.administer")
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # Logged in without the admin role: refuse, rather than a login loop.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return wrapper

    @login_not_required
    def login(self, request, extra_context=None):
        query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
        return redirect(f"{reverse('accounts:login')}?{query}")


admin_site = BoernesagAdminSite(name="admin")


class RoleModelAdmin(admin.ModelAdmin):
    """Grants the admin role every action on the model (roles, not permission tables)."""

    def has_module_permission(self, request):
        return request.user.has_perm("accounts.administer")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_delete_permission(self, request, obj=None):
        return False  # nothing here is deleted: deactivate or end the period instead


class RoleInline(admin.TabularInline):
    """Roles shown read-only: every change of access goes through the page
    "Adgangsændringer" (``boernesag.rights``), which writes organisation events and holds
    changes that widen access until a second person confirms them (four eyes)."""

    model = RoleAssignment
    extra = 0
    fields = ["role", "unit", "valid_from", "valid_to", "ended_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    def has_delete_permission(self, request, obj=None):
        return False


class TeamMembershipInline(RoleInline):
    model = TeamMembership
    fields = ["team", "valid_from", "valid_to", "ended_at"]
    readonly_fields = fields


class MunicipalityForm(forms.ModelForm):
    reasoned_access_roles = forms.TypedMultipleChoiceField(
        label=_("Roller der kan bruge adgang med begrundelse"),
        choices=[(r.value, r.label) for r in Role if r not in NEVER_REASONED_ACCESS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Municipality._meta.get_field("reasoned_access_roles").help_text,
    )
    second_factor_roles = forms.MultipleChoiceField(
        label=_("Roller, der skal bruge to-faktor-login"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Municipality._meta.get_field("second_factor_roles").help_text,
    )

    class Meta:
        model = Municipality
        fields = [
            "name",
            "cvr",
            "municipality_number",
            "address",
            "caseworkers_see_team_cases",
            "reasoned_access_roles",
            "logo",
            "second_factor_roles",
        ]


@admin.register(Municipality, site=admin_site)
class MunicipalityAdmin(RoleModelAdmin):
    form = MunicipalityForm
    list_display = ["name", "cvr", "municipality_number"]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer") and not Municipality.objects.exists()


@admin.register(Unit, site=admin_site)
class UnitAdmin(RoleModelAdmin):
    list_display = ["name", "kind", "parent", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit would give the leaders above its new place access to its cases
        # without a second person's confirmation: the place is set when it is made.
        return ["parent", "kind"] if obj is not None else []


def holds_access(user) -> bool:
    """The user holds access now or soon: a role or team membership not ended, the right to
    see protected addresses, or a change of her access waiting for confirmation."""
    today = timezone.localdate()
    not_ended = Q(ended_at__isnull=True) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return (
        bool(user.may_see_protected_addresses)
        or RoleAssignment.objects.filter(not_ended, user=user).exists()
        or TeamMembership.objects.filter(not_ended, user=user).exists()
        or user.access_changes.filter(status="pending").exists()
    )


PASSWORD_LOCKED = _(
    "En administrator kan ikke sætte adgangskoden for en anden bruger, der har roller, "
    "teams eller adgang til beskyttede adresser (eller venter på det): hun kunne så logge "
    "ind som brugeren og se dennes sager eller godkende sine egne anmodninger. Brugeren "
    "skifter selv sin adgangskode. Har brugeren glemt den, så fjern først brugerens adgang "
    "under Adgangsændringer (det sker med det samme), sæt adgangskoden, og anmod om "
    "adgangen igen – så skal en anden godkende den."
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "job_title")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "first_name",
            "last_name",
            "job_title",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None and self.instance.pk and holds_access(self.instance):
            # no button to the form that sets it (UserAdmin.user_change_password refuses)
            password.help_text = PASSWORD_LOCKED
            password.widget.template_name = "accounts/admin/password_locked.html"

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


@admin.register(User, site=admin_site)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    inlines = [RoleInline, TeamMembershipInline]
    list_display = ["email", "first_name", "last_name", "job_title", "is_active"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["first_name", "last_name"]
    filter_horizontal = []
    # Access (roles, teams, protected addresses) is changed on "Adgangsændringer" only.
    readonly_fields = ["date_joined", "last_login", "may_see_protected_addresses", "access_link"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "job_title"]}),
        (_("Adgang"), {"fields": ["may_see_protected_addresses", "access_link"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "job_title",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_active:
            # deactivating narrows and is done here; making active again restores her roles
            # and teams, so it waits for a second person under "Adgangsændringer"
            fields.append("is_active")
        return fields

    @admin.display(description=_("Ændr adgang"))
    def access_link(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("rights:user", args=[obj.pk]),
            _("Roller, teams og beskyttede adresser ændres under Adgangsændringer"),
        )

    def user_change_password(self, request, id, form_url=""):
        """Setting another user's password would let the administrator log in as her: only
        for users who hold no access (yet), and for herself (issue 9 item 3)."""
        user = self.get_object(request, unquote(id))
        if user is not None and user.pk != request.user.pk and holds_access(user):
            # 403: recorded as a refused attempt with the user (authz middleware)
            return render(request, "403.html", {"message": PASSWORD_LOCKED}, status=403)
        return super().user_change_password(request, id, form_url)

    def has_module_permission(self, request):
        return request.user.has_perm("accounts.administer")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accounts.administer")

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: users are actors in case history


@admin.action(description=_("Lås de valgte konti op"))
def lift_lockouts(modeladmin, request, queryset):
    for lockout in queryset:
        services.lockout_lift(lockout=lockout, lifted_by=request.user)
    messages.success(request, _("Kontiene er låst op."))


class LockoutStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Låst nu"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            from django.utils import timezone

            return queryset.filter(lifted_at__isnull=True, locked_until__gt=timezone.now())
        return queryset


@admin.register(LoginLockout, site=admin_site)
class LoginLockoutAdmin(RoleModelAdmin):
    list_display = [
        "email",
        "ip_address",
        "scope",
        "locked_at",
        "locked_until",
        "lifted_at",
        "lifted_by",
    ]
    list_filter = [LockoutStatusFilter, "scope"]
    search_fields = ["email", "ip_address"]
    actions = [lift_lockouts]
    readonly_fields = [
        "scope",
        "email",
        "ip_address",
        "locked_at",
        "locked_until",
        "lifted_at",
        "lifted_by",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LoginAttempt, site=admin_site)
class LoginAttemptAdmin(RoleModelAdmin):
    list_display = ["email", "attempted_at", "succeeded", "factor", "ip_address"]
    list_filter = ["succeeded", "factor"]
    search_fields = ["email", "ip_address"]
    readonly_fields = ["email", "attempted_at", "succeeded", "factor", "ip_address"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
