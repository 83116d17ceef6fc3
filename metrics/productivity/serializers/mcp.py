"""What GET mcp/config/{organization_id} answers."""

from rest_framework import serializers


class McpKeySerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class McpAuthSerializer(serializers.Serializer):
    header = serializers.CharField()
    scope = serializers.CharField()
    keys = McpKeySerializer(many=True)
    note = serializers.CharField()


class McpEndpointsSerializer(serializers.Serializer):
    collect = serializers.CharField()
    productivity_metrics = serializers.CharField()
    agent_metrics = serializers.CharField()
    hooks_register = serializers.CharField()


class McpCollectionSerializer(serializers.Serializer):
    max_batch_items = serializers.IntegerField()
    rate_limit = serializers.CharField()
    idempotency = serializers.CharField()
    item_fields = serializers.ListField(child=serializers.CharField())


class McpConfigOutputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField()
    organization_name = serializers.CharField()
    endpoints = McpEndpointsSerializer()
    auth = McpAuthSerializer()
    collection = McpCollectionSerializer()
