"""Real-Chromium tests. A package, so that its conftest.py is ``browser.conftest`` and never
shadows the suite's ``conftest`` module, which every test imports its helpers from."""
