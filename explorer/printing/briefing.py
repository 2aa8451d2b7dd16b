"""The printable briefing of a scenario, laid out as a board paper: self-contained HTML, no
script, no network.

A typical scenario fits one A4 page; a longer one breaks between table rows, never inside
one, and repeats the table's header row on every page. Every page after printing carries
the scenario name, the date prepared and "Page X of Y" in its bottom margin. These are CSS
page margin boxes (``@page { @bottom-right { content: counter(page) ... } }``): print CSS,
so they work when a reader prints the downloaded file from the browser, not only in a PDF
made by a program. Recent Chromium-based browsers (Chrome, Edge) print them; this was
checked with Debian's Chromium 156 (``tests/browser/test_briefing_pdf.py``). A browser
without margin boxes prints the body alone, which starts with the same name and date.

The paper says how to open the same scenario again: the share link, or for a scenario too
long for a link (:data:`~explorer.limits.MAX_SHARE_CHARS`) the scenario file printed at the
end.

All text from the scenario (its name, hub names), the link and the attribution is escaped,
so a hub called ``<img src=x onerror=alert(1)>`` prints as those characters.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import string
from dataclasses import dataclass

from explorer.coverage import CoverageResult
from explorer.i18n import decimal, t
from explorer.links import edition_params, scenario_link
from explorer.model import AS_AT, Dataset
from explorer.planner import against_may_2019, headline, hub_rows
from explorer.printing.styles import BRIEFING_CSS
from explorer.scenario import Scenario, scenario_to_dict, share_token_or_none

#: Column widths (per cent) of the per-MASH table, in :func:`~explorer.planner.hub_rows`
#: order: hub, model, host, authorities, covered, population, farthest, forces, health
#: boards, safeguarding boards.
_COLUMN_WIDTHS = {10: (9, 8.5, 12.5, 12.5, 7.5, 9.5, 7, 10, 11.5, 12)}
#: Longest scenario name repeated in the page footer (the full name heads page one).
FOOTER_NAME_CHARS = 60



def css_string(text: str) -> str:
    r"""``text`` as a CSS string literal: everything but letters and digits written as a
    six-digit escape, so no text can end the string or the style sheet (spaces too: CSS
    swallows one space after an escape).

    >>> print(css_string('a "b</style>'))
    "a\000020\000022b\00003c\00002fstyle\00003e"
    """
    return '"' + "".join(c if c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"'


def css_message(key: str, lang: str, **counters: str) -> str:
    r"""A message as CSS ``content``: its ``{placeholders}`` become CSS counters.

    >>> print(css_message("briefing.page", "en", page="page", pages="pages"))
    "Page\000020" counter(page) "\000020of\000020" counter(pages)
    """
    parts = []
    for literal, field, _, _ in string.Formatter().parse(t(key, lang)):
        if literal:
            parts.append(css_string(literal))
        if field:
            parts.append(f"counter({counters[field]})")
    return " ".join(parts)


def date_text(day: dt.date, lang: str = "en") -> str:
    """``2 March 2025`` / ``2 Mawrth 2025``.

    >>> date_text(dt.date(2025, 3, 2), "cy")
    '2 Mawrth 2025'
    """
    return f"{day.day} {t(f'briefing.month_{day.month}', lang)} {day.year}"


@dataclass(frozen=True)
class PaperEdition:
    """The edition a paper's figures come from (issue 18): the id its link carries, the date
    and title it states. The default is the May 2019 briefing (edition 1)."""

    id: int = 1
    as_at: str = AS_AT
    title: str = ""


MAY_2019 = PaperEdition()


def share_link(scenario: Scenario, app_url: str | None, lang: str = "en",
               edition: PaperEdition = MAY_2019) -> str | None:
    """The link that reopens ``scenario`` (in ``lang``) on the what-if page at ``app_url``
    (http or https, without a query) at ``edition`` (always named, so the paper's link shows
    the same edition after a later one is published), or None if there is no such page or
    the scenario is too long for a link."""
    if not app_url or not app_url.startswith(("http://", "https://")):
        return None
    token = share_token_or_none(scenario)
    if token is None:
        return None
    return scenario_link(app_url, token, {**({"lang": lang} if lang != "en" else {}),
                                          **edition_params(edition.id)})


def scenario_text(scenario: Scenario) -> str:
    """The scenario file as printed: valid JSON, one line per setting and per hub.

    >>> print(scenario_text(Scenario("x", ())))
    {
      "name": "x",
      "include_existing": true,
      "max_travel_km": null,
      "population": "census2021",
      "hubs": []
    }
    """
    data = scenario_to_dict(scenario)

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = [f"  {dump(k)}: {dump(v)}" for k, v in data.items() if k != "hubs"]
    hubs = ",\n".join(f"    {dump(h)}" for h in data["hubs"])
    lines.append('  "hubs": [\n' + hubs + "\n  ]" if hubs else '  "hubs": []')
    return "{\n" + ",\n".join(lines) + "\n}"


def _cell(value: object) -> str:
    return html.escape("" if value is None else str(value))


def briefing_html(
    scenario: Scenario,
    result: CoverageResult,
    ds: Dataset,
    map_svg: str,
    *,
    attribution: str,
    lang: str = "en",
    app_url: str | None = None,
    prepared: dt.date | None = None,
    edition: PaperEdition = MAY_2019,
) -> str:
    """The printable briefing: map, headline, per-MASH table, assumptions, how to reopen the
    scenario, and sources.

    ``map_svg`` is drawn by :func:`explorer.printing.svg_map.coverage_svg` (its key included).
    ``app_url`` is
    the what-if page's address: with it, and a scenario short enough, the paper prints the
    share link; otherwise it prints the scenario file at the end. ``prepared`` defaults to
    today. ``attribution`` is shown exactly as given (escaped). ``edition`` is the edition
    ``ds`` holds: the paper states its date (and, after May 2019, its id and title), compares
    the scenario with it, and its link reopens it.
    """
    e = html.escape
    day = date_text(prepared or dt.date.today(), lang)
    head = headline(result, ds, lang)
    diff = against_may_2019(result, ds, lang)
    rows = hub_rows(result, ds, lang)
    if rows:
        cols = list(rows[0])
        numeric = {t("whatif.col_covered", lang), t("whatif.col_population", lang),
                   t("whatif.col_farthest", lang)}

        def cls(c: str) -> str:
            return ' class="num"' if c in numeric else ""

        widths = _COLUMN_WIDTHS.get(len(cols))
        colgroup = ("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths)
                    + "</colgroup>") if widths else ""
        table = (
            f"<table>{colgroup}<thead><tr>"
            + "".join(f'<th scope="col"{cls(c)}>{e(c)}</th>' for c in cols)
            + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td{cls(c)}>{_cell(row[c])}</td>" for c in cols)
                      + "</tr>" for row in rows)
            + f"</tbody></table><p class=\"note\">{e(t('whatif.per_hub_note', lang))}</p>"
        )
    else:
        table = f"<p>{e(t('whatif.no_hubs', lang))}</p>"
    limit = (t("whatif.assume_limit", lang, km=decimal(scenario.max_travel_km, lang))
             if scenario.max_travel_km else t("whatif.assume_no_limit", lang))
    existing = t("whatif.assume_existing_on" if scenario.include_existing
                 else "whatif.assume_existing_off", lang)
    link = share_link(scenario, app_url, lang, edition)
    if edition.id == MAY_2019.id:
        as_at, versus = t("sidebar.as_at", lang), t("whatif.vs_may_2019", lang)
        edition_src = ""
    else:
        when = date_text(dt.date.fromisoformat(edition.as_at), lang)
        as_at = t("briefing.as_at_edition", lang, date=when, id=edition.id,
                  title=edition.title)
        versus = t("briefing.vs_edition", lang, date=when)
        edition_src = f'<p class="src">{e(t("briefing.edition_sources", lang, id=edition.id))}</p>'

    if link:
        reproduce = (f"<p>{e(t('briefing.reproduce_link', lang))}</p>"
                     f'<p class="link"><a href="{e(link)}">{e(link)}</a></p>')
        appendix = ""
    else:
        reproduce = f"<p>{e(t('briefing.reproduce_file', lang))}</p>"
        text = scenario_text(scenario)
        appendix = (f'<section class="file"><h2>{e(t("briefing.scenario_file", lang))}: '
                    f"{e(scenario.name)}</h2><pre>{e(text)}</pre></section>")
    name = scenario.name if len(scenario.name) <= FOOTER_NAME_CHARS else (
        scenario.name[: FOOTER_NAME_CHARS - 1] + "…")
    css = BRIEFING_CSS.replace(
        "FOOTER", css_string(f"{name} · {t('briefing.prepared', lang, date=day)}"), 1
    ).replace("PAGE", css_message("briefing.page", lang, page="page", pages="pages"), 1)

    def listing(names: list[str]) -> str:
        return e(", ".join(names) or "–")

    left_out = e(t("whatif.left_out", lang))
    excluded = (f'<p>{left_out}:</p><ul class="small">'
                + "".join(f"<li>{e(line)}</li>" for line in head["excluded"]) + "</ul>"
                if head["excluded"] else f"<p>{left_out}: –</p>")

    return f"""<!doctype html>
