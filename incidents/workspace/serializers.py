from rest_framework import serializers

from incidents.threats.models import Incident, IncidentStatus
from incidents.threats.serializers import ThreatOutputSerializer


class IncidentOutputSerializer(serializers.ModelSerializer):
    incident_id = serializers.CharField(source="human_id")
    event_count = serializers.IntegerField(default=0, help_text="Events behind the incident's threats.")
    escalation_level = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "incident_id",
            "title",
            "status",
            "severity",
            "risk_score",
            "ml_confidence",
            "escalation_level",
            "source_ip",
            "threat_count",
            "event_count",
            "mitre_techniques",
            "assignee",
            "merged_into",
            "first_seen_at",
            "last_seen_at",
            "status_changed_at",
        ]

    def get_escalation_level(self, incident) -> int:
        """0 (none) to 3, from the risk score and the organization's sensitivity thresholds."""
        settings = self.context.get("detection_settings")
        return settings.escalation_level(incident.risk_score) if settings is not None else 0

    def get_assignee(self, incident) -> str | None:
        return incident.assignee.email if incident.assignee_id else None

    def get_merged_into(self, incident) -> str | None:
        return str(incident.merged_into_id) if incident.merged_into_id else None


class IncidentTimelineEntrySerializer(serializers.Serializer):
    timestamp = serializers.CharField()
    event = serializers.CharField()
    threat_id = serializers.CharField(required=False)
    user = serializers.CharField(required=False, allow_blank=True)
    message = serializers.CharField()


class CommentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    author = serializers.CharField(source="author_email")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ActivityOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    actor = serializers.CharField(source="actor_email")
    data = serializers.DictField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()


class MitreExplanationSerializer(serializers.Serializer):
    technique = serializers.CharField()
    name = serializers.CharField(required=False)
    tactics = serializers.ListField(child=serializers.CharField(), required=False)
    explanation = serializers.CharField(required=False)


class RecommendedActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="A response action name (incidents.response registry).")
    params = serializers.DictField()
    reason = serializers.CharField(required=False, allow_blank=True)


class AiAnalysisSerializer(serializers.Serializer):
    summary = serializers.CharField()
    likely_cause = serializers.CharField(allow_blank=True)
    mitre_explanation = MitreExplanationSerializer(many=True)
    recommended_actions = RecommendedActionSerializer(many=True)
    confidence = serializers.FloatField()
    provider = serializers.CharField()
    model = serializers.CharField()
    generated_at = serializers.CharField()


class IncidentDetailOutputSerializer(serializers.Serializer):
    incident = IncidentOutputSerializer()
    threats = ThreatOutputSerializer(many=True)
    ai_analysis = AiAnalysisSerializer(source="incident.ai_analysis", allow_null=True)
    timeline = IncidentTimelineEntrySerializer(many=True)
    comments = CommentOutputSerializer(many=True)
    activity = ActivityOutputSerializer(many=True)
    sections = serializers.DictField(help_text="Data the nested apps add (actions, containment, ml).")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["incident"]["escalation_level"] = instance["escalation_level"]
        return data


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AssignInputSerializer(serializers.Serializer):
    assignee_id = serializers.UUIDField(allow_null=True, help_text="A member's user id; null unassigns.")


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("May not be blank.")
        return value


class MergeInputSerializer(serializers.Serializer):
    target_id = serializers.CharField(
        max_length=40, help_text="The incident that stays (UUID or INC-YYYY-NNNN)."
    )
    source_ids = serializers.ListField(
        child=serializers.CharField(max_length=40),
        min_length=1,
        max_length=50,
        help_text="Incidents merged into it.",
    )

    def validate(self, attrs):
        if attrs["target_id"] in attrs["source_ids"]:
            raise serializers.ValidationError({"source_ids": ["Leave the target out."]})
        if len(set(attrs["source_ids"])) != len(attrs["source_ids"]):
            raise serializers.ValidationError({"source_ids": ["Each incident once."]})
        return attrs


