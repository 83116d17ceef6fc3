"""Signals other apps listen to, so organizations never imports them (dependencies flow one way).

`organization_created(sender=Organization, organization=..., owner=...)` is sent inside the
transaction that creates the organization: a receiver's failure rolls the creation back, so a
new organization is never left without what its apps give it (a subscription, a default catalog).
"""

from django.dispatch import Signal

organization_created = Signal()