<html lang="{e(lang)}"><head><meta charset="utf-8">
<title>{e(scenario.name)} – {e(t('whatif.briefing_title', lang))}</title>
<style>{css}</style></head><body>
<h1>{e(scenario.name)}</h1>
<p class="meta">{e(t('whatif.briefing_title', lang))} · {e(t('briefing.prepared', lang, date=day))}
 · {e(as_at)}</p>
<div class="grid"><figure class="map">{map_svg}</figure>
<div class="facts"><p class="head">{e(head['authorities'])}</p>
<p>{e(t('whatif.population_covered', lang))}: <b>{e(head['population'])}</b>
({e(head['population_share'])}, {e(head['population_basis'])})</p>
<p>{e(t('whatif.mashes_proposed', lang))}: <b>{e(head['hubs'])}</b></p>
<p>{e(t('whatif.newly_covered', lang))}: {listing(head['newly_covered'])}</p>
<p>{e(versus)}: {e(t('whatif.gained', lang))} {listing(diff['gained'])};
{e(t('whatif.lost', lang))} {listing(diff['lost'])}</p>
{excluded}
<h2>{e(t('whatif.assumptions', lang))}</h2>
<ul class="small"><li>{e(existing)}</li><li>{e(limit)}</li>
<li>{e(t('whatif.assume_once', lang))}</li><li>{e(t('whatif.mashes_help', lang))}</li>
<li>{e(t('whatif.assume_population', lang, basis=head['population_basis']))}</li></ul>
<h2>{e(t('nav.sources', lang))}</h2>
<p class="src">{e(t('sources.briefing', lang))}</p>{edition_src}
<p class="src">{e(t('whatif.briefing_data', lang))} {e(attribution)}</p>
</div></div>
<h2>{e(t('whatif.per_hub', lang))}</h2>{table}
<div class="keep"><h2>{e(t('briefing.reproduce', lang))}</h2>{reproduce}</div>
{appendix}
</body></html>
"""
