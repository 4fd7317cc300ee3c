"""Load benchmarks against a real server process (run with ``python -m benchmarks.catalog``)."""
