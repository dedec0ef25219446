"""The reference online government-service platform (ASGI app, storage, pages)."""
