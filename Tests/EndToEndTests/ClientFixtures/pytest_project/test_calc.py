from calc import double


def test_double():
    assert double(2) == 4


def test_broken():
    value = double(3)
    assert value == 7
