"""Create the places table with a geography point, PostGIS and its indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported, so this migration stays the same when the code's enum changes.
CATEGORIES = ("cafe", "restaurant", "park", "shop", "event", "service", "other")


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "places",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column(
            "location",
            Geography(geometry_type="POINT", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("photo_key", sa.Text(), nullable=True),
        sa.Column("photo_content_type", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "category IN ({})".format(", ".join(f"'{c}'" for c in CATEGORIES)),
            name="places_category_check",
        ),
    )
    op.create_index("places_location_gist", "places", ["location"], postgresql_using="gist")
    op.create_index("places_created_at_idx", "places", ["created_at"])


def downgrade() -> None:
    op.drop_table("places")
