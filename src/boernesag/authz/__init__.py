"""Authorisation plumbing under the need-to-know gate.

Low-level, imports nothing else from Børnesag (it sits just above ``lib``):

- ``registry``: the one permission registry (``rules`` permissions with a Danish label),
  filled by each app's ``permissions.py`` (autodiscovered when Django starts);
- ``models``: refused attempts (``RefusedAccess``) and the children a list page showed
  (``AccessLogChild``, one row per child next to the page's single access-log row);
- ``middleware``: records every refused request (403/404 answered to a logged-in user).

Views never use this package directly for reads: they use ``boernesag.cases.gate``.
"""
