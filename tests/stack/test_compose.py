"""docker-compose.yml, the cluster variant, the Dockerfile and deploy/ are
right without a Docker engine: the compose files validate against the
Compose Specification's JSON Schema (as check-jsonschema vendors it), name
the same services, ports and settings as the launcher, and the NATS
configurations are accepted by the real nats-server (`-t`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from importlib import resources
from pathlib import Path

import asyncpg
import jsonschema
import pytest
import yaml

from shared.countries import parse_country_list
from shared.settings import Settings
from tests.conftest import PG_ADMIN
from wecare.launcher import DEFAULT_PORTS, SERVICES
from wecare.natsauth import password_variable, users_conf
from wecare.natsserver import nats_server_binary

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILES = [ROOT / "docker-compose.yml", ROOT / "deploy" / "docker-compose.cluster.yml"]


def _schema() -> dict:
    path = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_compose_files_follow_the_compose_specification(path: Path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, _schema())
    broken = dict(doc, services={**doc["services"], "planning": {**doc["services"]["planning"], "ports": 8102}})
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        jsonschema.validate(broken, _schema())


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_the_compose_services_are_the_launchers(path: Path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    services = doc["services"]
    assert set(SERVICES) <= set(services)
    settings = {f"WECARE_{name.upper()}" for name in Settings.model_fields}
    for name in SERVICES:
        s = services[name]
        env = s["environment"]
        assert env["WECARE_SERVICE"] == name
        ours = {k for k in env if not k.startswith("OTEL_")}  # OpenTelemetry's standard ones (shared/telemetry.py)
        assert ours <= settings, ours - settings  # every variable is a setting the service reads
        assert env["WECARE_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["WECARE_DATABASE_URL"].rsplit("/", 1)[1] == name  # one database per service
        nats_hosts = re.findall(r"nats://([\w-]+):4222", env["WECARE_NATS_URL"])
        assert nats_hosts and all(h in services for h in nats_hosts)
        waits = {dep: c["condition"] for dep, c in s["depends_on"].items()}
        assert waits.pop(PROVISION) == "service_completed_successfully"  # the streams exist before it starts
        assert all(services[dep].get("healthcheck") for dep in waits)
        assert set(waits.values()) == {"service_healthy"}
        assert set(nats_hosts) | {"postgres"} == set(waits)
        assert "/ready" in " ".join(s["healthcheck"]["test"]) and "8000" in " ".join(s["healthcheck"]["test"])
        assert env["WECARE_NATS_USER"] == name and password_variable(name) in env["WECARE_NATS_PASSWORD"]
        jwks = env["WECARE_AUTH_JWKS_FILE"]  # one key set for every service, mounted read-only
        assert any(jwks.startswith(v.split(":")[1]) and v.endswith(":ro") for v in s["volumes"])
        parse_country_list(env["WECARE_COUNTRIES"].split(":-", 1)[1].rstrip("}"))
    if path.name == "docker-compose.yml":
        published = {name: services[name]["ports"][0] for name in SERVICES}
        assert {n: int(p.replace("${WECARE_PORT_BASE:-81}", "81").split(":")[0]) for n, p in published.items()} \
            == DEFAULT_PORTS  # the same addresses as `wecare up`
        assert all(p.endswith(":8000") for p in published.values())


PROVISION = "nats-provision"


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_the_streams_are_provisioned_once_as_the_operator_before_the_services(path: Path):
    """A service's NATS user may not create or change a stream (wecare/natsauth.py): a one-shot step
    of the service image provisions them as the operator, on every node, with the services' replicas."""
    services = yaml.safe_load(path.read_text(encoding="utf-8"))["services"]
    step = services[PROVISION]
    assert step["entrypoint"] == ["python", "-m", "shared.messaging.provision"]
    assert step["image"] == services["assessment"]["image"] and step["restart"] == "no"
    env = step["environment"]
    assert env["WECARE_NATS_USER"] == "operator" and "WECARE_NATS_OPERATOR_PASSWORD" in env["WECARE_NATS_PASSWORD"]
    assert env["WECARE_NATS_URL"] == services["assessment"]["environment"]["WECARE_NATS_URL"]
    assert env.get("WECARE_JS_REPLICAS") == services["assessment"]["environment"].get("WECARE_JS_REPLICAS")
    nats_hosts = set(re.findall(r"nats://([\w-]+):4222", env["WECARE_NATS_URL"]))
    assert {d: c["condition"] for d, c in step["depends_on"].items()} == dict.fromkeys(nats_hosts, "service_healthy")
    assert (ROOT / "shared" / "messaging" / "provision.py").is_file()  # in the image (COPY shared)


