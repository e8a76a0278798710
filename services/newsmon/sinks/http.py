"""One HTTP POST to a sink, its failure sorted into worth retrying or not."""

from __future__ import annotations

import aiohttp

# A sink that is overloaded, restarting or rate-limiting may take the alert later; any other 4xx
# (a bad request, no such path, refused credentials) will say the same again.
RETRYABLE_STATUSES = frozenset({408, 425, 429})
MAX_ERROR_BODY_CHARS = 300


class DeliveryError(Exception):
    """A sink did not take an alert; the message is one line for a person (never a secret)."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def status_is_retryable(status: int) -> bool:
    return status >= 500 or status in RETRYABLE_STATUSES


class HttpPoster:
    """POSTs bodies with one aiohttp session, opened on first use in the running event loop."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            # No redirects: a signed alert goes only where it was configured to go.
            async with self._session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                if response.status < 300:
                    await response.read()
                    return
                text = (await response.text(errors="replace"))[:MAX_ERROR_BODY_CHARS]
                raise DeliveryError(
                    f"HTTP {response.status}: {' '.join(text.split())}", retryable=status_is_retryable(response.status)
                )
        except TimeoutError:
            raise DeliveryError(f"no answer within {self.timeout.total:g} s", retryable=True) from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}", retryable=True) from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
