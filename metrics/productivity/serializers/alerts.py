"""Alert rules (input/output) and fired alerts."""

from rest_framework import serializers

from metrics.productivity.models import AlertCondition, AlertDirection, Severity


class AlertRuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    metric_type = serializers.RegexField(r"^[A-Za-z0-9_.:-]{1,100}$", max_length=100)
    team_id = serializers.UUIDField(required=False, allow_null=True, help_text="Watch one team (optional).")
    user_id = serializers.UUIDField(required=False, allow_null=True, help_text="Watch one user (optional).")
    condition = serializers.ChoiceField(choices=AlertCondition.choices)
    direction = serializers.ChoiceField(choices=AlertDirection.choices, default=AlertDirection.ABOVE)
    threshold = serializers.FloatField(required=False, allow_null=True, help_text="Threshold rules.")
    deviations = serializers.FloatField(
        required=False, allow_null=True, min_value=0.1, max_value=100, help_text="Deviation rules: N stddevs."
    )
    window_minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 31, default=60)
    baseline_windows = serializers.IntegerField(min_value=2, max_value=500, default=7)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    is_active = serializers.BooleanField(default=True)

    def validate(self, attrs):
        condition = attrs.get("condition", getattr(self.instance, "condition", None))
        if condition == AlertCondition.THRESHOLD:
            if attrs.get("threshold", getattr(self.instance, "threshold", None)) is None:
                raise serializers.ValidationError({"threshold": "A threshold rule needs a threshold."})
            if attrs.get("direction") == AlertDirection.BOTH:
                raise serializers.ValidationError({"direction": "A threshold rule watches above or below."})
        if condition == AlertCondition.DEVIATION and not attrs.get(
            "deviations", getattr(self.instance, "deviations", None)
        ):
            raise serializers.ValidationError({"deviations": "A deviation rule needs N standard deviations."})
        if attrs.get("team_id") and attrs.get("user_id"):
            raise serializers.ValidationError({"team_id": "A rule watches a team or a user, not both."})
        return attrs


class AlertRuleOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    metric_type = serializers.CharField()
    team_id = serializers.UUIDField(allow_null=True)
    user_id = serializers.UUIDField(allow_null=True)
    condition = serializers.ChoiceField(choices=AlertCondition.choices)
    direction = serializers.ChoiceField(choices=AlertDirection.choices)
    threshold = serializers.FloatField(allow_null=True)
    deviations = serializers.FloatField(allow_null=True)
    window_minutes = serializers.IntegerField()
    baseline_windows = serializers.IntegerField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProductivityAlertOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    rule_id = serializers.UUIDField()
    rule_name = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    metric_type = serializers.CharField()
    metric_value = serializers.FloatField()
    threshold = serializers.FloatField()
    baseline_mean = serializers.FloatField(allow_null=True)
    baseline_stddev = serializers.FloatField(allow_null=True)
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    affected_users = serializers.ListField(child=serializers.UUIDField())
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
