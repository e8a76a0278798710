"""Readers for the labelled sets in ../shared/data, read in place (never copied into the repository).

Named-entity sets are token-per-line BIO files; every reader turns a sentence into `Sentence`: its
text (the tokens joined by single spaces) and gold spans as character offsets into that text, with
the set's labels mapped to newsmon's PER / LOC / ORG (other labels, such as EVT or TIME, are dropped).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Span = tuple[int, int, str]  # (start, end exclusive, label)

_BLANKS = re.compile(r"\s+")

# Each set's labels -> newsmon's. A label not listed is not scored (gold spans with it are dropped).
NERGRIT_LABELS = {"PERSON": "PER", "PLACE": "LOC", "ORGANISATION": "ORG"}
NERP_LABELS = {"PPL": "PER", "PLC": "LOC", "IND": "ORG"}  # EVT (event), FNB (food and drink) ignored
NERUGM_LABELS = {"PERSON": "PER", "LOCATION": "LOC", "ORGANIZATION": "ORG"}  # TIME, QUANTITY ignored
PLAIN_LABELS = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}  # idner-news-2k, UNER, WikiANN


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str
    spans: tuple[Span, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class NerFormat:
    """How one BIO file lays out a token line."""

    token_column: int = 0
    tag_column: int = -1
    separator: str | None = "\t"  # None: any white space
    comment_prefix: str | None = None
    token_prefix: str = ""  # WikiANN writes "en:Paris"


NERGRIT = NerFormat()
NERP = NerFormat()
NERUGM = NerFormat()
IDNER = NerFormat(separator=None)  # "token POS tag", CRLF
UNER = NerFormat(token_column=1, tag_column=2, comment_prefix="#")  # "id token tag - -", "# text = ..."
WIKIANN = NerFormat(token_prefix="en:")


def overlap_key(text: str) -> str:
    """What two sentences must share to count as the same one: case and spacing do not matter."""
    return _BLANKS.sub(" ", text.casefold()).strip()


# One detik article in five, chosen by a hash of its text, is never trained on (`make eval` scores it).
HELD_OUT_ONE_IN = 5


def held_out(text: str) -> bool:
    """The fixed one-in-five of detik that is never trained on (same answer in eval and training)."""
    return hashlib.blake2b(overlap_key(text).encode("utf-8"), digest_size=8).digest()[0] % HELD_OUT_ONE_IN == 0


def clean_token(token: str, prefix: str = "") -> str:
    """A token as it goes into the joined text: prefix removed, NFC, no white space inside, so that
    normalize's clean_text leaves the joined text (and so the offsets) unchanged."""
    if prefix and token.startswith(prefix):
        token = token[len(prefix) :]
    token = unicodedata.normalize("NFC", token)
    return _BLANKS.sub("_", token.strip())


def bio_to_spans(tokens: list[str], tags: list[str], labels: Mapping[str, str]) -> tuple[str, list[Span]]:
    """Join tokens with single spaces; BIO tags -> character spans (mapped labels only).
    An I- tag that does not continue a span of its label starts one (the usual CoNLL reading)."""
    spans: list[Span] = []
    pieces: list[str] = []
    offset = 0
    current: list[Any] | None = None  # [start, end, raw label]

    def close() -> None:
        nonlocal current
        if current is not None and current[2] in labels:
            spans.append((current[0], current[1], labels[current[2]]))
        current = None

    for token, tag in zip(tokens, tags, strict=True):
        if pieces:
            offset += 1
        start, end = offset, offset + len(token)
        pieces.append(token)
        offset = end
        tag = tag.strip()
        prefix, _, label = tag.partition("-")
        prefix = prefix.upper()
        if prefix == "B" or (prefix == "I" and (current is None or current[2] != label)):
            close()
            current = [start, end, label]
        elif prefix == "I":
            current[1] = end  # type: ignore[index]
        else:  # O or anything unknown
            close()
    close()
    return " ".join(pieces), spans


def parse_bio(text: str, fmt: NerFormat, labels: Mapping[str, str], *, name: str = "s") -> Iterator[Sentence]:
    """Sentences of one BIO file's content (blank line between sentences; CRLF or LF)."""
    tokens: list[str] = []
    tags: list[str] = []
    number = 0

    def flush() -> Sentence | None:
        nonlocal number
        if not tokens:
            return None
        number += 1
        joined, spans = bio_to_spans(tokens, tags, labels)
        tokens.clear()
        tags.clear()
        return Sentence(id=f"{name}-{number}", text=joined, spans=tuple(spans))

    for line in text.splitlines():
        line = line.rstrip("\r\n")
        if not line.strip():
            if (sentence := flush()) is not None:
                yield sentence
            continue
        if fmt.comment_prefix and line.startswith(fmt.comment_prefix):
            continue
        columns = line.split(fmt.separator) if fmt.separator else line.split()
        if len(columns) < 2:
            continue
        token = clean_token(columns[fmt.token_column], fmt.token_prefix)
        if not token:
            continue
        tokens.append(token)
        tags.append(columns[fmt.tag_column])
    if (sentence := flush()) is not None:
        yield sentence


