import pytest

from clients.idnumber import check_char, is_valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),  # the standard's own example
        ("11010519491231002x", True),  # a lower-case check character is the same number
        ("110105194912310021", False),  # wrong check character
        ("11010519491331002X", False),  # month 13
        ("11010519490230002X", False),  # 30 February
        ("1101051949123100", False),  # too short
        ("11010519491231002X1", False),  # too long
        ("A1010519491231002X", False),  # not digits
        ("", False),
    ],
)
def test_gb11643_checksum_and_birth_date(value, valid):
    assert is_valid(value) is valid


def test_check_char_follows_iso_7064_mod_11_2():
    assert check_char("11010519491231002") == "X"