def test_the_dockerfile_runs_the_service_the_compose_file_names():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", text, re.M)
    assert "uv sync --frozen" in text and "COPY shared" in text and "COPY services" in text
    assert re.search(r"^EXPOSE 8000$", text, re.M) and "WECARE_HTTP_PORT=8000" in text
    assert "WECARE_HTTP_HOST=0.0.0.0" in text
    assert re.search(r"HEALTHCHECK .*\n.*/ready", text)
    entrypoint = re.search(r"^ENTRYPOINT (.*)$", text, re.M).group(1)
    assert 'python -m \\"services.$WECARE_SERVICE\\"' in entrypoint  # services/<name>/__main__.py
    assert all((ROOT / "services" / name / "__main__.py").is_file() for name in SERVICES)
    assert "libpango" in text  # the PDF reports
    user = re.search(r"^USER (\w+)$", text, re.M)  # not root, and its data its own
    assert user and user.group(1) != "root" and re.search(rf"chown {user.group(1)} /data && chmod 700 /data", text)


def test_the_service_image_holds_no_tools():
    """The image copies the kernel and the services, not wecare/ (launcher, demo, CLI), and its
    entry point runs without it."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = [src.rstrip("/") for line in text.splitlines() if line.startswith(("COPY ", "ADD "))
              for src in [a for a in line.split()[1:] if not a.startswith("--")][:-1]]
    assert {"shared", "services"} <= set(copied)
    assert not any(src in (".", "wecare", "benchmarks", "tests") or src.startswith(("wecare/", "./wecare"))
                   for src in copied), copied  # neither the tools nor the whole tree
    entrypoint = re.search(r"^ENTRYPOINT (.*)$", text, re.M).group(1)
    assert "wecare" not in entrypoint.replace("WECARE_", ""), entrypoint
    for name in SERVICES:  # and no service's own entry point needs the tools
        main = (ROOT / "services" / name / "__main__.py").read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) wecare\b", main, re.M), name


INIT_SQL = ROOT / "deploy" / "postgres" / "init.sql"
ADOPT_SQL = ROOT / "deploy" / "postgres" / "adopt.sql"
# postgresql+asyncpg://ROLE:${PASSWORD_VARIABLE:?message}@postgres:5432/DATABASE
DB_URL = re.compile(r"postgresql\+asyncpg://(\w+):\$\{(\w+):\?[^}]+\}@postgres:5432/(\w+)")


def _databases(compose: Path) -> dict[str, tuple[str, str]]:
    """database -> (the role its service connects as, that role's password variable), from the URLs."""
    services = yaml.safe_load(compose.read_text(encoding="utf-8"))["services"]
    out = {}
    for svc in services.values():
        for key in ("WECARE_DATABASE_URL", "WECARE_KEYSTORE_URL"):
            if key in svc.get("environment", {}):
                role, variable, db = DB_URL.fullmatch(svc["environment"][key]).groups()
                out[db] = (role, variable)
    return out


def _init_databases() -> dict[str, str]:
    """database -> owning role, as init.sql lists them."""
    listed = INIT_SQL.read_text(encoding="utf-8").split("INSERT INTO wecare_databases VALUES", 1)[1].split(";")[0]
    return dict(re.findall(r"\('(\w+)', '(\w+)'\)", listed))


def test_postgres_gets_one_database_per_service_and_one_per_key_store():
    """Each service's database, and a database of its own for each service that keeps person keys (a key
    store beside the events a backup would restore with them is what issue 18 found); no database the
    compose files do not use."""
    for compose in COMPOSE_FILES:
        services = yaml.safe_load(compose.read_text(encoding="utf-8"))["services"]
        env = {name: svc.get("environment", {}) for name, svc in services.items()}
        events = {e["WECARE_DATABASE_URL"].rsplit("/", 1)[1] for e in env.values() if "WECARE_DATABASE_URL" in e}
        keys = {e["WECARE_KEYSTORE_URL"].rsplit("/", 1)[1] for e in env.values() if "WECARE_KEYSTORE_URL" in e}
        assert events == set(SERVICES) and keys == {"delivery_keys", "evaluation_keys"} and not events & keys
        assert set(_init_databases()) == events | keys


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_no_password_has_a_default(path: Path):
    """Every secret is required (`${VAR:?message}`): compose refuses to start without it, instead of
    starting with a password everyone can read in this repository (it was `${WECARE_DB_PASSWORD:-wecare}`)."""
    text = path.read_text(encoding="utf-8")
    secrets = re.findall(r"\$\{(\w*PASSWORD\w*)([^}]*)\}", text)
    assert secrets
    assert [s for s in secrets if not s[1].startswith(":?")] == []
    doc = yaml.safe_load(text)
    assert doc["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${WECARE_DB_SUPERUSER_PASSWORD:?")


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_each_service_connects_to_its_own_databases_as_its_own_role(path: Path):
    """A role per service, with a password of its own; the superuser creates the databases and is no
    service's; init.sql makes each database its service's role's, and reads the same password variables
    that the services' URLs use."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    databases = _databases(path)
    postgres = doc["services"]["postgres"]["environment"]
    for db, (role, variable) in databases.items():
        service = db.removesuffix("_keys")
        assert role == service and role != postgres["POSTGRES_USER"], db
        assert variable == f"WECARE_DB_{service.upper()}_PASSWORD"
        assert postgres[variable] == f"${{{variable}:?" + postgres[variable].split(":?", 1)[1]  # passed through
    assert _init_databases() == {db: role for db, (role, _) in databases.items()}
    sql = INIT_SQL.read_text(encoding="utf-8")
    assert {v for _, v in databases.values()} == set(re.findall(r"^\\getenv \w+ (\w+)$", sql, re.M))
    assert "WECARE_DB_SUPERUSER_PASSWORD" not in json.dumps({n: doc["services"][n] for n in SERVICES})


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_nats_client_port_is_not_published_on_every_interface(path: Path):
    """The services reach NATS on the compose network; a published client port is for operators' tools on
    the host itself (loopback), or not published at all."""
    services = yaml.safe_load(path.read_text(encoding="utf-8"))["services"]
    nats = [svc for svc in services.values() if str(svc.get("image", "")).startswith("nats:")]
    assert nats
    for svc in nats:
        for port in svc.get("ports", []):
            assert isinstance(port, str) and port.startswith("127.0.0.1:"), port


SERVER_CONFS = [p for p in sorted((ROOT / "deploy" / "nats").rglob("*.conf")) if p.name != "users.conf"]


@pytest.mark.parametrize("conf", SERVER_CONFS, ids=lambda p: p.name)
def test_nats_configurations_are_valid_and_fsync_every_write(conf: Path):
    passwords = {password_variable(s): "x" for s in SERVICES} | {"WECARE_NATS_OPERATOR_PASSWORD": "x"}
    r = subprocess.run([nats_server_binary(), "-c", str(conf), "-t"], capture_output=True, text=True, timeout=30,
                       env={**os.environ, **passwords})
    assert r.returncode == 0, r.stderr
    text = conf.read_text(encoding="utf-8")
    assert re.search(r"^include (\.\./)?users\.conf$", text, re.M)  # the users and their permissions
    assert re.search(r"sync_interval:\s*always", text)
    if conf.parent.name == "cluster":
        me = re.search(r"server_name: (nats-\d)", text).group(1)
        routes = set(re.findall(r"nats://(nats-\d):6222", text))
        assert routes == {"nats-1", "nats-2", "nats-3"} - {me}


def test_the_deployed_nats_users_are_the_launchers():
    """deploy/nats/users.conf is what wecare/natsauth.py makes (regenerate it when permissions change)."""
    assert (ROOT / "deploy" / "nats" / "users.conf").read_text(encoding="utf-8") == users_conf()


def test_country_deployments_are_valid_and_do_not_collide():
    envs = {}
    for f in sorted((ROOT / "deploy" / "countries").glob("*.env")):
        env = dict(line.split("=", 1) for line in f.read_text().splitlines() if line and not line.startswith("#"))
        parse_country_list(env["WECARE_COUNTRIES"])
        envs[f.name] = env
    assert len(envs) >= 2
    for key in ("WECARE_PORT_BASE", "WECARE_NATS_PORT"):
        assert len({e[key] for e in envs.values()}) == len(envs)
    countries = [c for e in envs.values() for c in e["WECARE_COUNTRIES"].split(",")]
    assert len(countries) == len(set(countries))  # a country is served by one deployment


def _scratch(sql: str, prefix: str) -> str:
    """init.sql with every database and role renamed PREFIX<name> (a scratch set on the test server)."""
    names = "|".join(sorted({*_init_databases(), *_init_databases().values()}, key=len, reverse=True))
    return re.sub(rf"\b({names})\b", rf"{prefix}\1", sql)


def _psql(script: str, db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`script` run by psql as the test server's superuser in database `db`."""
    psql = shutil.which("psql")
    assert psql, "psql (PostgreSQL's client) runs init.sql, as the postgres image does"
    return subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", PG_ADMIN.rsplit("/", 1)[0] + "/" + db,
                           *args], input=script, capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if not k.startswith("WECARE_DB_")} | (env or {}))


