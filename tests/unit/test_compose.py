"""docker-compose.yml and services/Dockerfile, checked without Docker: every file a service mounts, builds or
points at exists in the repo, and the services agree with each other (ports, hosts, config paths).
`docker compose config` runs too when the Docker client has the compose plugin."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import srsly  # spaCy's serialiser bundles a YAML parser (ruamel): no PyYAML dependency

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "services" / "Dockerfile"
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def interpolate(value):
    """Compose's ${VAR:-default} with an empty environment: the defaults, i.e. the pinned values."""
    if isinstance(value, str):
        return INTERPOLATION.sub(lambda m: m.group(2) or "", value)
    if isinstance(value, dict):
        return {k: interpolate(v) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v) for v in value]
    return value


@pytest.fixture(scope="module")
def services() -> dict:
    return interpolate(srsly.read_yaml(COMPOSE))["services"]


def test_compose_kafka_is_the_version_the_local_broker_runs(services):
    pom = (REPO / "deploy" / "kafka" / "pom.xml").read_text()
    local = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom).group(1)
    image, _, tag = services["kafka"]["image"].partition(":")
    assert (image, tag) == ("apache/kafka", local)


def bind_mounts(service: dict) -> list[tuple[Path, PurePosixPath]]:
    mounts = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            mounts.append(((REPO / source).resolve(), PurePosixPath(target)))
    return mounts


def host_path(service: dict, container_path: str) -> Path:
    """The repo file a container path of a service comes from, through its bind mounts."""
    path = PurePosixPath(container_path)
    for source, target in bind_mounts(service):
        if path == target or target in path.parents:
            return source / path.relative_to(target)
    raise AssertionError(f"{container_path} is not mounted from the repo")


def test_compose_has_the_pipeline_and_its_monitoring(services):
    assert set(services) >= {"kafka", "topics", "worker", "prometheus", "grafana"}


def test_compose_images_are_pinned(services):
    for name, service in services.items():
        image = service.get("image", "")
        if "build" in service:
            continue
        repo, _, tag = image.rpartition(":")
        assert repo and tag and tag != "latest", f"{name}: pin the image tag ({image!r})"


def test_compose_bind_mounts_exist(services):
    for name, service in services.items():
        for source, _ in bind_mounts(service):
            assert source.exists(), f"{name} mounts {source}, which is not in the repo"


def test_compose_kafka_is_a_healthchecked_kraft_node(services):
    kafka = services["kafka"]
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_compose_newsmon_services_build_the_image_and_reach_kafka(services):
    for name, command in (("topics", ["newsmon", "topics", "create"]), ("worker", ["newsmon", "worker"])):
        service = services[name]
        build = service["build"]
        assert (REPO / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
        assert service["command"] == command
        assert service["environment"]["NEWSMON_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    worker = services["worker"]
    assert worker["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert worker["environment"]["NEWSMON_WEB_HOST"] == "0.0.0.0"  # reachable by prometheus
    port = str(worker["environment"]["NEWSMON_WEB_PORT"])
    assert any(p.endswith(f":{port}") for p in worker["ports"])


def test_compose_prometheus_scrapes_the_worker_with_the_repo_rules(services):
    prometheus = services["prometheus"]
    (config_flag,) = [arg for arg in prometheus["command"] if arg.startswith("--config.file=")]
    config_file = host_path(prometheus, config_flag.split("=", 1)[1])
    assert config_file.is_file()
    config = srsly.read_yaml(config_file)
    job, sources_job = config["scrape_configs"]
    port = services["worker"]["environment"]["NEWSMON_WEB_PORT"]
    assert job["job_name"] == "newsmon"
    assert job["static_configs"] == [{"targets": [f"worker:{port}"]}]
    sources_port = services["sources"]["environment"]["NEWSMON_SOURCES_METRICS_PORT"]
    assert sources_job["job_name"] == "newsmon-sources"
    assert sources_job["static_configs"] == [{"targets": [f"sources:{sources_port}"]}]
    assert any(p.endswith(f":{sources_port}") for p in services["sources"]["ports"])
    for pattern in config["rule_files"]:
        assert list(config_file.parent.glob(pattern)), f"{pattern} matches no rule file"


def test_compose_grafana_provisions_the_datasource_and_dashboards(services):
    grafana = services["grafana"]
    provisioning = host_path(grafana, "/etc/grafana/provisioning")
    (datasource,) = srsly.read_yaml(provisioning / "datasources" / "prometheus.yaml")["datasources"]
    assert datasource["uid"] == "newsmon-prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    (provider,) = srsly.read_yaml(provisioning / "dashboards" / "newsmon.yaml")["providers"]
    assert provider["type"] == "file"
    dashboards = host_path(grafana, provider["options"]["path"])
    assert (dashboards / "newsmon-pipeline.json").is_file()
    home = grafana["environment"].get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert host_path(grafana, home).is_file()
    assert grafana["environment"]["GF_AUTH_ANONYMOUS_ENABLED"] == "true"
    assert grafana["environment"]["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"


def test_dockerfile_installs_the_package_with_its_schemas():
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    copies = re.findall(r"^COPY\s+(\S+)\s+\S+", text, re.M)
    assert copies, "no COPY"
    for source in copies:  # relative to the build context, the repo root
        assert (REPO / source).exists(), f"COPY {source}: not in the repo"
    assert {"services/", "schemas/"} <= set(copies)
    assert "services/constraints.txt" in text and "pip install" in text
    assert re.search(r"NEWSMON_SCHEMA_DIR=/app/schemas\b", text)
    assert re.search(r'^CMD \["newsmon", ?"worker"\]', text, re.M)


def test_docker_compose_config_is_valid():
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("no `docker compose` here: the structural tests above stand in for it")
    result = subprocess.run([docker, "compose", "-f", str(COMPOSE), "config", "-q"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_compose_alertmanager_takes_the_workers_alerts_with_the_repo_routes(services):
    alertmanager = services["alertmanager"]
    (config_flag,) = [arg for arg in alertmanager["command"] if arg.startswith("--config.file=")]
    config_file = host_path(alertmanager, config_flag.split("=", 1)[1])
    routes = srsly.read_yaml(config_file)["route"]
    assert {route["receiver"] for route in routes["routes"]} == {"pager", "newsmon-webhook"}
    port = next(p for p in alertmanager["ports"]).rsplit(":", 1)[1]
    worker = services["worker"]
    assert worker["environment"]["NEWSMON_ALERTMANAGER_URL"] == f"http://alertmanager:{port}"
    assert worker["depends_on"]["alertmanager"]["condition"] == "service_healthy"
    assert "/-/ready" in " ".join(alertmanager["healthcheck"]["test"])
