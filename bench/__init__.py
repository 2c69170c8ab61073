"""Benchmarks of the back office: intake throughput and the workbench lists at scale.

Run ``.venv/bin/python bench/run.py``; see ``bench/README.md``.
"""
