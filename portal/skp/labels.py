"""How the SKP states read in the UI (one place for the flow panel, the editor, the cascade and the print)."""

from flask_babel import lazy_gettext as _l

from portal.skp.flow import NOT_CREATED
from portal.skp.models import (
    STATUS_APPROVED,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    STATUS_SUPERSEDED,
)

# state -> (label, badge classes)
STATUS_LABELS = {
    NOT_CREATED: (_l("Belum dibuat"), "badge"),
    STATUS_DRAFT: (_l("Draf"), "badge"),
    STATUS_SUBMITTED: (_l("Diajukan"), "badge badge-warn"),
    STATUS_RETURNED: (_l("Dikembalikan"), "badge badge-bad"),
    STATUS_APPROVED: (_l("Disetujui"), "badge badge-ok"),
    STATUS_SUPERSEDED: (_l("Digantikan"), "badge"),
    STATUS_CANCELLED: (_l("Dibatalkan"), "badge"),
}


def status_label(status: str | None) -> tuple[str, str]:
    """(label, badge classes) of an SKP state, "belum dibuat" for None."""
    return STATUS_LABELS.get(status or NOT_CREATED, (status, "badge"))
