from django.contrib import admin

from incidents.ml.models import (
    ABTest,
    ABTestScore,
    EnsembleConfig,
    FederatedCoordinator,
    FederatedParticipant,
    FederatedRound,
    ModelVersion,
    ThreatScore,
    TrainingJob,
)
from organizations.admin import TenantAdmin


@admin.register(ModelVersion)
class ModelVersionAdmin(TenantAdmin):
    list_display = (
        "kind",
        "version",
        "organization",
        "source",
        "is_promoted",
        "training_samples",
        "trained_at",
    )
    list_filter = ("kind", "source", "is_promoted")
    readonly_fields = ("artefact", "metrics", "baseline_metrics", "training_stats")


@admin.register(TrainingJob)
class TrainingJobAdmin(TenantAdmin):
    list_display = ("id", "organization", "status", "kinds", "created_at", "finished_at")
    list_filter = ("status",)


@admin.register(EnsembleConfig)
class EnsembleConfigAdmin(TenantAdmin):
    list_display = ("organization", "weights", "optimized_at")


@admin.register(ThreatScore)
class ThreatScoreAdmin(TenantAdmin):
    list_select_related = ["organization", "threat"]
    list_display = (
        "threat",
        "organization",
        "rule_confidence",
        "triage_probability",
        "anomaly_score",
        "combined",
    )


@admin.register(ABTest)
class ABTestAdmin(TenantAdmin):
    list_display = ("name", "organization", "status", "created_at")
    list_filter = ("status",)


@admin.register(FederatedParticipant)
class FederatedParticipantAdmin(TenantAdmin):
    list_display = ("organization", "opted_in", "local_samples", "adopted_global_version", "last_round")


@admin.register(FederatedCoordinator)
class FederatedCoordinatorAdmin(admin.ModelAdmin):
    list_display = ("id", "epsilon", "min_participants", "global_version", "updated_at")


@admin.register(FederatedRound)
class FederatedRoundAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "participants", "total_samples", "noise_sigma", "finished_at")
    list_filter = ("status",)


@admin.register(ABTestScore)
class ABTestScoreAdmin(TenantAdmin):
    """Both models' probabilities for one threat of an A/B test: recorded by scoring, read-only."""

    list_display = ("test", "threat", "organization", "probability_a", "probability_b")
    list_select_related = ["organization", "test", "threat"]
    readonly_fields = ("test", "threat", "probability_a", "probability_b")

    def has_add_permission(self, request):
        return False
