"""Numbers, distances and alphabetical order as shown to people, in English and Welsh."""

from explorer.i18n import collation_key, decimal, distance, number


def test_distances_have_a_unit_and_no_trailing_zero():
    assert [distance(km) for km in (60.0, 60.5, 76.84, 0.0, 1234.0)] == [
        "60 km", "60.5 km", "76.8 km", "0 km", "1,234 km"]
    assert decimal(62.5) == "62.5" and decimal(60.04) == "60"


def test_populations_have_thousands_separators_in_both_languages():
    assert number(3_107_489, "en") == number(3_107_489, "cy") == "3,107,489"


def test_welsh_order_treats_digraphs_as_letters():
    words = ["Lyons", "Llandudno", "Lloegr", "Caerdydd", "Chwilog", "Conwy", "Ynys Môn",
             "Rhyl", "Rwsia"]
    assert sorted(words, key=lambda w: collation_key(w, "cy")) == [
        "Caerdydd", "Conwy", "Chwilog", "Lyons", "Llandudno", "Lloegr", "Rwsia", "Rhyl",
        "Ynys Môn"]
    assert sorted(words, key=lambda w: collation_key(w, "en")) == [
        "Caerdydd", "Chwilog", "Conwy", "Llandudno", "Lloegr", "Lyons", "Rhyl", "Rwsia",
        "Ynys Môn"]


def test_order_ignores_case_and_accents():
    assert collation_key("ynys môn", "cy") == collation_key("Ynys Mon", "cy")
    assert sorted(["b", "Á", "a"], key=collation_key) == ["Á", "a", "b"]
