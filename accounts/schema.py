from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class OrganizationJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.OrganizationJWTAuthentication"
    name = "jwtAuth"
