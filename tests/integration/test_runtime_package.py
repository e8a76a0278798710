"""The runtime package on its own: a fresh virtualenv gets exactly the install the Dockerfile runs
(`./services`, no extras), and `newsmon analyze`, `newsmon worker` and `newsmon run` work from it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from support import REPO, assert_valid, metric_value

from newsmon import topics
from newsmon.devtools import local_kafka
from newsmon.devtools.run import SAMPLES_DIR
from newsmon.settings import Settings

pytestmark = pytest.mark.kafka

DOCKERFILE = REPO / "services" / "Dockerfile"
SAMPLE = SAMPLES_DIR / "id-kharkiv-shelling.json"


def dockerfile_install() -> list[str]:
    """The arguments of the Dockerfile's `pip install`, which runs in the repository root."""
    match = re.search(r"^RUN pip install ([^\\&\n]+)", DOCKERFILE.read_text(), re.M)
    assert match, "the Dockerfile has no `RUN pip install ...` line"
    return shlex.split(match.group(1))


@pytest.fixture(scope="module")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("runtime-venv")
    venv.create(home, with_pip=True)
    # What the image's build context holds: the services folder without local build leftovers, which
    # setuptools would otherwise pack into the wheel.
    context = tmp_path_factory.mktemp("build-context")
    shutil.copytree(REPO / "services", context / "services",
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache"))
    done = subprocess.run([str(home / "bin" / "pip"), "install", "-q", *dockerfile_install()], cwd=context,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return home


def run(home: Path, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300,
        stdin: bytes = b"") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run([str(home / "bin" / args[0]), *args[1:]], cwd=cwd, env={**clean, **(env or {})},
                          input=stdin, capture_output=True, timeout=timeout)


def test_runtime_package_is_installed_without_the_test_extras(runtime_venv, tmp_path):
    done = run(runtime_venv, "python", "-c", "import newsmon; print(newsmon.__file__)", cwd=tmp_path)
    assert done.returncode == 0 and str(runtime_venv) in done.stdout.decode(), done.stderr
    for extra in ("jsonschema", "pytest", "hypothesis", "mypy"):
        missing = run(runtime_venv, "python", "-c", f"import {extra}", cwd=tmp_path)
        assert missing.returncode != 0, f"{extra} is installed: the runtime package pulled a test or lint extra"


def test_runtime_package_analyze_outside_the_checkout(runtime_venv, tmp_path):
    done = run(runtime_venv, "newsmon", "analyze", str(SAMPLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    [record] = [assert_valid(topics.ENRICHED, orjson.loads(line)) for line in done.stdout.splitlines()]
    assert record["ner_model"].startswith("spacy-ner-id")  # the trained model came with the package
    assert {"Kharkiv"} <= {e["canonical"] for e in record["entities"]}


@pytest.fixture
def worker(runtime_venv: Path, broker_factory, tmp_path: Path) -> Iterator[Settings]:
    """The venv's `newsmon worker` on a broker of its own (the session broker's topics belong to the
    session worker)."""
    broker = broker_factory("runtime-broker")
    settings = Settings(kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path)
    env = {"NEWSMON_KAFKA_BOOTSTRAP": settings.kafka_bootstrap, "NEWSMON_WEB_PORT": str(settings.web_port),
           "NEWSMON_DATA_DIR": str(tmp_path)}
    assert run(runtime_venv, "newsmon", "topics", "create", cwd=tmp_path, env=env).returncode == 0
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen([str(runtime_venv / "bin" / "newsmon"), "worker"], cwd=tmp_path, stdout=log,
                               stderr=subprocess.STDOUT, env={**os.environ, **env})
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not serve /metrics"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{settings.web_port}/metrics", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        yield settings
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def test_runtime_package_worker_enriches_what_its_ingest_publishes(runtime_venv, worker, tmp_path):
    env = {"NEWSMON_KAFKA_BOOTSTRAP": worker.kafka_bootstrap}
    assert run(runtime_venv, "newsmon", "ingest", "-q", str(SAMPLE), cwd=tmp_path, env=env).returncode == 0
    deadline = time.monotonic() + 180
    while metric_value(worker, "newsmon_articles_out_total", stage="enrich") < 1:
        assert time.monotonic() < deadline, "the article was not enriched"
        time.sleep(1)
    # The stories agent reads the enriched topic after the enrich agent wrote it: its alert comes later.
    while metric_value(worker, "newsmon_alerts_total") < 1:
        assert time.monotonic() < deadline, "the enriched article raised no alert"
        time.sleep(1)


def test_runtime_package_run_once_in_the_checkout(runtime_venv):
    done = run(runtime_venv, "newsmon", "run", "--once", str(SAMPLE), cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    alerts = [assert_valid(topics.ALERTS, orjson.loads(line)) for line in done.stdout.splitlines()]
    assert {a["article_id"] for a in alerts} == {orjson.loads(SAMPLE.read_bytes())["id"]}
    # One alert per rule that holds; the packaged default rules came with the package.
    assert {a["rule"] for a in alerts} == {"casualties", "drone_or_missile_strike", "watchlist_mention"}
