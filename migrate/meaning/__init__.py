"""The meaning check: what a legacy config meant (MMCV 1.7.2 and the downstream train script
reading its merged view) against what its conversion means (MMEngine 0.10.7's Runner reading
the converted merged view), fact by fact, statically and with plain value comparisons."""
from migrate.meaning.check import check_meaning
from migrate.meaning.compare import Mismatch, compare

__all__ = ['check_meaning', 'compare', 'Mismatch']
