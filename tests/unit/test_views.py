"""Page view-models: what a newcomer can read off each page."""

import csv
import io

from explorer import views
from explorer.data import load_dataset

DS = load_dataset()


def test_headline_and_legend():
    h = views.headline_view(DS, "en")
    assert (h.authorities, h.hubs, h.population, h.population_share) == (
        "5 of 22",
        "4",
        "963,896",
        "31.0%",
    )
    assert views.legend_rows(DS, "en") == [
        ("mash", "MASH operating", 4),
        ("mash_pilot", "MASH pilot", 1),
        ("mash_ceased", "MASH tried and ended", 1),
        ("no_mash", "No MASH", 16),
    ]


def test_tooltips_name_authority_and_status_in_both_languages():
    assert views.tooltips(DS, "en")["W06000006"] == "Wrexham: MASH tried and ended"
    assert views.tooltips(DS, "cy")["W06000006"].startswith("Wrecsam: ")


def test_details_of_newport_name_hub_arrangements_and_sources():
    d = views.authority_details(DS, "W06000022", "en")
    assert d["status_label"] == "MASH pilot"
    assert d["hub"]["name"] == "Newport MASH (pilot)" and d["hub"]["others"] == []
    assert {a["name"] for a in d["arrangements"]} == {
        "Early Action Together pathfinder",
        "Early intervention projects (PCC-funded)",
    }
    assert d["summary_source"] == "Gwent Police, paras 1–2, 5"  # pilot; EAT in MASH; pathfinder
    assert d["health_board"] == "Aneurin Bevan University Health Board"


def test_details_of_merthyr_list_the_other_cwm_taf_member():
    d = views.authority_details(DS, "W06000024", "cy")
    assert d["hub"]["others"] == ["Rhondda Cynon Taf"]
    assert d["name"] == "Merthyr Tudful"
    assert d["health_board"] == "Bwrdd Iechyd Prifysgol Cwm Taf Morgannwg"


def test_force_view_dyfed_powys_names_its_challenge_and_plan():
    v = views.force_view(DS, "dyfed_powys", "en")
    assert {a["status"] for a in v["authorities"]} == {"no_mash"}
    assert any("very large area" in c["summary"] for c in v["challenges"])
    assert any("Vulnerability Hub" in p["summary"] for p in v["plans"])


def test_items_beyond_one_force_are_the_review_and_the_guidance_each_with_its_scope():
    assert [(i["kind"], i["scope"]) for i in views.wales_items(DS)] == [
        ("review", "Wales-wide"), ("guidance", "England and Wales")]


def test_timeline_is_ordered_and_filterable():
    rows = views.timeline(DS, None, "en")
    years = [r["year"] for r in rows]
    assert years == sorted(years) and years[0] == "2014" and years[-1] == "2019"
    gwent = views.timeline(DS, ["gwent"], "en")
    assert gwent and all(r["scope"] == "Gwent Police" for r in gwent)
    assert views.timeline(DS, [], "en") == []


def test_table_csv_has_22_rows_and_every_field():
    text = views.table_csv(DS, "en")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 22
    assert len(rows[0]) == len(views.TABLE_COLUMNS)
    cardiff = next(r for r in rows if r["Code"] == "W06000015")
    assert cardiff["Status"] == "MASH operating" and cardiff["Hub"] == "Cardiff MASH"
    assert cardiff["Population (Census 2021)"] == "362312"


def test_force_glance_answers_which_force_has_none():
    assert views.force_glance(DS, "en") == [
        ("Dyfed-Powys Police", "0 of 4 authorities with a MASH or pilot"),
        ("Gwent Police", "1 of 5 authorities with a MASH or pilot (pilot: 1)"),
        ("North Wales Police", "0 of 6 authorities with a MASH or pilot; 1 tried and ended"),
        ("South Wales Police", "4 of 7 authorities with a MASH or pilot"),
    ]


def test_sources_list_every_cited_paragraph():
    assert views.authority_details(DS, "W06000001", "en")["summary_source"] == (
        "North Wales Police, paras 2, 4"
    )
    assert views.force_view(DS, "north_wales", "en")["position_source"] == (
        "North Wales Police, paras 1–4"
    )
    assert views.force_view(DS, "south_wales", "en")["position_source"] == (
        "South Wales Police › Current Landscape, paras 1–2; "
        "South Wales Police › Development of MASH's, para 1"
    )
    blaenau = views.authority_details(DS, "W06000019", "en")
    assert [a["source"] for a in blaenau["arrangements"]] == [
        "Gwent Police, paras 2–3, 5–6", "Gwent Police, paras 7–8"]
    anglesey = next(r for r in views.table_rows(DS, "en") if r["Code"] == "W06000001")
    assert anglesey["Briefing section"] == "North Wales Police, paras 2, 4"
