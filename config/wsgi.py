import os

from django.core.wsgi import get_wsgi_application

from config.gcfreeze import gc_freeze_after_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

application = get_wsgi_application()
gc_freeze_after_start()  # the start-up objects out of every collection (config/gcfreeze.py)
