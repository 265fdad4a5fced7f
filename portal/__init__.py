"""Portal Kinerja ASN: application factory."""

import os
from pathlib import Path

from flask import Flask

from portal.config import build_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    import portal.models  # noqa: F401  (the whole schema, for create_all and Alembic)

    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_converters(app: Flask) -> None:
    """Before any route is added: every ``<int:…>`` in a route accepts only ids (1..2**31-1), else 404."""
    from portal.core.ids import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    from portal.core import database, i18n, security
    from portal.extensions import csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)

    from portal.core import templating

    templating.init_app(app)


def register_blueprints(app: Flask) -> None:
    from portal.assessment.views import bp as assessment_bp
    from portal.audit.views import bp as audit_bp
    from portal.auth.views import bp as auth_bp
    from portal.citizen.views import bp as citizen_bp
    from portal.development.views import bp as development_bp
    from portal.dialog.views import bp as dialog_bp
    from portal.evaluation.views import bp as evaluation_bp
    from portal.imports.views import bp as imports_bp
    from portal.main.views import bp as main_bp
    from portal.monitoring.views import bp as monitoring_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.org.views import bp as org_bp
    from portal.periods.views import bp as periods_bp
    from portal.progress.views import bp as progress_bp
    from portal.skp.views import bp as skp_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(org_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(periods_bp)
    app.register_blueprint(skp_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(dialog_bp)
    app.register_blueprint(development_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(citizen_bp)


def register_errorhandlers(app: Flask) -> None:
    from portal.core import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from portal import cli

    cli.init_app(app)
