"""Dashboard routes, mounted at / (config/urls.py). /register is where invitation links point."""

from django.urls import path

from web.views import auth, organization, posture, soc

app_name = "web"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login", auth.sign_in, name="login"),
    path("logout", auth.sign_out, name="logout"),
    path("register", auth.sign_up, name="register"),
    path("recover", auth.recover, name="recover"),
    path("invites/accept", auth.accept_invite, name="accept-invite"),
    path("organization/switch", auth.switch_organization, name="switch-organization"),
    # Security posture (seed A)
    path("posture", posture.posture, name="posture"),
    path("posture/scores", posture.posture_scores, name="posture-scores"),
    path("posture/metrics/<uuid:metric_id>", posture.metric_detail, name="metric"),
    path("posture/metrics/<uuid:metric_id>/value", posture.metric_value_update, name="metric-value"),
    path("posture/export.csv", posture.metrics_export, name="metrics-export"),
    path("posture/import", posture.catalog_import_page, name="catalog-import"),
    path("posture/assistant", posture.assistant, name="assistant"),
    # SOC (seeds B and D)
    path("soc/feed", soc.threat_feed, name="feed"),
    path("soc/feed/token", soc.feed_token, name="feed-token"),
    path("soc/threats", soc.threats, name="threats"),
    path("soc/threats/<str:human_id>", soc.threat_detail, name="threat"),
    path("soc/incidents", soc.incidents, name="incidents"),
    path("soc/incidents/<str:human_id>", soc.incident_detail, name="incident"),
    path("soc/rules", soc.rules, name="rules"),
    path("soc/ingest", soc.ingest, name="ingest"),
    # Organization administration
    path("organization/members", organization.members, name="members"),
    path("organization/members/<uuid:membership_id>/role", organization.member_role, name="member-role"),
    path(
        "organization/invites/<uuid:invite_id>/revoke", organization.invite_revoke_view, name="invite-revoke"
    ),
    path("organization/teams", organization.teams, name="teams"),
    path("organization/teams/<uuid:team_id>/delete", organization.team_delete_view, name="team-delete"),
    path("organization/api-keys", organization.api_keys, name="api-keys"),
    path(
        "organization/api-keys/<uuid:key_id>/revoke", organization.api_key_revoke_view, name="api-key-revoke"
    ),
    path("organization/webhooks", organization.webhooks, name="webhooks"),
    path(
        "organization/webhooks/<uuid:subscription_id>/<str:action>",
        organization.webhook_action,
        name="webhook-action",
    ),
    path("organization/ai", organization.ai_providers, name="ai-providers"),
    path(
        "organization/ai/<uuid:configuration_id>/<str:action>",
        organization.ai_configuration_action,
        name="ai-configuration-action",
    ),
    path("organization/billing", organization.billing, name="billing"),
    path("organization/audit", organization.audit_log, name="audit"),
]
