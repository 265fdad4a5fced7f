"""Language choice: Indonesian by default, English on request (stored in the session)."""

from babel.units import format_unit
from flask import Flask, current_app, has_app_context, has_request_context, session
from flask_babel import force_locale, format_date, get_locale, get_translations, ngettext
from jinja2 import pass_context
from markupsafe import Markup

from portal.extensions import babel


def select_locale() -> str:
    # Outside a request (CLI, import jobs, services in tests) there is no session: use the default.
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


_catalogues: dict = {}


def _translations():
    """The catalogue of the page's language, as flask_babel.get_translations() gives it, looked up once per
    language. Templates ask for a few hundred strings per page; each asking went through three lookups of the
    request's Babel context and the formatting of the locale's name (about a tenth of a page's rendering)."""
    locale = get_locale()
    key = None if locale is None else (locale.language, locale.territory, locale.script, locale.variant)
    try:
        return _catalogues[key]
    except KeyError:
        translations = get_translations()
        if locale is not None:
            _catalogues[key] = translations
        return translations


@pass_context
def _template_gettext(context, string: str, **variables):
    """``_()``/``gettext()`` in templates: what Jinja's new-style gettext does (the translation, marked safe when
    the template autoescapes, always %-formatted with the variables), with the placeholder-free texts - most of a
    page's - remembered per catalogue once formatted."""
    translations = _translations()
    autoescape = context.eval_ctx.autoescape
    if not variables and autoescape:
        known = translations.__dict__.setdefault("_portal_markup", {})  # text -> its escaped translation
        try:
            return known[string]
        except KeyError:
            value = Markup(translations.ugettext(string)) % variables
            if len(known) < 10_000:  # the templates' own texts; a text computed from data is not kept
                known[string] = value
            return value
    value = translations.ugettext(string)
    return (Markup(value) if autoescape else value) % variables


def init_app(app: Flask) -> None:
    from portal import PROJECT_ROOT

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "portal" / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    # Jinja's new-style wrappers for the plural and context forms; its gettext/_ are then replaced by
    # _template_gettext (the same behaviour, with the translated texts remembered), so the first lambda is unused.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext)


def in_portal_language(text) -> str:
    """``text`` (a lazy_gettext string, or anything else) as text in the portal's language (PORTAL_LANGUAGE),
    whatever the language of the page being served: for what is stored once and read by everyone later, such as
    audit summaries. A lazy string keeps its placeholders' values lazy too (LazyString(phase_label, phase))."""
    if has_app_context():
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return str(text)
    return str(text)


def long_date(value) -> str:
    """'31 Januari 2027' in Indonesian, 'January 31, 2027' in English."""
    if value is None:
        return ""
    return format_date(value, format="long")


_SIZE_UNITS = ("digital-kilobyte", "digital-megabyte", "digital-gigabyte", "digital-terabyte")


def file_size(value) -> str:
    """A file size as people read it: "392 bita", "1,2 MB" in Indonesian, "392 bytes", "1.2 MB" in English.

    Decimal units with one decimal at most, as file managers show them (Jinja's filesizeformat writes
    "392 Bytes" and "1.2 MB" whatever the language)."""
    if value is None:
        return ""
    size = int(value)
    if size < 1000:
        return ngettext("%(num)s bita", "%(num)s bita", size)
    amount = size / 1000
    for unit in _SIZE_UNITS:
        if round(amount, 1) < 1000 or unit == _SIZE_UNITS[-1]:
            break
        amount /= 1000
    return format_unit(round(amount, 1), unit, length="short", format="#,##0.#", locale=get_locale() or "id")
