"""Who is asking: the partner API key a request presents, and the client's IP address (behind
TRUSTED_PROXY_COUNT proxies). The API rate limits (hotpath.ratelimit) and the admin lockout
(access.security) count against the same client."""

import functools
import ipaddress

from django.conf import settings

API_KEY_HEADER = "HTTP_X_API_KEY"
AUTHORIZATION_SCHEME = "api-key"


def presented_key(request) -> str | None:
    """The API key the request carries, '' for a malformed one, None for none."""
    key = request.META.get(API_KEY_HEADER)
    if key is None:
        authorization = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != AUTHORIZATION_SCHEME:
            return None
        key = credentials
    key = key.strip()
    return key if 0 < len(key) <= 200 and key.isprintable() else ""


@functools.lru_cache(maxsize=4096)
def valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None if there is no valid one (a forged or garbled
    X-Forwarded-For entry falls back to the socket's address)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies and (address := valid_ip(forwarded[-proxies][:64])):
            return address
    return valid_ip(request.META.get("REMOTE_ADDR", "")[:64])
