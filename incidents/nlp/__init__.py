"""Natural language over incidents: questions to validated filters, semantic search, narratives, workflow plans."""
