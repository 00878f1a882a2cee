"""deploy/k8s/: both overlays render, every object is valid against the Kubernetes schemas of a
pinned version, and the manifests keep the product's promises: every route of the entry is
mapped, every pod has probes, requests and limits, no secret value is written down, only the
entry is reachable from outside, scoring stays a single replica, and services wait for the
migration Job (the wait command is run for real against a database).

Rendering uses `kubectl kustomize` (or a standalone `kustomize`): offline, no cluster."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import kubernetes_validate
import pytest
import yaml

from shared import event_signing
from shared.routing import OPENAPI_PATHS, ROUTES
from shared.settings import ENV_SOURCES, SERVICE_NAMES, load_settings
from tests.conftest import create_database

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
KUBERNETES_VERSION = "1.31.0"  # the schemas every object is validated against (kubernetes-validate)
SECRET_NAME = "mockcert-secrets"
# A setting is a secret when its name says so; the list is read from shared/settings.py, so a
# secret added there is required here too.
SECRET_PATTERN = re.compile(r"SECRET|_KEY$|PASSWORD|DATABASE_URL$")
# The migration Job and the services' init containers reach PostgreSQL itself; the services
# reach it through PgBouncer (DATABASE_URL), whose own files come from the same Secret.
DIRECT = {"MOCKCERT_DIRECT_DATABASE_URL": "MOCKCERT_DIRECT_DATABASE_URL"}
PGBOUNCER_FILES = {"PGBOUNCER_DATABASES": "databases.ini", "PGBOUNCER_USERLIST": "userlist.txt"}


def renderer() -> list[str]:
    if exe := shutil.which("kubectl"):
        return [exe, "kustomize"]
    if exe := shutil.which("kustomize"):
        return [exe, "build"]
    pytest.fail("neither kubectl nor kustomize is installed: the Kubernetes manifests cannot be rendered "
                "(install kubectl, which includes kustomize; see deploy/k8s/README.md)")


def render(overlay: str) -> list[dict[str, Any]]:
    result = subprocess.run([*renderer(), str(K8S / "overlays" / overlay)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    return {overlay: render(overlay) for overlay in OVERLAYS}


def objects(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_specs(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The pod template of every Deployment and Job, by name."""
    return {d["metadata"]["name"]: d["spec"]["template"]["spec"] for d in docs if d["kind"] in ("Deployment", "Job")}


def secret_settings() -> set[str]:
    names = {name for sources in ENV_SOURCES.values() for name in sources if "{" not in name}
    assert {"DATABASE_URL", "MOCKCERT_JWT_SECRET", "MOCKCERT_SERVICE_SECRET"} <= names
    return {n for n in names if SECRET_PATTERN.search(n)}


def config_data(docs: list[dict[str, Any]]) -> dict[str, str]:
    maps = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("mockcert-config")]
    assert len(maps) == 1, maps
    return dict(maps[0]["data"])


