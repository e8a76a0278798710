"""`make run ONCE=1 INPUT=<feed URL>`: a feed's current items, ingested once, and their alerts printed.
The feed is newsmon's own sample articles as HTML pages on a local web site (tests/web_server.py)."""

import json
import os
import subprocess
import sys

import orjson
import pytest
from support import REPO, assert_valid
from web_server import sample_names, serve_site

from newsmon import topics

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize("given_as", ["INPUT", "feeds file"])
def test_run_once_on_a_feed_ingests_its_items_and_prints_their_alerts(given_as, tmp_path):
    with serve_site() as site:
        env = dict(os.environ, PYTHONPATH=str(REPO / "services"), NEWSMON_FETCH_HOST_INTERVAL_SECONDS="0")
        if given_as == "INPUT":  # what `make run ONCE=1 INPUT=...` runs, with this interpreter, not .venv's
            arguments, feed_name = [site.url("/samples.xml")], site.url("/samples.xml")
        else:  # `newsmon run --once --feeds feeds.yaml`: the feed's name becomes the articles' source
            feeds = tmp_path / "feeds.yaml"
            feeds.write_text(f"feeds:\n  - name: local-samples\n    url: {site.url('/samples.xml')}\n")
            arguments, feed_name = ["--feeds", str(feeds)], "local-samples"
        done = subprocess.run([sys.executable, "-m", "newsmon", "run", "--once", *arguments],
                              cwd=REPO, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                              env=env)
        pages = site.counted("/samples/")
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-3000:]}"
    alerts = [assert_valid(topics.ALERTS, orjson.loads(line)) for line in done.stdout.splitlines()]
    summary = json.loads(done.stderr.strip().splitlines()[-1])
    assert summary["ingested"] == len(sample_names()) == sum(pages.values())
    assert summary["ingested"] == summary["enriched"] + summary["deadletter"] + summary["duplicates"], summary
    assert summary["deadletter"] == 0
    assert alerts and summary["alert_versions"] == len(alerts)
    casualty_alerts = [a for a in alerts if a["rule"] in ("casualties", "mass_casualty")]
    assert casualty_alerts and all(a["url"].startswith(site.base + "/samples/") for a in casualty_alerts)
    assert all(a["sources"] == [feed_name] for a in casualty_alerts)
