"""The API documentation page (Swagger UI) under the site's
Content-Security-Policy.

The split view serves Swagger UI's start-up script as a file, so no inline
script is needed; the page keeps a small inline <style> of drf-spectacular's
template and Swagger UI draws its icons from data: URLs, which this page
alone allows.
"""

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

api_docs = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema"))
