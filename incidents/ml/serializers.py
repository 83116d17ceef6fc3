"""Input and output serializers of the ML and federated endpoints."""

from rest_framework import serializers

from incidents.ml.models import ABTestStatus, JobStatus, ModelKind, VersionSource

MODES = [("ml", "ML"), ("rules_only", "Rules only")]


class ConfusionMatrixSerializer(serializers.Serializer):
    true_negative = serializers.IntegerField()
    false_positive = serializers.IntegerField()
    false_negative = serializers.IntegerField()
    true_positive = serializers.IntegerField()


class MetricsSerializer(serializers.Serializer):
    precision = serializers.FloatField(required=False)
    recall = serializers.FloatField(required=False)
    f1 = serializers.FloatField(required=False)
    accuracy = serializers.FloatField(required=False)
    roc_auc = serializers.FloatField(required=False, allow_null=True)
    samples = serializers.IntegerField(required=False)
    confusion_matrix = ConfusionMatrixSerializer(required=False)
    trivial_baseline = serializers.JSONField(
        required=False, help_text="Majority-class baseline on the same rows."
    )
    windows = serializers.IntegerField(required=False)
    roc_auc_on_verdicts = serializers.FloatField(required=False, allow_null=True)


class RetrainInputSerializer(serializers.Serializer):
    models = serializers.ListField(
        child=serializers.ChoiceField(choices=ModelKind.choices),
        required=False,
        allow_empty=False,
        max_length=2,
        help_text="Which model families to retrain (both when omitted).",
    )


class TrainingJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    kinds = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField(allow_blank=True)
    result = serializers.JSONField()


class VersionSummarySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    source = serializers.ChoiceField(choices=VersionSource.choices)  # type: ignore[assignment]
    algorithm = serializers.CharField()
    trained_at = serializers.DateTimeField()
    training_samples = serializers.IntegerField()
    metrics = MetricsSerializer()


class VerdictCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    true_positive = serializers.IntegerField()
    false_positive = serializers.IntegerField()
    enough_to_train = serializers.BooleanField()


class ModelPairSerializer(serializers.Serializer):
    triage = VersionSummarySerializer(allow_null=True)
    anomaly = VersionSummarySerializer(allow_null=True)


class FeatureListsSerializer(serializers.Serializer):
    triage = serializers.ListField(child=serializers.CharField())
    anomaly = serializers.ListField(child=serializers.CharField())


class MlStatusSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MODES)
    message = serializers.CharField()
    verdicts = VerdictCountsSerializer()
    models = ModelPairSerializer()
    features = FeatureListsSerializer()
    last_job = TrainingJobSerializer(allow_null=True)
    ensemble_weights = serializers.DictField(child=serializers.FloatField())


class PerformanceQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ModelKind.choices, required=False)


class VersionPerformanceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ModelKind.choices)
    version = serializers.IntegerField()
    source = serializers.ChoiceField(choices=VersionSource.choices)  # type: ignore[assignment]
    algorithm = serializers.CharField()
    is_promoted = serializers.BooleanField()
    promotion_reason = serializers.CharField(allow_blank=True)
    trained_at = serializers.DateTimeField()
    training_samples = serializers.IntegerField()
    holdout_samples = serializers.IntegerField()
    metrics = MetricsSerializer()
    baseline_metrics = serializers.JSONField(
        help_text="The then-promoted version's metrics on the same held-out rows."
    )


class OnlineStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    mode = serializers.ChoiceField(choices=MODES)
    current_version = serializers.IntegerField(allow_null=True)
    trained_at = serializers.DateTimeField(allow_null=True)
    new_verdicts = serializers.IntegerField()
    updates = serializers.IntegerField()
    message = serializers.CharField()


class OnlineAdaptSerializer(serializers.Serializer):
    adapted = serializers.BooleanField()
    promoted = serializers.BooleanField()
    version = serializers.IntegerField(allow_null=True)
    new_verdicts = serializers.IntegerField()
    metrics = serializers.JSONField()
    message = serializers.CharField()


class EnsembleComponentsSerializer(serializers.Serializer):
    rules = serializers.BooleanField()
    anomaly = serializers.BooleanField()
    triage = serializers.BooleanField()


class EnsembleStatusSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.FloatField())
    metrics = serializers.JSONField()
    optimized_at = serializers.DateTimeField(allow_null=True)
    samples = serializers.IntegerField()
    components = EnsembleComponentsSerializer()


class EnsembleOptimizeSerializer(EnsembleStatusSerializer):
    optimized = serializers.BooleanField()
    message = serializers.CharField()


class ABTestInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    version_a = serializers.IntegerField(min_value=1, help_text="Triage model version number.")
    version_b = serializers.IntegerField(min_value=1)


class ABTestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=ABTestStatus.choices)
    version_a = serializers.IntegerField(source="version_a.version")
    version_b = serializers.IntegerField(source="version_b.version")
    created_at = serializers.DateTimeField()


class ABArmSerializer(MetricsSerializer):
    version = serializers.IntegerField()
    mean_probability = serializers.FloatField(allow_null=True)


class SignificanceSerializer(serializers.Serializer):
    test = serializers.CharField()
    only_a_correct = serializers.IntegerField()
    only_b_correct = serializers.IntegerField()
    p_value = serializers.FloatField()


