"""The `newsmon` command. `newsmon --help` lists the subcommands."""

from __future__ import annotations

import argparse
import base64
import logging
import sys
from collections.abc import Iterator, Sequence

import orjson

from newsmon.settings import get_settings


def cmd_ingest(args: argparse.Namespace) -> int:
    from newsmon.ingest import expand, publish, read_sources

    expand(args.paths)  # a missing path fails before any connection is made
    report = publish(read_sources(args.paths), get_settings(), progress=not args.quiet)
    print(f"newsmon ingest: published {report.published} message(s) to news.articles.raw"
          + (f", {report.rejected} not published" if report.rejected else ""), file=sys.stderr)
    return 0 if not report.rejected else 1


def render_value(value: bytes | None) -> object:
    try:
        return orjson.loads(value) if value is not None else None
    except orjson.JSONDecodeError:
        return {"undecodable_base64": base64.b64encode(value).decode("ascii")}


def cmd_tail(args: argparse.Namespace) -> int:
    from kafka import KafkaConsumer

    from newsmon.admin import client_config

    consumer = KafkaConsumer(
        args.topic, **client_config(get_settings()), group_id=None, enable_auto_commit=False,
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        consumer_timeout_ms=int(args.timeout * 1000) if args.timeout else float("inf"),
    )
    option = orjson.OPT_INDENT_2 if args.pretty else 0
    seen = 0
    try:
        for message in consumer:
            sys.stdout.write(orjson.dumps(render_value(message.value), option=option).decode() + "\n")
            sys.stdout.flush()
            seen += 1
            if args.max and seen >= args.max:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from newsmon.admin import create_topics

    created = create_topics(get_settings())
    print("created: " + (", ".join(created) if created else "nothing (all topics exist)"), file=sys.stderr)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import faust

    from newsmon.app import STAGES, make_app

    settings = get_settings()
    stages = STAGES if args.stage == "all" else (args.stage,)
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
    app = make_app(settings, stages)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
    return 0


def analyze_inputs(data: bytes, jsonl: bool) -> Iterator[tuple[str, bytes]]:
    if jsonl:
        for number, line in enumerate(data.splitlines(), start=1):
            if line.strip():
                yield f"line {number}", line
    else:
        yield "input", orjson.dumps({"text": data.decode("utf-8", errors="replace")})


def cmd_analyze(args: argparse.Namespace) -> int:
    from newsmon.analyze import analyze_messages

    data = sys.stdin.buffer.read() if args.file in (None, "-") else open(args.file, "rb").read()
    jsonl = args.jsonl or (args.file or "").endswith((".jsonl", ".ndjson"))
    failures = 0
    for where, result in analyze_messages(analyze_inputs(data, jsonl), get_settings(), batch_size=args.batch_size):
        if isinstance(result, dict):  # a rejection
            failures += 1
            print(f"newsmon analyze: {where}: {result['reason']}: {result['error']}", file=sys.stderr)
            continue
        option = orjson.OPT_INDENT_2 if args.pretty and not jsonl else 0
        sys.stdout.write(orjson.dumps(result.to_json_dict(), option=option).decode() + "\n")
    return 1 if failures else 0


def cmd_run(args: argparse.Namespace) -> int:
    from newsmon.runner import run

    return run(get_settings(), args.inputs, once=args.once, timeout=args.timeout)


def cmd_schemas(args: argparse.Namespace) -> int:
    from newsmon.contracts import write_schemas

    for path in write_schemas(get_settings().schema_dir):
        print(path, file=sys.stderr)
    return 0


def cmd_kafka(args: argparse.Namespace) -> int:
    from newsmon import local_kafka

    return local_kafka.main([args.action])


def cmd_bench(args: argparse.Namespace) -> int:
    from newsmon.bench import main as bench_main

    return bench_main(articles=args.articles, seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsmon", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="publish articles (txt, json, jsonl, directories, - for stdin) to news.articles.raw")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
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
    p.add_argument("--stage", choices=["all", "normalize", "enrich", "alert"], default="all")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("analyze", help="enrich articles with no broker and print the enriched records as JSON")
    p.add_argument("file", nargs="?", metavar="FILE|-")
    p.add_argument("--jsonl", action="store_true", help="input is JSONL (id, text, title, language, url, published)")
    p.add_argument("--pretty", action="store_true")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("run", help="start Kafka and a worker, ingest, print alerts (what `make run` calls)")
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="default: the bundled sample articles")
    p.add_argument("--once", action="store_true", help="process the input, print alerts as JSON lines, stop")
    p.add_argument("--timeout", type=float, default=600, help="--once: give up after this many seconds")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("schemas", help="write schemas/*.schema.json from the record models")
    p.add_argument("action", choices=["write"])
    p.set_defaults(func=cmd_schemas)

    p = sub.add_parser("kafka", help="the local development broker")
    p.add_argument("action", choices=["fetch", "up", "down", "status"])
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
        return args.func(args)
    except FileNotFoundError as exc:
        print(f"newsmon {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
