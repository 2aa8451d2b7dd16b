"""Every summary says what the briefing says: right paragraphs, own words, nothing added.

``data/evidence.csv`` lists, for each row that summarises the briefing, words the summary
shares with the paragraphs it cites (``a|b``: either spelling). Checked here: each word is
in the row's text and in a cited paragraph, and every cited paragraph supports at least
one of them, so a wrong or superfluous citation fails. Wording the briefing does not
support, and that an earlier version of the data used, is pinned out.
"""

import csv
import re
from pathlib import Path

import pytest

from explorer.data import DATA_DIR, load_dataset
from explorer.i18n import CATALOGUE, catalogue
from explorer.model import section_ids
from explorer.presets import load_presets
from explorer.scenario import HOSTED_MODELS
from tests.briefing import BRIEFING, SHARED, cited_texts, normalise, paragraphs

DS = load_dataset()
PRESETS = "scenarios/presets.csv"

#: The columns of each file that are our summary of the briefing, and its id column.
SUMMARY_COLUMNS = {
    "forces.csv": ("force_id", ("position_summary",)),
    "positions.csv": ("code", ("stance", "summary")),
    "hubs.csv": ("hub_id", ("name", "location", "dates_note")),
    "arrangements.csv": ("arrangement_id", ("name", "summary")),
    "events.csv": ("event_id", ("date_label", "summary")),
    "items.csv": ("item_id", ("summary",)),
    PRESETS: ("file", ("title", "description")),
}


def rows(file: str) -> dict[str, dict[str, str]]:
    key = SUMMARY_COLUMNS[file][0] if file in SUMMARY_COLUMNS else "row_id"
    with (DATA_DIR / file).open(encoding="utf-8", newline="") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def summary_text(file: str, row: dict[str, str]) -> str:
    return " ".join(row[c] for c in SUMMARY_COLUMNS[file][1])


def every_summary():
    """(file, row id, text, section_id cell) for every summarising row."""
    for file in SUMMARY_COLUMNS:
        for row_id, row in rows(file).items():
            yield file, row_id, summary_text(file, row), row["section_id"]


def evidence() -> dict[tuple[str, str], list[list[str]]]:
    with (DATA_DIR / "evidence.csv").open(encoding="utf-8", newline="") as f:
        return {
            (r["file"], r["row_id"]): [entry.split("|") for entry in r["evidence"].split(";")]
            for r in csv.DictReader(f)
        }


def found(phrases: list[str], text: str) -> bool:
    """Any of ``phrases`` occurs in ``text`` as whole words (after :func:`normalise`)."""
    body = normalise(text)
    return any(re.search(rf"(?<!\w){re.escape(normalise(p))}(?!\w)", body) for p in phrases)


@pytest.fixture(scope="module")
def briefing():
    if not BRIEFING.exists():
        pytest.skip(f"the briefing is not at {BRIEFING} (../shared is absent)")
    return paragraphs(DS)


# ---------------------------------------------------------------------------------------------
# Citations resolve to the paragraphs that support them
# ---------------------------------------------------------------------------------------------
def test_every_summary_row_has_evidence_and_no_evidence_row_is_stale():
    wanted = {(file, row_id) for file, row_id, _, _ in every_summary()}
    assert set(evidence()) == wanted
    assert all(all(all(p.strip() for p in entry) for entry in e) for e in evidence().values())


@pytest.mark.shared
def test_the_sections_cover_the_briefing_paragraph_by_paragraph(briefing):
    counted: dict[tuple[str, str], list[int]] = {}
    for s in DS.sections:
        first, _, last = s.paragraphs.partition("-")
        counted.setdefault((s.force_heading, s.subheading), []).extend(
            range(int(first), int(last or first) + 1)
        )
    assert {place: len(paras) for place, paras in briefing.items()} == {
        ("Introduction", ""): 1,
        ("Dyfed-Powys Police", ""): 3,  # the briefing writes "Dyfed Powys"
        ("Gwent Police", ""): 10,
        ("North Wales Police", ""): 4,
        ("South Wales Police", "Current Landscape"): 2,
        ("South Wales Police", "Development of MASH's"): 2,
    }
    for place, paras in briefing.items():
        assert sorted(counted[place]) == list(range(1, len(paras) + 1)), place


