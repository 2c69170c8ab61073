"""The case engine: cases, applicant parties, ownership, single notices and queues."""
