from rest_framework import serializers

from incidents.detection.models import DetectionRule, RuleException


class RuleInputSerializer(serializers.Serializer):
    yaml = serializers.CharField(max_length=100_000, help_text="One Sigma rule or correlation rule (YAML).")
    enabled = serializers.BooleanField(default=True)


class RuleUpdateSerializer(serializers.Serializer):
    yaml = serializers.CharField(max_length=100_000, required=False)
    enabled = serializers.BooleanField(required=False)


class RuleOutputSerializer(serializers.ModelSerializer):
    precision = serializers.FloatField(allow_null=True, help_text="confirmed / (confirmed + false positives)")

    class Meta:
        model = DetectionRule
        fields = [
            "id",
            "origin",
            "kind",
            "sigma_id",
            "name",
            "title",
            "level",
            "threat_type",
            "mitre_techniques",
            "enabled",
            "hits",
            "threats_created",
            "threats_confirmed",
            "false_positives",
            "suppressed",
            "precision",
            "last_hit_at",
            "created_at",
            "updated_at",
        ]


class RuleDetailOutputSerializer(RuleOutputSerializer):
    class Meta(RuleOutputSerializer.Meta):
        fields = [*RuleOutputSerializer.Meta.fields, "yaml"]


class BacktestInputSerializer(serializers.Serializer):
    from_date = serializers.DateTimeField(required=False, help_text="Default: 7 days ago.")
    to_date = serializers.DateTimeField(required=False, help_text="Default: now.")


class UnsavedBacktestInputSerializer(BacktestInputSerializer):
    yaml = serializers.CharField(max_length=100_000)


class BacktestOutputSerializer(serializers.Serializer):
    rule = serializers.CharField()
    events_scanned = serializers.IntegerField()
    truncated = serializers.BooleanField()
    hits = serializers.IntegerField(help_text="Matching events (detection rule) or firings (correlation).")
    selections = serializers.DictField(child=serializers.IntegerField(), help_text="Hits per selection name.")
    sources = serializers.IntegerField()
    incidents_would_open = serializers.IntegerField()
    sample_event_ids = serializers.ListField(child=serializers.IntegerField())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["from"] = instance["from"].isoformat()
        data["to"] = instance["to"].isoformat()
        return data


class ExceptionInputSerializer(serializers.Serializer):
    source_cidr = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    user = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    host = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ExceptionPreviewInputSerializer(serializers.Serializer):
    source_cidr = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    user = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    host = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=1, max_value=90, default=7)


class ExceptionPreviewOutputSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    threats_in_period = serializers.IntegerField()
    would_suppress_threats = serializers.IntegerField()
    would_suppress_events = serializers.IntegerField()
    summary = serializers.CharField()


class ExceptionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleException
        fields = [
            "id",
            "rule",
            "source_cidr",
            "user",
            "host",
            "reason",
            "expires_at",
            "suppressed",
            "created_at",
        ]
