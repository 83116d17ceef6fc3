"""The real URLs plus a few views that exist only to exercise the plumbing."""

from django.urls import include, path
from rest_framework import mixins, serializers
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from organizations.models import Membership
from organizations.viewsets import OrganizationScopedViewSet


class BoomView(APIView):
    def get(self, request):
        raise RuntimeError("secret internal detail /etc/passwd")


class ProbeMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "organization", "user", "role"]
        read_only_fields = ["organization"]


class ProbeMembershipViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, OrganizationScopedViewSet
):
    queryset = Membership.objects.all()
    serializer_class = ProbeMembershipSerializer


router = SimpleRouter(trailing_slash=False)
router.register("probe-memberships", ProbeMembershipViewSet, basename="probe-memberships")

urlpatterns = [
    path("api/v1/test/boom", BoomView.as_view()),
    path("api/v1/test/", include(router.urls)),
    path("", include("config.urls")),
]
