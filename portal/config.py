"""Settings from environment variables with safe defaults.

Everything a regency may need to change is read from the environment, so the same code runs on a laptop,
on a small intranet server with SQLite and on a larger install with PostgreSQL.
"""

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY when given, else a key generated once into instance/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'portal.db'}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        # A relative SQLite path is taken relative to the project folder, not the current directory.
        rel = url[len("sqlite:///"):]
        if rel and rel != ":memory:":
            url = f"sqlite:///{(instance_path.parent / rel).resolve()}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def build_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        # One evidence file (bukti dukung); keep it below MAX_UPLOAD_MB or the request is refused first.
        "EVIDENCE_MAX_MB": int(os.environ.get("EVIDENCE_MAX_MB", "10")),
        "BABEL_DEFAULT_LOCALE": os.environ.get("PORTAL_LANGUAGE", "id"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("PORTAL_TIMEZONE", "Asia/Jakarta"),
        "LANGUAGES": ["id", "en"],
        "REGENCY_NAME": os.environ.get("PORTAL_REGENCY_NAME", "Kabupaten Contoh"),
        # Cookies: HttpOnly and SameSite always; Secure when served over HTTPS (set SESSION_COOKIE_SECURE=1
        # behind a TLS-terminating proxy, together with PORTAL_PROXY_FIX=1).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_HOURS", "10")) * 3600,
        "PROXY_FIX": _bool("PORTAL_PROXY_FIX", False),
        "WTF_CSRF_TIME_LIMIT": None,  # valid for the session: staff fill long forms on slow days
        # Sign-in throttling (per account and per client address), stored in the database.
        "LOGIN_WINDOW_MINUTES": int(os.environ.get("LOGIN_WINDOW_MINUTES", "15")),
        "LOGIN_MAX_FAILURES_ACCOUNT": int(os.environ.get("LOGIN_MAX_FAILURES_ACCOUNT", "5")),
        "LOGIN_MAX_FAILURES_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_ADDRESS", "20")),
        # Public document verification (/verifikasi): lookups per client address per window, in the database.
        "VERIFY_MAX_LOOKUPS": int(os.environ.get("VERIFY_MAX_LOOKUPS", "30")),
        "VERIFY_WINDOW_MINUTES": int(os.environ.get("VERIFY_WINDOW_MINUTES", "10")),
        "PAGE_SIZE": 25,
        # Where the portal is reached (links in e-mails, the Suara Masyarakat poster's QR code).
        "PORTAL_BASE_URL": (os.environ.get("PORTAL_BASE_URL", "").strip().rstrip("/") + "/"
                            if os.environ.get("PORTAL_BASE_URL", "").strip() else ""),
        # E-mail through the regency's SMTP server (off while SMTP_HOST or SMTP_SENDER is empty).
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "0") or 0),  # 0: 587 (starttls), 465 (ssl), 25 (off)
        "SMTP_TLS": os.environ.get("SMTP_TLS", "starttls"),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_SENDER": os.environ.get("SMTP_SENDER", ""),
        # Suara Masyarakat: accepted posts per client address per window, per page per hour.
        "CITIZEN_MAX_PER_ADDRESS": int(os.environ.get("CITIZEN_MAX_PER_ADDRESS", "5")),
        "CITIZEN_WINDOW_MINUTES": int(os.environ.get("CITIZEN_WINDOW_MINUTES", "60")),
        "CITIZEN_MAX_PER_PAGE_HOUR": int(os.environ.get("CITIZEN_MAX_PER_PAGE_HOUR", "300")),
    }
