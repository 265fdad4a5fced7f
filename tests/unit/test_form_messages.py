"""WTForms' own messages in Indonesian: the catalogue covers every msgid of the installed WTForms, keeps its
placeholders, and every form of the portal derives from the base class that uses it."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import flask_wtf
import wtforms
from babel.messages.pofile import read_po

import portal
from portal.core import forms as portal_forms

PLACEHOLDER = re.compile(r"%\(\w+\)[ds]|%s|\{\w+\}")
# Flask-WTF's file validators ask for these (flask_wtf/file.py), on top of WTForms' catalogue.
FLASK_WTF_MESSAGES = ["This field is required.", "File does not have an approved extension: {extensions}",
                      "File does not have an approved extension."]


def wtforms_msgids() -> list[str]:
    with (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").open("rb") as fh:
        catalog = read_po(fh)
    ids = [message.id[0] if isinstance(message.id, tuple) else message.id for message in catalog if message.id]
    assert len(ids) > 30  # the catalogue was read
    return ids


def test_every_wtforms_message_has_an_indonesian_text_with_the_same_placeholders():
    missing, wrong = [], []
    for msgid in [*wtforms_msgids(), *FLASK_WTF_MESSAGES]:
        text = portal_forms.INDONESIAN.get(msgid)
        if not text:
            missing.append(msgid)
        elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(msgid)):
            wrong.append(f"{msgid!r} -> {text!r}")
    assert not missing, "no Indonesian text in portal/core/forms.py for:\n  " + "\n  ".join(missing)
    assert not wrong, "placeholders differ:\n  " + "\n  ".join(wrong)


def _portal_modules():
    for info in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".translations" not in info.name:
            importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def portal_form_classes() -> list[type]:
    _portal_modules()
    return [cls for cls in _subclasses(flask_wtf.FlaskForm)
            if cls.__module__.startswith("portal.") and cls is not portal_forms.FlaskForm]


def test_every_portal_form_uses_the_portal_base_class():
    forms = portal_form_classes()
    assert len(forms) > 40
    outside = [f"{cls.__module__}.{cls.__qualname__}" for cls in forms if not issubclass(cls, portal_forms.FlaskForm)]
    assert not outside, ("derive these from portal.core.forms.FlaskForm (WTForms' messages in Indonesian):\n  "
                         + "\n  ".join(outside))
