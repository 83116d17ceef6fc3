from rest_framework import serializers


class RollupFieldsSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True)
    rating = serializers.CharField(allow_null=True)
    metric_count = serializers.IntegerField()
    scored_count = serializers.IntegerField()
    trend = serializers.ChoiceField(choices=["up", "stable", "down"])


class FunctionScoreSerializer(RollupFieldsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CategoryScoreSerializer(RollupFieldsSerializer):
    code = serializers.CharField()
    function_code = serializers.CharField()
    framework = serializers.CharField()
    name = serializers.CharField()


class CatalogSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    metric_count = serializers.IntegerField()


class FrameworkRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class ScoreOverviewOutputSerializer(serializers.Serializer):
    overall_score = serializers.FloatField(allow_null=True)
    overall_rating = serializers.CharField(allow_null=True)
    overall_trend = serializers.CharField(help_text="up, stable or down")
    framework = FrameworkRefSerializer()
    window_days = serializers.IntegerField()
    functions = FunctionScoreSerializer(many=True)
    catalog = CatalogSummarySerializer()


class FunctionHeadlineSerializer(FunctionScoreSerializer):
    framework = serializers.CharField()


class BelowTargetSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    metric_number = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    gap = serializers.FloatField(help_text="Distance to the target in the metric's unit.")
    current_value = serializers.FloatField()
    target_value = serializers.FloatField()
    unit = serializers.CharField()
    priority = serializers.CharField()
    category_code = serializers.CharField()


class FunctionScoreDetailOutputSerializer(serializers.Serializer):
    function = FunctionHeadlineSerializer()
    categories = CategoryScoreSerializer(many=True)
    metrics_below_target = BelowTargetSerializer(many=True)
    window_days = serializers.IntegerField()


class CategoryScoresOutputSerializer(serializers.Serializer):
    categories = CategoryScoreSerializer(many=True)
    window_days = serializers.IntegerField()
