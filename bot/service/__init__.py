"""Use cases of the ticket life cycle over storage: one transaction each, events and outbox."""
