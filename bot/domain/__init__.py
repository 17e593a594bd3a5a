"""Pure rules of the ticket life cycle, permissions and deadlines: no I/O."""
