"""Workshop rooms: a member's entry stays hidden across withdraw and resend; removed members;
the version public boards poll.

Revision ID: 0002_member_flags
Revises: 0001_rooms
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_member_flags"
down_revision = "0001_rooms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("board_version", sa.Integer, nullable=False,
                                   server_default="1"))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("hidden", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("removed", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    # Entries hidden before this migration keep their author hidden.
    op.execute("UPDATE members SET hidden = (SELECT count(*) > 0 FROM entries "
               "WHERE entries.member_id = members.id AND entries.hidden)")


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("removed")
        batch.drop_column("hidden")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("board_version")
