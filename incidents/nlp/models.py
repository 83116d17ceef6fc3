import uuid

from django.db import models

from organizations.tenancy import OrganizationScopedModel


class DocumentKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    THREAT = "threat", "Threat"


class SearchDocument(OrganizationScopedModel):
    """An incident's or threat's text and its term vector, computed when the incident is written.

    `terms` is the hashed term-frequency vector (index -> count); search weighs it by the
    organization's IDF at query time and projects it with LSA when the corpus is large enough.
    """

    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.UUIDField()
    human_id = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    text = models.TextField()
    terms = models.JSONField(default=dict)
    severity = models.CharField(max_length=10, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "object_id"], name="nlp_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.human_id}"


class QueryLog(OrganizationScopedModel):
    """Each natural-language question, how it was read and how many rows answered it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, default="query")
    text = models.CharField(max_length=500)
    interpretation = models.JSONField(default=dict)
    parser = models.CharField(max_length=40)
    result_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]
