"""WebSocket routes: /ws (seed C, rooms) and /ws/threats (seed D, threat feed); one protocol serves both."""

from django.urls import re_path

from realtime.consumers import RealtimeConsumer

websocket_urlpatterns = [
    re_path(r"^ws/?$", RealtimeConsumer.as_asgi(), name="ws"),
    re_path(r"^ws/threats/?$", RealtimeConsumer.as_asgi(), name="ws-threats"),
]
