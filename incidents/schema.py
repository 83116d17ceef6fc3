from drf_spectacular.extensions import OpenApiAuthenticationExtension


class DeviceHmacScheme(OpenApiAuthenticationExtension):
    target_class = "incidents.ingest.auth.DeviceHmacAuthentication"
    name = "deviceHmac"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Device-ID",
            "description": (
                "A sensor's id; the request also carries X-TS (unix seconds), X-Nonce (used once) and "
                "X-Signature: hex HMAC-SHA256 with the sensor secret over METHOD\\nPATH\\nTS\\nNONCE\\n + body."
            ),
        }
