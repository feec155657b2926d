"""plans: adopted plans, their recorded actuals, and re-plan runs (runs.plan_id, runs.replan_basis)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("adopted_by", sa.String(length=36), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["adopted_by"], ["api_keys.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_adopted_at"), ["adopted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_run_id"), ["run_id"], unique=False)

    op.create_table(
        "plan_actuals",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("spend_sek", sa.Double(), nullable=True),
        sa.Column("abatement_t", sa.Double(), nullable=True),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["api_keys.id"]),
        sa.PrimaryKeyConstraint("plan_id", "project_id", "year"),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("replan_basis", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_runs_plan_id"), ["plan_id"], unique=False)
        batch_op.create_foreign_key("fk_runs_plan_id_plans", "plans", ["plan_id"], ["id"])


def downgrade() -> None:
    # The plans go with the tables; runs that re-planned one stay, as ordinary runs.
    op.drop_table("plan_actuals")
    op.execute("UPDATE runs SET plan_id = NULL WHERE plan_id IS NOT NULL")
    op.execute("DELETE FROM plans")  # SQLite's batch mode drops and re-creates `runs`, which plans reference
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_constraint("fk_runs_plan_id_plans", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_runs_plan_id"))
        batch_op.drop_column("replan_basis")
        batch_op.drop_column("plan_id")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_run_id"))
        batch_op.drop_index(batch_op.f("ix_plans_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_plans_adopted_at"))
    op.drop_table("plans")
