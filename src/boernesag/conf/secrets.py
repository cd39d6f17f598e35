"""Secrets from the environment: strength checks and the audit key.

``secret_strength_problem`` is used for SECRET_KEY and AUDIT_HMAC_KEY in production. It
estimates entropy instead of trusting length: a 60-character key made of a repeated word
is as weak as the word.
"""

from __future__ import annotations

import math
import os
import secrets
import zlib
from collections import Counter
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_BITS = 128


def entropy_bits(value: str) -> float:
    """A conservative estimate of the entropy in ``value``, in bits.

    The empirical Shannon entropy of its characters times its length, scaled down when the
    value compresses well (raw DEFLATE to less than 3/4 of its length), which catches
    repetition and patterns that character counts miss ("abcdefghij" * 6)."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    shannon = -sum(c / n * math.log2(c / n) for c in counts.values()) * n
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = len(compressor.compress(value.encode()) + compressor.flush())
    ratio = compressed / len(value.encode())
    return shannon * min(1.0, ratio / 0.75)


def secret_strength_problem(value: str, *, min_length: int, min_bits: int = MIN_SECRET_BITS):
    """None when the secret is strong enough, otherwise why not (English, for operators)."""
    if not value:
        return "is not set"
    if value.startswith("django-insecure"):
        return "is Django's insecure development key"
    if len(value) < min_length:
        return f"is shorter than {min_length} characters"
    if len(set(value)) < 10:
        return "uses fewer than 10 different characters"
    bits = entropy_bits(value)
    if bits < min_bits:
        return f"has too little entropy (about {bits:.0f} bits; at least {min_bits} needed)"
    return None


def audit_key_load(*, value: str, path: str, default_path: Path, production: bool) -> bytes:
    """The key of the access log's HMAC chain and of its anchors, kept outside the database.

    ``AUDIT_HMAC_KEY`` (the key itself) or ``AUDIT_HMAC_KEY_FILE`` (a file holding it).
    Production requires one of them and checks its entropy. Development and tests without
    either get a random key generated once per installation in ``default_path`` (mode 0600).
    """
    if value and path:
        raise ImproperlyConfigured("Set AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE, not both.")
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_FILE cannot be read: {exc}") from exc
    if not value:
        if production:
            raise ImproperlyConfigured(
                "AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE must be set when "
                "BOERNESAG_ENV=production (docs/security.md)."
            )
        value = _generated_key(default_path)
    problem = secret_strength_problem(value, min_length=32)
    if problem and production:
        raise ImproperlyConfigured(f"The audit key (AUDIT_HMAC_KEY) {problem}.")
    return value.encode()


def _generated_key(path: Path) -> str:
    """Create the per-installation key file once (atomically: concurrent processes agree)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
