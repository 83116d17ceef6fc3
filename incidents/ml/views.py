"""Thin views of ml/* and federated/*: parse, call one service or selector, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from incidents.ml import reports
from incidents.ml.models import ABTest, FederatedParticipant, ModelVersion
from incidents.ml.serializers import (
    ABTestInputSerializer,
    ABTestResultsSerializer,
    ABTestSerializer,
    CoordinatorInputSerializer,
    DriftStatusSerializer,
    EnsembleOptimizeSerializer,
    EnsembleStatusSerializer,
    ExplanationSerializer,
    FederatedInsightsSerializer,
    FederatedModelsSerializer,
    FederatedStatusSerializer,
    FederatedTrainSerializer,
    MlStatusSerializer,
    OnlineAdaptSerializer,
    OnlineStatusSerializer,
    ParticipantInputSerializer,
    PerformanceQuerySerializer,
    RetrainInputSerializer,
    RoundSerializer,
    TrainingJobSerializer,
    VersionPerformanceSerializer,
)
from incidents.ml.services import abtest, drift, ensemble, explain, federated, online, training
from incidents.models import Incident
from organizations.permissions import IsOrgAdminOrReadOnly, IsOrgEditor, IsOrgManagerOrReadOnly
from organizations.viewsets import OrganizationScopedMixin

ML = ["ml"]
FEDERATED = ["federated"]
CONFLICT = OpenApiResponse(
    description="CONFLICT: no coordinator, not a participant, or other coordinator settings"
)


class _MlView(OrganizationScopedMixin, GenericAPIView):
    queryset = ModelVersion.objects.all()
    permission_classes = [IsOrgManagerOrReadOnly]
    pagination_class = None
    filter_backends: list = []


class RetrainView(_MlView):
    serializer_class = RetrainInputSerializer

    @extend_schema(
        summary="Retrain the anomaly and/or triage models (Celery job)",
        request=RetrainInputSerializer,
        responses={202: TrainingJobSerializer},
        tags=ML,
    )
    def post(self, request):
        data = RetrainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = training.retrain_request(
            organization=self.organization, user=request.user, kinds=data.validated_data.get("models", [])
        )
        job.refresh_from_db()
        return Response(TrainingJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class StatusView(_MlView):
    serializer_class = MlStatusSerializer

    @extend_schema(
        summary="ML status: promoted versions, verdicts available, last job, fallback mode",
        responses=MlStatusSerializer,
        tags=ML,
    )
    def get(self, request):
        return Response(MlStatusSerializer(reports.ml_status(organization=self.organization)).data)


class PerformanceView(_MlView):
    serializer_class = VersionPerformanceSerializer

    @extend_schema(
        summary="Precision, recall, F1, ROC AUC and confusion matrix of every version",
        parameters=[PerformanceQuerySerializer],
        responses=VersionPerformanceSerializer(many=True),
        tags=ML,
    )
    def get(self, request):
        query = PerformanceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = reports.models_performance(
            organization=self.organization, kind=query.validated_data.get("kind")
        )
        return Response(VersionPerformanceSerializer(rows, many=True).data)


class OnlineStatusView(_MlView):
    serializer_class = OnlineStatusSerializer

    @extend_schema(
        summary="Online learning: verdicts waiting to be learned", responses=OnlineStatusSerializer, tags=ML
    )
    def get(self, request):
        return Response(OnlineStatusSerializer(online.online_status(organization=self.organization)).data)


class OnlineAdaptView(_MlView):
    serializer_class = OnlineAdaptSerializer

    @extend_schema(
        summary="Update the promoted triage model with new verdicts (partial_fit)",
        request=None,
        responses=OnlineAdaptSerializer,
        tags=ML,
    )
    def post(self, request):
        return Response(OnlineAdaptSerializer(online.online_adapt(organization=self.organization)).data)


class EnsembleStatusView(_MlView):
    serializer_class = EnsembleStatusSerializer

    @extend_schema(
        summary="Ensemble weights between rules, anomaly and triage scores",
        responses=EnsembleStatusSerializer,
        tags=ML,
    )
    def get(self, request):
        return Response(
            EnsembleStatusSerializer(ensemble.ensemble_status(organization=self.organization)).data
        )


class EnsembleOptimizeView(_MlView):
    serializer_class = EnsembleOptimizeSerializer

    @extend_schema(
        summary="Tune the ensemble weights on held-out verdicts",
        request=None,
        responses=EnsembleOptimizeSerializer,
        tags=ML,
    )
    def post(self, request):
        result = ensemble.ensemble_optimize(organization=self.organization)
        return Response(EnsembleOptimizeSerializer(result).data)


class ABTestCreateView(_MlView):
    queryset = ABTest.objects.all()
    serializer_class = ABTestSerializer

    @extend_schema(
        summary="Score two triage versions side by side in shadow mode",
        request=ABTestInputSerializer,
        responses={201: ABTestSerializer},
        tags=ML,
    )
    def post(self, request):
        data = ABTestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        test = abtest.ab_test_create(organization=self.organization, user=request.user, **data.validated_data)
        return Response(ABTestSerializer(test).data, status=status.HTTP_201_CREATED)


class ABTestResultsView(_MlView):
    queryset = ABTest.objects.select_related("version_a", "version_b", "organization")
    serializer_class = ABTestResultsSerializer
    lookup_url_kwarg = "test_id"

    @extend_schema(
        summary="A/B test results with a McNemar significance test",
        responses=ABTestResultsSerializer,
        tags=ML,
    )
    def get(self, request, test_id):
        test = self.get_object()
        return Response(ABTestResultsSerializer({"test": test, **abtest.ab_test_results(test=test)}).data)


class ExplainView(_MlView):
    queryset = Incident.objects.all()
    serializer_class = ExplanationSerializer
    permission_classes = [IsOrgEditor]
    lookup_url_kwarg = "incident_id"

    @extend_schema(
        summary="Per-feature contributions behind an incident's ML score",
        request=None,
        responses=ExplanationSerializer,
        tags=ML,
    )
    def post(self, request, incident_id):
        incident = self.get_object()
        return Response(
            ExplanationSerializer(
                explain.incident_explain(organization=self.organization, incident=incident)
            ).data
        )


class DriftView(_MlView):
    serializer_class = DriftStatusSerializer

    @extend_schema(
        summary="Drift per feature (PSI and KS test) between training and recent windows",
        responses=DriftStatusSerializer,
        tags=ML,
    )
    def get(self, request):
        return Response(DriftStatusSerializer(drift.drift_status(organization=self.organization)).data)


# ---- federated ------------------------------------------------------------------------------


class _FederatedView(_MlView):
    queryset = FederatedParticipant.objects.all()
    permission_classes = [IsOrgAdminOrReadOnly]


class FederatedStatusView(_FederatedView):
    serializer_class = FederatedStatusSerializer

    @extend_schema(
        summary="Federated learning: coordinator, this organization's participation, last round",
        responses=FederatedStatusSerializer,
        tags=FEDERATED,
    )
    def get(self, request):
        return Response(
            FederatedStatusSerializer(reports.federated_status(organization=self.organization)).data
        )


class CoordinatorInitializeView(_FederatedView):
    serializer_class = FederatedStatusSerializer

    @extend_schema(
        summary="Initialize the coordinator (idempotent; 409 if it exists with other settings)",
        request=CoordinatorInputSerializer,
        responses={200: FederatedStatusSerializer, 409: CONFLICT},
        tags=FEDERATED,
    )
    def post(self, request):
        data = CoordinatorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        federated.coordinator_initialize(organization=self.organization, **data.validated_data)
        return Response(
            FederatedStatusSerializer(reports.federated_status(organization=self.organization)).data
        )


class ParticipantInitializeView(_FederatedView):
    serializer_class = FederatedStatusSerializer

    @extend_schema(
        summary="Opt this organization in (or out) of federated learning",
        request=ParticipantInputSerializer,
        responses=FederatedStatusSerializer,
        tags=FEDERATED,
    )
    def post(self, request):
        data = ParticipantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        federated.participant_initialize(organization=self.organization, **data.validated_data)
        return Response(
            FederatedStatusSerializer(reports.federated_status(organization=self.organization)).data
        )


class TrainingStartView(_FederatedView):
    serializer_class = RoundSerializer

    @extend_schema(
        summary="Start a federated round (Celery job)",
        request=None,
        responses={202: RoundSerializer, 409: CONFLICT},
        tags=FEDERATED,
    )
    def post(self, request):
        started = federated.training_start(organization=self.organization)
        started.refresh_from_db()
        return Response(RoundSerializer(started).data, status=status.HTTP_202_ACCEPTED)


class FederatedModelsStatusView(_FederatedView):
    serializer_class = FederatedModelsSerializer

    @extend_schema(
        summary="The global model, this organization's local model and the one in use",
        responses=FederatedModelsSerializer,
        tags=FEDERATED,
    )
    def get(self, request):
        return Response(
            FederatedModelsSerializer(reports.federated_models_status(organization=self.organization)).data
        )


class FederatedModelsTrainView(_FederatedView):
    serializer_class = FederatedTrainSerializer

    @extend_schema(
        summary="Train this organization's local model on its own verdicts",
        request=None,
        responses={200: FederatedTrainSerializer, 409: CONFLICT},
        tags=FEDERATED,
    )
    def post(self, request):
        return Response(FederatedTrainSerializer(federated.models_train(organization=self.organization)).data)


class FederatedInsightsView(_FederatedView):
    serializer_class = FederatedInsightsSerializer

    @extend_schema(
        summary="What the federation learned (aggregates only)",
        responses=FederatedInsightsSerializer,
        tags=FEDERATED,
    )
    def get(self, request):
        return Response(
            FederatedInsightsSerializer(reports.federated_insights(organization=self.organization)).data
        )
