"""one waiting feedback request per SKP, person asked and subject (feedback_request.open_key)

Revision ID: b2f7c4d91e3a
Revises: d0ea260a12ff
Create Date: 2026-11-29 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2f7c4d91e3a'
down_revision = 'd0ea260a12ff'
branch_labels = None
depends_on = None


def _key(realisation_id, value_code):
    # as portal.progress.services.open_key
    if realisation_id is not None:
        return f"realisasi:{realisation_id}"
    return f"nilai:{value_code}" if value_code else "umum"


def upgrade():
    with op.batch_alter_table('feedback_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_key', sa.String(length=40), nullable=True))

    # The oldest waiting request of each SKP, person asked and subject holds the place. Later duplicates (a form
    # sent twice before this constraint existed) are kept as they are, without a key: nothing is deleted.
    conn = op.get_bind()
    waiting = conn.execute(sa.text(
        "SELECT id, skp_id, asked_id, realisation_id, value_code FROM feedback_request "
        "WHERE answered_at IS NULL ORDER BY created_at, id")).fetchall()
    taken = set()
    for row in waiting:
        place = (row.skp_id, row.asked_id, _key(row.realisation_id, row.value_code))
        if place in taken:
            continue
        taken.add(place)
        conn.execute(sa.text("UPDATE feedback_request SET open_key = :key WHERE id = :id"),
                     {"key": place[2], "id": row.id})

    with op.batch_alter_table('feedback_request', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_request_open'), ['skp_id', 'asked_id', 'open_key'])


def downgrade():
    with op.batch_alter_table('feedback_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_feedback_request_open'), type_='unique')
        batch_op.drop_column('open_key')
