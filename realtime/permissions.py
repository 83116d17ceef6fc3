from organizations.models import ApiKeyScope
from organizations.permissions import IsOrgAdmin


class IsOrgAdminOrMcpKey(IsOrgAdmin):
    """Organization admins, and API keys with the `mcp` scope (an MCP server registering its hooks)."""

    def api_key_allows(self, request, view, key) -> bool:
        return ApiKeyScope.MCP in key.scopes
