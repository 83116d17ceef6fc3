from rest_framework import serializers


class DemoSessionInputSerializer(serializers.Serializer):
    email = serializers.EmailField()


class DemoStartInputSerializer(serializers.Serializer):
    video_skipped = serializers.BooleanField(default=False)


class DemoQuotaSerializer(serializers.Serializer):
    csf_metrics_created = serializers.IntegerField()
    csf_metrics_max = serializers.IntegerField()
    csf_metrics_remaining = serializers.IntegerField()
    ai_rmf_metrics_created = serializers.IntegerField()
    ai_rmf_metrics_max = serializers.IntegerField()
    ai_rmf_metrics_remaining = serializers.IntegerField()


class DemoSessionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    session_id = serializers.CharField(
        allow_null=True, help_text="The secret for X-Demo-Session; shown when created."
    )
    email = serializers.EmailField()
    video_skipped = serializers.BooleanField()
    demo_started_at = serializers.DateTimeField(allow_null=True)
    demo_expires_at = serializers.DateTimeField(allow_null=True)
    expired = serializers.BooleanField()
    quotas = DemoQuotaSerializer()


class DemoMetricSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    description = serializers.CharField()
    current_value = serializers.FloatField(allow_null=True)
    target_value = serializers.FloatField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    priority = serializers.CharField()
    csf_function = serializers.CharField()
    csf_category = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    rating = serializers.CharField(allow_null=True)
    source = serializers.CharField(help_text="sample (Palisade's example) or ai (created in this session)")  # type: ignore[assignment]


class DemoMetricsOutputSerializer(serializers.Serializer):
    framework = serializers.CharField()
    metrics = DemoMetricSerializer(many=True)
    total = serializers.IntegerField()
    category_count = serializers.IntegerField()


class DemoStarterSerializer(serializers.Serializer):
    id = serializers.CharField()
    framework = serializers.CharField()
    title = serializers.CharField()
    prompt = serializers.CharField()


class DemoRefinementSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class DemoChatStatusOutputSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    provider = serializers.CharField()
    starters = DemoStarterSerializer(many=True)
    refinements = DemoRefinementSerializer(many=True)
    quota = DemoQuotaSerializer()
    expires_at = serializers.DateTimeField(allow_null=True)


class DemoGuidedChatInputSerializer(serializers.Serializer):
    starter_id = serializers.CharField(max_length=64)
    framework = serializers.CharField(max_length=16)
    refinement_id = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)


class DemoGuidedChatOutputSerializer(serializers.Serializer):
    response_type = serializers.CharField()
    content = serializers.DictField()
    starter_id = serializers.CharField()
    refinement_id = serializers.CharField(allow_null=True)
    quota = DemoQuotaSerializer()
