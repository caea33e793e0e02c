"""identity: signing keys and signed entries (issue 11)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 08:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Signed log entries (command version, key id, signature); users' keys and state."""
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("key_id", sa.String(length=32), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("signature", sa.String(length=128), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("public_key", sa.String(length=64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("disabled", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("credential_sig", sa.String(length=128), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("credential_sig")
        batch.drop_column("disabled")
        batch.drop_column("public_key")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("signature")
        batch.drop_column("key_id")
        batch.drop_column("version")
