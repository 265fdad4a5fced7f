"""Gelar depan / nama / gelar belakang out of one NAMA cell, with the table of known titles."""

import pytest

from portal.imports.gelar import is_back_title, is_front_title, split_titles


@pytest.mark.parametrize(("text", "depan", "nama", "belakang"), [
    # The examples
    ("Dr. H. Ahmad Fauzi, S.Pd., M.Si.", "Dr. H.", "Ahmad Fauzi", "S.Pd., M.Si."),
    ("drs. Hj. Siti Aminah", "drs. Hj.", "Siti Aminah", None),
    ("Ir. Budi, M.T.", "Ir.", "Budi", "M.T."),
    ("dr. Rina Sp.A", "dr.", "Rina", "Sp.A"),  # a title after the name without a comma
    # More as SIASN writes them
    ("Ns. Dewi Lestari S.Kep", "Ns.", "Dewi Lestari", "S.Kep"),
    ("dr. Andi Wijaya, Sp.PD., M.Kes", "dr.", "Andi Wijaya", "Sp.PD., M.Kes"),
    ("Yusuf Hidayat, S.Pd.SD", None, "Yusuf Hidayat", "S.Pd.SD"),
    ("Rina Wati SE MM", None, "Rina Wati", "SE MM"),
    ("Prof. Dr. Ir. H. Slamet Riyadi, M.T., Ph.D.", "Prof. Dr. Ir. H.", "Slamet Riyadi", "M.T., Ph.D."),
    ("Hj. Siti Aminah, S.Kom.", "Hj.", "Siti Aminah", "S.Kom."),
    ("drg. Ratna Dewi", "drg.", "Ratna Dewi", None),
    ("Euis Sumarni, A.Md.Kep.", None, "Euis Sumarni", "A.Md.Kep."),
    # Names that only look like titles stay names
    ("Moh. Rizal, S.E.", None, "Moh. Rizal", "S.E."),
    ("M. Yusuf", None, "M. Yusuf", None),
    ("Abd. Rahman Hakim", None, "Abd. Rahman Hakim", None),
    ("Budi S.", None, "Budi S.", None),  # a surname initial
    ("Ahmad Ma", None, "Ahmad Ma", None),  # a name's own word that spells a title
    ("Budi Santoso", None, "Budi Santoso", None),
    ("Dr.", None, "Dr.", None),  # one word stays the name
])
def test_split_titles(text, depan, nama, belakang):
    parts = split_titles(text)
    assert (parts.gelar_depan, parts.nama, parts.gelar_belakang, parts.doubtful) == (depan, nama, belakang, False)


def test_a_comma_before_words_that_are_no_titles_keeps_the_name_whole_and_says_so():
    parts = split_titles("Aminah, Siti")
    assert (parts.gelar_depan, parts.nama, parts.gelar_belakang, parts.doubtful) == (None, "Aminah, Siti", None, True)


def test_title_words():
    assert is_front_title("Hj.") and is_front_title("dr.") and is_front_title("Prof.")
    assert not is_front_title("Moh.") and not is_front_title("Ahmad")
    assert is_back_title("S.Pd.") and is_back_title("M.Si") and is_back_title("Ners") and is_back_title("SE")
    assert not is_back_title("Se") and not is_back_title("S.") and not is_back_title("Santoso")
    assert is_back_title("Se", after_comma=True)
