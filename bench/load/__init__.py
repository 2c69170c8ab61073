"""The load test: officers at once against gunicorn, PostgreSQL, Redis and Celery
(``bench/load/run.py``, ``bench/load/locustfile.py``; see bench/README.md)."""