@pytest.mark.shared
@pytest.mark.parametrize(("file", "row_id", "text", "ref"), list(every_summary()),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_cited_paragraphs_support_the_summary(briefing, file, row_id, text, ref):
    cited = cited_texts(DS, ref, briefing)
    entries = evidence()[(file, row_id)]
    for entry in entries:
        assert found(entry, text), f"{file} {row_id}: {entry} is not in the summary"
        assert any(found(entry, para) for para in cited.values()), (
            f"{file} {row_id}: {entry} is in none of {ref}"
        )
    for section_id, para in cited.items():
        assert any(found(entry, para) for entry in entries), (
            f"{file} {row_id}: nothing in the evidence comes from {section_id}"
        )


@pytest.mark.shared
def test_no_summary_copies_a_run_of_nine_words_from_the_briefing(briefing):
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", normalise(text))

    source = words(BRIEFING.read_text(encoding="utf-8"))
    nine = {tuple(source[i : i + 9]) for i in range(len(source) - 8)}
    for file, row_id, text, _ in every_summary():
        mine = words(text)
        copied = [" ".join(mine[i : i + 9]) for i in range(len(mine) - 8)
                  if tuple(mine[i : i + 9]) in nine]
        assert not copied, f"{file} {row_id} copies the briefing: {copied[0]!r}"


def test_the_evidence_check_catches_a_wrong_citation():
    # The check itself: North Wales positions once cited nw-2 (the CRU) for the
    # January 2019 rejection; "January 2019" is only in para 4.
    text = "the rejection in January 2019"
    para_2 = "a Central Referral Unit which is police only and which dealt with 16 referrals"
    assert not found(["January 2019"], para_2) and found(["January 2019"], text)
    assert found(["co-located", "co-locate"], "co locate Police alongside")
    assert not found(["16"], "in 2016")


# ---------------------------------------------------------------------------------------------
# Corrected wording, pinned
# ---------------------------------------------------------------------------------------------
def all_summaries() -> str:
    return " ".join(text for _, _, text, _ in every_summary())


def test_north_wales_positions_do_not_say_referrals_go_through_the_cru():
    for a in DS.authorities_of_force("north_wales"):
        pos = DS.position(a.code)
        assert "go through" not in pos.summary and "Referrals now" not in pos.summary
        assert "police-only Central Referral Unit" in pos.summary
        assert "January 2019" in pos.stance
        assert section_ids(pos.section_id)[-1] == "nw-4"
    assert "16 vulnerability referrals in 2018/19" in DS.position("W06000001").summary


def test_the_wales_review_is_a_scoping_the_welsh_government_agreed_to_commission():
    review = next(i for i in DS.items if i.item_id == "wales_review")
    group = next(e for e in DS.events if e.event_id == "wales_review_group")
    for text in (review.summary, group.summary):
        assert "agreed to commission" in text and "scoping" in text
        assert "commissioned by the Welsh Government" not in text


def test_the_vulnerability_hub_is_being_considered_not_proposed():
    hub = next(a for a in DS.arrangements if a.arrangement_id == "dp_vulnerability_hub")
    assert hub.name == "Vulnerability Hub (under consideration)"
    mentions = [text for _, _, text, _ in every_summary() if "Vulnerability Hub" in text]
    assert len(mentions) == 3  # force position, arrangement, preset: said once each
    for text in mentions:
        assert re.search(r"\bconsider(ing|ation)?\b", text), text
        assert not re.search(r"\bpropos(ed|al)\b|\bplans? to\b", text), text


def test_presets_with_a_host_say_the_host_is_the_apps_choice():
    hosted = []
    for p in load_presets(DS):
        if any(h.model in HOSTED_MODELS for h in p.scenario.hubs):
            hosted.append(p.key)
            assert "the app's choice" in p.description, p.key
    assert hosted == ["mid_west_wales_regional", "dyfed_powys_virtual", "gwent_regional",
                      "north_wales_regional"]
    dp = {p.key: p.description for p in load_presets(DS)}
    assert "no MASH model" in dp["mid_west_wales_regional"]
    assert "considering" in dp["dyfed_powys_virtual"]
    assert "no appetite" in dp["gwent_regional"]
    assert "The app's own case" in dp["every_authority"]


def test_gwent_wording_follows_the_briefing():
    text = all_summaries()
    assert "Spring 2018" not in text and "plans to work" not in text
    newport_pilot = next(e for e in DS.events if e.event_id == "gw_newport_pilot")
    assert (newport_pilot.date_label, newport_pilot.approximate) == ("2018", True)
    assert "just over a year" in newport_pilot.summary
    for code in ("W06000018", "W06000020", "W06000021"):
        assert "opportunity" in DS.position(code).summary
        assert section_ids(DS.position(code).section_id) == ("gw-1", "gw-10")
    # "Both projects went live in May 2019", said the same way wherever it is said.
    live = "both projects went live in May 2019"
    assert live in DS.position("W06000019").summary
    assert live in next(e for e in DS.events if e.event_id == "gw_projects_live").summary
    assert live in next(a for a in DS.arrangements
                        if a.arrangement_id == "gw_early_intervention").summary
    assert "Objective 4" in text and "some years ago" in text


def test_open_lists_stay_open_and_small_embellishments_are_gone():
    text = all_summaries()
    cru = next(a for a in DS.arrangements if a.arrangement_id == "dp_cru")
    assert "including the four councils and two health boards" in cru.summary
    assert "among them the four councils" in DS.position("W06000008").summary
    partners = next(i for i in DS.items if i.item_id == "sw_partners").summary
    assert "among others" in partners and "Women's Aid and Barnardo's" in partners
    guidance = [i.summary for i in DS.items if i.item_id == "wales_guidance"]
    guidance += [e.summary for e in DS.events if e.event_id == "wales_guidance"]
    assert all("England and Wales" in g and "National Police Chiefs' Council" in g
               for g in guidance)
    for phrase in ("from 2014", "drifted", "one by one", "go through"):
        assert phrase not in text, phrase


def test_citations_that_were_wrong_now_point_at_the_right_paragraphs():
    assert DS.position("W06000008").section_id == "dp-2;dp-3"
    assert DS.position("W06000019").section_id == "gw-1;gw-5;gw-6;gw-8"
    assert DS.force("north_wales").section_id == "nw-1;nw-2;nw-3;nw-4"
    presets = {p.key: p.section_id for p in load_presets(DS)}
    assert presets["may_2019"] == "sw-1;gw-1" and presets["every_authority"] == "sw-2"


def test_cardiff_and_bridgend_hubs_name_no_host():
    assert DS.hub("cardiff").host_code is None and DS.hub("bridgend").host_code is None
    assert DS.hub("newport").host_code == "W06000022"  # "with one Local Authority (Newport)"


def test_no_officer_is_named_anywhere_in_data():
    text = " ".join(p.read_text(encoding="utf-8") for p in DATA_DIR.rglob("*")
                    if p.is_file())
    for name in ("O’Driscoll", "O'Driscoll", "Thomas", "Jonathan", "Drake", "ACC ", "Supt"):
        assert name not in text, name


# ---------------------------------------------------------------------------------------------
# Safeguarding boards in 2019
# ---------------------------------------------------------------------------------------------
BOARDS = {
    "North Wales Safeguarding Board": ["North Wales Safeguarding Board"],
    "Mid and West Wales Safeguarding Board": ["Mid and West Wales Safeguarding Board"],
    "West Glamorgan Safeguarding Board (formerly Western Bay)": [
        "West Glamorgan Safeguarding Board", "Western Bay"],
    "Cwm Taf Morgannwg Safeguarding Board": ["Cwm Taf Morgannwg Safeguarding Board"],
    "Cardiff and Vale of Glamorgan Regional Safeguarding Boards": [
        "Cardiff and Vale of Glamorgan Regional Safeguarding Boards"],
    "South East Wales Safeguarding Children Board and Gwent-wide Adult Safeguarding Board": [
        "South East Wales Safeguarding Children Board", "Gwent-wide Adult Safeguarding Board"],
}


def test_gwent_has_its_two_boards_and_cardiff_and_the_vale_theirs():
    by_board: dict[str, set[str]] = {}
    for a in DS.authorities:
        by_board.setdefault(a.safeguarding_board, set()).add(a.name_en)
    assert set(by_board) == set(BOARDS)
    gwent = "South East Wales Safeguarding Children Board and Gwent-wide Adult Safeguarding Board"
    assert by_board[gwent] == {a.name_en for a in DS.authorities_of_force("gwent")}
    assert by_board["Cardiff and Vale of Glamorgan Regional Safeguarding Boards"] == {
        "Cardiff", "Vale of Glamorgan"}


@pytest.mark.shared
def test_boards_match_the_shared_reference():
    path = SHARED / "reference" / "wales_authorities_reference.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared)")
    with path.open(encoding="utf-8") as f:
        ref = {r["gss_code"]: r["safeguarding_board_2019"] for r in csv.DictReader(f)}
    for a in DS.authorities:
        for name in BOARDS[a.safeguarding_board]:
            assert name in ref[a.code], (a.name_en, name)


