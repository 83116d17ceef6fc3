"""Report export requests and job status."""

from rest_framework import serializers

from metrics.productivity.models import ReportFormat, ReportStatus, ReportType
from metrics.productivity.serializers.queries import CommaListField, DateRangeMixin, default_range


class ReportFiltersSerializer(DateRangeMixin):
    user_id = serializers.UUIDField(required=False)
    team_id = serializers.UUIDField(required=False)
    team_ids = CommaListField(child=serializers.UUIDField(), required=False, max_length=100)
    metric_type = serializers.CharField(required=False, max_length=100)
    metric_types = CommaListField(child=serializers.CharField(max_length=100), required=False, max_length=50)
    agent_name = serializers.CharField(required=False, max_length=120)
    success_only = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["start_date"], attrs["end_date"] = default_range(attrs)
        return attrs


class ReportExportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    report_type = serializers.ChoiceField(choices=ReportType.choices)
    filters = ReportFiltersSerializer(required=False, default=dict)


class ReportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    job_id = serializers.UUIDField(source="id")
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    report_type = serializers.ChoiceField(choices=ReportType.choices)
    filters = serializers.DictField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    row_count = serializers.IntegerField()
    file_size = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    status_url = serializers.CharField()
    download_url = serializers.CharField(
        allow_null=True, help_text="Signed; works until download_expires_at."
    )
    download_expires_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
