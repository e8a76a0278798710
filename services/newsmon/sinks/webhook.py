"""The JSON webhook: the alert record as the body, signed with HMAC-SHA256 when a secret is set.

The receiver recomputes hex(HMAC-SHA256(secret, raw body)) and compares it, in constant time, with the
X-Newsmon-Signature header after its `sha256=` prefix (as GitHub's X-Hub-Signature-256)."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

SIGNATURE_HEADER = "X-Newsmon-Signature"
ALERT_ID_HEADER = "X-Newsmon-Alert-Id"


def signature(body: bytes, secret: SecretStr) -> str:
    digest = hmac.new(secret.get_secret_value().encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_headers(body: bytes, alert_id: str, secret: SecretStr | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", ALERT_ID_HEADER: alert_id}
    if secret is not None:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    return headers


def signature_matches(body: bytes, header: str | None, secret: SecretStr) -> bool:
    """What a receiver checks (and the tests): the header is the body's signature."""
    return header is not None and hmac.compare_digest(header, signature(body, secret))
