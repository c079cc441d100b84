"""Units (the province and its departments, districts and communes) and their peer groups."""

from sqlalchemy import Column, ForeignKey, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db

LEVELS = ("ministry", "province", "department", "district", "commune")


class UnitGroup(db.Model):
    """A peer group: the units ranked together and answering one criteria set (sở ban ngành,
    UBND cấp huyện, UBND cấp xã...). Data the administrator manages; pages show the label."""

    __tablename__ = "unit_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(255))
    # Some special units are scored but not ranked (DOMAIN.md, "How the index is computed").
    ranked: Mapped[bool] = mapped_column(default=True, server_default=true())
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    def __repr__(self) -> str:
        return f"<UnitGroup {self.code}>"


# A unit that replaces others (2025 mergers: one commune from three) names its predecessors.
unit_replacements = Table(
    "unit_replacements", db.metadata,
    Column("successor_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("predecessor_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(20))
    # The peer group a unit is ranked in today; each dossier keeps the group it had when its
    # campaign opened (Assessment.unit_group), so regrouping never changes an earlier year.
    group: Mapped[str] = mapped_column(ForeignKey("unit_groups.code"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")
    predecessors: Mapped[list["Unit"]] = relationship(
        secondary=unit_replacements,
        primaryjoin=id == unit_replacements.c.successor_id,
        secondaryjoin=id == unit_replacements.c.predecessor_id,
        order_by="Unit.code")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
