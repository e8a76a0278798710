"""The `newsmon` command. `newsmon --help` lists the subcommands.

Settings are read once here (`load_settings`) and handed to every command; a bad setting, a file a
setting names that cannot be used, or brokers that refuse the TLS or SASL settings stop the command
with one line and exit status 2.
"""

from __future__ import annotations

import argparse
import base64
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson

from newsmon.settings import ConfigError, Settings, load_settings
from newsmon.sources.files import JSONL_SUFFIXES, Outgoing, expand, from_jsonl, read_sources


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.kafka_clients import check_access
    from newsmon.normalize.article import derived_id
    from newsmon.sources.publish import Resume, ensure_seen_topic, publish
    from newsmon.sources.seen import SeenItems

    expand(args.paths)  # a missing path fails before any connection is made
    check_access(settings)
    ensure_seen_topic(settings)
    seen = SeenItems() if args.no_resume else SeenItems.load(settings)
    resume = Resume(seen, derived_id, skip=not args.no_resume)
    unreadable: list[str] = []

    def skip_unreadable(path: str, error: OSError) -> None:  # the other files still go
        print(f"newsmon ingest: {path}: cannot read it: {error.strerror or error}", file=sys.stderr)
        unreadable.append(path)

    messages = read_sources(args.paths, on_unreadable=skip_unreadable)
    report = publish(messages, settings, progress=not args.quiet, resume=resume)
    report.unreadable = len(unreadable)
    print(f"newsmon ingest: {report.summary()}", file=sys.stderr)
    return 0 if not (report.rejected or report.unreadable) else 1


def render_value(value: bytes | None, option: int = 0) -> bytes:
    """A message value as one JSON document; one that is no JSON, or JSON that orjson cannot write
    back (nested over 255 deep), as {"undecodable_base64": ...}."""
    if value is None:
        return b"null"
    try:
        return orjson.dumps(orjson.loads(value), option=option)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return orjson.dumps({"undecodable_base64": base64.b64encode(value).decode("ascii")}, option=option)


def cmd_tail(args: argparse.Namespace, settings: Settings) -> int:
    from kafka import KafkaConsumer

    from newsmon.kafka_clients import check_access, client_config

    check_access(settings)
    consumer = KafkaConsumer(
        args.topic,
        **client_config(settings),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        consumer_timeout_ms=int(args.timeout * 1000) if args.timeout else float("inf"),
    )
    option = orjson.OPT_INDENT_2 if args.pretty else 0
    seen = 0
    try:
        for message in consumer:
            sys.stdout.write(render_value(message.value, option).decode() + "\n")
            sys.stdout.flush()
            seen += 1
            if args.max and seen >= args.max:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.kafka_clients import check_access, create_topics

    check_access(settings)
    created = create_topics(settings)
    print("created: " + (", ".join(created) if created else "nothing (all topics exist)"), file=sys.stderr)
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import faust

    from newsmon.alerts.rules import RULE_NAMES, use_rules
    from newsmon.alerts.rules_file import RulesSource
    from newsmon.kafka_clients import check_access
    from newsmon.metrics import default_metrics
    from newsmon.records import STAGES
    from newsmon.stream.app import check_stages_configured, make_app

    stages = STAGES if args.stage == "all" else (args.stage,)
    check_stages_configured(settings, stages)
    if "alert" in stages:  # a bad rules file stops the worker here, with its PATH:LINE: reason
        use_rules(RulesSource(settings.rules_path, settings.rules_check_seconds, default_metrics(RULE_NAMES)))
    check_access(settings)  # Faust would stop with a traceback saying only "Unable to bootstrap"
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
    app = make_app(settings, stages)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()  # runs until the worker stops, then exits the process


def analyze_inputs(paths: Sequence[str], jsonl: bool) -> Iterator[Outgoing]:
    """The articles of the inputs, read as `newsmon ingest` reads them; `--jsonl` reads every input
    (stdin too) as one article a line."""
    if not jsonl:
        yield from read_sources(paths)
        return
    for item in expand(paths):
        if item == "-":
            yield from from_jsonl(sys.stdin.buffer.read(), "stdin")
        else:
            yield from from_jsonl(item.read_bytes(), str(item))  # type: ignore[union-attr]


ANALYZE_SOME_FAILED = 1
ANALYZE_EXIT_STATUS = f"""exit status:
  0  every input was enriched
  {ANALYZE_SOME_FAILED}  some input was rejected or failed: one line each on stderr, WHERE: REASON: ERROR, with the
     reasons of news.deadletter (invalid_json, empty_text, ..., processing_error); the others are printed
  2  a bad setting, or an input file that does not exist"""


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.analyze import analyze_messages

    paths = args.files or ["-"]
    jsonl = args.jsonl or all(p != "-" and p.lower().endswith(tuple(JSONL_SUFFIXES)) for p in paths)
    expand(paths)  # a missing path fails before the NLP models load
    messages = ((message.origin, message.value) for message in analyze_inputs(paths, args.jsonl))
    option = orjson.OPT_INDENT_2 if args.pretty and not jsonl else 0
    failures = 0
    for where, result in analyze_messages(messages, settings, batch_size=args.batch_size):
        if isinstance(result, dict):  # rejected or failed: one line each, the others go on
            failures += 1
            print(f"newsmon analyze: {where}: {result['reason']}: {one_line(result['error'])}", file=sys.stderr)
            continue
        sys.stdout.write(orjson.dumps(result.to_json_dict(), option=option).decode() + "\n")
    return ANALYZE_SOME_FAILED if failures else 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.devtools.run import run

    return run(settings, args.inputs, once=args.once, timeout=args.timeout, feeds_path=args.feeds)