class TimelineQuerySerializer(serializers.Serializer):
    from_date = serializers.DateTimeField(required=False)
    to_date = serializers.DateTimeField(required=False)
    interval = serializers.ChoiceField(choices=["hour", "day", "week"], default="hour")

    def validate(self, attrs):
        if attrs.get("from_date") and attrs.get("to_date") and attrs["from_date"] >= attrs["to_date"]:
            raise serializers.ValidationError({"to_date": ["Must be after from_date."]})
        return attrs


class TimelineBucketSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    events = serializers.IntegerField()
    threats = serializers.IntegerField()
    critical = serializers.IntegerField()
    high = serializers.IntegerField()


class TimelineOutputSerializer(serializers.Serializer):
    interval = serializers.CharField()
    from_date = serializers.DateTimeField()
    to_date = serializers.DateTimeField()
    buckets = TimelineBucketSerializer(many=True)


class AttackPathsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=7)
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)


class AttackStepSerializer(serializers.Serializer):
    stage = serializers.IntegerField(
        help_text="Position of the tactic in the ATT&CK kill chain (0 = Reconnaissance)."
    )
    tactic_id = serializers.CharField(allow_blank=True)
    tactic = serializers.CharField()
    technique = serializers.CharField()
    technique_name = serializers.CharField()
    threats = serializers.IntegerField()


class AttackPathSerializer(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    steps = AttackStepSerializer(many=True)
    depth = serializers.IntegerField()
    furthest_tactic = serializers.CharField(allow_null=True)
    threat_ids = serializers.ListField(child=serializers.CharField())
    incident_ids = serializers.ListField(child=serializers.CharField())
    first_seen_at = serializers.DateTimeField()


class AttackPathsOutputSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    paths = AttackPathSerializer(many=True)


class ContextOutputSerializer(serializers.Serializer):
    incident_id = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    severity = serializers.CharField()
    risk_score = serializers.IntegerField()
    ml_confidence = serializers.FloatField(allow_null=True)
    escalation_level = serializers.IntegerField()
    source_ip = serializers.CharField(allow_null=True)
    first_seen_at = serializers.CharField()
    last_seen_at = serializers.CharField()
    assignee = serializers.CharField(allow_null=True)
    mitre = serializers.ListField(child=serializers.DictField())
    threats = serializers.ListField(child=serializers.DictField())
    observables = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    recent_events = serializers.ListField(child=serializers.DictField())
    ai_analysis = serializers.DictField(allow_null=True)
    sections = serializers.DictField()


class RecurrenceSerializer(serializers.Serializer):
    source_ip = serializers.CharField()
    other_incidents = serializers.IntegerField()
    first_seen_at = serializers.DateTimeField(allow_null=True)
    last_seen_at = serializers.DateTimeField(allow_null=True)


class ThreatStatusOutputSerializer(serializers.Serializer):
    incident_id = serializers.CharField()
    status = serializers.CharField()
    contained = serializers.BooleanField()
    status_changed_at = serializers.DateTimeField(allow_null=True)
    threats = serializers.DictField(child=serializers.IntegerField())
    open_threats = serializers.ListField(child=serializers.CharField())
    related_indicators = serializers.ListField(child=serializers.DictField())
    recurrence = RecurrenceSerializer(allow_null=True)
    recommended_actions = serializers.ListField(child=serializers.DictField())
    sections = serializers.DictField()


class SharedObservableSerializer(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()


class SimilarIncidentSerializer(serializers.Serializer):
    incident = IncidentOutputSerializer()
    score = serializers.FloatField()
    shared_observables = SharedObservableSerializer(many=True)
    shared_techniques = serializers.ListField(child=serializers.CharField())


class AiAnalysisOutputSerializer(serializers.Serializer):
    incident_id = serializers.CharField(source="human_id")
    ai_analysis = AiAnalysisSerializer()
    ai_analyzed_at = serializers.DateTimeField()
