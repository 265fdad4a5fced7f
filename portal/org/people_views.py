"""The people search behind the people picker (templates/components/_people_picker.html): ``GET /orang/cari``.

For the picker (htmx, ``picker=<input id>``) it answers the listbox of at most 10 active employees; a plain
request gets a small search page, the same results as a list. Names, NIPs, jabatan and units are the org
chart's facts, which every signed-in user may see (permissions.can_view_org_chart).
"""

from __future__ import annotations

import re

from flask import abort, request
from flask_login import current_user, login_required

from portal.core.htmx import is_fragment_request, render
from portal.org import people
from portal.org import permissions as perms
from portal.org.views import bp

PICKER_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,59}")


@bp.get("/orang/cari")
@login_required
def people_search():
    if not perms.can_view_org_chart(current_user):
        abort(403)
    picker = request.args.get("picker", "")
    picker = picker if PICKER_ID.fullmatch(picker) else ""
    # The picker's text field keeps the form field's name (which the form posts without JavaScript): htmx sends
    # its value under that name, which is the field's id too; the search page sends q.
    raw = request.args.get("q", request.args.get(picker, "") if picker else "")
    found = people.search_people(raw)
    return render("org/people_search.html", "org/_people_results.html" if picker else None,
                  picker=picker if is_fragment_request() else "", q=raw[:people.MAX_QUERY], found=found,
                  limit=people.LIMIT, min_letters=people.MIN_LETTERS)
