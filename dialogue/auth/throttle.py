"""Password attempts counted per address and network, so guessing is slow and no one is locked out.

A limit per address alone lets anyone who knows an address keep its owner out by failing on purpose.
Counting per address *and* the client's network (/24 for IPv4, /64 for IPv6: what one household or
office usually holds) slows a guesser down just as much, while the owner, signing in from their own
network, keeps their own allowance. The per-IP limit on the log-in page still holds for everyone, and
an emailed sign-in link is always a way in that these counts do not touch.
"""

from __future__ import annotations

import ipaddress

from flask import current_app, request
from limits import parse_many

from dialogue.core.emails import normalise_email
from dialogue.core.errors import DialogueError
from dialogue.extensions import limiter

SCOPE = "login-address-network"


def network_of(address: str | None) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of a client address; an unparsable one stands for itself."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "").strip() or "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def address_network_key(email: str, remote_address: str | None) -> str:
    try:
        address = normalise_email(email)
    except DialogueError:
        address = (email or "").strip().lower()
    return f"{address}|{network_of(remote_address)}"


def allow_password_attempt(email: str) -> bool:
    """Count one password attempt for this address from this network; False once the limit is reached."""
    if not limiter.enabled:
        return True
    key = address_network_key(email, request.remote_addr)
    allowed = [limiter.limiter.hit(item, SCOPE, key)
               for item in parse_many(current_app.config["LOGIN_ADDRESS_NETWORK_RATE_LIMIT"])]
    return all(allowed)
