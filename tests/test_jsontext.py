import json
import math

from hypothesis import given
from hypothesis import strategies as st

from planfolio.jsontext import json_bytes

# JSON values as the site's files hold them: text (as read from UTF-8 files, so no lone
# surrogates), whole numbers, and floats from 1e-4 on (below it, see the last test).
texts = st.text(st.characters(codec="utf-8"))
floats = st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4)
scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | floats | texts
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=5),
    max_leaves=30,
)


def python_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@given(values)
def test_json_is_written_as_pythons_encoder_writes_it(value):
    assert json_bytes(value) == python_json(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_reads_back_as_the_same_number(number):
    written = json_bytes(number)
    assert json.loads(written) == number and math.copysign(1, json.loads(written)) == math.copysign(1, number)


def test_floats_below_a_ten_thousandth_are_written_as_json_stringify_writes_them():
    assert json_bytes([0.00001, 1.5e-7]) == b"[0.00001,1.5e-7]"
    assert python_json([0.00001, 1.5e-7]) == b"[1e-05,1.5e-07]"
