"""Issue 22 follow-up: the member's identity cookie (explorer.rooms.identity), pure parts."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from explorer.rooms import identity

TOKEN = "Abc-_0123456789xyzXYZ012"  # shaped like secrets.token_urlsafe(18)


def test_the_cookie_is_named_per_room():
    assert identity.cookie_name("ABC2345") == "mash_member_ABC2345"
    with pytest.raises(ValueError):
        identity.cookie_name("abc; Path=/")


def test_the_token_is_read_for_that_room_only():
    cookies = {"mash_member_ABC2345": TOKEN, "_streamlit_xsrf": "2|x|y|z",
               "mash_member_DEF6789": "other-token-000"}
    assert identity.cookie_token(cookies, "ABC2345") == TOKEN
    assert identity.cookie_token(cookies, "XYZ2345") is None
    assert identity.cookie_token({}, "ABC2345") is None
    assert identity.cookie_token(None, "ABC2345") is None


@pytest.mark.parametrize("value", ["", "short", "has space in it", "a;b=cdefghijk",
                                   "<script>alert(1)</script>", "x" * 201, 42])
def test_a_malformed_cookie_is_ignored_unread(value):
    assert identity.cookie_token({"mash_member_ABC2345": value}, "ABC2345") is None


def test_a_code_that_is_not_a_room_code_reads_nothing():
    assert identity.cookie_token({"mash_member_": TOKEN}, "") is None
    assert identity.cookie_token({"mash_member_abc": TOKEN}, "abc") is None


def test_the_cookie_lives_as_long_as_the_room():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert identity.max_age_s(now + timedelta(days=30), now) == 30 * 86400
    assert identity.max_age_s(now - timedelta(days=1), now) == 0
    assert identity.max_age_s(datetime(2026, 1, 2), now) == 86400  # naive = UTC


def spec_of(script: str) -> dict:
    return json.loads(re.search(r"var spec = (\{.*?\});", script).group(1))


def test_the_script_sets_and_clears_the_cookie_without_any_other_cookie():
    script = identity.cookie_script("ABC2345", TOKEN, 600, "what-if")
    assert spec_of(script) == {"name": "mash_member_ABC2345", "token": TOKEN, "maxAge": 600,
                               "page": "what-if"}
    assert "SameSite=Lax" in script and "Secure" in script and "_streamlit_xsrf" not in script
    cleared = spec_of(identity.cookie_script("ABC2345", None, 600, "workshop"))
    assert cleared["token"] is None  # written with Max-Age=0
    # Nothing that is not a token can get into the script.
    assert spec_of(identity.cookie_script("ABC2345", "</script><b>", 600, "x"))["token"] is None
    assert spec_of(identity.cookie_script("ABC2345", TOKEN, 600, "../x\"y"))["page"] == ""
