"""Every session-state key of the what-if planner, named once.

Widget keys made per draft version, hub and language come from
:func:`pages.ui.planner.session.key`; the keys below hold plain values (the draft is the
canonical scenario JSON as a dict, the rest strings, numbers and lists).
"""

#: The scenario being edited (a plain dict, the canonical scenario JSON).
DRAFT = "wi_draft"
#: Bumped whenever a new draft is loaded, so every widget starts afresh.
VERSION = "wi_version"
#: A stable id per hub of the draft (widget keys), and the next id to hand out.
HUB_IDS = "wi_hub_ids"
NEXT_ID = "wi_next_id"
#: A CSS selector to focus after the next rerun, and a counter that makes the script new.
FOCUS = "wi_focus"
FOCUS_N = "wi_focus_n"
#: The share token the URL carried when the draft was loaded.
TOKEN = "wi_token"
#: Why the scenario in the link could not be opened (shown once).
LINK_PROBLEM = "wi_link_problem"
#: Saved comparisons (scenario JSON texts).
SAVED = "wi_saved"
#: A message to show as a toast on the next run (after a map click).
TOAST = "wi_toast"
#: The chosen preset (bound to the preset selectbox).
PRESET = "wi_preset"
#: What the planner map reported (the clicked authority).
MAP = "whatif_map"
#: The best-sites objective (bound to its radio).
BEST_OBJECTIVE = "wi_best_objective"

#: URL parameter carrying saved comparisons across a reload (share tokens joined by ".").
SAVED_PARAM = "saved"
#: URL parameter carrying the widget keys' numbering (draft version, hub ids, next id) when it
#: is not the numbering a fresh session would give the scenario in the link: a new session
#: after a server restart or a failover then draws the very widgets the browser shows, so the
#: edit that reached it applies (pages/ui/rerun_guard.py).
KEYS_PARAM = "wk"
