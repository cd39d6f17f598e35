from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessChangeKind(models.TextChoices):
    """What a change of a user's access does. The codes are the events' ``change_kind``."""

    ROLE_GRANT = "role_grant", _("Tildel rolle")
    ROLE_END = "role_end", _("Fratag rolle")
    ROLE_MOVE = "role_move", _("Flyt rolle til en anden enhed")
    TEAM_JOIN = "team_join", _("Meld ind i team")
    TEAM_LEAVE = "team_leave", _("Meld ud af team")
    PROTECTED_ADDRESSES = "protected_addresses", _("Giv adgang til beskyttede adresser")
    PROTECTED_ADDRESSES_END = (
        "protected_addresses_end",
        _("Fjern adgang til beskyttede adresser"),
    )
    USER_REACTIVATE = "user_reactivate", _("Genaktivér bruger")


class AccessChangeStatus(models.TextChoices):
    PENDING = "pending", _("Afventer godkendelse")
    APPLIED = "applied", _("Gennemført")
    REJECTED = "rejected", _("Afvist")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


# Changes that can only narrow access take effect at once; the others wait for a second
# person. A role move is decided by the units involved (rights.services).
NARROWING_KINDS = frozenset(
    {
        AccessChangeKind.ROLE_END,
        AccessChangeKind.TEAM_LEAVE,
        AccessChangeKind.PROTECTED_ADDRESSES_END,
    }
)
