"""Server-rendered HTML for the search page (``/``) and the document page (``/documents/...``).

Jinja2 with autoescaping on: every value from a document or a request is escaped. Only
two pieces of markup are passed through unescaped, and both are built here or in the
index from escaped text: ``Hit.snippet_html`` (the document's words escaped, the index's
own ``<mark>`` tags around matched words) and ``paragraph_html`` (escaped text with
footnote markers turned into links).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlencode

from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

_MARKER = re.compile(r"\[\^([^\]]*)\]")

_CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d0d7de; --panel:#f6f8fa; --un:#009edb;
  --mod:#9a6700; --mod-bg:#fff8c5; --add:#1a7f37; --add-bg:#dafbe1; --mov:#8250df;
  --mov-bg:#fbefff; --err:#cf222e; --err-bg:#ffebe9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 -apple-system, "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
a { color: #0b62a4; text-decoration: none; } a:hover { text-decoration: underline; }
header.top { border-bottom: 3px solid var(--un); padding: 12px 24px; display: flex;
  align-items: baseline; gap: 16px; }
header.top .org { color: var(--un); font-weight: 700; letter-spacing: .06em;
  text-transform: uppercase; font-size: 12px; }
header.top h1 { font-size: 20px; margin: 0; font-weight: 600; }
main { max-width: 1180px; margin: 0 auto; padding: 18px 24px 40px; }
form.search { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; margin-bottom: 18px; }
form.search .row { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; }
form.search .row + .row { margin-top: 10px; }
form.search label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted);
  gap: 2px; }
input, select, button { font: inherit; padding: 6px 8px; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; }
input[name=q] { flex: 1; min-width: 260px; font-size: 16px; }
input.num { width: 84px; }
button { background: var(--un); color: #fff; border-color: var(--un); font-weight: 600;
  padding: 6px 18px; cursor: pointer; }
.layout { display: grid; grid-template-columns: 230px 1fr; gap: 24px; }
aside h2, .results h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); margin: 0 0 6px; }
aside ul { list-style: none; margin: 0 0 18px; padding: 0; font-size: 14px; }
aside li { display: flex; justify-content: space-between; gap: 8px; padding: 1px 0; }
aside li .n { color: var(--muted); font-variant-numeric: tabular-nums; }
aside li.on a { font-weight: 700; }
.summary { color: var(--muted); margin: 0 0 12px; }
.error { background: var(--err-bg); border: 1px solid #ffcecb; color: var(--err);
  border-radius: 6px; padding: 8px 12px; margin-bottom: 14px; }
ol.hits { list-style: none; margin: 0; padding: 0; }
ol.hits li { border-bottom: 1px solid var(--line); padding: 10px 0; }
.hit-head { font-size: 14px; display: flex; gap: 8px; flex-wrap: wrap; align-items: baseline; }
.hit-head .sym { font-weight: 700; }
.snippet { font-family: Georgia, "Times New Roman", "DejaVu Serif", serif; font-size: 16px;
  margin-top: 3px; }
mark { background: #fff2a8; padding: 0 1px; border-radius: 2px; }
.badge { font-size: 11px; border-radius: 10px; padding: 1px 8px; border: 1px solid var(--line);
  color: var(--muted); white-space: nowrap; }
.badge.modified { background: var(--mod-bg); color: var(--mod); border-color: #eed888; }
.badge.added { background: var(--add-bg); color: var(--add); border-color: #aceebb; }
.badge.moved { background: var(--mov-bg); color: var(--mov); border-color: #e0c8fa; }
.badge.phrase { font-style: italic; }
.doc-meta { color: var(--muted); margin: 4px 0 16px; }
.doc-meta b { color: var(--ink); font-weight: 600; }
h2.section { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
.para { display: grid; grid-template-columns: 62px 1fr; gap: 10px; padding: 6px 0;
  font-family: Georgia, "Times New Roman", "DejaVu Serif", serif; font-size: 16px;
  white-space: pre-line; }
.para .pid { font-family: -apple-system, "Segoe UI", Arial, "DejaVu Sans", sans-serif;
  font-size: 12px; color: var(--muted); white-space: normal; }
.para:target { background: #fff8c5; }
.para sup a { font-size: 11px; }
.changes { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 14px; }
.changes ol { margin: 6px 0 0; padding-left: 22px; }
iframe.redline { width: 100%; height: 900px; border: 1px solid var(--line); border-radius: 8px; }
.empty { color: var(--muted); }
code { background: var(--panel); padding: 0 4px; border-radius: 4px; }
"""

_BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}docpipe{% endblock %}</title>
<style>{{ css }}</style>
</head>
<body>
<header class="top"><span class="org">United Nations · General Assembly</span>
<h1><a href="/">docpipe paragraph search</a></h1></header>
<main>{% block main %}{% endblock %}</main>
</body>
</html>
"""

_SEARCH = """{% extends "base.html" %}
{% block title %}{{ q ~ " · " if q }}docpipe search{% endblock %}
{% block main %}
<form class="search" method="get" action="/" role="search">
<div class="row">
<input type="search" name="q" value="{{ q }}" placeholder='words, "a phrase", migr*, NOT word'
 aria-label="query" autofocus>
<button type="submit">Search</button>
</div>
<div class="row">
<label>session<input class="num" type="number" name="session" min="1" max="999" value="{{ f.session }}"></label>
<label>since<input class="num" type="number" name="since" min="1" max="999" value="{{ f.since }}"></label>
<label>type<select name="type"><option value="">any</option>
{% for t in types %}<option{{ " selected" if f.type == t }}>{{ t }}</option>{% endfor %}</select></label>
<label>change<select name="change"><option value="">any</option>
{% for c in changes %}<option{{ " selected" if f.change == c }}>{{ c }}</option>{% endfor %}</select></label>
<label>opening phrase<input name="phrase" value="{{ f.phrase }}" placeholder="Requests"></label>
<label>symbol prefix<input name="symbol" value="{{ f.symbol }}" placeholder="A/C.2/58/*"></label>
<label>body<input name="body" value="{{ f.body }}" placeholder="Second Committee"></label>
</div>
</form>
{% if error %}<div class="error" role="alert">{{ error }}</div>{% endif %}
{% if q and not error %}
<div class="layout">
<aside>
<h2>Sessions</h2>
<ul class="facet-session">{% for s, n in facets.session.items() %}
<li{{ ' class="on"'|safe if f.session == s|string }}><a href="{{ link(session=s) }}">{{ s }}</a><span class="n">{{ n }}</span></li>
{% else %}<li class="empty">none</li>{% endfor %}</ul>
<h2>Bodies</h2>
<ul class="facet-body">{% for b, n in facets.body.items() %}
<li{{ ' class="on"'|safe if f.body == b }}><a href="{{ link(body=b) }}">{{ b }}</a><span class="n">{{ n }}</span></li>
{% else %}<li class="empty">none</li>{% endfor %}</ul>
</aside>
<section class="results">
<p class="summary">{{ facets.total }} paragraph{{ "s" if facets.total != 1 }} match{{ "es" if facets.total == 1 }}{% if hits|length < facets.total %}; the best {{ hits|length }} are shown{% endif %}.</p>
<ol class="hits">{% for h in hits %}
<li class="hit">
<div class="hit-head"><a class="sym" href="{{ doc_url(h.symbol) }}#{{ h.paragraph }}">{{ h.symbol or h.doc_id }}</a>
<span>{{ para_label(h) }}</span>
{% if h.session %}<span class="badge">session {{ h.session }}</span>{% endif %}
<span class="badge">{{ h.type }}</span>
{% if h.phrase %}<span class="badge phrase">{{ h.phrase }}</span>{% endif %}
{% if h.change %}<span class="badge {{ h.change }}">{{ h.change }}</span>{% endif %}</div>
<div class="snippet">{{ h.snippet_html|safe }}</div>
</li>{% else %}<li class="empty">No paragraph matches.</li>{% endfor %}</ol>
</section>
</div>
{% elif not q %}
<p class="empty">{{ count }} paragraphs indexed. Try <a href="/?q=%22international+migration%22">"international migration"</a>,
<code>Secretary-General NOT report</code>, <code>migr*</code> or a symbol such as <code>56/203</code>.</p>
{% endif %}
{% endblock %}
"""

_DOCUMENT = """{% extends "base.html" %}
{% block title %}{{ d.symbol }} · docpipe{% endblock %}
{% block main %}
<h1 class="doc-title">{{ d.symbol }}{% if d.title %}: {{ d.title }}{% endif %}</h1>
<div class="doc-meta">
{% if d.kind %}<b>{{ d.kind }}</b> · {% endif %}{% if d.body %}{{ d.body }} · {% endif %}
{% if d.session %}session {{ d.session }}{% endif %}{% if d.agenda_item %} · agenda item {{ d.agenda_item }}{% endif %}
{% if d.predecessor %}<br>Compared with <a href="{{ doc_url(d.predecessor) }}">{{ d.predecessor }}</a>
{% if d.predecessor_confidence is not none %}(confidence {{ "%.2f"|format(d.predecessor_confidence) }}){% endif %}{% endif %}
</div>
{% if summary is not none %}
<section class="changes"><b>What changed since {{ d.predecessor }}</b>
{% if summary %}<ol>{% for line in summary %}<li>{{ line }}</li>{% endfor %}</ol>{% else %}<p>No paragraph changed.</p>{% endif %}
</section>
{% endif %}
{% if d.opening %}<p class="para"><span class="pid"></span><span>{{ d.opening }}</span></p>{% endif %}
<h2 class="section">Preamble</h2>
{% for p in d.preamble %}<div class="para" id="P{{ loop.index }}"><span class="pid">PP{{ loop.index }}
{% if change("P" ~ loop.index) %}<span class="badge {{ change("P" ~ loop.index) }}">{{ change("P" ~ loop.index) }}</span>{% endif %}</span><span>{{ para_html(p.text) }}</span></div>
{% else %}<p class="empty">none</p>{% endfor %}
<h2 class="section">Operative paragraphs</h2>
{% for p in d.operative %}<div class="para" id="O{{ loop.index }}"><span class="pid">OP{{ p.number or loop.index }}
{% if change("O" ~ loop.index) %}<span class="badge {{ change("O" ~ loop.index) }}">{{ change("O" ~ loop.index) }}</span>{% endif %}</span><span>{{ para_html(p.text) }}</span></div>
{% else %}<p class="empty">none</p>{% endfor %}
{% if d.footnotes %}<h2 class="section">Footnotes</h2>
{% for fn in d.footnotes %}<div class="para" id="F{{ loop.index }}"><span class="pid" id="fn-{{ fn.mark }}">{{ fn.mark }}</span><span>{{ para_html(fn.text) }}</span></div>{% endfor %}
{% endif %}
{% if redline %}<h2 class="section">Redline against {{ d.predecessor }}</h2>
<p><a href="{{ redline }}">Open the redline on its own page</a></p>
<iframe class="redline" src="{{ redline }}" title="redline"></iframe>{% endif %}
{% endblock %}
"""

_ERROR = """{% extends "base.html" %}
{% block title %}{{ status }} · docpipe{% endblock %}
{% block main %}<div class="error" role="alert">{{ message }}</div>
<p><a href="/">Back to search</a></p>{% endblock %}
"""

env = Environment(loader=DictLoader({"base.html": _BASE, "search.html": _SEARCH,
                                     "document.html": _DOCUMENT, "error.html": _ERROR}),
                  autoescape=select_autoescape(default=True, default_for_string=True))


def doc_url(symbol: str | None) -> str:
    return "/documents/" + quote(symbol or "", safe="/")


def paragraph_html(text: str) -> Markup:
    """A paragraph as printed: text escaped, ``[^N]`` markers as links to their footnotes."""
    escaped = html.escape(text, quote=True)
    return Markup(_MARKER.sub(
        lambda m: f'<sup><a href="#fn-{m.group(1)}">{m.group(1)}</a></sup>', escaped))


def para_label(hit) -> str:
    kind, pos = hit.paragraph[:1], hit.paragraph[1:]
    return {"P": f"preambular paragraph {pos}", "O": f"operative paragraph {pos}",
            "F": f"footnote {pos}"}.get(kind, hit.paragraph)


def render_search(*, q: str, form: dict, error: str | None, hits: list, facets: dict | None,
                  count: int | None, types, changes) -> str:
    def link(**change) -> str:
        params = {k: v for k, v in {**form, "q": q, **change}.items() if v not in (None, "")}
        return "/?" + urlencode(params)
    return env.get_template("search.html").render(
        css=Markup(_CSS), q=q, f={k: (v or "") for k, v in form.items()}, error=error,
        hits=hits, facets=facets or {"session": {}, "body": {}, "total": 0}, count=count,
        types=types, changes=changes, link=link, doc_url=doc_url, para_label=para_label)


def render_document(view: dict, *, changes: dict[str, str] | None, summary: list[str] | None,
                    redline: str | None) -> str:
    return env.get_template("document.html").render(
        css=Markup(_CSS), d=view, summary=summary, redline=redline, doc_url=doc_url,
        para_html=paragraph_html, change=lambda pid: (changes or {}).get(pid))


def render_error(status: int, message: str) -> str:
    return env.get_template("error.html").render(css=Markup(_CSS), status=status, message=message)
