"""Machine learning on incidents: anomaly and triage models per organization, their lifecycle, federated learning."""
