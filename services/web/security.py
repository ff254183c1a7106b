"""Security headers of every answer on the pages' origin, and the nonce the pages' inline scripts carry.

Pages may run only our own scripts (/static and the inline blocks stamped with this request's nonce),
load nothing from elsewhere and never be framed. Answers passed through the proxy (/api/...) are data
or the printable report: they run no script at all, whatever a service (or a stored value) puts in them.
"""

import secrets

from starlette.datastructures import MutableHeaders

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
# Inline styles stay allowed: the printable report is opened as a blob, which inherits this policy, and
# styles itself inline (styles cannot run code; scripts are what the nonce guards).
PAGE_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data: blob:; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The report page styles itself inline and draws inline SVG; nothing in it may run or load.
PROXIED_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"


class SecurityHeadersMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = PROXIED_POLICY if scope["path"].startswith("/api/") else PAGE_POLICY.format(nonce=nonce)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers[name] = value
                headers["content-security-policy"] = policy
            await send(message)

        await self.app(scope, receive, send_with_headers)