@pytest.mark.postgres
@pytest.mark.slow  # seven CREATE DATABASE and DROP DATABASE: 3-15 s
async def test_init_sql_lets_each_service_role_into_its_own_databases_only():
    """init.sql run by psql as the superuser, as the postgres image runs it, on the local server, for a
    scratch set of databases and roles: each role connects to its own databases and creates tables there,
    and is refused the connection to every other service's database (its person keys included); without
    a password it stops, naming the variable, before it creates anything. Then it runs again over databases
    of before (owned by the superuser, with a table): the role gets them, and adopt.sql their tables."""
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    owners = {prefix + db: prefix + role for db, role in _init_databases().items()}
    roles = sorted(set(owners.values()))
    passwords = {f"WECARE_DB_{r.removeprefix(prefix).upper()}_PASSWORD": f"pw '{r}'" for r in roles}
    sql = _scratch(INIT_SQL.read_text(encoding="utf-8"), prefix)
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        missing = _psql(sql, "postgres", env={k: v for k, v in passwords.items() if "PLANNING" not in k})
        assert missing.returncode != 0 and "WECARE_DB_PLANNING_PASSWORD is not set" in missing.stderr
        assert not await admin.fetchval("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", prefix + "%")

        old = prefix + "delivery_keys"  # a volume of before: made by the superuser, with a table
        await admin.execute(f'CREATE DATABASE "{old}"')
        before = await asyncpg.connect(PG_ADMIN.rsplit("/", 1)[0] + "/" + old)
        await before.execute("CREATE TABLE person_keys (id serial PRIMARY KEY, k text); INSERT INTO person_keys (k) "
                             "VALUES ('secret')")
        await before.close()

        done = _psql(sql, "postgres", env=passwords)
        assert done.returncode == 0, done.stderr
        rows = await admin.fetch("SELECT datname, pg_get_userbyid(datdba) AS owner, rolsuper, rolcreatedb, "
                                 "rolcreaterole FROM pg_database JOIN pg_roles ON rolname = pg_get_userbyid(datdba) "
                                 "WHERE datname LIKE $1", prefix + "%")
        assert {r["datname"]: r["owner"] for r in rows} == owners
        assert not any(r["rolsuper"] or r["rolcreatedb"] or r["rolcreaterole"] for r in rows)

        adopted = _psql(ADOPT_SQL.read_text(encoding="utf-8"), old, "-v", f"owner={owners[old]}")
        assert adopted.returncode == 0, adopted.stderr

        for role in roles:
            for db, owner in owners.items():
                if owner != role:  # refused by privilege (the test server trusts 127.0.0.1: no password check)
                    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="CONNECT privilege"):
                        await asyncpg.connect(PG_ADMIN, user=role, database=db)
                    continue
                conn = await asyncpg.connect(PG_ADMIN, user=role, database=db)
                try:
                    await conn.execute("CREATE TABLE mine (x int); INSERT INTO mine VALUES (1)")
                    assert await conn.fetchval("SELECT x FROM mine") == 1
                    if db == old:
                        assert await conn.fetchval("INSERT INTO person_keys (k) VALUES ('new') RETURNING id") == 2
                    with pytest.raises(asyncpg.InsufficientPrivilegeError):
                        await conn.execute(f'CREATE DATABASE "{prefix}more"')
                finally:
                    await conn.close()
    finally:
        for db in owners:
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        for role in roles:
            await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()


