"""Ingestion: sensors, device HMAC authentication, parsers, normalised events, batches."""
