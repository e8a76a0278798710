"""What the topic classifiers train on, per language, from ../shared/data and text written for newsmon.

Indonesian (id):
- CLICK-ID: articles whose publisher channel maps to an IPTC code (evaluation/topic_label_map.json,
  "clickid"), minus the held-out fifth (`held_out`, a hash of the text: the same fifth `make eval`
  scores);
- CLICK-ID's general-news desks (Nasional, Regional, Internasional, peristiwa...), which have no
  channel code: an article joins, labelled by the term rules, only when the rules name a topic the
  channels never give (conflict, disaster, environment, weather, labour, society, human interest)
  with a high score (RULE_LABEL_SCORE), so the classifier learns those topics' wider vocabulary;
- detik minus its held-out fifth, tribun train, SIB-200 id train (channel and label maps as above);
- training_text_id.jsonl: short articles written for newsmon, for the topics the sets lack.
English (en):
- SIB-200 en train; IPTC's own vocabulary (every concept's label and definition, under its top-level
  code: iptc/media_topics_flat.tsv); training_text_en.jsonl, written for newsmon;
- CLICK-ID's channel-labelled training articles carried over into English word by word with the
  lexicon topic_lexicon.py learns from SIB-200 train ("clickid-en"): bags of English words, no text.

Never trained on: CLICK-ID's and detik's held-out fifths, tribun test, SIB-200 dev and test (in either
language: the sentences are translations of each other), and the held-out hard-news set
(evaluation/data/). Every text is deduplicated (`overlap_key`), and a training text equal to any of
those is dropped.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy

from newsmon.devtools.evaluation.readers import (
    LabelledArticle,
    held_out,
    overlap_key,
    read_clickid,
    read_detik,
    read_hard_news,
    read_sib200,
    read_tribun,
)
from newsmon.devtools.evaluation.topics import gold_codes
from newsmon.devtools.training.topic_lexicon import carry_over, learn
from newsmon.nlp.topics.classifier import model_words

WRITTEN_DIR = Path(__file__).with_name("data")
# Topics no channel of the labelled sets gives; the rules label them on the general-news desks.
RULE_LABELLED = frozenset(
    {
        "medtop:16000000",
        "medtop:03000000",
        "medtop:06000000",
        "medtop:17000000",
        "medtop:09000000",
        "medtop:14000000",
        "medtop:08000000",
    }
)
RULE_LABEL_SCORE = 0.8
RULE_LABEL_MARGIN = 0.2  # over the rules' second topic


@dataclass(frozen=True)
class Example:
    text: str  # the article's text: topics read the text, not the title
    code: str
    source: str
    key: str  # overlap_key of the text alone, to compare with the held-out sets

    @classmethod
    def of(cls, article: LabelledArticle, code: str, source: str) -> Example:
        return cls(article.text, code, source, overlap_key(article.text))


def tokenize(language: str, texts: Sequence[str]) -> list[list[str]]:
    """The classifier's words (classifier.model_words) of each text, tokenized as spaCy's blank pipeline does."""
    nlp = spacy.blank(language)
    stop_words = frozenset(nlp.Defaults.stop_words)
    return [model_words((t.lower_ for t in nlp.tokenizer(text)), stop_words) for text in texts]


def dev_slice(text: str) -> bool:
    """One training text in ten, kept aside while choosing settings (`--dev`), then trained on."""
    return hashlib.blake2b(overlap_key(text).encode("utf-8"), digest_size=8).digest()[1] % 10 == 0


def read_written(language: str, folder: Path = WRITTEN_DIR) -> list[LabelledArticle]:
    path = folder / f"training_text_{language}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [LabelledArticle(id=r["id"], title=r.get("title", ""), text=r["text"], label=r["code"]) for r in rows]


def read_iptc(data: Path) -> list[LabelledArticle]:
    """Every IPTC concept, retired ones too (their words still speak for the code): label. definition."""
    path = data / "iptc/media_topics_flat.tsv"
    if not path.is_file():
        return []
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        LabelledArticle(id=row["qcode"], title="", text=f"{row['label']}. {row['definition']}", label=row["top_qcode"])
        for row in rows
    ]


def never_trained_on(data: Path) -> set[str]:
    """Overlap keys of every text `make eval` scores."""
    keys: set[str] = set()
    for articles in (
        [a for a in read_clickid(data) or [] if held_out(a.text)],
        [a for a in read_detik(data) or [] if held_out(a.text)],
        read_tribun(data, "test") or [],
        *(read_sib200(data, lang, split) or [] for lang in ("id", "en") for split in ("dev", "test")),
        read_hard_news("id"),
        read_hard_news("en"),
    ):
        keys.update(overlap_key(a.text) for a in articles)
    return keys


def mapped(name: str, articles: Iterable[LabelledArticle]) -> list[Example]:
    examples = []
    for article in articles:
        codes = gold_codes(name, article.label)
        if len(codes) == 1:
            examples.append(Example.of(article, codes[0], name))
    return examples


def unmapped_clickid(data: Path) -> list[LabelledArticle]:
    return [a for a in read_clickid(data) or [] if not held_out(a.text) and not gold_codes("clickid", a.label)]


def rule_labelled(articles: Iterable[LabelledArticle], rule_topics: Callable[[str], dict[str, float]]) -> list[Example]:
    """Articles the rules put clearly under a topic of RULE_LABELLED (see the module docstring)."""
    examples = []
    for article in articles:
        ranked = sorted(rule_topics(article.text).items(), key=lambda item: -item[1])
        if not ranked or ranked[0][0] not in RULE_LABELLED or ranked[0][1] < RULE_LABEL_SCORE:
            continue
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < RULE_LABEL_MARGIN:
            continue
        examples.append(Example.of(article, ranked[0][0], "clickid-rules"))
    return examples


def carried_over(data: Path) -> list[Example]:
    """CLICK-ID's channel-labelled training articles as English bags of words (see the module docstring)."""
    indonesian = {a.id.rsplit("-", 1)[-1]: a.text for a in read_sib200(data, "id", "train") or []}
    english = {a.id.rsplit("-", 1)[-1]: a.text for a in read_sib200(data, "en", "train") or []}
    shared = sorted(indonesian.keys() & english.keys())
    if not shared:
        return []
    pairs = list(
        zip(tokenize("id", [indonesian[k] for k in shared]), tokenize("en", [english[k] for k in shared]), strict=True)
    )
    lexicon = learn(pairs)
    articles = [a for a in read_clickid(data) or [] if not held_out(a.text)]
    examples = []
    for article, words in zip(articles, tokenize("id", [a.text for a in articles]), strict=True):
        codes = gold_codes("clickid", article.label)
        english_words = carry_over(words, lexicon)
        if len(codes) == 1 and english_words:
            examples.append(Example(" ".join(english_words), codes[0], "clickid-en", overlap_key(article.text)))
    return examples


def examples_for(
    language: str, data: Path, rule_topics: Callable[[str], dict[str, float]] | None = None
) -> list[Example]:
    """The deduplicated training examples of one language (see the module docstring)."""
    found: list[Example] = []
    if language == "id":
        found += mapped("clickid", (a for a in read_clickid(data) or [] if not held_out(a.text)))
        if rule_topics is not None:
            found += rule_labelled(unmapped_clickid(data), rule_topics)
        found += mapped("detik", (a for a in read_detik(data) or [] if not held_out(a.text)))
        found += mapped("tribun", read_tribun(data, "train") or [])
    else:
        found += [Example.of(a, a.label, "iptc") for a in read_iptc(data)]
        found += carried_over(data)
    found += mapped("sib200", read_sib200(data, language, "train") or [])
    found += [Example.of(a, a.label, "written") for a in read_written(language)]
    excluded = never_trained_on(data)
    seen: set[str] = set()
    kept = []
    for example in found:
        if example.key in excluded or example.key in seen or not example.key:
            continue
        seen.add(example.key)
        kept.append(example)
    return kept
