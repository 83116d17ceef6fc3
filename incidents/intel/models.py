import uuid

from django.db import models

from organizations.tenancy import OrganizationScopedModel


class IndicatorType(models.TextChoices):
    IP = "ip", "IP address"
    CIDR = "cidr", "Network (CIDR)"
    DOMAIN = "domain", "Domain"
    URL = "url", "URL"
    SHA256 = "sha256", "SHA-256"
    MD5 = "md5", "MD5"


class Indicator(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=8, choices=IndicatorType.choices)
    value = models.CharField(max_length=2048)
    source = models.CharField(max_length=200, blank=True)
    confidence = models.PositiveSmallIntegerField(default=50, help_text="0-100")
    description = models.CharField(max_length=1000, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    stix_id = models.CharField(max_length=100, blank=True)
    hits = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["type", "value"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "type", "value"], name="indicator_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"
