"""Settings from PARINDEX_* variables; the secret and audit keys are generated, never constants."""

from server.app import create_app


def test_secret_key_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("PARINDEX_SECRET_KEY", raising=False)
    first = create_app()
    second = create_app()
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'parindex.sqlite3'}"


def test_audit_key_generated_once_apart_from_the_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("PARINDEX_AUDIT_KEY", raising=False)
    first, second = create_app(), create_app()
    key = (tmp_path / "audit_key").read_text().strip()
    assert len(key) == 64 and key != first.config["SECRET_KEY"]
    assert first.config["AUDIT_KEY"] == second.config["AUDIT_KEY"] == key
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("PARINDEX_AUDIT_KEY", "k" * 64)
    assert create_app().config["AUDIT_KEY"] == "k" * 64


def test_two_instances_get_different_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("PARINDEX_SECRET_KEY", raising=False)
    keys = set()
    for name in ("a", "b"):
        monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path / name))
        keys.add(create_app().config["SECRET_KEY"])
    assert len(keys) == 2


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PARINDEX_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PARINDEX_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("PARINDEX_LOCALE", "en")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///elsewhere.db"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert not (tmp_path / "secret_key").exists()


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path, monkeypatch):
    from server.models import User

    monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        user = User(username="hoa", full_name="Trần Thị Hoa")
        user.set_password("correct horse battery")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("correct horse battery")
    assert not user.check_password("correct horse")


def test_notification_links_follow_the_bound_port(tmp_path, monkeypatch):
    monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("PARINDEX_BASE_URL", raising=False)
    monkeypatch.delenv("PARINDEX_BIND", raising=False)
    assert create_app().config["BASE_URL"] == "http://127.0.0.1:8000"
    monkeypatch.setenv("PARINDEX_BIND", "127.0.0.1:8123")
    assert create_app().config["BASE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("PARINDEX_BIND", "0.0.0.0:9000")
    assert create_app().config["BASE_URL"] == "http://127.0.0.1:9000"
    monkeypatch.setenv("PARINDEX_BIND", "[::1]:9001")
    assert create_app().config["BASE_URL"] == "http://[::1]:9001"
    monkeypatch.setenv("PARINDEX_BIND", "unix:/run/parindex.sock")
    assert create_app().config["BASE_URL"] == "http://127.0.0.1:8000"
    monkeypatch.setenv("PARINDEX_BASE_URL", "https://cchc.example.gov.vn/")
    assert create_app().config["BASE_URL"] == "https://cchc.example.gov.vn"



def test_database_pool_size_and_overflow_from_the_environment(tmp_path, monkeypatch):
    from server.extensions import db

    monkeypatch.setenv("PARINDEX_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("PARINDEX_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("PARINDEX_DB_MAX_OVERFLOW", raising=False)
    with create_app().app_context():  # unset: SQLAlchemy's own pool
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (5, 10)
    monkeypatch.setenv("PARINDEX_DB_POOL_SIZE", "2")
    monkeypatch.setenv("PARINDEX_DB_MAX_OVERFLOW", "1")
    app = create_app()
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True, "pool_size": 2, "max_overflow": 1}
    with app.app_context():
        pool = db.engine.pool
        held = [db.engine.connect() for _ in range(3)]  # the pool's two and one overflow
        assert (pool.size(), pool.checkedout(), pool._max_overflow) == (2, 3, 1)
        for conn in held:
            conn.close()
        assert pool.checkedin() == 2  # the overflow connection was closed, not kept