def read_bio(path: Path, fmt: NerFormat, labels: Mapping[str, str]) -> list[Sentence]:
    return list(parse_bio(path.read_text(encoding="utf-8"), fmt, labels, name=path.stem))


def deduplicate(sentences: Iterable[Sentence]) -> tuple[list[Sentence], int]:
    """Sentences whose overlap key was seen before in the same split count once. (kept, removed)"""
    seen: set[str] = set()
    kept: list[Sentence] = []
    removed = 0
    for sentence in sentences:
        key = overlap_key(sentence.text)
        if key in seen:
            removed += 1
            continue
        seen.add(key)
        kept.append(sentence)
    return kept, removed


def remove_overlap(sentences: list[Sentence], train_keys: set[str]) -> tuple[list[Sentence], int]:
    """Drop sentences that also occur in a train split. (kept, removed)"""
    kept = [s for s in sentences if overlap_key(s.text) not in train_keys]
    return kept, len(sentences) - len(kept)


# --- NER sets in ../shared/data ---------------------------------------------------------------


@dataclass(frozen=True)
class NerSet:
    name: str
    language: str
    path: str  # relative to the data folder
    fmt: NerFormat
    labels: Mapping[str, str]
    split: str
    note: str = ""


EVAL_NER_SETS = (
    NerSet("NERGrit", "id", "ner/id/nergrit/valid_preprocess.txt", NERGRIT, NERGRIT_LABELS, "valid"),
    NerSet("idner-news-2k", "id", "ner/id/idner-news-2k/test.txt", IDNER, PLAIN_LABELS, "test"),
    NerSet(
        "NERP",
        "id",
        "ner/id/nerp/test_preprocess.txt",
        NERP,
        NERP_LABELS,
        "test",
        note="NERP is all lower case: capitalisation cues are absent; EVT and FNB not scored",
    ),
    NerSet("UNER EWT", "en", "ner/en/uner-ewt/en_ewt-ud-test.iob2", UNER, PLAIN_LABELS, "test"),
    NerSet(
        "WikiANN",
        "en",
        "ner/en/wikiann/test.tsv",
        WIKIANN,
        PLAIN_LABELS,
        "test",
        note="silver labels (Wikipedia links)",
    ),
)

# Every train split in ../shared/data: what the trained NER models see.
TRAIN_NER_FILES = (
    ("ner/id/nergrit/train_preprocess.txt", NERGRIT, NERGRIT_LABELS),
    ("ner/id/nerp/train_preprocess.txt", NERP, NERP_LABELS),
    ("ner/id/idner-news-2k/train.txt", IDNER, PLAIN_LABELS),
    *((f"ner/id/nerugm/train.0{fold}.tsv", NERUGM, NERUGM_LABELS) for fold in range(1, 6)),
    ("ner/id/luthfi-gold/goldstandard-0811.bio.txt", NERGRIT, PLAIN_LABELS),
    ("ner/en/wikiann/train.tsv", WIKIANN, PLAIN_LABELS),
)
# Not listed: the UNER EWT files the English model trains on (ner/en/uner-ewt dev,
# ner/en/uner-ewt-train-prelim). 105 UNER EWT test sentences also occur in the preliminary train
# export (short web lines); training.convert drops every evaluation sentence from training instead,
# so the test set stays the same 2,077 sentences that earlier figures were measured on.

# Sentences for language identification (read as NER files; only the text is used).
LANGUAGE_ID_SETS = (
    ("id", "NERGrit valid", "ner/id/nergrit/valid_preprocess.txt", NERGRIT, NERGRIT_LABELS),
    ("id", "idner-news-2k test", "ner/id/idner-news-2k/test.txt", IDNER, PLAIN_LABELS),
    ("en", "UNER EWT test", "ner/en/uner-ewt/en_ewt-ud-test.iob2", UNER, PLAIN_LABELS),
    ("en", "WikiANN test", "ner/en/wikiann/test.tsv", WIKIANN, PLAIN_LABELS),
)


def train_keys(data: Path) -> tuple[set[str], list[str]]:
    """Overlap keys of every train sentence present, and the train files that were missing."""
    keys: set[str] = set()
    missing: list[str] = []
    for relative, fmt, labels in TRAIN_NER_FILES:
        path = data / relative
        if not path.is_file():
            missing.append(relative)
            continue
        keys.update(overlap_key(s.text) for s in read_bio(path, fmt, labels))
    return keys, missing


# --- topic sets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledArticle:
    id: str
    title: str
    text: str
    label: str


