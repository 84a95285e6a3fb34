"""The web app's logic, one module per resource; the JSON routes (``api/routes``) and the HTML
pages (``web/routes``) both call these functions.

``accounts`` (administrators, login, sessions, API tokens), ``schools`` (schools and timetables),
``rebuilds`` (rebuild jobs), ``versions`` (publishing and export files), ``links`` (class and
teacher links), ``call_links`` (teachers' call links), ``link_views`` (what a token shows).
"""
