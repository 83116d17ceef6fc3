from rest_framework import serializers

from metrics.services.assistant import MODES


class ChatInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MODES)
    prompt = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    context = serializers.DictField(  # type: ignore[assignment]
        required=False,
        default=dict,
        help_text="function, framework, metric_id, category, catalog_items, enhancement_types (by mode).",
    )
    create = serializers.BooleanField(  # type: ignore[assignment]
        default=False, help_text="metrics mode: add the suggestion to the active catalog."
    )


class ProviderRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    model = serializers.CharField()
    is_local = serializers.BooleanField()


class ChatOutputSerializer(serializers.Serializer):
    mode = serializers.CharField()
    response_type = serializers.ChoiceField(
        choices=["metric_suggestion", "explanation", "report", "recommendations", "enhancement"]
    )
    content = serializers.DictField(help_text="Shape depends on response_type; see the API guide.")
    provider = ProviderRefSerializer()


class EnhanceInputSerializer(serializers.Serializer):
    catalog_items = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=50)
    enhancement_types = serializers.ListField(
        child=serializers.ChoiceField(choices=["clarity", "targets", "priority", "mapping"]), required=False
    )


class EnhancementSerializer(serializers.Serializer):
    original = serializers.DictField()
    suggested = serializers.DictField()
    changes = serializers.ListField(child=serializers.CharField())
    reasoning = serializers.CharField()


class EnhanceSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    enhanced = serializers.IntegerField()
    changes = serializers.IntegerField()


class EnhanceOutputSerializer(serializers.Serializer):
    enhancements = EnhancementSerializer(many=True)
    summary = EnhanceSummarySerializer()
    provider = ProviderRefSerializer()