def _certificates(folder: Path) -> Path:
    """A CA, and a server certificate it signed for 127.0.0.1 and `nats`: server.crt, server.key, ca.crt."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def cert(subject: str, key, issuer: x509.Name, signer, *, ca: bool, names=()) -> x509.Certificate:  # noqa: ANN001
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
             .issuer_name(issuer).public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if names:
            b = b.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
        return b.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = cert("wecare test CA", ca_key, x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wecare test CA")]),
              ca_key, ca=True)
    server = cert("nats", key, ca.subject, ca_key, ca=False,
                  names=[x509.DNSName("nats"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.crt").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    return folder


def _nats_check(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run([nats_server_binary(), "-c", str(conf), "-t"], capture_output=True, text=True, timeout=30)


async def test_the_documented_nats_tls_block_works(tmp_path, monkeypatch):
    """deploy/nats/single.conf's commented `tls {}` block, uncommented as deploy/OPERATIONS.md says, with a
    certificate for the server: a service's user connects over TLS when its CA is in SSL_CERT_FILE (what
    the services' NATS client, nats-py, verifies with), and is refused without it."""
    import ssl

    import nats
    import nats.errors

    from wecare.natsserver import NatsServer

    tls = _certificates(tmp_path / "nats" / "tls")
    text = (ROOT / "deploy" / "nats" / "single.conf").read_text(encoding="utf-8")
    block = re.search(r"^# tls \{\n(?:#.*\n)*?# \}\n", text, re.M)
    assert block, "single.conf documents a commented `tls {}` block"
    enabled = text.replace(block.group(0), re.sub(r"^# ?", "", block.group(0), flags=re.M))
    enabled = enabled.replace("/etc/nats/tls/", f"{tls}/").replace("  store_dir: /data\n", "")  # NatsServer: -sd
    conf = tmp_path / "nats" / "single.conf"
    conf.write_text(enabled, encoding="utf-8")
    (tmp_path / "nats" / "users.conf").write_text((ROOT / "deploy" / "nats" / "users.conf").read_text("utf-8"))
    passwords = {password_variable(s): f"{s}-pw" for s in SERVICES} | {"WECARE_NATS_OPERATOR_PASSWORD": "op-pw"}
    for k, v in passwords.items():
        monkeypatch.setenv(k, v)
    checked = _nats_check(conf)
    assert checked.returncode == 0, checked.stderr
    user = {"user": "delivery", "password": passwords[password_variable("delivery")]}
    with NatsServer(config_file=conf, store_dir=tmp_path / "js") as server:
        url = f"nats://127.0.0.1:{server.port}"
        monkeypatch.setenv("SSL_CERT_FILE", str(tls / "ca.crt"))
        nc = await nats.connect(url, **user, allow_reconnect=False)
        assert nc.is_connected and nc._transport._io_writer.get_extra_info("ssl_object") is not None  # noqa: SLF001
        await nc.close()
        monkeypatch.delenv("SSL_CERT_FILE")
        with pytest.raises((ssl.SSLCertVerificationError, nats.errors.NoServersError)):
            await nats.connect(url, **user, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=2)
    ops = (ROOT / "deploy" / "OPERATIONS.md").read_text(encoding="utf-8")
    assert "NATS over TLS" in ops and "SSL_CERT_FILE" in ops  # where single.conf sends the operator


