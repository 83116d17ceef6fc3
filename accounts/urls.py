from rest_framework.routers import SimpleRouter

from accounts.views import UserViewSet

router = SimpleRouter(trailing_slash=False)
router.register("users", UserViewSet, basename="users")

urlpatterns = router.urls
