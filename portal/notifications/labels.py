"""What each kind of notification says, in the reader's language, and where it leads.

A notification stores its ``kind`` and ``params`` (names, a year, ISO dates); the text is rendered when shown, so
that a reader who switched to English reads English. ISO dates (YYYY-MM-DD) in the params are written as long dates
("31 Januari 2027")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from portal.core.i18n import long_date

MESSAGES = {
    # The SKP flow
    "skp.diajukan": _l("SKP %(year)s %(name)s diajukan dan menunggu persetujuan Anda."),
    "skp.dikembalikan": _l("SKP %(year)s Anda dikembalikan dengan catatan: perbaiki lalu ajukan kembali."),
    # Continuous feedback
    "umpan_balik.diterima": _l("%(author)s memberi umpan balik pada SKP Anda."),
    "umpan_balik.diminta": _l("%(name)s meminta umpan balik Anda."),
    # 360 input
    "360.diundang": _l("Anda diminta memberi umpan balik 360 untuk %(name)s paling lambat %(due)s."),
    "360.diusulkan": _l("%(name)s mengusulkan %(rater)s sebagai penilai 360; setujui atau tolak usulan itu."),
    # Self-assessment and evaluation
    "penilaian_diri.dikembalikan": _l("Penilaian diri %(window)s Anda dikembalikan untuk dilengkapi."),
    "evaluasi.diserahkan": _l("Dokumen evaluasi kinerja %(window)s Anda sudah diserahkan: konfirmasi penerimaannya."),
    "evaluasi.dikembalikan": _l("Penilaian %(name)s (%(window)s) dikembalikan oleh pimpinan unit dengan catatan."),
    # Appeals
    "keberatan.diajukan": _l("%(name)s mengajukan keberatan atas hasil evaluasinya; putuskan paling lambat "
                             "%(due)s."),
    "keberatan.penjelasan": _l("Penjelasan Anda diminta dalam keberatan %(name)s."),
    "keberatan.dijawab": _l("Penjelasan dalam keberatan %(name)s sudah dijawab."),
    "keberatan.diputuskan": _l("Keberatan Anda atas hasil evaluasi %(window)s sudah diputuskan."),
    # Dialog kinerja
    "dialog.diusulkan": _l("%(name)s mengusulkan sesi dialog kinerja pada %(when)s."),
    "dialog.ditutup": _l("Sesi dialog kinerja %(when)s sudah ditutup: konfirmasi catatannya."),
    # Development plans
    "pengembangan.diajukan": _l("%(name)s mengajukan Rencana Pengembangan Kompetensi %(year)s."),
    "pengembangan.dikembalikan": _l("Rencana Pengembangan Kompetensi %(year)s Anda dikembalikan dengan catatan."),
    # Windows and deadlines (flask send-reminders)
    "jendela.dibuka": _l("%(phase)s dibuka sampai %(until)s."),
    "tenggat.skp": _l("SKP %(year)s Anda belum disetujui; masa perencanaan berakhir %(until)s."),
    "tenggat.skp_penilai": _l("%(n)s SKP tim Anda menunggu persetujuan; masa perencanaan berakhir %(until)s."),
    "tenggat.penilaian_diri": _l("Penilaian diri %(window)s belum diajukan; batasnya %(until)s."),
    "tenggat.evaluasi": _l("%(n)s anggota tim belum dinilai final untuk %(window)s; batasnya %(until)s."),
    "tenggat.dokumen": _l("Konfirmasi penerimaan dokumen evaluasi %(window)s paling lambat %(until)s."),
    "tenggat.keberatan": _l("Keberatan %(name)s harus diputuskan paling lambat %(until)s."),
    # Reminders sent from a dashboard (Kirim pengingat)
    "pengingat.skp": _l("Pengingat dari %(sender)s: susun dan ajukan SKP %(year)s Anda."),
    "pengingat.skp_keputusan": _l("Pengingat dari %(sender)s: SKP %(year)s %(name)s menunggu persetujuan Anda."),
    "pengingat.penilaian_diri": _l("Pengingat dari %(sender)s: isi dan ajukan penilaian diri %(window)s."),
    "pengingat.evaluasi": _l("Pengingat dari %(sender)s: finalkan penilaian %(name)s untuk %(window)s."),
    "pengingat.dokumen": _l("Pengingat dari %(sender)s: konfirmasi penerimaan dokumen evaluasi %(window)s."),
    "pengingat.keberatan": _l("Pengingat dari %(sender)s: putuskan keberatan %(name)s."),
    "pengingat.pengembangan": _l("Pengingat dari %(sender)s: lengkapi rencana pengembangan kompetensi %(year)s "
                                 "(paling sedikit 20 JP)."),
    "pengingat.kegiatan": _l("Pengingat dari %(sender)s: perbarui kegiatan pengembangan yang melewati jadwal."),
    "pengingat.rencana_keputusan": _l("Pengingat dari %(sender)s: rencana pengembangan %(name)s menunggu "
                                      "keputusan Anda."),
}
FALLBACK = _l("Ada yang menunggu tindakan Anda.")

# Groups shown as a small label next to each notification
KIND_GROUPS = {
    "skp": _l("SKP"), "umpan_balik": _l("Umpan balik"), "360": _l("Umpan balik 360"),
    "penilaian_diri": _l("Penilaian diri"), "evaluasi": _l("Evaluasi"), "keberatan": _l("Keberatan"),
    "dialog": _l("Dialog kinerja"), "pengembangan": _l("Pengembangan"), "jendela": _l("Jadwal"),
    "tenggat": _l("Tenggat"), "pengingat": _l("Pengingat"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Params(dict):
    """Missing params read as an empty string: an old notification never breaks the page."""

    def __missing__(self, key):
        return ""


def _shown(value):
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return long_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


def text(kind: str, params: Mapping | None) -> str:
    template = MESSAGES.get(kind, FALLBACK)
    values = _Params({k: _shown(v) for k, v in (params or {}).items()})
    try:
        return str(template) % values
    except (TypeError, ValueError):
        return str(FALLBACK)


def group(kind: str) -> str:
    return str(KIND_GROUPS.get(kind.split(".", 1)[0], ""))


def url(target: Mapping | None, *, external: bool = False) -> str:
    """The URL a notification leads to; the dashboard when its page no longer exists."""
    target = target or {}
    try:
        return url_for(target.get("endpoint") or "main.dashboard", **(target.get("values") or {}), _external=external)
    except (BuildError, TypeError, ValueError):
        return url_for("main.dashboard", _external=external)