class ABTestResultsSerializer(serializers.Serializer):
    test = ABTestSerializer()
    scored = serializers.IntegerField()
    with_verdict = serializers.IntegerField()
    version_a = ABArmSerializer()
    version_b = ABArmSerializer()
    significance = SignificanceSerializer(allow_null=True)
    winner = serializers.ChoiceField(choices=[("a", "a"), ("b", "b")], allow_null=True)
    message = serializers.CharField()


class ContributionSerializer(serializers.Serializer):
    feature = serializers.CharField()
    value = serializers.FloatField()
    contribution = serializers.FloatField()


class DeviationSerializer(serializers.Serializer):
    feature = serializers.CharField()
    value = serializers.FloatField()
    deviation = serializers.FloatField(help_text="Distance from the training median in interquartile ranges.")


class ThreatExplanationSerializer(serializers.Serializer):
    threat_id = serializers.CharField()
    rule_confidence = serializers.FloatField()
    triage_probability = serializers.FloatField(allow_null=True)
    anomaly_score = serializers.FloatField(allow_null=True)
    combined = serializers.FloatField()
    triage_intercept = serializers.FloatField(required=False)
    triage_contributions = ContributionSerializer(many=True)
    anomaly_deviations = DeviationSerializer(many=True)


class ExplanationSerializer(serializers.Serializer):
    incident_id = serializers.UUIDField()
    mode = serializers.ChoiceField(choices=MODES)
    ml_confidence = serializers.FloatField(allow_null=True)
    ensemble_weights = serializers.DictField(child=serializers.FloatField())
    triage_version = serializers.IntegerField(allow_null=True)
    anomaly_version = serializers.IntegerField(allow_null=True)
    threats = ThreatExplanationSerializer(many=True)
    message = serializers.CharField()


class FeatureDriftSerializer(serializers.Serializer):
    feature = serializers.CharField()
    psi = serializers.FloatField()
    ks_statistic = serializers.FloatField()
    ks_p_value = serializers.FloatField()
    drifted = serializers.BooleanField()


class ModelDriftSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(
        choices=[
            ("drift", "drift"),
            ("stable", "stable"),
            ("insufficient_data", "insufficient_data"),
            ("no_model", "no_model"),
        ]
    )
    drift_detected = serializers.BooleanField()
    features = FeatureDriftSerializer(many=True)
    reference_samples = serializers.IntegerField()
    recent_samples = serializers.IntegerField()
    message = serializers.CharField()


class DriftModelsSerializer(serializers.Serializer):
    triage = ModelDriftSerializer()
    anomaly = ModelDriftSerializer()


class DriftStatusSerializer(serializers.Serializer):
    recent_window_days = serializers.IntegerField()
    psi_threshold = serializers.FloatField()
    ks_alpha = serializers.FloatField()
    drift_detected = serializers.BooleanField()
    models = DriftModelsSerializer()


# ---- federated --------------------------------------------------------------------------------


class CoordinatorInputSerializer(serializers.Serializer):
    epsilon = serializers.FloatField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0.01,
        max_value=100.0,
        help_text="Differential-privacy budget per round (Gaussian mechanism, delta from settings); null = no noise.",
    )
    min_participants = serializers.IntegerField(required=False, default=2, min_value=1, max_value=1000)


class CoordinatorSerializer(serializers.Serializer):
    initialized = serializers.BooleanField()
    epsilon = serializers.FloatField(allow_null=True)
    delta = serializers.FloatField()
    min_participants = serializers.IntegerField()
    global_version = serializers.IntegerField()
    differential_privacy = serializers.BooleanField()


class ParticipantInputSerializer(serializers.Serializer):
    opted_in = serializers.BooleanField(required=False, default=True)


class ParticipantSerializer(serializers.Serializer):
    opted_in = serializers.BooleanField()
    local_samples = serializers.IntegerField()
    local_metrics = serializers.JSONField()
    local_trained_at = serializers.DateTimeField(allow_null=True)
    last_round = serializers.IntegerField(allow_null=True)
    adopted_global_version = serializers.IntegerField(allow_null=True)
    last_offer = serializers.JSONField()


class RoundSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    participants = serializers.IntegerField()
    total_samples = serializers.IntegerField()
    noise_sigma = serializers.FloatField(allow_null=True)
    message = serializers.CharField(allow_blank=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class FederatedStatusSerializer(serializers.Serializer):
    coordinator = CoordinatorSerializer(allow_null=True)
    participant = ParticipantSerializer(allow_null=True)
    participants = serializers.IntegerField(help_text="Organizations that opted in (a count, nothing more).")
    last_round = RoundSerializer(allow_null=True)


class GlobalModelSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    samples = serializers.IntegerField(allow_null=True)
    feature_names = serializers.ListField(child=serializers.CharField())


class FederatedModelsSerializer(serializers.Serializer):
    global_model = GlobalModelSerializer(allow_null=True)
    local_model = ParticipantSerializer(allow_null=True)
    triage_in_use = VersionSummarySerializer(allow_null=True)


class FederatedTrainSerializer(serializers.Serializer):
    trained = serializers.BooleanField()
    local_samples = serializers.IntegerField()
    local_metrics = serializers.JSONField()
    message = serializers.CharField()


class FeatureWeightSerializer(serializers.Serializer):
    feature = serializers.CharField()
    weight = serializers.FloatField()


class FederatedInsightsSerializer(serializers.Serializer):
    global_feature_weights = FeatureWeightSerializer(many=True)
    rounds = RoundSerializer(many=True)
    comparison = serializers.JSONField(
        allow_null=True, help_text="This organization's last global-vs-local comparison."
    )
    message = serializers.CharField()
