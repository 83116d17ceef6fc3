"""In-process notification of published events, for apps that react to another app's events.

Apps on the same layer may not import each other (see the import-linter contract), so one app
reacts to another's domain event through realtime: connect a receiver in AppConfig.ready() and
filter on the event type. The payload is the cleaned, stored payload of the event.

    from realtime.signals import event_published

    def on_event(sender, *, organization_id, event, **kwargs):
        if event.event_type == "secret_exposed": ...

    event_published.connect(on_event, dispatch_uid="incidents.secret_exposed")

Sent once per event, only after the publishing transaction commits (never for a rollback); a
receiver that raises is logged and does not stop the others (`send_robust`).
"""

from django.dispatch import Signal

event_published = Signal()
