"""Versioned models per organization, their training jobs, the ensemble, A/B tests and federated learning.

Artefacts are JSON (coefficients, the training sample an isolation forest is refit from,
feature statistics): nothing is unpickled from the database.
"""

import uuid

from django.db import models

from organizations.tenancy import OrganizationScopedModel


class ModelKind(models.TextChoices):
    TRIAGE = "triage", "Triage (true vs false positive)"
    ANOMALY = "anomaly", "Anomaly (event behaviour per source)"


class VersionSource(models.TextChoices):
    RETRAIN = "retrain", "Retrained from scratch"
    ONLINE = "online", "Online update (partial_fit)"
    FEDERATED = "federated", "Adopted from the federated global model"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    INSUFFICIENT_DATA = "insufficient_data", "Not enough data"
    FAILED = "failed", "Failed"


class ModelVersion(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=ModelKind.choices)
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=VersionSource.choices, default=VersionSource.RETRAIN)
    algorithm = models.CharField(max_length=60)
    feature_names = models.JSONField(default=list)
    artefact = models.JSONField(default=dict, help_text="Parameters (and, for anomaly, the refit sample).")
    metrics = models.JSONField(default=dict, blank=True, help_text="Held-out metrics of this version.")
    baseline_metrics = models.JSONField(
        default=dict, blank=True, help_text="The promoted version's metrics on the same held-out split."
    )
    training_stats = models.JSONField(default=dict, blank=True)
    training_samples = models.PositiveIntegerField(default=0)
    holdout_samples = models.PositiveIntegerField(default=0)
    is_promoted = models.BooleanField(default=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promotion_reason = models.CharField(max_length=300, blank=True)
    trained_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "version"], name="ml_version_per_org_kind"
            ),
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=models.Q(is_promoted=True),
                name="ml_one_promoted_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class TrainingJob(OrganizationScopedModel):
    """One retrain request; the Celery task's state, shown by ml/status."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    kinds = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"training {self.status}"


def default_weights() -> dict[str, float]:
    """Until optimized on verdicts, the available scores count equally (a missing one drops out)."""
    return {"rules": 0.3333, "anomaly": 0.3333, "triage": 0.3334}


class EnsembleConfig(OrganizationScopedModel):
    """Weights of the rules', anomaly and triage scores in a threat's combined confidence."""

    weights = models.JSONField(default=default_weights)
    metrics = models.JSONField(default=dict, blank=True)
    optimized_at = models.DateTimeField(null=True, blank=True)
    samples = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="ml_ensemble_per_org")]

    def __str__(self) -> str:
        return f"ensemble {self.weights}"


class ThreatScore(OrganizationScopedModel):
    """The scores behind a threat's ML-adjusted confidence (the rules' own confidence is kept here)."""

    threat = models.OneToOneField("incidents.Threat", on_delete=models.CASCADE, related_name="ml_score")
    rule_confidence = models.FloatField()
    triage_probability = models.FloatField(null=True, blank=True)
    anomaly_score = models.FloatField(null=True, blank=True)
    combined = models.FloatField()
    triage_version = models.PositiveIntegerField(null=True, blank=True)
    anomaly_version = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"score {self.combined:.2f}"


class ABTestStatus(models.TextChoices):
    RUNNING = "running", "Running"
    STOPPED = "stopped", "Stopped"


class ABTest(OrganizationScopedModel):
    """Two triage versions scored side by side, in shadow mode, on every new threat."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    version_a = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="+")
    version_b = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ABTestStatus.choices, default=ABTestStatus.RUNNING)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ABTestScore(OrganizationScopedModel):
    test = models.ForeignKey(ABTest, on_delete=models.CASCADE, related_name="scores")
    threat = models.ForeignKey("incidents.Threat", on_delete=models.CASCADE, related_name="+")
    probability_a = models.FloatField()
    probability_b = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["test", "threat"], name="ml_abscore_once")]

    def __str__(self) -> str:
        return f"{self.probability_a:.2f} / {self.probability_b:.2f}"


class FederatedCoordinator(models.Model):
    """The platform's one coordinator: it aggregates parameters, never data (not tenant-owned)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    epsilon = models.FloatField(
        null=True, blank=True, help_text="Differential privacy budget per round; empty = no noise."
    )
    min_participants = models.PositiveSmallIntegerField(default=2)
    global_params = models.JSONField(default=dict, blank=True)
    global_version = models.PositiveIntegerField(default=0)
    initialized_by_organization = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"coordinator v{self.global_version}"


class FederatedRound(models.Model):
    """One round of federated averaging: who took part (counts only) and what came out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coordinator = models.ForeignKey(FederatedCoordinator, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    participants = models.PositiveIntegerField(default=0)
    total_samples = models.PositiveIntegerField(default=0)
    noise_sigma = models.FloatField(null=True, blank=True)
    global_params = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["coordinator", "number"], name="ml_fed_round_number")]

    def __str__(self) -> str:
        return f"round {self.number}"


class FederatedParticipant(OrganizationScopedModel):
    """An organization that opted in; its local model stays here, only parameters travel."""

    opted_in = models.BooleanField(default=True)
    local_params = models.JSONField(default=dict, blank=True)
    local_samples = models.PositiveIntegerField(default=0)
    local_metrics = models.JSONField(default=dict, blank=True)
    local_trained_at = models.DateTimeField(null=True, blank=True)
    last_round = models.PositiveIntegerField(null=True, blank=True)
    adopted_global_version = models.PositiveIntegerField(null=True, blank=True)
    last_offer = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="ml_fed_participant_per_org")]

    def __str__(self) -> str:
        return f"participant {self.organization_id}"
