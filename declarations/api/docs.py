"""The API's documentation page: Swagger UI, served by the app itself.

Its scripts and styles are static files (drf-spectacular-sidecar ships Swagger
UI; ``static/js/api-docs.js`` starts it), so the page loads nothing from another
site and needs no inline script or style. Its policy is the site's
(``settings.SECURE_CSP``) with one addition: Swagger UI's stylesheet draws a few
icons as ``data:`` SVG images, which ``img-src 'self'`` would block. An image
cannot run script, so allowing ``data:`` for images on this one page weakens
nothing that the policy protects; scripts and styles stay ``'self'`` only.
"""

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from ..middleware import csp_header
from ..page_cache import public_page


def docs_policy() -> str:
    policy = {name: list(sources) for name, sources in settings.SECURE_CSP.items()}
    policy["img-src"] = [*policy.get("img-src", ["'self'"]), "data:"]
    return csp_header(policy)


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"
    http_method_names = ["get", "head", "options"]

    @classmethod
    def as_view(cls, **initkwargs):
        # Like every address under /api/, it refuses any write with 405; it takes
        # no form and sets no cookie, so there is nothing for CSRF to protect.
        return csrf_exempt(public_page(super().as_view(**initkwargs)))

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Content-Security-Policy"] = docs_policy()
        return response
