"""Ask whether source URLs still answer: plain HTTP, no Django.

Each distinct URL gets one check: a HEAD request (headers only, light on the
site), then a GET where the site refuses HEAD (405, 501), whose body is never
read. Redirects are followed up to ``MAX_REDIRECTS`` and the last URL kept. A
check, redirects and fallback included, takes at most ``timeout`` seconds, and at
most ``concurrency`` checks run at once.
"""

import asyncio
import dataclasses
from collections.abc import Iterable

import httpx

MAX_REDIRECTS = 10
# The answers that mean "not this method": ask again with GET.
HEAD_REFUSED = {405, 501}
ERROR_LENGTH = 500


@dataclasses.dataclass(frozen=True)
class Answer:
    """What a URL answered: a status and where redirects ended, or an error."""

    url: str
    status_code: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def reachable(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 400


def check_urls(
    urls: Iterable[str], *, timeout: float, concurrency: int, user_agent: str
) -> dict[str, Answer]:
    """Check each distinct URL once; its answer by URL."""
    return asyncio.run(
        _check_all(
            sorted(set(urls)),
            timeout=timeout,
            concurrency=concurrency,
            user_agent=user_agent,
        )
    )


async def _check_all(urls, *, timeout, concurrency, user_agent):
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(
        headers={"User-Agent": user_agent},
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=concurrency),
    ) as client:

        async def one(url):
            async with slots:
                return await _check(client, url, timeout)

        answers = await asyncio.gather(*(one(url) for url in urls))
    return {answer.url: answer for answer in answers}


async def _check(client: httpx.AsyncClient, url: str, timeout: float) -> Answer:
    try:
        async with asyncio.timeout(timeout):
            response = await client.head(url)
            if response.status_code in HEAD_REFUSED:
                async with client.stream("GET", url) as response:
                    pass  # the status and headers are enough; the body stays unread
    except (TimeoutError, httpx.TimeoutException):
        return Answer(url, error=f"no answer within {timeout:g} s")
    except httpx.TooManyRedirects:
        return Answer(url, error=f"more than {MAX_REDIRECTS} redirects")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        text = f"{type(error).__name__}: {error}" if str(error) else repr(error)
        return Answer(url, error=text[:ERROR_LENGTH])
    return Answer(url, status_code=response.status_code, final_url=str(response.url))
