"""login_attempt.user_id: sign-in failures are throttled per account, whether username or NIP was typed

Revision ID: 01f460a43ca7
Revises: 1f58f96e9199
Create Date: 2026-11-29 14:32:42.639853

Attempts stored before this revision have no account (user_id NULL): they count per typed identifier, as
before, and leave the throttling window within minutes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '01f460a43ca7'
down_revision = '1f58f96e9199'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_login_attempt_user_id_at', ['user_id', 'at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_login_attempt_user_id_user_account'), 'user_account',
                                    ['user_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_login_attempt_user_id_user_account'), type_='foreignkey')
        batch_op.drop_index('ix_login_attempt_user_id_at')
        batch_op.drop_column('user_id')