def test_the_console_is_one_address_in_front_of_the_five_services():
    """The compose file's gateway: the image's console (python -m console), after the five services are
    healthy, passing to each on the compose network, verifying with the services' key set, published on
    the launcher's console port."""
    from console.settings import ConsoleSettings
    from wecare.launcher import CONSOLE_PORT

    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = doc["services"]
    c = services["console"]
    assert c["entrypoint"] == ["python", "-m", "console"] and (ROOT / "console" / "__main__.py").is_file()
    assert c["image"] == services["assessment"]["image"]
    assert "COPY console" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert {d: w["condition"] for d, w in c["depends_on"].items()} == dict.fromkeys(SERVICES, "service_healthy")
    env = c["environment"]
    assert {f"WECARE_{n.upper()}" for n in ConsoleSettings.model_fields} >= set(env)
    upstreams = json.loads(env["WECARE_UPSTREAMS"])
    assert upstreams == {n: f"http://{n}:8000" for n in SERVICES}
    assert env["WECARE_AUTH_JWKS_FILE"] == services["assessment"]["environment"]["WECARE_AUTH_JWKS_FILE"]
    assert env["WECARE_CONSOLE_ACCOUNTS"].endswith(":-false}")  # production: the identity provider's tokens
    assert int(c["ports"][0].replace("${WECARE_PORT_BASE:-81}", "81").split(":")[0]) == CONSOLE_PORT
    assert "/ready" in " ".join(c["healthcheck"]["test"])
    assert "console-data" in doc["volumes"]
