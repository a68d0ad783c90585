"""One router per area; each endpoint is a thin wrapper over the area's public functions."""
