"""docker-compose.yml, the cluster variant, the Dockerfile and deploy/ are
right without a Docker engine: the compose files validate against the
Compose Specification's JSON Schema (as check-jsonschema vendors it), name
the same services, ports and settings as the launcher, and the NATS
configurations are accepted by the real nats-server (`-t`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from shared.countries import parse_country_list
from shared.settings import Settings
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
        assert set(env) <= settings, set(env) - settings  # every variable is a setting the service reads
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


def test_postgres_gets_one_database_per_service_and_one_per_key_store():
    """Each service's database, and a database of its own for each service that keeps person keys (a key
    store beside the events a backup would restore with them is what issue 18 found); no database the
    compose files do not use."""
    sql = (ROOT / "deploy" / "postgres" / "init.sql").read_text(encoding="utf-8")
    for compose in (ROOT / "docker-compose.yml", ROOT / "deploy" / "docker-compose.cluster.yml"):
        services = yaml.safe_load(compose.read_text(encoding="utf-8"))["services"]
        env = {name: svc.get("environment", {}) for name, svc in services.items()}
        events = {e["WECARE_DATABASE_URL"].rsplit("/", 1)[1] for e in env.values() if "WECARE_DATABASE_URL" in e}
        keys = {e["WECARE_KEYSTORE_URL"].rsplit("/", 1)[1] for e in env.values() if "WECARE_KEYSTORE_URL" in e}
        assert events == set(SERVICES) and keys == {"delivery_keys", "evaluation_keys"} and not events & keys
        assert set(re.findall(r"CREATE DATABASE (\w+);", sql)) == events | keys


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
