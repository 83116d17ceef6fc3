"""Routes under /api/v1/ for ml/* and federated/* (seed B)."""

from django.urls import path

from incidents.ml import views

urlpatterns = [
    path("ml/retrain", views.RetrainView.as_view(), name="ml-retrain"),
    path("ml/status", views.StatusView.as_view(), name="ml-status"),
    path("ml/models/performance", views.PerformanceView.as_view(), name="ml-performance"),
    path("ml/online-learning/status", views.OnlineStatusView.as_view(), name="ml-online-status"),
    path("ml/online-learning/adapt", views.OnlineAdaptView.as_view(), name="ml-online-adapt"),
    path("ml/ensemble/status", views.EnsembleStatusView.as_view(), name="ml-ensemble-status"),
    path("ml/ensemble/optimize", views.EnsembleOptimizeView.as_view(), name="ml-ensemble-optimize"),
    path("ml/ab-test/create", views.ABTestCreateView.as_view(), name="ml-ab-test-create"),
    path("ml/ab-test/<uuid:test_id>/results", views.ABTestResultsView.as_view(), name="ml-ab-test-results"),
    path("ml/explain/<uuid:incident_id>", views.ExplainView.as_view(), name="ml-explain"),
    path("ml/drift/status", views.DriftView.as_view(), name="ml-drift"),
    path("federated/status", views.FederatedStatusView.as_view(), name="federated-status"),
    path(
        "federated/coordinator/initialize",
        views.CoordinatorInitializeView.as_view(),
        name="federated-coordinator",
    ),
    path(
        "federated/participant/initialize",
        views.ParticipantInitializeView.as_view(),
        name="federated-participant",
    ),
    path("federated/training/start", views.TrainingStartView.as_view(), name="federated-training-start"),
    path(
        "federated/models/status", views.FederatedModelsStatusView.as_view(), name="federated-models-status"
    ),
    path("federated/models/train", views.FederatedModelsTrainView.as_view(), name="federated-models-train"),
    path("federated/insights", views.FederatedInsightsView.as_view(), name="federated-insights"),
]
