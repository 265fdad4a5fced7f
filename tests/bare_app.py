"""The yardstick of `make bench`: a bare Flask page (one template, no database, no extensions), served by
waitress with the same settings as the portal. Issue 9 asks every main page for at least 5 % of its throughput.

    waitress-serve tests.bare_app:app
"""

from flask import Flask, render_template_string

app = Flask(__name__)

PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></main></body>
</html>"""


@app.get("/")
def page():
    return render_template_string(PAGE, title="Halaman kosong", items=[f"Baris {i}" for i in range(10)])