def cmd_schemas(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.alerts.rule_models import rules_schema
    from newsmon.contracts import stale_schemas, write_schemas

    documents = {"rules": rules_schema()}
    if args.action == "write":
        for path in write_schemas(settings.schema_dir, documents):
            print(path, file=sys.stderr)
        return 0
    stale = stale_schemas(settings.schema_dir, documents)
    for path, problem in stale:
        print(f"newsmon schemas: {path}: {problem} (`newsmon schemas write` regenerates it)", file=sys.stderr)
    return 1 if stale else 0


def cmd_rules(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from newsmon.alerts.rules_file import DEFAULT_RULES_PATH, load_rules

    path = Path(args.path) if args.path else settings.rules_path or DEFAULT_RULES_PATH
    rules = load_rules(path)  # a bad file: PATH:LINE: reason, exit status 2
    print(f"{path}: {len(rules)} rule(s): {', '.join(rule.name for rule in rules)}", file=sys.stderr)
    return 0


def cmd_kafka(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.devtools.local_kafka.cli import run

    return run(args, settings)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from newsmon.devtools.bench.pipeline import main as bench_main

    return bench_main(settings, articles=args.articles, seed=args.seed)


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from newsmon.sources.pages import fetch_article
    from newsmon.sources.web import FetchError

    try:
        article = asyncio.run(fetch_article(settings, args.url))
    except FetchError as error:
        print(f"newsmon fetch: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(orjson.dumps(article, option=orjson.OPT_INDENT_2 if args.pretty else 0).decode() + "\n")
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from newsmon.sources.feeds_config import load_feeds
    from newsmon.sources.service import run_sources

    feeds = load_feeds(Path(args.config))  # a bad file: PATH: reason, exit status 2
    return run_sources(settings, feeds, once=args.once)


def build_parser() -> argparse.ArgumentParser:
    from newsmon.devtools.local_kafka.cli import add_commands as add_kafka_commands

    parser = argparse.ArgumentParser(prog="newsmon", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "ingest", help="publish articles (txt, json, jsonl, directories, - for stdin) to news.articles.raw"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--no-resume",
        action="store_true",
        help="publish every article, also those already ingested (news.sources.seen), and record them again",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("tail", help="print a topic's messages as JSON lines")
    p.add_argument("topic")
    p.add_argument("--from-beginning", action="store_true")
    p.add_argument("--max", type=int, default=0, help="stop after this many messages")
    p.add_argument("--timeout", type=float, default=0, help="stop after this many idle seconds")
    p.add_argument("--pretty", action="store_true")
    p.set_defaults(func=cmd_tail)

    p = sub.add_parser("topics", help="manage the topics")
    p.add_argument("action", choices=["create"])
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("worker", help="run the Faust worker (all stages, or one)")
    p.add_argument("--stage", choices=["all", "normalize", "enrich", "alert", "deliver"], default="all")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "analyze",
        help="enrich articles with no broker and print the enriched records as JSON lines",
        description="Enrich articles with no broker and print the enriched records as JSON lines.",
        epilog=ANALYZE_EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE|-",
        help="as for ingest: .txt (one article), .json (an article or a list), .jsonl, folders; default - (stdin)",
    )
    p.add_argument(
        "--jsonl", action="store_true", help="read every input as JSONL (id, text, title, language, url, published)"
    )
    p.add_argument("--pretty", action="store_true")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser(
        "run",
        help="start Kafka and a worker, ingest, print alerts (what `make run` calls)",
        epilog="Ctrl-C, SIGTERM and SIGHUP stop the worker, its NLP processes and a broker this command started, "
        "and remove --once's throw-away data. Exit status: 0 done, 1 --once gave up at --timeout, "
        "128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).",
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="default: the bundled sample articles")
    p.add_argument("--once", action="store_true", help="process the input, print alerts as JSON lines, stop")
    p.add_argument("--timeout", type=float, default=600, help="--once: give up after this many seconds")
    p.add_argument(
        "--feeds", type=Path, metavar="FEEDS_YAML", help="also poll these feeds (default NEWSMON_FEEDS_PATH)"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "schemas", help="write schemas/*.schema.json from the record models and the rules file's, or check them"
    )
    p.add_argument("action", choices=["write", "check"])
    p.set_defaults(func=cmd_schemas)

    p = sub.add_parser("rules", help="check an alert rules file (default: NEWSMON_RULES_PATH, else the packaged one)")
    p.add_argument("action", choices=["check"])
    p.add_argument("path", nargs="?", metavar="PATH")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("fetch", help="download one page and print its article (url, title, text, ...) as JSON")
    p.add_argument("url", metavar="URL")
    p.add_argument("--pretty", action="store_true")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser(
        "sources",
        help="poll the RSS / Atom feeds of a feeds.yaml and publish their new items to news.articles.raw",
        epilog="--once exit status: 0 every feed and page was read, 1 some failed (one line each on stderr).",
    )
    p.add_argument("--config", required=True, metavar="FEEDS_YAML")
    p.add_argument("--once", action="store_true", help="poll every feed once, print a summary line, stop")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("kafka", help="the local development broker")
    add_kafka_commands(p)
    p.set_defaults(func=cmd_kafka)

    p = sub.add_parser("bench", help="pipeline throughput and latency against a bare in-process loop")
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args, load_settings()))
    except ConfigError as exc:
        print(f"newsmon {args.command}: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"newsmon {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
