"""The platform's pages: the citizen's tracking page (`/t/...`), the staff back office
(`/office/...`) and open data (`/open/stats`). Server-rendered HTML (Jinja2), no JavaScript
needed, no external assets; every piece of state lives in the database, so any number of app
servers can serve them. `install(app)` adds them to the API app of `portal.app`.

This `__init__` stays import-light: `portal.migrations` imports `portal.pages.schema`.
"""
