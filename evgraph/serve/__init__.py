"""``evgraph serve``: a local, read-only web app and JSON API over a built graph.

* :mod:`.index`: autocomplete search over labels, synonyms and CURIEs;
* :mod:`.service`: what the pages and the API show (node pages, connectivity, paths, queries);
* :mod:`.hypotheses`: predictions, the user's cargo overlay and tissue of origin (part of the service);
* :mod:`.jsonable`: answers as plain JSON values;
* :mod:`.api`: the JSON API under ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``);
* :mod:`.pages`: the HTML pages (Jinja2, escaped, no inline script);
* :mod:`.security`: headers (strict CSP), size, host and time limits;
* :mod:`.app`: :func:`create_app` and :func:`run` (uvicorn).

>>> import evgraph
>>> from evgraph.serve import create_app
>>> app = create_app(evgraph.load())
>>> "/api/v1/openapi.json" == app.openapi_url
True
"""

from __future__ import annotations

from .app import bind, create_app, run

__all__ = ["bind", "create_app", "run"]