def parse_detik_csv(content: str) -> list[LabelledArticle]:
    """detik berita.csv: columns judul, tanggal, konten, kategori."""
    reader = csv.DictReader(content.splitlines(keepends=True))
    return [
        LabelledArticle(
            id=f"detik-{n}",
            title=(row.get("judul") or "").strip(),
            text=row.get("konten") or "",
            label=(row.get("kategori") or "").strip(),
        )
        for n, row in enumerate(reader, start=1)
    ]


def parse_tribun_jsonl(content: str, split: str) -> list[LabelledArticle]:
    """tribun {train,test}.jsonl: title, url, text, label."""
    articles = []
    for n, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        articles.append(
            LabelledArticle(
                id=f"tribun-{split}-{n}",
                title=(row.get("title") or "").strip(),
                text=row.get("text") or "",
                label=(row.get("label") or "").strip(),
            )
        )
    return articles


def read_detik(data: Path) -> list[LabelledArticle] | None:
    path = data / "topics/id/detik/berita.csv"
    return parse_detik_csv(path.read_text(encoding="utf-8")) if path.is_file() else None


def read_tribun(data: Path, split: str) -> list[LabelledArticle] | None:
    path = data / f"topics/id/tribun/{split}.jsonl"
    return parse_tribun_jsonl(path.read_text(encoding="utf-8"), split) if path.is_file() else None


def deduplicate_articles(articles: list[LabelledArticle]) -> tuple[list[LabelledArticle], int]:
    seen: set[str] = set()
    kept = []
    for article in articles:
        key = overlap_key(article.text)
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(article)
    return kept, len(articles) - len(kept)


# --- casualties --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incident:
    id: str
    killed: int
    injured: int
    articles: tuple[tuple[str, str, str], ...]  # (doc id, title, content)


def parse_gva_jsonl(content: str) -> list[Incident]:
    incidents = []
    for line in content.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        articles = tuple(
            (str(a.get("doc_id") or ""), a.get("title") or "", a.get("content") or "")
            for a in row.get("articles") or []
        )
        incidents.append(
            Incident(
                id=str(row["incident_id"]),
                killed=int(row["num_killed"]),
                injured=int(row["num_injured"]),
                articles=articles,
            )
        )
    return incidents


def read_gva(data: Path) -> list[Incident] | None:
    path = data / "casualties/en/gva/incidents_dev.jsonl"
    return parse_gva_jsonl(path.read_text(encoding="utf-8")) if path.is_file() else None


# --- more topic sets: CLICK-ID, SIB-200, the held-out hard-news set ------------------------------

CLICKID_PUBLISHERS = ("kompas", "okezone", "sindonews", "tempo", "tribunnews", "pos_metro")
# The scrape joined a page's paragraphs with commas after the full stop ("... Riau.,Penangkapan").
_CLICKID_PARAGRAPH = re.compile(r"(?<=[.!?\"”]),(?=\S)")
HARD_NEWS_DIR = Path(__file__).with_name("data")


def clean_clickid_text(content: str) -> str:
    return _CLICKID_PARAGRAPH.sub("\n", content.strip().removeprefix("- ").strip())


def clickid_label(publisher: str, row: Mapping[str, Any]) -> str:
    """The key of the label map: publisher/channel/sub-channel, "-" and empty parts left out."""
    parts = [publisher] + [str(row.get(k) or "").strip() for k in ("category", "sub_category")]
    return "/".join(p for p in parts if p and p != "-")


def read_clickid(data: Path) -> list[LabelledArticle] | None:
    """CLICK-ID's six publishers (topics/id/clickid/<publisher>.jsonl), label = clickid_label."""
    folder = data / "topics/id/clickid"
    if not folder.is_dir():
        return None
    articles = []
    for publisher in CLICKID_PUBLISHERS:
        path = folder / f"{publisher}.jsonl"
        if not path.is_file():
            continue
        # split("\n"), not splitlines(): the texts hold U+2028 and other breaks inside JSON strings.
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if line.strip():
                row = json.loads(line)
                articles.append(
                    LabelledArticle(
                        id=f"clickid-{publisher}-{n}",
                        title=str(row.get("title") or "").strip(),
                        text=clean_clickid_text(str(row.get("content") or "")),
                        label=clickid_label(publisher, row),
                    )
                )
    return articles


def read_sib200(data: Path, language: str, split: str) -> list[LabelledArticle] | None:
    """SIB-200 topics/<language>/sib200/<split>.tsv: index_id, category, text (one sentence each)."""
    path = data / f"topics/{language}/sib200/{split}.tsv"
    if not path.is_file():
        return None
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        LabelledArticle(id=f"sib200-{language}-{row['index_id']}", title="", text=row["text"], label=row["category"])
        for row in rows
    ]


def read_hard_news(language: str, folder: Path = HARD_NEWS_DIR) -> list[LabelledArticle]:
    """The held-out hard-news set (evaluation/data/README.md); label = accepted codes joined by "|"."""
    path = folder / f"hard_news_heldout_{language}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [LabelledArticle(id=r["id"], title=r["title"], text=r["text"], label="|".join(r["gold"])) for r in rows]
