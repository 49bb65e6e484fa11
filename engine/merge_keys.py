"""The key a child config writes to replace, rather than merge into, a base dict.

Its one home: the engine's config merge, the converter's and the static evaluator's all read it
from here. This module imports nothing, so the torch-free static evaluator can use it too.
"""

DELETE_KEY = '_delete_'
