"""Settings of the real beats of test_one_beat.py: the test settings, with RedBeat set up as
production sets it (config.beat.redbeat_settings) but on a short clock, and a schedule of one
task a second, sent to a queue of the test's own that no worker consumes (its messages are
counted there).

Read from the environment the test gives each beat: REDIS_URL, BEAT_TEST_KEY_PREFIX,
BEAT_TEST_QUEUE and the clock (BEAT_TEST_TICK, BEAT_TEST_LOCK_TIMEOUT, BEAT_TEST_LOOP).
"""

import os

from config.beat import redbeat_settings
from config.settings.test import *  # noqa: F403

vars().update(
    redbeat_settings(
        redis_url=os.environ["REDIS_URL"],
        key_prefix=os.environ["BEAT_TEST_KEY_PREFIX"],
        lock_timeout=int(os.environ["BEAT_TEST_LOCK_TIMEOUT"]),
        max_loop_interval=int(os.environ["BEAT_TEST_LOOP"]),
    )
)
# Only this entry: the project's own (the sweeps) must not reach the test Redis's workers.
CELERY_BEAT_SCHEDULE = {
    "beat-test-tick": {
        "task": "beat_test.tick",  # never run: the messages are only counted
        "schedule": float(os.environ["BEAT_TEST_TICK"]),
        "options": {"queue": os.environ["BEAT_TEST_QUEUE"]},
    }
}
