"""Benchmark suites and public benchmark instances for the optimiser."""
