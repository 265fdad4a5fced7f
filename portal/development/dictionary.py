"""The standard competencies of PermenPANRB 38/2017 (Standar Kompetensi Jabatan ASN): the eight managerial
competencies and the socio-cultural one, each with its definition and a short descriptor per level 1-5, summarised
from the regulation's annex. Kept as data, seeded into the dictionary on first use; the admin edits the wording and
adds technical competencies (portal.development.competencies)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.development.rules import MANAJERIAL, SOSIAL_KULTURAL


@dataclass(frozen=True)
class StandardCompetency:
    code: str
    name: str
    kind: str
    description: str
    levels: tuple[str, str, str, str, str]


STANDARD_COMPETENCIES: tuple[StandardCompetency, ...] = (
    StandardCompetency(
        "integritas", "Integritas", MANAJERIAL,
        "Konsisten berperilaku selaras dengan nilai, norma dan etika organisasi, jujur dalam hubungan kerja, dan "
        "bertanggung jawab atas tindakan atau keputusan beserta risikonya.",
        ("Bertindak sesuai nilai, norma, dan etika organisasi dalam kapasitas pribadi.",
         "Mengingatkan dan mengajak rekan kerja bertindak sesuai nilai, norma, dan etika organisasi.",
         "Memastikan anggota yang dipimpin bertindak sesuai nilai, norma, dan etika organisasi.",
         "Menciptakan situasi kerja yang membuat rekan kerja berperilaku sesuai etika organisasi.",
         "Menjadi teladan dalam penerapan standar keadilan dan etika di tingkat nasional.")),
    StandardCompetency(
        "kerja_sama", "Kerja Sama", MANAJERIAL,
        "Menjalin dan membina hubungan kerja yang efektif, berkomitmen saling membantu menyelesaikan tugas, dan "
        "mengoptimalkan sumber daya untuk tujuan organisasi.",
        ("Berpartisipasi dalam kelompok kerja.",
         "Menumbuhkan tim kerja yang partisipatif dan efektif.",
         "Membangun tim kerja yang efektif untuk meningkatkan kinerja organisasi.",
         "Membangun komitmen dan sinergi tim.",
         "Menciptakan kerja sama yang konsisten di dalam dan di luar instansi.")),
    StandardCompetency(
        "komunikasi", "Komunikasi", MANAJERIAL,
        "Menerangkan pandangan dan gagasan secara jelas, sistematis, dan logis secara lisan maupun tertulis, "
        "mendengarkan secara aktif, serta meyakinkan orang lain untuk mencapai tujuan organisasi.",
        ("Menyampaikan informasi dengan jelas dan lengkap sehingga dipahami sama.",
         "Aktif berkomunikasi formal dan informal, mendengarkan, dan menyusun bahan presentasi atau laporan.",
         "Berkomunikasi asertif dan menyampaikan informasi yang sensitif atau rumit dengan terampil.",
         "Mengemukakan pemikiran multidimensi untuk mendorong kesepakatan demi kinerja organisasi.",
         "Menggagas sistem komunikasi terbuka yang strategis untuk mencari solusi.")),
    StandardCompetency(
        "orientasi_pada_hasil", "Orientasi pada Hasil", MANAJERIAL,
        "Mempertahankan komitmen pribadi yang tinggi untuk menyelesaikan tugas, dapat diandalkan, dan secara "
        "sistematis mengenali risiko dan peluang demi keberhasilan organisasi.",
        ("Bertanggung jawab memenuhi standar kerja.",
         "Berupaya mencapai hasil di atas standar dan mencoba cara baru untuk meningkatkan kinerja.",
         "Menetapkan target yang menantang bagi unit kerja dan mendorong pencapaiannya.",
         "Mendorong unit kerja mencapai atau melampaui target dan hasil sebelumnya.",
         "Meningkatkan mutu pencapaian kerja organisasi.")),
    StandardCompetency(
        "pelayanan_publik", "Pelayanan Publik", MANAJERIAL,
        "Melaksanakan tugas pemerintahan dan pelayanan publik secara profesional, transparan, objektif, netral, "
        "dan tidak diskriminatif sesuai standar pelayanan.",
        ("Menjalankan pelayanan sesuai standar operasional prosedur.",
         "Mengupayakan pelayanan yang berkualitas.",
         "Memantau dan mengantisipasi isu pelayanan bagi pemangku kepentingan secara objektif dan profesional.",
         "Memperbaiki standar pelayanan publik di lingkup unit kerja.",
         "Menciptakan kebijakan yang menjamin pelayanan publik yang objektif, netral, dan profesional.")),
    StandardCompetency(
        "pengembangan_diri_dan_orang_lain", "Pengembangan Diri dan Orang Lain", MANAJERIAL,
        "Meningkatkan pengetahuan dan keterampilan diri, menginspirasi dan membimbing orang lain untuk "
        "mengembangkan potensinya, serta mendorong kemauan belajar sepanjang hayat.",
        ("Mengembangkan diri sesuai kebutuhan tugas.",
         "Meningkatkan kemampuan bawahan dengan contoh dan penjelasan cara kerja.",
         "Memberikan umpan balik dan bimbingan.",
         "Menyusun program pengembangan jangka panjang di unit kerja.",
         "Menciptakan organisasi yang terus belajar.")),
    StandardCompetency(
        "mengelola_perubahan", "Mengelola Perubahan", MANAJERIAL,
        "Menyesuaikan diri dengan situasi baru, tidak bergantung berlebihan pada cara lama, serta mendukung dan "
        "memimpin inisiatif perubahan hingga berhasil diterapkan.",
        ("Menyadari pentingnya perubahan untuk menyesuaikan diri dengan situasi.",
         "Proaktif beradaptasi mengikuti perubahan.",
         "Membantu orang lain mengikuti perubahan dan mengantisipasinya dengan tepat.",
         "Memimpin perubahan di unit kerja.",
         "Mengelola perubahan di tingkat organisasi.")),
    StandardCompetency(
        "pengambilan_keputusan", "Pengambilan Keputusan", MANAJERIAL,
        "Membuat keputusan yang baik dan tepat waktu dengan prinsip kehati-hatian, berdasarkan informasi, alternatif, "
        "dan konsekuensinya, serta bertanggung jawab atas keputusan itu.",
        ("Mengumpulkan informasi untuk bertindak sesuai kewenangan.",
         "Menganalisis masalah secara mendalam.",
         "Membandingkan alternatif dan menimbang risiko pelaksanaannya.",
         "Menyelesaikan masalah berisiko tinggi dan menyiapkan mitigasi dampaknya.",
         "Menghasilkan solusi strategis yang berdampak luas.")),
    StandardCompetency(
        "perekat_bangsa", "Perekat Bangsa", SOSIAL_KULTURAL,
        "Mempromosikan toleransi, keterbukaan, dan kepekaan terhadap perbedaan, serta menjaga dan mewujudkan "
        "persatuan dan kesatuan dalam kemajemukan masyarakat Indonesia.",
        ("Peka memahami dan menerima kemajemukan.",
         "Aktif mengembangkan sikap saling menghargai dan menekankan persamaan.",
         "Mempromosikan dan mengembangkan sikap toleransi dan persatuan.",
         "Mendayagunakan perbedaan secara konstruktif untuk efektivitas organisasi.",
         "Menjadi wakil pemerintah dalam membangun hubungan sosial psikologis di masyarakat.")),
)
