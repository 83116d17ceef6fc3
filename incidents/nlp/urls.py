"""Routes under /api/v1/ for nlp/* and workflows/nlp/* (seed B)."""

from django.urls import path

from incidents.nlp import views

urlpatterns = [
    path("nlp/query", views.QueryView.as_view(), name="nlp-query"),
    path("nlp/semantic-search", views.SemanticSearchView.as_view(), name="nlp-semantic-search"),
    path("nlp/threat-analysis", views.ThreatAnalysisView.as_view(), name="nlp-threat-analysis"),
    path("nlp/status", views.StatusView.as_view(), name="nlp-status"),
    path("workflows/nlp/parse", views.PlanParseView.as_view(), name="workflows-nlp-parse"),
    path("workflows/nlp/create", views.PlanCreateView.as_view(), name="workflows-nlp-create"),
    path("workflows/nlp/examples", views.ExamplesView.as_view(), name="workflows-nlp-examples"),
    path("workflows/nlp/capabilities", views.CapabilitiesView.as_view(), name="workflows-nlp-capabilities"),
]