# ---------------------------------------------------------------------------------------------
# Third round (issue 21): actors, hedges, citations and claims, pinned against the old wording
# ---------------------------------------------------------------------------------------------
def row(file: str, row_id: str) -> dict[str, str]:
    return rows(file)[row_id]


def text_of(file: str, row_id: str) -> str:
    return summary_text(file, row(file, row_id))


def msg(key: str, lang: str = "en") -> str:
    return str(catalogue()[key][lang])


#: Rows that once named the wrong actor for "It is hoped that ..." (Gwent Police, para 1).
HOPED = [("forces.csv", "gwent"), ("items.csv", "gw_next_evaluation"),
         (PRESETS, "gwent_regional.json")]


@pytest.mark.parametrize(("file", "row_id"), HOPED)
def test_the_gwent_hope_is_nobodys_in_particular(file, row_id):
    text = text_of(file, row_id)
    assert "is hoped" in text and "does not say by whom" in text.replace(
        "without saying by whom", "does not say by whom")
    assert not re.search(r"\bforce (hopes|hoped)\b", text, re.IGNORECASE)
    assert not re.search(r"\bforce (hopes|hoped)\b", all_summaries(), re.IGNORECASE)


def test_the_mid_and_west_wales_consensus_was_the_four_local_authorities():
    text = text_of(PRESETS, "mid_west_wales_regional.json")
    assert "review found" not in text
    assert "the four local authorities agreed" in text
    # The view that one regional MASH would not suit every agency (dp-3) is there too.
    assert "one regional MASH would not meet every agency's needs" in text
    assert row(PRESETS, "mid_west_wales_regional.json")["section_id"] == "dp-2;dp-3"


