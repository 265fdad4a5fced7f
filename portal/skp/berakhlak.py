"""The seven BerAKHLAK core values with their behaviour guides (PermenPANRB 6/2022 Pasal 10; DOMAIN.md section 5).

Kept as data: the perilaku kerja part of every SKP, the self-assessment and the 360 questionnaire read from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CoreValue:
    code: str
    name: str
    guides: tuple[str, str, str]


BERAKHLAK: tuple[CoreValue, ...] = (
    CoreValue("berorientasi_pelayanan", "Berorientasi Pelayanan", (
        "Memahami dan memenuhi kebutuhan masyarakat",
        "Ramah, cekatan, solutif, dan dapat diandalkan",
        "Melakukan perbaikan tiada henti",
    )),
    CoreValue("akuntabel", "Akuntabel", (
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, dan berintegritas tinggi",
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, dan efisien",
        "Tidak menyalahgunakan kewenangan jabatan",
    )),
    CoreValue("kompeten", "Kompeten", (
        "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
        "Membantu orang lain belajar",
        "Melaksanakan tugas dengan kualitas terbaik",
    )),
    CoreValue("harmonis", "Harmonis", (
        "Menghargai setiap orang apa pun latar belakangnya",
        "Suka menolong orang lain",
        "Membangun lingkungan kerja yang kondusif",
    )),
    CoreValue("loyal", "Loyal", (
        "Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia Tahun 1945, setia kepada "
        "Negara Kesatuan Republik Indonesia serta pemerintahan yang sah",
        "Menjaga nama baik sesama ASN, pimpinan, instansi, dan negara",
        "Menjaga rahasia jabatan dan negara",
    )),
    CoreValue("adaptif", "Adaptif", (
        "Cepat menyesuaikan diri menghadapi perubahan",
        "Terus berinovasi dan mengembangkan kreativitas",
        "Bertindak proaktif",
    )),
    CoreValue("kolaboratif", "Kolaboratif", (
        "Memberi kesempatan kepada berbagai pihak untuk berkontribusi",
        "Terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
        "Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama",
    )),
)

BY_CODE = {value.code: value for value in BERAKHLAK}
CODES = tuple(BY_CODE)
