"""station marks: a polling station's marked register, one vote per member; the board
account's key sealed (a longer column) (issue 12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 15:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The members a station's clerk marked as having voted there, per poll: an online cast
    by such a member is refused, and marking a member who voted online is refused."""
    op.create_table(
        "station_marks",
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("poll_key", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("precinct", sa.String(length=64), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["elections.id"],
                                name=op.f("fk_station_marks_election_id_elections")),
        sa.PrimaryKeyConstraint("election_id", "poll_key", "member_id",
                                name=op.f("pk_station_marks")),
    )
    op.create_index("ix_station_marks_precinct", "station_marks",
                    ["election_id", "poll_key", "precinct"])
    with op.batch_alter_table("online_board_keys") as batch:
        batch.alter_column("seed", existing_type=sa.String(length=64),
                           type_=sa.String(length=200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("online_board_keys") as batch:
        batch.alter_column("seed", existing_type=sa.String(length=200),
                           type_=sa.String(length=64), existing_nullable=False)
    op.drop_index("ix_station_marks_precinct", table_name="station_marks")
    op.drop_table("station_marks")
