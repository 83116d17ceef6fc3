from rest_framework import serializers

from incidents.intel.models import Indicator, IndicatorType


class IndicatorInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=IndicatorType.choices)
    value = serializers.CharField(max_length=2048)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
    confidence = serializers.IntegerField(min_value=0, max_value=100, required=False)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    first_seen = serializers.DateTimeField(required=False, allow_null=True)
    last_seen = serializers.DateTimeField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class IndicatorUpdateSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
    confidence = serializers.IntegerField(min_value=0, max_value=100, required=False)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    last_seen = serializers.DateTimeField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class IndicatorOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "type",
            "value",
            "source",
            "confidence",
            "description",
            "first_seen",
            "last_seen",
            "expires_at",
            "stix_id",
            "hits",
            "created_at",
        ]


class IndicatorImportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["csv", "stix"])
    content = serializers.JSONField(
        help_text="csv: the CSV text (header type,value[,source,confidence,first_seen,last_seen,expires_at,"
        "description]). stix: a STIX 2.1 bundle (object or JSON text)."
    )
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]


class IndicatorImportOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
