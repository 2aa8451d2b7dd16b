"""A one-page printable briefing of a scenario: self-contained HTML, no script, no network.

All text from the scenario (its name, hub names) is escaped, so a hub called
``<img src=x onerror=alert(1)>`` prints as those characters.
"""

from __future__ import annotations

import html

from explorer.coverage import CoverageResult
from explorer.i18n import t
from explorer.model import Dataset
from explorer.planner import against_may_2019, headline, hub_rows
from explorer.scenario import Scenario

_CSS = """
body{font:11pt/1.35 system-ui,sans-serif;color:#111;margin:1.2cm;max-width:19cm}
h1{font-size:17pt;margin:0 0 .2em}h2{font-size:12pt;margin:1em 0 .3em}
.meta{color:#444;font-size:9.5pt}.grid{display:flex;gap:1.2em;align-items:flex-start}
.head{font-size:13pt}.head b{font-size:16pt}
table{border-collapse:collapse;font-size:9pt;width:100%}
th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}
.key span{display:inline-block;width:.9em;height:.9em;border:1px solid #444;margin:0 .3em 0 .8em}
@media print{body{margin:0}@page{size:A4;margin:1.2cm}}
"""


def briefing_html(
    scenario: Scenario,
    result: CoverageResult,
    ds: Dataset,
    map_svg: str,
    *,
    attribution: str,
    colours: dict[str, str],
    lang: str = "en",
) -> str:
    """The printable briefing: map, headline, per-hub table, assumptions and sources."""
    e = html.escape
    head = headline(result, ds, lang)
    diff = against_may_2019(result, ds, lang)
    rows = hub_rows(result, ds, lang)
    if rows:
        cols = list(rows[0])
        table = "<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"
        for row in rows:
            table += "<tr>" + "".join(
                f"<td>{e('' if row[c] is None else str(row[c]))}</td>" for c in cols) + "</tr>"
        table += "</table>"
    else:
        table = f"<p>{e(t('whatif.no_hubs', lang))}</p>"
    limit = (t("whatif.assume_limit", lang, km=f"{scenario.max_travel_km:g}")
             if scenario.max_travel_km else t("whatif.assume_no_limit", lang))
    existing = t("whatif.assume_existing_on" if scenario.include_existing
                 else "whatif.assume_existing_off", lang)
    key = "".join(
        f'<span style="background:{colours[k]}"></span>{e(t(f"whatif.class_{k}", lang))}'
        for k in ("covered", "newly_covered", "not_covered"))
    listing = lambda names: e(", ".join(names) or "–")  # noqa: E731
    return f"""<!doctype html>
<html lang="{e(lang)}"><head><meta charset="utf-8">
<title>{e(scenario.name)} – {e(t('whatif.briefing_title', lang))}</title>
<style>{_CSS}</style></head><body>
<h1>{e(scenario.name)}</h1>
<p class="meta">{e(t('whatif.briefing_title', lang))} · {e(t('sidebar.as_at', lang))}</p>
<div class="grid"><div>{map_svg}<p class="meta key">{key}</p></div>
<div><p class="head"><b>{e(head['authorities'])}</b></p>
<p>{e(t('whatif.population_covered', lang))}: <b>{e(head['population'])}</b>
({e(head['population_share'])}, {e(head['population_basis'])})</p>
<p>{e(t('whatif.hubs_proposed', lang))}: <b>{e(head['hubs'])}</b></p>
<p>{e(t('whatif.newly_covered', lang))}: {listing(head['newly_covered'])}</p>
<p>{e(t('whatif.vs_may_2019', lang))}: {e(t('whatif.gained', lang))} {listing(diff['gained'])};
{e(t('whatif.lost', lang))} {listing(diff['lost'])}</p>
<p>{e(t('whatif.left_out', lang))}: {listing(head['excluded'])}</p></div></div>
<h2>{e(t('whatif.per_hub', lang))}</h2>{table}
<h2>{e(t('whatif.assumptions', lang))}</h2>
<ul><li>{e(existing)}</li><li>{e(limit)}</li><li>{e(t('whatif.assume_once', lang))}</li>
<li>{e(t('whatif.assume_population', lang, basis=head['population_basis']))}</li></ul>
<h2>{e(t('nav.sources', lang))}</h2>
<p class="meta">{e(t('sources.briefing', lang))}</p>
<p class="meta">{e(t('whatif.briefing_data', lang))} {e(attribution)}</p>
</body></html>
"""

