"""What the API keeps of its own: the Idempotency-Key headers it was sent."""

from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A key sent to a seller in an Idempotency-Key header to create something (an order, a
    payment, a subscription to an AMAP contract), with a fingerprint of the request it came with:
    the same request again gets the same answer; another request with that key is refused (see
    cabas.api.idempotency)."""

    class Kind(models.TextChoices):
        ORDER = "order", "order"
        PAYMENT = "payment", "payment"
        SUBSCRIPTION = "subscribe", "subscribe"  # to an AMAP contract

    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "kind", "key"], name="api_idempotency_key_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
