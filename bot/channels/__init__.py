"""Channel adapters: they translate between a transport and the dialogue engine, nothing more."""
