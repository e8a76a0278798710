"""feeds.yaml: the feeds `newsmon sources` polls. A bad file stops the command with PATH: reason.

feeds:
  - name: example-world        # the articles' `source`; unique
    url: https://example.org/world/rss.xml
    interval_seconds: 600      # optional, default 900
    max_items_per_poll: 50     # optional: the first N new items of a poll; the rest wait for the next
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsmon.settings import ConfigError, HttpUrlText

DEFAULT_INTERVAL_SECONDS = 900.0

# No control characters: the unit separator joins feed name and item in news.sources.seen keys.
FeedName = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: FeedName
    url: HttpUrlText
    interval_seconds: float = Field(DEFAULT_INTERVAL_SECONDS, gt=0, description="time between two polls")
    max_items_per_poll: int | None = Field(None, ge=1, description="new items taken from one poll at most")


class FeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: list[FeedConfig] = Field(min_length=1)

    @field_validator("feeds")
    @classmethod
    def _unique_names(cls, feeds: list[FeedConfig]) -> list[FeedConfig]:
        names = [feed.name for feed in feeds]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"feed names must be unique; repeated: {', '.join(repeated)}")
        return feeds


def parse_feeds(text: str, where: str) -> list[FeedConfig]:
    """The feeds of a feeds.yaml text; ConfigError naming `where` and the reason otherwise."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{where}{line}: not valid YAML: {getattr(error, 'problem', None) or error}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{where}: expected a mapping with a 'feeds' list")
    try:
        return FeedsFile.model_validate(document).feeds
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            location = ".".join(str(part) for part in problem["loc"]) or "<top>"
            problems.append(f"{location}: {problem['msg']}")
        raise ConfigError(f"{where}: " + "; ".join(problems)) from None


def load_feeds(path: Path) -> list[FeedConfig]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_feeds(text, str(path))
