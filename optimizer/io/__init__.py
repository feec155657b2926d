"""Layer 1, input and output: reading project lists and scenarios (CSV as Swedish Excel writes it, XLSX,
JSON, DataFrames), numbers in the file's own convention, located problems (`InputError`), and the
fingerprint of what a run was computed from. Imports only `models`."""

from optimizer.io.problems import InputError, Problem
from optimizer.io.readers import read_projects, read_scenario

__all__ = ["InputError", "Problem", "read_projects", "read_scenario"]
