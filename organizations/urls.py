from rest_framework.routers import SimpleRouter

from organizations.views import ApiKeyViewSet, AuditLogViewSet, OrganizationViewSet, TeamViewSet

router = SimpleRouter(trailing_slash=False)
router.register("organizations", OrganizationViewSet, basename="organizations")
router.register("teams", TeamViewSet, basename="teams")
router.register("api-keys", ApiKeyViewSet, basename="api-keys")
router.register("audit-log", AuditLogViewSet, basename="audit-log")

urlpatterns = router.urls