@pytest.mark.parametrize(("file", "row_id"), [
    ("forces.csv", "north_wales"), ("events.csv", "nw_jan_2019"),
    ("items.csv", "nw_challenge_rejected")])
def test_the_north_wales_scoping_was_put_forward_by_the_head_of_pvpu(file, row_id):
    text = text_of(file, row_id)
    assert "proposal from the force" not in text
    assert "head of the Protecting Vulnerable People Unit (PVPU)" in text


def test_the_january_2019_day_set_the_boards_2019_20_work_plans():
    text = text_of("events.csv", "nw_jan_2019")
    assert "joint business planning day" in text
    assert "agree priorities" in text and "2019/20 work plans" in text


def test_the_wales_review_would_seek_to_compare():
    assert "would seek to compare a pilot area with a control area" in text_of(
        "items.csv", "wales_review")
    assert "would compare" not in all_summaries()


def test_gwent_2019_20_is_an_opportunity_not_still_to_come():
    event = next(e for e in DS.events if e.event_id == "gw_2019_20")
    assert event.planned is False  # the timeline would say "still to come"
    assert "an opportunity, not a plan" in event.summary
    assert "makes no plan of it" in text_of("items.csv", "gw_next_other_las")


def test_the_position_may_have_changed_since():
    assert "may have changed since" in msg("sources.as_at")
    assert "Arrangements have changed" not in msg("sources.as_at")
    assert "may have changed since" in msg("sidebar.as_at_banner")