def service_env(docs: list[dict[str, Any]], container: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(plain values, secret references: variable -> key) one container sees."""
    values: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for source in container.get("envFrom", []):
        assert "configMapRef" in source, f"{container['name']}: envFrom only from the ConfigMap, never a Secret"
        values.update(config_data(docs))
    for var in container.get("env", []):
        if "value" in var:
            values[var["name"]] = var["value"]
        else:
            ref = var["valueFrom"]["secretKeyRef"]
            assert ref["name"] == SECRET_NAME, var
            secrets[var["name"]] = ref["key"]
    return values, secrets


SERVICE_MODULES = {"item-bank": "item_bank", "exam-delivery": "exam_delivery", "scoring": "scoring"}


# ---------------------------------------------------------------- validity


def test_overlays_render_and_every_object_is_valid_for_the_pinned_kubernetes(rendered):
    for overlay, docs in rendered.items():
        kinds = {d["kind"] for d in docs}
        assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "ConfigMap",
                "NetworkPolicy", "Namespace"} <= kinds, (overlay, kinds)
        for doc in docs:
            name = f"{overlay}: {doc['kind']}/{doc['metadata']['name']}"
            try:
                version = kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(f"{name} is not valid for Kubernetes {KUBERNETES_VERSION}: {exc.message}")
            assert version == "1.31", name
            namespace = "mockcert-dev" if overlay == "dev" else "mockcert"
            if doc["kind"] != "Namespace":
                assert doc["metadata"]["namespace"] == namespace, name


def test_the_validation_catches_a_wrong_field():
    # The strict schemas refuse what a cluster would silently drop.
    bad = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
           "spec": {"replica": 2, "selector": {"matchLabels": {"a": "b"}},
                    "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}}}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


# ---------------------------------------------------------------- pods: probes, resources, secrets


def test_every_pod_has_requests_and_limits_and_every_service_has_probes(rendered):
    for overlay, docs in rendered.items():
        pods = pod_specs(docs)
        assert {"item-bank", "exam-delivery", "scoring", "entry", "pgbouncer", "mockcert-migrate"} <= set(pods), overlay
        for name, spec in pods.items():
            for c in spec.get("initContainers", []) + spec["containers"]:
                res = c.get("resources", {})
                for part in ("requests", "limits"):
                    assert {"cpu", "memory"} <= set(res.get(part, {})), f"{overlay}: {name}/{c['name']} {part}"
        config = config_data(docs)
        for service in SERVICE_NAMES:
            (container,) = pods[service]["containers"]
            assert container["command"] == ["python", "-m", SERVICE_MODULES[service]]
            assert (ROOT / "services" / service / SERVICE_MODULES[service] / "__main__.py").exists()
            port = int(config[f"MOCKCERT_{service.upper().replace('-', '_')}_PORT"])
            assert [p["containerPort"] for p in container["ports"]] == [port], service
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                get = container[probe]["httpGet"]
                assert get["port"] == "http", (service, probe)
            # Traffic only to a pod whose service and database answer (the ops routes of every service).
            assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
            assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
            assert container["livenessProbe"]["httpGet"]["path"] in ("/healthz", "/metrics")
        entry = pods["entry"]["containers"][0]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert probe in entry, probe
        (bouncer,) = pods["pgbouncer"]["containers"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert bouncer[probe]["tcpSocket"]["port"] == "postgres", probe


def test_no_secret_value_is_inlined_and_each_service_gets_the_secrets_it_reads(rendered):
    secrets = secret_settings()
    for overlay, docs in rendered.items():
        assert not [d for d in docs if d["kind"] == "Secret"], f"{overlay}: a Secret with its values is rendered"
        assert not secrets & set(config_data(docs)), f"{overlay}: a secret in the ConfigMap"
        pods = pod_specs(docs)
        for name, spec in pods.items():
            for c in spec.get("initContainers", []) + spec["containers"]:
                values, refs = service_env(docs, c)
                inlined = secrets & set(values)
                assert not inlined, f"{overlay}: {name}/{c['name']} has {inlined} written in"
                assert all(var == key for var, key in refs.items()), refs
        for service in SERVICE_NAMES:
            values, refs = service_env(docs, pods[service]["containers"][0])
            # The environment the pod gets, with made-up secret values, passes the service's own
            # production checks (a missing secret or a wrong URL would stop it at boot).
            signing = event_signing.new_signing_key()
            made_up = {"DATABASE_URL": "postgresql://mockcert:pw@db.example:5432/mockcert",
                       "MOCKCERT_JWT_SECRET": "j" * 40, "MOCKCERT_SERVICE_SECRET": "s" * 40,
                       "MOCKCERT_ADMIN_PASSWORD": "an admin password",
                       "MOCKCERT_EVENT_SIGNING_KEY": signing,
                       "MOCKCERT_EVENT_VERIFY_KEY": event_signing.verify_key_for(signing)}
            assert set(refs) <= set(made_up), f"a new secret {set(refs) - set(made_up)}: give it a made-up value here"
            settings = load_settings(service, {**values, **{var: made_up[var] for var in refs}})
            assert settings.mode == "production" and settings.port == 8000
            assert (settings.item_bank_url, settings.delivery_url, settings.scoring_url) == (
                "http://item-bank:8000", "http://exam-delivery:8000", "http://scoring:8000")
            # Each key only where it is used; every secret the settings read reaches the service that uses it.
            assert ("MOCKCERT_EVENT_SIGNING_KEY" in refs) == (service == "exam-delivery"), service
            assert ("MOCKCERT_EVENT_VERIFY_KEY" in refs) == (service == "scoring"), service
            assert ("MOCKCERT_ADMIN_PASSWORD" in refs) == (service == "exam-delivery"), service
            assert {"DATABASE_URL", "MOCKCERT_JWT_SECRET", "MOCKCERT_SERVICE_SECRET"} <= set(refs), service
            assert settings.pgbouncer, f"{service}: DATABASE_URL names PgBouncer, MOCKCERT_PGBOUNCER must say so"
        given = set()
        for service in SERVICE_NAMES:
            given |= set(service_env(docs, pods[service]["containers"][0])[1])
        # The migration step gets PostgreSQL itself and nothing else.
        (migrate,) = pods["mockcert-migrate"]["containers"]
        assert service_env(docs, migrate)[1] == DIRECT
        given |= set(DIRECT)
        assert secrets <= given, f"{overlay}: settings read {secrets - given}, which no pod is given"
        # PgBouncer reads where PostgreSQL is and the password from files of the same Secret.
        volumes = {v["name"]: v for v in pods["pgbouncer"]["volumes"]}
        secret = volumes["secret"]["secret"]
        assert secret["secretName"] == SECRET_NAME
        assert {i["key"]: i["path"] for i in secret["items"]} == PGBOUNCER_FILES
        assert pods["pgbouncer"]["containers"][0].get("env", []) == []


# ---------------------------------------------------------------- the entry, the network


def test_the_entry_is_the_compose_nginx_and_maps_every_route(rendered):
    compose_conf = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    for docs in rendered.values():
        (conf_map,) = [d for d in docs if d["kind"] == "ConfigMap"
                       and d["metadata"]["name"].startswith("mockcert-entry-nginx")]
        conf = conf_map["data"]["nginx.conf"]
        assert conf == compose_conf, "deploy/k8s/base/nginx.conf differs from deploy/nginx/nginx.conf: copy it"
        entry = objects(docs, "Deployment")["entry"]["spec"]["template"]["spec"]
        assert entry["volumes"][0]["configMap"]["name"] == conf_map["metadata"]["name"]
        assert entry["containers"][0]["volumeMounts"][0]["mountPath"] == "/etc/nginx/nginx.conf"
        # Every upstream names a Service of the same name, on its port, selecting that service's pods.
        services = objects(docs, "Service")
        deployments = objects(docs, "Deployment")
        upstreams = dict(re.findall(r"upstream (\w+)\s*\{\s*server ([a-z-]+:\d+)", conf))
        to_upstream = {name: name.replace("-", "_") for name in SERVICE_NAMES}
        for service, upstream in to_upstream.items():
            host, port = upstreams[upstream].split(":")
            assert host == service and int(port) == services[service]["spec"]["ports"][0]["port"]
            selector = services[service]["spec"]["selector"]
            labels = deployments[service]["spec"]["template"]["metadata"]["labels"]
            assert selector.items() <= labels.items(), service
        locations = dict(re.findall(r"location\s+(/[^\s{]*)\s*\{\s*proxy_pass http://([a-z_]+)", conf))
        for prefix, service in ROUTES:
            assert locations.get(prefix) == to_upstream[service], f"{prefix} is not routed to {service}"
        exact = dict(re.findall(r"location = (/openapi/[^\s]+)\s*\{\s*proxy_pass http://([a-z_]+)/openapi.json", conf))
        for path, service in OPENAPI_PATHS.items():
            assert exact.get(path) == to_upstream[service], path
        assert "location ^~ /internal/ { return 404; }" in conf and "location = /metrics { return 404; }" in conf
        assert services["entry"]["spec"]["ports"][0]["port"] == 8080 and "listen 8080;" in conf
        # Whatever exposes the product from outside reaches only the entry.
        for ingress in objects(docs, "Ingress").values():
            for rule in ingress["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    assert path["backend"]["service"]["name"] == "entry", path
        for name, svc in services.items():
            assert svc["spec"].get("type", "ClusterIP") == "ClusterIP", f"{name} is exposed by its Service type"


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, selector  # the policies here use labels only
    return selector.get("matchLabels", {}).items() <= labels.items()


def test_network_policies_let_only_the_entry_in_from_outside(rendered):
    for overlay, docs in rendered.items():
        policies = objects(docs, "NetworkPolicy")
        pods = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in objects(docs, "Deployment").items()}
        ingress_policies = [p["spec"] for p in policies.values() if "Ingress" in p["spec"]["policyTypes"]]
        # Every pod is under some ingress policy (so nothing is open by default) ...
        assert any(p["podSelector"] == {} for p in ingress_policies), f"{overlay}: no default deny"
        for name, labels in pods.items():
            rules = [r for p in ingress_policies if selects(p["podSelector"], labels) for r in p.get("ingress", [])]
            open_rules = [r for r in rules if not r.get("from")]
            sources = [peer for r in rules for peer in r.get("from", [])]
            if name == "entry":
                assert open_rules, "the entry must be reachable"
                continue
            admitted_all = {other for peer in sources for other, ol in pods.items() if selects(peer["podSelector"], ol)}
            if name == "pgbouncer":
                # PostgreSQL's connections: the services only (the migrations bypass it).
                assert not open_rules and all(set(peer) == {"podSelector"} for peer in sources), overlay
                assert admitted_all == set(SERVICE_NAMES), (overlay, admitted_all)
                continue
            # ... and a service takes connections only from pods of this namespace: the entry or a service.
            assert not open_rules, f"{overlay}: {name} is reachable from anywhere"
            for peer in sources:
                assert set(peer) == {"podSelector"}, f"{overlay}: {name} admits {peer}"
                admitted = [other for other, other_labels in pods.items() if selects(peer["podSelector"], other_labels)]
                assert admitted and set(admitted) <= {"entry", *SERVICE_NAMES}, (name, admitted)
            assert admitted_all == {"entry", *SERVICE_NAMES}, (name, admitted_all)


# ---------------------------------------------------------------- scaling, disruption, migrations


def test_scaling_and_disruption_budgets(rendered):
    for overlay, docs in rendered.items():
        deployments = objects(docs, "Deployment")
        autoscalers = objects(docs, "HorizontalPodAutoscaler").values()
        hpas = {h["spec"]["scaleTargetRef"]["name"]: h["spec"] for h in autoscalers}
        assert set(hpas) == {"exam-delivery", "item-bank"}, overlay
        for name, hpa in hpas.items():
            assert hpa["scaleTargetRef"]["kind"] == "Deployment" and name in deployments
            assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]
            assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
            assert "replicas" not in deployments[name]["spec"], f"{name}: the autoscaler owns the replica count"
        scoring = deployments["scoring"]["spec"]
        assert scoring["replicas"] == 1 and scoring["strategy"] == {"type": "Recreate"}, overlay
        budgets = objects(docs, "PodDisruptionBudget")
        for name, deployment in deployments.items():
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            assert [b for b in budgets.values() if selects(b["spec"]["selector"], labels)], f"{overlay}: {name}"
    production = objects(rendered["production"], "HorizontalPodAutoscaler")
    assert production["exam-delivery"]["spec"]["minReplicas"] >= 2


def test_services_wait_for_the_migration_job(rendered):
    for docs in rendered.values():
        pods = pod_specs(docs)
        job = pods["mockcert-migrate"]
        assert job["containers"][0]["command"] == ["mockcert", "migrate"]
        image = job["containers"][0]["image"]
        for service in SERVICE_NAMES:
            (wait,) = pods[service]["initContainers"]
            assert wait["command"][:2] == ["mockcert", "wait-migrations"], service
            assert wait["image"] == image == pods[service]["containers"][0]["image"], service
            assert service_env(docs, wait)[1] == DIRECT


async def run_command(command: list[str], database_url: str) -> tuple[int, str]:
    """The container's command, run here with the one variable the pod gets (PostgreSQL itself):
    `mockcert` is this checkout's CLI."""
    assert command[0] == "mockcert"
    env = {name: database_url for name in DIRECT}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mockcert.cli", *command[1:], env={**env, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=ROOT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    return int(proc.returncode or 0), out.decode()


async def test_the_wait_command_holds_a_service_until_the_migrations_are_applied(rendered, pg_server_url):
    pods = pod_specs(rendered["production"])
    wait = pods["exam-delivery"]["initContainers"][0]["command"]
    url = await create_database(pg_server_url)
    # On an empty database it waits, then gives up naming what is missing (a short timeout here).
    code, out = await run_command([*wait, "--timeout", "0.5", "--interval", "0.1"], url)
    assert code == 1, out
    assert "item_bank/001_" in out and "delivery/001_" in out and "scoring/001_" in out, out
    # The Job's command applies them; then the wait is over at once.
    code, out = await run_command(pods["mockcert-migrate"]["containers"][0]["command"], url)
    assert code == 0, out
    code, out = await run_command([*wait, "--timeout", "0"], url)
    assert code == 0 and "up to date" in out, out
    # One schema behind (as after a new release's image starts before its Job ran): it waits.
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DELETE FROM scoring.schema_migrations WHERE version = "
                           "(SELECT max(version) FROM scoring.schema_migrations)")
    finally:
        await conn.close()
    code, out = await run_command([*wait, "--timeout", "0.3", "--interval", "0.1"], url)
    assert code == 1 and "scoring/" in out and "item_bank/" not in out.split("pending after")[-1], out
