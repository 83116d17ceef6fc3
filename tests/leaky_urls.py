"""A deliberately wrong URLconf, used to prove the route guard can fail."""

from django.urls import path
from rest_framework import generics, serializers

from organizations.models import Membership


class _Serializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id"]


class LeakyMembershipList(generics.ListAPIView):
    queryset = Membership.objects.unscoped()
    serializer_class = _Serializer


urlpatterns = [path("leaky", LeakyMembershipList.as_view())]
