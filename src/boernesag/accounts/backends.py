"""Authentication backends.

Password login uses ``EmailBackend``. Single sign-on (OIDC/SAML, a later issue) adds its
own backend to ``AUTHENTICATION_BACKENDS`` that maps the identity provider's subject to
``User.sso_subject`` and then goes through ``accounts.services.login_complete`` like
password login does, so lockout, the login log and session rules stay in one place.
"""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """E-mail (case-insensitive) and password. Roles, not Django permissions, decide
    what a user may do, so permission lookups are left to ``rules`` predicates."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
