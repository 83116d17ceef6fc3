"""Signals the nested incident apps (response, ml, nlp) listen to, so the core never imports them.

`incident_saved` is sent once the transaction that created or changed an incident has committed,
with `organization`, `incident` and `created` (bool) as keyword arguments. Receivers that do
slow work enqueue a Celery task rather than doing it inline.
"""

from django.dispatch import Signal

incident_saved = Signal()
