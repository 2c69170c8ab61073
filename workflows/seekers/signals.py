"""What the seekers' services tell higher layers, without importing them: ``seeker_registered``
is sent inside the registration's (or update's) transaction once the profile is saved and
audited, so a synchronous receiver writes in the same transaction (the provincial platform's
outbox, ``provincial.receivers``, which sends only with the seeker's consent).

Arguments: ``seeker`` (the saved ``SeekerProfile``), ``market`` (where), ``created`` (a first
registration),
``changed`` (the names of the fields that changed), ``actor``.
"""

from django.dispatch import Signal

seeker_registered = Signal()