def test_reasons_and_pressures_are_not_called_challenges_it_names():
    assert msg("forces.challenges") == "Reasons and pressures it gives"
    assert "Heriau" not in msg("forces.challenges", "cy")


#: Every Gwent row and the paragraphs it cites, one id per paragraph of the briefing.
GWENT_CITATIONS = {
    ("forces.csv", "gwent"): "gw-1;gw-2;gw-5",
    ("positions.csv", "W06000018"): "gw-1;gw-10",
    ("positions.csv", "W06000019"): "gw-1;gw-5;gw-6;gw-8",
    ("positions.csv", "W06000020"): "gw-1;gw-10",
    ("positions.csv", "W06000021"): "gw-1;gw-10",
    ("positions.csv", "W06000022"): "gw-1;gw-2;gw-5",
    ("hubs.csv", "newport"): "gw-1",
    ("arrangements.csv", "gw_eat_pathfinder"): "gw-2;gw-3;gw-5;gw-6",
    ("arrangements.csv", "gw_early_intervention"): "gw-7;gw-8",
    ("events.csv", "gw_newport_pilot"): "gw-1",
    ("events.csv", "gw_pilot_extended"): "gw-1",
    ("events.csv", "gw_projects_live"): "gw-8",
    ("events.csv", "gw_2019_20"): "gw-10",
    ("items.csv", "gw_eat"): "gw-2;gw-3;gw-4",
    ("items.csv", "gw_no_appetite"): "gw-1",
    ("items.csv", "gw_next_evaluation"): "gw-1",
    ("items.csv", "gw_next_outcomes"): "gw-8;gw-9",
    ("items.csv", "gw_next_other_las"): "gw-10",
    (PRESETS, "gwent_regional.json"): "gw-1",
    (PRESETS, "may_2019.json"): "sw-1;gw-1",
}


def test_every_gwent_paragraph_has_its_own_id():
    gwent = {s.section_id: s.paragraphs for s in DS.sections if s.force_heading == "Gwent Police"}
    assert gwent == {f"gw-{n}": str(n) for n in range(1, 11)}
    assert all("-" not in s.paragraphs for s in DS.sections)  # no id spans paragraphs


@pytest.mark.parametrize(("file", "row_id"), list(GWENT_CITATIONS))
def test_gwent_rows_cite_their_own_paragraphs(file, row_id):
    assert row(file, row_id)["section_id"] == GWENT_CITATIONS[(file, row_id)]


def test_every_row_citing_gwent_is_pinned():
    citing = {(file, row_id) for file, row_id, _, ref in every_summary()
              if any(s.startswith("gw-") for s in section_ids(ref))}
    assert citing == set(GWENT_CITATIONS)


def test_presets_cite_all_they_draw_on():
    presets = {p.key: p.section_id for p in load_presets(DS)}
    assert presets["south_wales_every_authority"] == "sw-1;sw-2"
    assert presets["mid_west_wales_regional"] == "dp-2;dp-3"
    assert presets["north_wales_regional"] == "nw-1;nw-2;nw-4"
    north = text_of(PRESETS, "north_wales_regional.json")
    assert "Wrexham trial" in north and "no appetite" in north


def test_the_interface_claims_no_more_than_it_knows():
    assert not msg("table.caption").startswith("Every field for every authority, as at")
    assert "Census 2021" in msg("table.caption")
    assert msg("timeline.title") == "Timeline, 2014 to 2019/20"
    assert "preset drawn from the briefing" not in msg("whatif.intro")
    assert "What it does instead" not in msg("forces.arrangements")


