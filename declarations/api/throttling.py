"""How often one address may ask: every API client is anonymous."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from ..middleware import client_ip_address


class AnonymousRateThrottle(AnonRateThrottle):
    """``TRACKER_API_ANON_RATE`` requests per address.

    The address is the one login throttling counts (the peer, or behind the TLS
    proxy the entry the proxy appended to X-Forwarded-For), never one the client
    chose, so nobody escapes the limit by sending a new address each time.
    """

    def get_rate(self):
        return settings.TRACKER_API_ANON_RATE

    def get_ident(self, request):
        return client_ip_address(request) or ""
