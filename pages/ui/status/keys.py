"""Every session-state key of the status map page, named once (plain values only)."""

#: The chosen authority's code (the radio list and a click on the map both set it).
AUTHORITY = "authority"
#: What the status map reported (the clicked authority); also the map component's key.
MAP = "status_map"


def layer(name: str) -> str:
    """The toggle drawing an optional outline layer (``health_board``, ``safeguarding_board``)."""
    return f"status_layer_{name}"
