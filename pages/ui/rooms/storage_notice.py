"""Where workshop rooms are kept, said to the facilitator before a room is opened (issue 15).

The judgement is :func:`explorer.deployment.storage_durability` (pure, shared with
``python -m explorer check``); this module only picks the words and how loud they are. No
server path is shown: the lobby is open to anyone with the address.
"""

from __future__ import annotations

import streamlit as st

from explorer.deployment import Storage, storage_durability
from explorer.i18n import t
from explorer.storage import db


def storage() -> Storage:
    return storage_durability(db.database_url())


def storage_notice(lang: str, where: Storage | None = None) -> None:
    """A warning when rooms will not survive a restart, else a caption saying where they are."""
    where = where or storage()
    if where.durable:
        st.caption(t("room.storage_database", lang))
    elif where.cloud:
        st.warning(t("room.storage_cloud", lang), icon=":material/warning:")
    elif where.durable is False:
        st.warning(t("room.storage_temporary", lang), icon=":material/warning:")
    else:
        st.info(t("room.storage_disk", lang), icon=":material/info:")
