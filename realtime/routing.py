"""WebSocket routes (/ws, /ws/threats); consumers are added with the realtime issue."""

websocket_urlpatterns: list = []
