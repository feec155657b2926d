"""The HTTP API, one router per resource; a route imports only lower layers (what routes share is in
`api.data`, their dependencies in `api.deps`), never another route."""
