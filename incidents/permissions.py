"""Who may send events: a signed sensor, an API key with the `ingest` scope, or an editor."""

from rest_framework.permissions import BasePermission

from organizations.permissions import IsOrgAdmin, IsOrgEditor


def request_sensor(request):
    return getattr(request, "sensor", None)


class IsSensor(BasePermission):
    message = "This endpoint takes requests signed by a sensor (X-Device-ID, X-TS, X-Nonce, X-Signature)."

    def has_permission(self, request, view) -> bool:
        return request_sensor(request) is not None


class CanIngest(IsOrgEditor):
    """Sensors, `ingest`-scoped API keys (the view sets required_api_key_scope) and editors."""

    def has_permission(self, request, view) -> bool:
        if request_sensor(request) is not None:
            return True
        return super().has_permission(request, view)


class IsOrgAdminNotSensor(IsOrgAdmin):
    def has_permission(self, request, view) -> bool:
        return request_sensor(request) is None and super().has_permission(request, view)
