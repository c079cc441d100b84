"""Settings: `PARINDEX_*` environment variables over embedded defaults.

The embedded default needs nothing installed: a SQLite file and an evidence folder under the
instance folder. Secrets never have a default in code: when `PARINDEX_SECRET_KEY` is not set, a
random key is generated once into the instance folder and reused by every worker. The audit key
(`PARINDEX_AUDIT_KEY`, else `instance/audit_key`) is kept the same way, outside the database it
protects.
"""

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

PREFIX = "PARINDEX_"
# The languages of the UI; the first is the default.
LANGUAGES = ("vi", "en")
# Deadlines are set, enforced and shown in Vietnam time.
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def _secret_key(instance: Path, name: str = "secret_key") -> str:
    path = instance / name
    if not path.exists():
        # Written to a temporary name then renamed, so two workers starting at once agree.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        if not path.exists():
            tmp.replace(path)
        else:
            tmp.unlink()
    return path.read_text().strip()


def _base_url_of_bind(bind: str) -> str:
    """`http://host:port` of gunicorn's `PARINDEX_BIND` (`127.0.0.1:8000` by default); a wildcard
    host becomes 127.0.0.1, a Unix socket the default address."""
    host, _, port = (bind or "127.0.0.1:8000").rpartition(":")
    if bind.startswith(("unix:", "fd:")) or not port.isdigit():
        return "http://127.0.0.1:8000"
    if host in ("", "0.0.0.0", "[::]", "::"):  # noqa: S104 (a wildcard read, not bound)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _engine_options(env: dict) -> dict:
    """SQLAlchemy's engine options: a connection is checked before use; each process's pool
    keeps `DB_POOL_SIZE` connections and opens up to `DB_MAX_OVERFLOW` more under load (unset:
    SQLAlchemy's 5 and 10), so what every host may open can be kept under PostgreSQL's
    `max_connections` or a pooler's limit."""
    options = {"pool_pre_ping": True}
    for name, option in (("DB_POOL_SIZE", "pool_size"), ("DB_MAX_OVERFLOW", "max_overflow")):
        if env.get(name, "").strip():
            options[option] = int(env[name])
    return options


def load_settings(instance: Path) -> dict:
    """Return the Flask config for an app whose instance folder is `instance`."""
    env = {key[len(PREFIX):]: value for key, value in os.environ.items() if key.startswith(PREFIX)}
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "SQLALCHEMY_DATABASE_URI": env.get(
            "DATABASE_URL", f"sqlite:///{instance / 'parindex.sqlite3'}"
        ),
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(instance),
        # The key of the audit log's seals (server.audit.chain). Kept outside the database and
        # backed up apart from it: without it the log can be read but not verified.
        "AUDIT_KEY": env.get("AUDIT_KEY") or _secret_key(instance, "audit_key"),
        # A request that wrote audit events seals them when the oldest unsealed one is older
        # than this; `parindex audit seal` (cron, every minute) seals the rest.
        "AUDIT_SEAL_AFTER_SECONDS": int(env.get("AUDIT_SEAL_AFTER_SECONDS", "30")),
        # Long work runs in the worker (`flask parindex worker`, started by bin/serve): the
        # queue it reads (server.jobs.queue: empty is a SQLite file under the instance folder,
        # redis://... for several machines); how long a running job may go without reporting
        # before it counts as dead; the first retry's delay (each next one four times longer).
        "QUEUE_URL": env.get("QUEUE_URL", ""),
        "JOB_LEASE_SECONDS": int(env.get("JOB_LEASE_SECONDS", "600")),
        "JOB_RETRY_SECONDS": int(env.get("JOB_RETRY_SECONDS", "30")),
        "WORKER_THREADS": int(env.get("WORKER_THREADS", "2")),
        # A ranking workbook of a group larger than this (units) is written by the worker into
        # the evidence storage, once per publication (server.results.workbook_jobs); smaller
        # ones (a province's groups) are written in the request, as a download.
        "WORKBOOK_JOB_UNITS": int(env.get("WORKBOOK_JOB_UNITS", "1000")),
        "EVIDENCE_DIR": env.get("EVIDENCE_DIR", str(instance / "evidence")),
        # Evidence: which storage plugin keeps the bytes, and the upload limits.
        "EVIDENCE_STORAGE": env.get("EVIDENCE_STORAGE", "local"),
        "EVIDENCE_MAX_MB": int(env.get("EVIDENCE_MAX_MB", "50")),
        "EVIDENCE_TYPES": [t.strip().lower() for t in env.get(
            "EVIDENCE_TYPES", "pdf,doc,docx,xls,xlsx,odt,ods,jpeg,png").split(",") if t.strip()],
        "S3_BUCKET": env.get("S3_BUCKET", "parindex-evidence"),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "S3_REGION": env.get("S3_REGION", "us-east-1"),
        "S3_ACCESS_KEY": env.get("S3_ACCESS_KEY", ""),
        "S3_SECRET_KEY": env.get("S3_SECRET_KEY", ""),
        "S3_PREFIX": env.get("S3_PREFIX", "evidence/"),
        "BABEL_DEFAULT_LOCALE": env.get("LOCALE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Asia/Ho_Chi_Minh"),
        # A comma-separated allow-list of plugin names; empty means every installed plugin.
        "PLUGINS": [p.strip() for p in env.get("PLUGINS", "").split(",") if p.strip()],
        # Comma-separated importable modules registered as plugins without being packaged.
        "PLUGIN_MODULES": [m.strip() for m in env.get("PLUGIN_MODULES", "").split(",")
                           if m.strip()],
        "API_TOKEN_DAYS": int(env.get("API_TOKEN_DAYS", "90")),
        # Failed sign-ins (server.people.login_throttle): how many a username may have from one
        # address, and from everywhere, before each try waits; the longest wait.
        "LOGIN_FAILURES_PER_ADDRESS": int(env.get("LOGIN_FAILURES_PER_ADDRESS", "5")),
        "LOGIN_FAILURES_PER_USER": int(env.get("LOGIN_FAILURES_PER_USER", "50")),
        "LOGIN_MAX_WAIT_SECONDS": int(env.get("LOGIN_MAX_WAIT_SECONDS", "300")),
        # Reverse proxies in front that set X-Forwarded-For and -Proto (nginx alone: 1). Without
        # it every sign-in seems to come from the proxy's address.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # `json`: one JSON object a line on stderr (access and application logs, each with the
        # request id); `text`: Flask's plain lines, for a developer's terminal.
        "LOG_FORMAT": env.get("LOG_FORMAT", "json"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SECURE_COOKIES", "0") == "1",
        "MAX_CONTENT_LENGTH": int(env.get("MAX_REQUEST_MB", "60")) * 1024 * 1024,
        # flask-smorest serves the OpenAPI document at /api/v1/openapi.json.
        "API_TITLE": "ParIndex API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(env),
        # Where links in notifications point (the address users reach the server at); by default
        # the address bin/serve binds, never a request's Host header, which the sender chooses.
        "BASE_URL": env.get("BASE_URL", _base_url_of_bind(env.get("BIND", ""))).rstrip("/"),
        # E-mail notifications; no host means in-app notifications only.
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_FROM": env.get("SMTP_FROM", "parindex@localhost"),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "0") == "1",
        "SMTP_TIMEOUT": int(env.get("SMTP_TIMEOUT", "10")),
    }
