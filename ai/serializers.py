from rest_framework import serializers

from ai.models import AIChangeLogEntry, ProviderConfiguration


class AuthFieldOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    placeholder = serializers.CharField()


class ModelInfoOutputSerializer(serializers.Serializer):
    model_id = serializers.CharField()
    display_name = serializers.CharField()
    description = serializers.CharField()
    context_window = serializers.IntegerField()
    max_output_tokens = serializers.IntegerField()
    supports_vision = serializers.BooleanField()
    supports_function_calling = serializers.BooleanField()
    deprecated_on = serializers.DateField(
        allow_null=True, help_text="The provider's announced end-of-life date."
    )


class ProviderOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    auth_type = serializers.CharField()
    auth_fields = AuthFieldOutputSerializer(many=True)
    models = ModelInfoOutputSerializer(many=True)
    default_model = serializers.CharField()
    available = serializers.BooleanField()
    is_local = serializers.BooleanField()
    custom_model_ids = serializers.BooleanField(
        help_text="Any model id is accepted (Azure deployment names)."
    )


class ProviderListOutputSerializer(serializers.Serializer):
    providers = ProviderOutputSerializer(many=True)


class ModelListOutputSerializer(serializers.Serializer):
    models = ModelInfoOutputSerializer(many=True)


class ConfigurationInputSerializer(serializers.Serializer):
    provider_code = serializers.CharField(max_length=32)
    credentials = serializers.JSONField(help_text='The provider\'s auth fields, e.g. {"api_key": "..."}.')
    model_id = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ConfigurationUpdateSerializer(serializers.Serializer):
    model_id = serializers.CharField(max_length=200, required=False)
    credentials = serializers.JSONField(required=False, help_text="Only the fields that change.")


class ConfigurationOutputSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = ProviderConfiguration
        fields = [
            "id",
            "user_id",
            "provider_code",
            "model_id",
            "is_active",
            "credentials_validated",
            "credentials_hint",
            "last_validated_at",
            "last_validation_message",
            "created_at",
            "updated_at",
        ]


class ConfigurationValidateOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    message = serializers.CharField()
    validated_at = serializers.DateTimeField()
    config_id = serializers.UUIDField()


class ActivateOutputSerializer(serializers.Serializer):
    message = serializers.CharField()
    config_id = serializers.UUIDField()
    provider = serializers.CharField()
    model = serializers.CharField()


class DeactivateOutputSerializer(serializers.Serializer):
    message = serializers.CharField()
    config_id = serializers.UUIDField()


class ProviderStatusOutputSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    provider = serializers.CharField()
    provider_name = serializers.CharField()
    model = serializers.CharField()
    dev_mode = serializers.BooleanField(help_text="True while the offline local provider answers.")
    is_local = serializers.BooleanField()
    config_id = serializers.UUIDField(allow_null=True)
    message = serializers.CharField()


class ChangeLogOutputSerializer(serializers.ModelSerializer):
    timestamp = serializers.DateTimeField(source="created_at", read_only=True)
    user_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = AIChangeLogEntry
        fields = [
            "id",
            "timestamp",
            "action",
            "source",
            "mode",
            "user_id",
            "prompt",
            "result",
            "provider_code",
            "model_id",
        ]
