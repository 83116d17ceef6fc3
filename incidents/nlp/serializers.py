from rest_framework import serializers

from incidents.nlp.models import DocumentKind


class QueryInputSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=500, help_text='e.g. "high severity brute force from last week"')


class InterpretationSerializer(serializers.Serializer):
    description = serializers.CharField()
    filters = serializers.JSONField(help_text="The validated structured filter the question became.")
    understood = serializers.ListField(child=serializers.CharField())
    unrecognized = serializers.ListField(child=serializers.CharField())


class QueryOutputSerializer(serializers.Serializer):
    query = serializers.CharField()
    parser = serializers.CharField()
    interpretation = InterpretationSerializer()
    result_type = serializers.ChoiceField(choices=["incidents", "aggregate", "count"])
    total = serializers.IntegerField(help_text="Incidents matching the filter.")
    results = serializers.ListField(child=serializers.JSONField())


class SearchInputSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=500)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices),
        required=False,
        allow_empty=False,
        default=list(DocumentKind.values),
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
    min_score = serializers.FloatField(min_value=0, max_value=1, default=0.05)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    id = serializers.UUIDField()
    human_id = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    score = serializers.FloatField()


class SearchOutputSerializer(serializers.Serializer):
    query = serializers.CharField()
    method = serializers.ChoiceField(choices=["tfidf", "tfidf_lsa"])
    documents = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


class AnalysisInputSerializer(serializers.Serializer):
    incident_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=200, default=list
    )
    hours = serializers.IntegerField(
        min_value=1,
        max_value=24 * 90,
        required=False,
        help_text="Window when no incident_ids are given (default 24).",
    )


class CountedSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()


class FactsSerializer(serializers.Serializer):
    incidents = serializers.IntegerField()
    threats = serializers.IntegerField()
    by_severity = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())
    top_threat_types = CountedSerializer(many=True)
    top_sources = CountedSerializer(many=True)
    top_techniques = CountedSerializer(many=True)
    max_risk_score = serializers.IntegerField()
    first_seen_at = serializers.DateTimeField(allow_null=True)
    last_seen_at = serializers.DateTimeField(allow_null=True)


class AnalysisOutputSerializer(serializers.Serializer):
    scope = serializers.CharField()
    generator = serializers.CharField()
    narrative = serializers.CharField()
    recommendations = serializers.ListField(child=serializers.CharField())
    facts = FactsSerializer()
    incident_ids = serializers.ListField(child=serializers.UUIDField())


class SemanticStatusSerializer(serializers.Serializer):
    method = serializers.CharField()
    indexed_documents = serializers.IntegerField()
    indexed_incidents = serializers.IntegerField()
    lsa_min_documents = serializers.IntegerField()
    embeddings = serializers.CharField()


class ProviderSerializer(serializers.Serializer):
    code = serializers.CharField()
    model = serializers.CharField()


class NlpStatusSerializer(serializers.Serializer):
    query_parser = serializers.CharField()
    ai_provider = ProviderSerializer(allow_null=True)
    semantic_search = SemanticStatusSerializer()
    queries_answered = serializers.IntegerField()
    last_query_at = serializers.DateTimeField(allow_null=True)


# ---- workflows/nlp ------------------------------------------------------------------------------


class NlpPlanContextSerializer(serializers.Serializer):
    ip = serializers.IPAddressField(required=False, help_text='What "the attacker IP" means.')
    host = serializers.CharField(max_length=255, required=False)
    user = serializers.CharField(max_length=200, required=False)


class NlpPlanInputSerializer(serializers.Serializer):
    plan = serializers.CharField(
        max_length=2000, help_text='e.g. "block the attacker IP for 2 hours and notify the SOC"'
    )
    incident_id = serializers.UUIDField(required=False, help_text="Fills the attacker IP from the incident.")
    variables = NlpPlanContextSerializer(required=False, default=dict, help_text="Values the plan refers to.")


class NlpPlanCreateInputSerializer(NlpPlanInputSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    allow_partial = serializers.BooleanField(
        default=False, help_text="Create from the mapped steps, listing the rest."
    )
    dry_run = serializers.BooleanField(default=False)


class NlpPlanStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    text = serializers.CharField(help_text="The words this step came from.")
    params = serializers.JSONField()
    valid = serializers.BooleanField()
    param_errors = serializers.JSONField(help_text="Why the params are invalid, per field.")
    requires_approval = serializers.BooleanField()


class NlpPlanOutputSerializer(serializers.Serializer):
    plan = serializers.CharField()
    steps = NlpPlanStepSerializer(many=True)
    unmapped = serializers.ListField(child=serializers.CharField())
    valid = serializers.BooleanField()
    requires_approval = serializers.BooleanField()


class CreatedWorkflowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    human_id = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    approval_status = serializers.CharField()
    skipped_recommendations = serializers.ListField(child=serializers.CharField())


class NlpPlanCreateOutputSerializer(serializers.Serializer):
    workflow = CreatedWorkflowSerializer()
    parse = NlpPlanOutputSerializer()


class ExampleSerializer(serializers.Serializer):
    plan = serializers.CharField()
    parse = NlpPlanOutputSerializer()


class CapabilitySerializer(serializers.Serializer):
    action = serializers.CharField()
    category = serializers.CharField()
    description = serializers.CharField()
    requires_approval = serializers.BooleanField()
    example = serializers.CharField()
    params = serializers.JSONField(help_text="The action's parameter schema.")


class CapabilitiesSerializer(serializers.Serializer):
    actions = CapabilitySerializer(many=True)
    clause_separators = serializers.ListField(child=serializers.CharField())
    durations = serializers.CharField()
    variables = serializers.ListField(child=serializers.CharField())
