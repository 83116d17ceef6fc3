"""Views of the metrics API: thin, each one input serializer, one selector or service, one output."""
