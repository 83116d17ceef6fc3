"""Machine learning, NLP, federated learning and the cluster view (incidents.ml, incidents.nlp, config.distributed)."""

from typing import Any, cast

from config.env import env
from config.settings.api import SPECTACULAR_SETTINGS

# The triage model needs at least this many analysts' verdicts, with this many of each class,
# before it trains; below that the platform scores with the detection rules alone.
ML_MIN_VERDICTS = env.int("ML_MIN_VERDICTS", default=20)
ML_MIN_VERDICTS_PER_CLASS = env.int("ML_MIN_VERDICTS_PER_CLASS", default=5)
# The anomaly model needs at least this many (source, hour) windows of events.
ML_MIN_ANOMALY_WINDOWS = env.int("ML_MIN_ANOMALY_WINDOWS", default=30)
# Share of the labeled data held out to compare a candidate version with the promoted one.
ML_HOLDOUT_FRACTION = env.float("ML_HOLDOUT_FRACTION", default=0.3)
# Training reads at most this many recent rows per organization.
ML_MAX_TRAINING_ROWS = env.int("ML_MAX_TRAINING_ROWS", default=20000)
# Drift: a feature drifts when its population stability index passes this or its KS p-value is below alpha.
ML_DRIFT_PSI_THRESHOLD = env.float("ML_DRIFT_PSI_THRESHOLD", default=0.2)
ML_DRIFT_KS_ALPHA = env.float("ML_DRIFT_KS_ALPHA", default=0.01)
ML_DRIFT_RECENT_DAYS = env.int("ML_DRIFT_RECENT_DAYS", default=7)
# Federated learning: the Gaussian mechanism's delta, and the L2 bound each participant's update is clipped to.
FEDERATED_DP_DELTA = env.float("FEDERATED_DP_DELTA", default=1e-5)
FEDERATED_CLIP_NORM = env.float("FEDERATED_CLIP_NORM", default=5.0)
# The cluster view's leader lease, in seconds.
DISTRIBUTED_LEADER_LEASE_SECONDS = env.int("DISTRIBUTED_LEADER_LEASE_SECONDS", default=30)
DISTRIBUTED_CACHE_MAX_TTL_SECONDS = env.int("DISTRIBUTED_CACHE_MAX_TTL_SECONDS", default=86400)
# Kafka is not part of the platform; the cluster view reports it only when a bootstrap address is set.
KAFKA_BOOTSTRAP_SERVERS = env.str("KAFKA_BOOTSTRAP_SERVERS", default="")

_ENUMS = cast(dict[str, Any], SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}))
_ENUMS.update(
    {
        "MlModelKindEnum": "incidents.ml.models.ModelKind",
        "MlTrainingStatusEnum": "incidents.ml.models.JobStatus",
        "MlAbTestStatusEnum": "incidents.ml.models.ABTestStatus",
        "MlVersionSourceEnum": "incidents.ml.models.VersionSource",
        "MlScoringModeEnum": [("ml", "ML"), ("rules_only", "Rules only")],
        "NlpDocumentKindEnum": "incidents.nlp.models.DocumentKind",
        "ClusterModeEnum": [("workers", "workers"), ("in-process", "in-process")],
    }
)

# The cluster view's maintenance tools live outside any app; workers import them explicitly.
CELERY_INCLUDE = ["config.distributed.tasks"]
