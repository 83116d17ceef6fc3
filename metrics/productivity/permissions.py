"""Who may send productivity data: editors and above, or an API key with the ingest or mcp scope."""

from rest_framework.permissions import SAFE_METHODS

from organizations.models import ApiKeyScope
from organizations.permissions import IsOrgEditor, IsOrgMember, request_api_key

INGEST_SCOPES = {ApiKeyScope.INGEST, ApiKeyScope.MCP}


class CanReadOrIngestMetrics(IsOrgEditor):
    def api_key_allows(self, request, view, key) -> bool:
        if request.method in SAFE_METHODS:
            return ApiKeyScope.READ in key.scopes or ApiKeyScope.WRITE in key.scopes
        return bool(INGEST_SCOPES & set(key.scopes))


class IsMcpKey(IsOrgMember):
    """Only an organization API key with the `mcp` scope (MCP servers), never a person."""

    message = "This endpoint takes an organization API key with the mcp scope (X-API-Key)."

    def has_permission(self, request, view) -> bool:
        key = request_api_key(request)
        if key is None:
            return False
        return ApiKeyScope.MCP in key.scopes
