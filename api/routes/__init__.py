"""JSON routes, one router per resource; ``api_router`` gathers the /api/v1 ones."""