def test_the_vulnerability_hub_is_a_possible_next_step_not_what_the_force_does():
    from explorer import views

    view = views.force_view(DS, "dyfed_powys")
    assert [a["name"] for a in view["arrangements"]] == ["Dyfed-Powys Central Referral Unit"]
    assert [p["name"] for p in view["plans"] if "name" in p] == [
        "Vulnerability Hub (under consideration)"]
    # Said once in the position and once in detail: not three times over.
    texts = [view["position"]] + [x["summary"] for key in ("arrangements", "plans",
                                                          "challenges", "context")
                                  for x in view[key]]
    assert sum("Vulnerability Hub" in x for x in texts) == 2


#: Authorities the briefing itself names ("Merthyr" for Merthyr Tydfil).
NAMED_IN_BRIEFING = {"Newport", "Blaenau Gwent", "Wrexham", "Rhondda Cynon Taf",
                     "Merthyr Tydfil", "Cardiff", "Bridgend"}


@pytest.mark.shared
def test_authority_names_the_briefing_never_gives_are_said_to_come_from_elsewhere(briefing):
    note = BRIEFING.read_text(encoding="utf-8")
    named = {a.name_en for a in DS.authorities
             if re.search(rf"\b{re.escape(a.name_en.split()[0])}\b(?!-| Powys)", note)
             and a.name_en != "Powys"}
    assert named == NAMED_IN_BRIEFING
    for file, row_id, text, _ in every_summary():
        others = [a.name_en for a in DS.authorities if a.name_en not in named
                  and re.search(rf"(?<![\w-]){re.escape(a.name_en)}\b", text)]
        if others:
            assert "reference data" in text or "the app's choice" in text, (file, row_id, others)


def test_the_npcc_guidance_is_england_and_wales_work():
    for file in ("items.csv", "events.csv"):
        assert row(file, "wales_guidance")["scope"] == "england_and_wales"


def test_the_pilot_extension_is_not_given_a_date_the_briefing_does_not_give():
    label = row("events.csv", "gw_pilot_extended")["date_label"]
    assert "By May" not in label and label.startswith("No date given")


def test_data_readme_says_presets_may_cite_several_sections():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "Presets cite one section each" not in readme
    assert "gw-1` to `gw-10`" in readme


def test_welsh_corrections():
    assert "llythyren a digid)" not in msg("workshop.code", "cy")  # "a letter and a digit"
    assert "llythrennau a digidau" in msg("workshop.code", "cy")
    assert "cyfeirnod" not in msg("room.reference", "cy")
    assert "fel yr oedd yn ei deall" in msg("sources.briefing", "cy")  # "as they understood it"
    assert "cylch mawr" in msg("whatif.max_travel_help", "cy")  # "great-circle"
    a11y = msg("sources.a11y", "cy")
    assert "gweadau" in a11y and "ymyl doredig" in a11y  # textures, dashed edge
    assert all(m.get("draft") for m in catalogue().values() if m.get("cy"))


def test_dyfed_powys_is_spelled_one_way():
    for path in [*DATA_DIR.rglob("*.csv"), Path(CATALOGUE)]:
        assert "Dyfed Powys" not in path.read_text(encoding="utf-8"), path
    assert {s.force_heading for s in DS.sections if s.section_id.startswith("dp-")} == {
        "Dyfed-Powys Police"}


@pytest.mark.shared
def test_the_status_map_summary_is_three_sentences_in_the_apps_own_words(briefing):
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", normalise(text))

    source = words(BRIEFING.read_text(encoding="utf-8"))
    nine = {tuple(source[i : i + 9]) for i in range(len(source) - 8)}
    for lang in ("en", "cy"):
        text = msg("status.summary", lang)
        assert len(re.findall(r"[.!?](\s|$)", text)) == 3, lang
    mine = words(msg("status.summary"))
    assert not [i for i in range(len(mine) - 8) if tuple(mine[i : i + 9]) in nine]
    assert "as it understood" in msg("status.summary")  # the briefing's main hedge


def test_hub_and_authority_counts_cannot_be_confused():
    assert "not authorities" in msg("headline.hubs_label")
    assert "number of authorities" in msg("legend.label")
