from rest_framework import serializers

from incidents.analytics.selectors import MAX_BUCKETS, METRICS, bucket_count


class SocPeriodSerializer(serializers.Serializer):
    threats_detected = serializers.IntegerField()
    threats_mitigated = serializers.IntegerField()
    false_positives = serializers.IntegerField()
    avg_response_time_s = serializers.FloatField(allow_null=True, help_text="Detection to mitigation.")
    total_impact_prevented_usd = serializers.FloatField()
    success_rate = serializers.FloatField(
        allow_null=True, help_text="Mitigated / (detected - false positives)."
    )


class TodaySerializer(SocPeriodSerializer):
    events_ingested = serializers.IntegerField()


class TopThreatSerializer(serializers.Serializer):
    type = serializers.CharField()
    count = serializers.IntegerField()


class SocDashboardOutputSerializer(serializers.Serializer):
    today = TodaySerializer(help_text="Since 00:00 UTC; synthetic and simulated threats excluded.")
    this_week = SocPeriodSerializer(help_text="The last 7 days.")
    top_threats = TopThreatSerializer(many=True)
    generated_at = serializers.DateTimeField()


class MetricsQuerySerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=sorted(METRICS))
    from_date = serializers.DateTimeField(required=False, help_text="Default: to_date minus 24 hours.")
    to_date = serializers.DateTimeField(required=False, help_text="Default: now.")
    interval = serializers.ChoiceField(choices=["hour", "day", "week"], default="hour")

    def validate(self, attrs):
        start, end = attrs.get("from_date"), attrs.get("to_date")
        if start and end and start >= end:
            raise serializers.ValidationError({"to_date": ["Must be after from_date."]})
        return attrs

    def range(self, now):
        from datetime import timedelta

        end = self.validated_data.get("to_date") or now
        start = self.validated_data.get("from_date") or end - timedelta(hours=24)
        if start >= end:
            raise serializers.ValidationError({"from_date": ["Must be before to_date."]})
        if bucket_count(start, end, self.validated_data["interval"]) > MAX_BUCKETS:
            raise serializers.ValidationError(
                {"interval": [f"At most {MAX_BUCKETS} buckets: widen the interval."]}
            )
        return start, end


class DataPointSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    value = serializers.FloatField()


class StatisticsSerializer(serializers.Serializer):
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    avg = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)
    p99 = serializers.FloatField(allow_null=True)


class MetricsOutputSerializer(serializers.Serializer):
    metric = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()
    interval = serializers.CharField()
    from_date = serializers.DateTimeField()
    to_date = serializers.DateTimeField()
    data_points = DataPointSerializer(many=True)
    statistics = StatisticsSerializer(help_text="Over the data points; linear-interpolated percentiles.")
