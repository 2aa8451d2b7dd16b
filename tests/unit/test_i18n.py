"""The message catalogue: complete, consistent, and honest about draft Welsh."""

import re
import string

from explorer.i18n import catalogue, has_draft, t


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_english_and_welsh_with_the_same_placeholders():
    for key, msg in catalogue().items():
        assert "en" in msg and "cy" in msg, key
        if key == "sidebar.draft_welsh":
            continue
        assert msg["en"] and msg["cy"], key
        assert placeholders(msg["en"]) == placeholders(msg["cy"]), key


def test_unreviewed_welsh_is_marked_draft_and_announced():
    assert all(msg.get("draft") is True for msg in catalogue().values())
    assert has_draft("cy") and not has_draft("en")
    assert "drafft" in t("sidebar.draft_welsh", "cy")


def test_every_key_used_in_the_code_exists():
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    used = set()
    for path in [root / "app.py", *root.glob("pages/**/*.py"), *root.glob("explorer/**/*.py"),
                 *root.glob("geo/**/*.py")]:
        used |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z_0-9.]+)"', path.read_text()))
    missing = used - set(catalogue())
    assert not missing


def test_status_labels():
    assert [t(f"status.{s}", "en") for s in ("mash", "mash_pilot", "mash_ceased", "no_mash")] == [
        "MASH operating",
        "MASH pilot",
        "MASH tried and ended",
        "No MASH",
    ]
    assert t("status.no_mash", "cy") == "Dim MASH"


def test_welsh_strings_flagged_in_review_are_fixed_and_still_draft():
    assert t("glance.ceased", "cy", n=2) == "; 2 wedi'u treialu a'u dirwyn i ben"
    assert t("nav.section_plan", "cy") == "Cynllun"
    assert t("status.pick_hint", "cy").startswith("Cliciwch ar awdurdod ar y map")
    assert t("whatif.click_target", "cy").endswith("awdurdodau o")
    for key in ("glance.ceased", "nav.section_plan", "status.pick_hint", "whatif.click_target"):
        assert catalogue()[key]["draft"] is True


def test_headings_claim_no_more_than_the_briefing():
    # Next steps in the briefing include hopes, opportunities and ideas under consideration.
    assert t("forces.plans", "en") == "What may come next"
    assert t("timeline.planned", "en") == "still to come"
