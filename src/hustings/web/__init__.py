"""The web: FastAPI app factory, JSON API and server-rendered pages over the services."""
