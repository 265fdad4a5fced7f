"""What the audit log shows for its codes: an Indonesian name per action ("skp.approve") and per kind of object (a
table name such as "result_plan"). The codes stay in the database and in the filter's values; people read these.

tests/unit/test_audit_labels.py checks that every action the code records and every audited table has a name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # Org chart, reference data, people
    "unit.create": _l("Unit kerja dibuat"),
    "unit.update": _l("Unit kerja diubah"),
    "unit.deactivate": _l("Unit kerja dinonaktifkan"),
    "unit.reactivate": _l("Unit kerja diaktifkan kembali"),
    "position.create": _l("Jabatan dibuat"),
    "position.update": _l("Jabatan diubah"),
    "position.deactivate": _l("Jabatan dinonaktifkan"),
    "position.reactivate": _l("Jabatan diaktifkan kembali"),
    "golongan.create": _l("Golongan dibuat"),
    "golongan.update": _l("Golongan diubah"),
    "golongan.deactivate": _l("Golongan dinonaktifkan"),
    "golongan.reactivate": _l("Golongan diaktifkan kembali"),
    "position_type.create": _l("Jenis jabatan dibuat"),
    "position_type.update": _l("Jenis jabatan diubah"),
    "position_type.deactivate": _l("Jenis jabatan dinonaktifkan"),
    "position_type.reactivate": _l("Jenis jabatan diaktifkan kembali"),
    "employee.create": _l("Pegawai ditambahkan"),
    "employee.update": _l("Data pegawai diubah"),
    "employee.move": _l("Mutasi pegawai"),
    "employee.deactivate": _l("Pegawai dinonaktifkan"),
    "employee.reactivate": _l("Pegawai diaktifkan kembali"),
    "acting.create": _l("Plt/Plh ditetapkan"),
    "acting.end": _l("Plt/Plh diakhiri"),
    "acting.delete": _l("Plt/Plh dihapus"),
    "import.upload": _l("Berkas impor pegawai diunggah"),
    "import.commit": _l("Impor pegawai disimpan"),
    # Accounts and sign-in
    "auth.login": _l("Masuk"),
    "auth.logout": _l("Keluar"),
    "auth.lockout": _l("Masuk ditahan sementara"),
    "auth.sign_out_other_devices": _l("Keluar dari perangkat lain"),
    "user.create": _l("Akun dibuat"),
    "user.bulk_issue": _l("Akun diterbitkan"),
    "user.role": _l("Peran akun diubah"),
    "user.enable": _l("Akun diaktifkan"),
    "user.disable": _l("Akun dinonaktifkan"),
    "user.change_password": _l("Kata sandi diganti"),
    "user.reset_password": _l("Kata sandi diatur ulang"),
    "user.sign_out_everywhere": _l("Dikeluarkan dari semua perangkat"),
    # Periods and the calendar
    "period.create": _l("Periode kinerja dibuat"),
    "period.phase_update": _l("Tahap periode diubah"),
    "period.reopen": _l("Tahap dibuka kembali"),
    "period.reopen_end": _l("Pembukaan kembali diakhiri"),
    "holiday.create": _l("Hari libur ditambahkan"),
    "holiday.update": _l("Hari libur diubah"),
    "holiday.delete": _l("Hari libur dihapus"),
    "holiday.seed": _l("Hari libur diisi otomatis"),
    # SKP
    "skp.create": _l("SKP dibuat"),
    "skp.rhk_add": _l("Rencana Hasil Kerja ditambahkan"),
    "skp.rhk_update": _l("Rencana Hasil Kerja diubah"),
    "skp.rhk_link": _l("RHK Pimpinan yang Diintervensi ditautkan"),
    "skp.rhk_move": _l("Urutan Rencana Hasil Kerja diubah"),
    "skp.rhk_delete": _l("Rencana Hasil Kerja dihapus"),
    "skp.indicator_add": _l("Indikator Kinerja Individu ditambahkan"),
    "skp.indicator_update": _l("Indikator Kinerja Individu diubah"),
    "skp.indicator_delete": _l("Indikator Kinerja Individu dihapus"),
    "skp.lampiran_update": _l("Lampiran SKP diubah"),
    "skp.expectation_update": _l("Ekspektasi Khusus Pimpinan diubah"),
    "skp.submit": _l("SKP diajukan"),
    "skp.withdraw": _l("Pengajuan SKP ditarik"),
    "skp.approve": _l("SKP disetujui"),
    "skp.return": _l("SKP dikembalikan"),
    "skp.revise": _l("Revisi SKP dibuka"),
    "skp.cancel_revision": _l("Revisi SKP dibatalkan"),
    "skp.supersede": _l("SKP digantikan versi baru"),
    "unit_goal.create": _l("Sasaran unit ditambahkan"),
    "unit_goal.update": _l("Sasaran unit diubah"),
    "unit_goal.deactivate": _l("Sasaran unit dinonaktifkan"),
    # Realisation and continuous feedback
    "realisation.save": _l("Realisasi disimpan"),
    "realisation.carry_over": _l("Realisasi dibawa ke versi SKP baru"),
    "evidence.add": _l("Bukti dukung ditambahkan"),
    "evidence.delete": _l("Bukti dukung dihapus"),
    "feedback.give": _l("Umpan balik diberikan"),
    "feedback.request": _l("Umpan balik diminta"),
    "feedback.read": _l("Umpan balik ditandai sudah dibaca"),
    "feedback.read_all": _l("Semua umpan balik ditandai sudah dibaca"),
    "feedback_phrase.create": _l("Frasa umpan balik ditambahkan"),
    "feedback_phrase.update": _l("Frasa umpan balik diubah"),
    "feedback_phrase.activate": _l("Frasa umpan balik diaktifkan"),
    "feedback_phrase.deactivate": _l("Frasa umpan balik dinonaktifkan"),
    "feedback_phrase.seed": _l("Frasa umpan balik bersama diisi"),
    # Self-assessment and 360
    "self_assessment.create": _l("Penilaian diri dimulai"),
    "self_assessment.save": _l("Penilaian diri disimpan"),
    "self_assessment.submit": _l("Penilaian diri diajukan"),
    "self_assessment.return": _l("Penilaian diri dikembalikan"),
    "self_assessment.follow_revision": _l("Penilaian diri mengikuti revisi SKP"),
    "assessment.settings": _l("Pengaturan 360 diubah"),
    "assessment.item_update": _l("Butir kuesioner 360 diubah"),
    "assessment.propose": _l("Penilai 360 diusulkan"),
    "assessment.nominate": _l("Penilai 360 ditambahkan"),
    "assessment.approve_nomination": _l("Usulan penilai 360 disetujui"),
    "assessment.reject_nomination": _l("Usulan penilai 360 ditolak"),
    "assessment.remove_nomination": _l("Penilai 360 dihapus dari daftar"),
    "assessment.replace_nomination": _l("Penilai 360 diganti"),
    "assessment.invite": _l("Undangan 360 dikirim"),
    "assessment.cancel_invitation": _l("Undangan 360 dibatalkan"),
    "assessment.decline": _l("Undangan 360 ditolak penilai"),
    "assessment.remind": _l("Pengingat 360 dikirim"),
    "assessment.assessor_input_save": _l("Draf masukan Pejabat Penilai Kinerja disimpan"),
    "assessment.assessor_input_submit": _l("Masukan Pejabat Penilai Kinerja dikirim"),
    # Evaluation and appeals
    "evaluation.unit_achievement": _l("Capaian Kinerja Organisasi ditetapkan"),
    "evaluation.pattern_update": _l("Pola Distribusi diubah"),
    "evaluation.save": _l("Draf penilaian disimpan"),
    "evaluation.finalise": _l("Penilaian difinalkan"),
    "evaluation.send_back": _l("Penilaian dikembalikan dalam kalibrasi"),
    "evaluation.reopen": _l("Penilaian dibuka kembali"),
    "evaluation.release": _l("Dokumen evaluasi ditandatangani dan diserahkan"),
    "evaluation.acknowledge": _l("Penerimaan dokumen evaluasi dikonfirmasi"),
    "appeal.file": _l("Keberatan diajukan"),
    "appeal.request_statement": _l("Penjelasan keberatan diminta"),
    "appeal.answer_statement": _l("Penjelasan keberatan diberikan"),
    "appeal.decide": _l("Keberatan diputuskan"),
    # Dialog kinerja, coaching, counselling
    "dialog.propose": _l("Dialog kinerja diusulkan"),
    "dialog.accept": _l("Jadwal dialog kinerja diterima"),
    "dialog.reschedule": _l("Jadwal dialog kinerja diubah"),
    "dialog.cancel": _l("Dialog kinerja dibatalkan"),
    "dialog.close": _l("Dialog kinerja ditutup"),
    "dialog.confirm": _l("Hasil dialog kinerja dikonfirmasi"),
    "dialog.action_add": _l("Tindak lanjut dialog ditambahkan"),
    "dialog.action_status": _l("Status tindak lanjut dialog diubah"),
    "coaching.start": _l("Bimbingan kinerja dimulai"),
    "coaching.close": _l("Bimbingan kinerja ditutup"),
    "counselling.counsellor": _l("Konselor diatur"),
    "counselling.refer": _l("Rujukan konseling kinerja dibuat"),
    "counselling.note": _l("Catatan konseling kinerja ditambahkan"),
    "counselling.close": _l("Konseling kinerja ditutup"),
    # Data loaded from the command line
    "demo.load": _l("Data demo dimuat"),
    "demo.seed_scale": _l("Data skala dibuat"),
}

OBJECT_LABELS = {
    "acting_assignment": _l("Plt/Plh"),
    "appeal": _l("Keberatan"),
    "appeal_attachment": _l("Lampiran keberatan"),
    "appeal_statement": _l("Penjelasan keberatan"),
    "assessment_setting": _l("Pengaturan 360"),
    "assessor_input": _l("Masukan Pejabat Penilai Kinerja"),
    "behaviour_expectation": _l("Ekspektasi Khusus Pimpinan"),
    "coaching_meeting": _l("Pertemuan bimbingan"),
    "coaching_record": _l("Bimbingan kinerja"),
    "counselling_note": _l("Catatan konseling"),
    "counselling_referral": _l("Rujukan konseling"),
    "counsellor": _l("Konselor"),
    "dialog_action": _l("Tindak lanjut dialog"),
    "dialog_session": _l("Dialog kinerja"),
    "distribution_rule": _l("Pola Distribusi"),
    "employee": _l("Pegawai"),
    "employee_move": _l("Riwayat mutasi"),
    "evaluation": _l("Penilaian kinerja"),
    "evaluation_document": _l("Dokumen evaluasi"),
    "evidence": _l("Bukti dukung"),
    "feedback": _l("Umpan balik"),
    "feedback_phrase": _l("Frasa umpan balik"),
    "feedback_request": _l("Permintaan umpan balik"),
    "golongan": _l("Golongan"),
    "holiday": _l("Hari libur"),
    "import_batch": _l("Impor pegawai"),
    "indicator": _l("Indikator Kinerja Individu"),
    "login": _l("Masuk"),
    "period": _l("Periode kinerja"),
    "period_phase": _l("Tahap periode"),
    "phase_reopening": _l("Pembukaan kembali"),
    "position": _l("Jabatan"),
    "position_type": _l("Jenis jabatan"),
    "questionnaire_item": _l("Butir kuesioner 360"),
    "rater_nomination": _l("Penilai 360"),
    "realisation": _l("Realisasi"),
    "reminder_round": _l("Pengingat 360"),
    "result_plan": _l("Rencana Hasil Kerja"),
    "self_assessment": _l("Penilaian diri"),
    "skp": _l("SKP"),
    "talking_point": _l("Pokok bahasan dialog"),
    "unit": _l("Unit kerja"),
    "unit_achievement": _l("Capaian Kinerja Organisasi"),
    "unit_goal": _l("Sasaran unit"),
    "user_account": _l("Akun pengguna"),
}


def action_label(code: str | None) -> str:
    """The Indonesian name of an audit action; the code itself for one recorded by older code and unknown here."""
    label = ACTION_LABELS.get(code or "")
    return str(label) if label is not None else (code or "")


def object_label(code: str | None) -> str:
    label = OBJECT_LABELS.get(code or "")
    return str(label) if label is not None else (code or "")


def change_value(value) -> str:
    """A value of the changes column as text: yes/no for booleans, a dash for nothing."""
    if value is None:
        return "—"
    if value is True:
        return str(_l("ya"))
    if value is False:
        return str(_l("tidak"))
    return str(value)
