"""The HTML pages, one module per page area; each module has its own ``router``.

``login`` (static files, home, login, logout), ``schools`` (schools, a school's timetable and
upload), ``rebuilds`` (order form, progress, review, publishing), ``links`` (links, QR codes,
downloads), ``public`` (the parents' and teachers' token pages). Rendering, the page session and
the HTML error pages are in :mod:`web.pages`; :func:`web.app.create_app` mounts the routers.
"""
