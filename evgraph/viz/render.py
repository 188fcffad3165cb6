"""Turn a pyvis ``Network`` into one self-contained, offline HTML page.

pyvis is the data model (``network.nodes`` / ``network.edges`` are plain dicts); the page is
our own template: vis-network's JavaScript (shipped inside the pyvis wheel) and every style are
inline, a Content-Security-Policy allows only the page's own two scripts (by hash) and no
network access at all, and the data travels as an inert JSON block escaped for HTML.

>>> safe_json({"label": "</script><img src=x onerror=alert(1)>"})
'{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

VIS_VERSION = "9.1.2"


@cache
def vis_network_js() -> str:
    """The vis-network standalone build shipped with pyvis (no CDN).

    Found through the package's location, without importing pyvis (its import pulls networkx,
    jsonpickle and IPython)."""
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    origin = spec.origin if spec is not None and spec.origin else "pyvis/__init__.py"
    path = Path(origin).parent / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
    if not path.is_file():  # pragma: no cover - only with a broken pyvis install
        from ..errors import EvgraphError

        raise EvgraphError(f"vis-network {VIS_VERSION} not found in the pyvis package ({path})")
    text = path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


@cache
def _asset(name: str) -> str:
    return (resources.files("evgraph.viz") / name).read_text(encoding="utf-8")


@cache
def _template():
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_asset("template.html"))


def safe_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` block: ``<``, ``>``, ``&`` and line separators escaped."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source expression ('sha256-...') allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@cache
def page_csp() -> str:
    """The Content-Security-Policy of every view page: only its own two scripts (by hash), no network.

    A server that sends a view page (``evgraph serve``) sends this as its header too.
    """
    return ("default-src 'none'; script-src " + csp_hash(vis_network_js()) + " " + csp_hash(_asset("app.js"))
            + "; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'")


def render_page(data: dict[str, Any], *, title: str, subtitle: str = "", description: str = "",
                back_link: str | None = None) -> str:
    """The full HTML page for a view's data (see :mod:`evgraph.viz.views` for the layout of ``data``)."""
    vis_js = vis_network_js()
    app_js = _asset("app.js")
    return _template().render(
        csp=page_csp(), title=title, subtitle=subtitle, description=description, back_link=back_link,
        data_json=Markup(safe_json(data)), vis_js=Markup(vis_js), app_js=Markup(app_js),
    )


def iframe(page: str, height: int = 640) -> str:
    """Wrap a page in an ``<iframe srcdoc>`` for notebooks (its scripts stay isolated)."""
    from html import escape

    return (f'<iframe srcdoc="{escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>')
