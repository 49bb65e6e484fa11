"""What the evaluator raises for a value it cannot compute, and the sizes it refuses to build
(the bottom of the static package: the function table and the size walk both use them)."""
from __future__ import annotations

#: items in one computed value (a string counts its characters)
MAX_ITEMS = 1_000_000
#: an int computed by a config (10 ** 20000 has 66,439 bits); past this it stays unknown
MAX_INT_BITS = 65_536


class Unknown(Exception):
    """The value of an expression cannot be computed statically."""
