"""Input and output serializers of the metrics API (separate, explicit fields)."""
