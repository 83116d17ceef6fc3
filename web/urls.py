"""Dashboard routes, mounted at / (config/urls.py). /register is where invitation links point."""

from django.urls import path

from web.views import analytics, auth, organization, posture, productivity, response, scanner, soc

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
    # SOC response and analytics (issue 14, part A)
    path("soc/incidents/<str:human_id>/response", response.incident_response, name="incident-response"),
    path("soc/incidents/<str:human_id>/ai-analysis", response.incident_analyse, name="incident-analyse"),
    path("soc/incidents/<str:human_id>/ai-plan", response.incident_ai_plan, name="incident-ai-plan"),
    path("soc/threats/<str:human_id>/playbooks", response.threat_playbooks, name="threat-playbooks"),
    path("soc/playbooks", response.playbooks, name="playbooks"),
    path("soc/playbooks/<str:human_id>", response.playbook_detail, name="playbook"),
    path("soc/playbooks/<str:human_id>/decide", response.playbook_decide, name="playbook-decide"),
    path("soc/triggers", response.triggers, name="triggers"),
    path("soc/triggers/new", response.trigger_edit, name="trigger-new"),
    path("soc/triggers/<uuid:trigger_id>", response.trigger_edit, name="trigger-edit"),
    path("soc/triggers/<uuid:trigger_id>/simulate", response.trigger_simulation, name="trigger-simulate"),
    path("soc/triggers/<uuid:trigger_id>/<str:action>", response.trigger_toggle, name="trigger-toggle"),
    path("soc/simulations", response.simulations, name="simulations"),
    path("soc/simulations/<str:human_id>/progress", response.simulation_progress, name="simulation-progress"),
    path("soc/models", response.models_progress, name="models"),
    path("soc/models/retrain", response.models_retrain, name="models-retrain"),
    path("soc/analytics", analytics.analytics, name="analytics"),
    path("soc/analytics/data", analytics.analytics_data, name="analytics-data"),
    path("soc/honeypot", analytics.honeypot, name="honeypot"),
    path("soc/honeypot/data", analytics.honeypot_data, name="honeypot-data"),
    # Scanner (seed E)
    path("scanner/projects", scanner.projects, name="scanner-projects"),
    path("scanner/projects/<uuid:project_id>", scanner.project_detail, name="scanner-project"),
    path("scanner/scans", scanner.scans, name="scanner-scans"),
    path("scanner/scans/new", scanner.scan_new, name="scanner-scan-new"),
    path("scanner/scans/new/<str:kind>", scanner.scan_submit, name="scanner-scan-submit"),
    path("scanner/scans/<uuid:scan_id>", scanner.scan_detail, name="scanner-scan"),
    path("scanner/scans/<uuid:scan_id>/progress", scanner.scan_progress, name="scanner-scan-progress"),
    path("scanner/alerts", scanner.alerts, name="scanner-alerts"),
    path("scanner/alerts/<uuid:alert_id>/<str:action>", scanner.alert_action, name="scanner-alert-action"),
    # Productivity (seed C)
    path("productivity", productivity.overview, name="productivity"),
    path("productivity/dashboards", productivity.dashboards, name="productivity-dashboards"),
    path(
        "productivity/dashboards/<uuid:dashboard_id>",
        productivity.dashboard_detail,
        name="productivity-dashboard",
    ),
    path(
        "productivity/dashboards/<uuid:dashboard_id>/widgets",
        productivity.widget_add,
        name="productivity-widget-add",
    ),
    path(
        "productivity/dashboards/<uuid:dashboard_id>/widgets/<str:widget_id>/remove",
        productivity.widget_remove,
        name="productivity-widget-remove",
    ),
    path("productivity/reports", productivity.reports, name="productivity-reports"),
    path("productivity/reports/<uuid:report_id>", productivity.report_detail, name="productivity-report"),
    path(
        "productivity/reports/<uuid:report_id>/progress",
        productivity.report_progress,
        name="productivity-report-progress",
    ),
    path(
        "productivity/reports/<uuid:report_id>/download",
        productivity.report_download,
        name="productivity-report-download",
    ),
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
