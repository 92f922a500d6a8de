"""Investors walking steps 1–4 over HTTP, as a browser would: the login page, the graphic
captcha, the SMS code, then photos (on file: the security letter only), basic information,
exchanges and reading the agreements, until the video witness step. Used by the bounded load
tests (tests/load/test_load.py) and `bench/load.py`.

The captcha's answer and the SMS code are read where a person would see them: the captcha from
its store, the code from the SMS outbox (decrypted with the demo key), both in the server's own
database. Each investor comes through the load balancer from an address of its own
(X-Forwarded-For, believed because the server lists 127.0.0.1 in TRUSTED_PROXIES)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
from cryptography.fernet import Fernet

from clients.idnumber import check_char

DEMO_DATA_KEY = "ZGVtby1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="  # onboarding/settings/demo.py
BASIC_INFO = {
    "tax_residency": "china_only",
    "pep_relation": "none",
    "investment_horizon": "1y_to_5y",
    "expected_return": "steady",
    "controller": "none",
    "beneficial_owner": "self",
    "products": "futures_options",
    "bad_credit": "none",
    "contact_address": "北京市东城区东长安街1号",
    "postal_code": "100010",
}
WITNESS_STEP = "witness"


# --- the investors on file ------------------------------------------------------------------
def load_id_number(n: int) -> str:
    first17 = f"3701021985{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return first17 + check_char(first17)


def load_mobile(n: int) -> str:
    return f"1370000{n:04d}"


def clients_csv(count: int) -> str:
    """The back-office export `import_clients` reads: `count` C4 clients of branch 0001."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "client_no",
            "name",
            "id_number",
            "id_valid_from",
            "id_valid_until",
            "id_address",
            "phone",
            "mobile",
            "education",
            "occupation",
            "investor_type",
            "suitability_class",
            "suitability_expires",
            "branch_code",
            "exchanges",
        ]
    )
    for n in range(count):
        writer.writerow(
            [
                f"7{n:07d}",
                f"压测客户{n}",
                load_id_number(n),
                "2020-01-01",
                "2040-01-01",
                "山东省济南市历下区示例路 1 号",
                "",
                load_mobile(n),
                "本科",
                "企业职员",
                "ordinary",
                "C4",
                "2030-01-01",
                "0001",
                "",
            ]
        )
    return out.getvalue()


# Photos on file for every load client (the back office's), so step 1 asks only for the letter;
# the photo judgement's own cost is measured by `make bench`.
PHOTOS_ON_FILE = """
from django.core.files.base import ContentFile
from clients.models import Client
from photos.models import IdPhoto
from privacy import crypto
blob = crypto.encrypt(b"on file")
for client in Client.objects.filter(client_no__startswith="7"):
    for side in ("front", "back", "signature"):
        if not IdPhoto.objects.filter(client=client, side=side).exists():
            photo = IdPhoto(client=client, side=side, content_hash="0" * 64)
            photo.image.save("image", ContentFile(blob), save=False)
            photo.original.save("original", ContentFile(blob), save=False)
            photo.save()
"""


# --- what a person reads off the screen and the phone ----------------------------------------
class Peek:
    """The captcha answers and SMS codes, from the server's database (SQLite or PostgreSQL)."""

    def __init__(self, database_url: str, data_key: str = DEMO_DATA_KEY) -> None:
        self.url = database_url
        self.fernet = Fernet(data_key.encode())
        self.codes: dict[str, str] = {}
        self.last_sms = 0
        self.seen: set[int] = set()
        self._lock = asyncio.Lock()

    def _query(self, sql: str, params: tuple) -> list[tuple]:
        if self.url.startswith("sqlite"):
            path = urlparse(self.url).path
            path = path[1:] if path.startswith("//") else path
            with sqlite3.connect(path, timeout=30) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as conn:
            return conn.execute(sql, params).fetchall()

    async def captcha(self, key: str) -> str:
        rows = await asyncio.to_thread(
            self._query, "SELECT response FROM captcha_captchastore WHERE hashkey = %s", (key,)
        )
        return rows[0][0]

    async def sms_code(self, mobile: str, *, within: float = 60) -> str:
        """Ids are handed out before commits, which land in any order: look back over a window
        of recent ids, skipping those already read."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            async with self._lock:
                rows = await asyncio.to_thread(
                    self._query,
                    "SELECT id, mobile, text FROM sms_smsmessage WHERE id > %s ORDER BY id",
                    (max(0, self.last_sms - 1000),),
                )
                for pk, number, text in rows:
                    if pk in self.seen:
                        continue
                    self.seen.add(pk)
                    self.last_sms = max(self.last_sms, pk)
                    plain = self.fernet.decrypt(number.encode()).decode()
                    found = re.search(r"\d{6}", self.fernet.decrypt(text.encode()).decode())
                    if found:
                        self.codes[plain] = found.group()
            if mobile in self.codes:
                return self.codes.pop(mobile)
            await asyncio.sleep(0.2)
        raise TimeoutError(f"no SMS code for {mobile}")


# --- one investor -------------------------------------------------------------------------------
@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    completed: int = 0

    def summary(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies)
        if not ordered:
            return {"requests": 0, "errors": len(self.errors), "completed": self.completed}
        return {
            "requests": len(ordered),
            "errors": len(self.errors),
            "completed": self.completed,
            "p50_ms": round(statistics.median(ordered) * 1000),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000),
            "max_ms": round(ordered[-1] * 1000),
        }


class Investor:
    def __init__(self, base_url: str, n: int, peek: Peek, timings: Timings) -> None:
        self.n = n
        self.peek = peek
        self.timings = timings
        self.http = httpx.AsyncClient(
            base_url=base_url,
            headers={"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"},
            timeout=120,
            # shorter than the server's keep-alive (5 s): never reuse a connection it is closing
            limits=httpx.Limits(keepalive_expiry=3),
        )

    async def request(self, method: str, url: str, *, expect: tuple[int, ...], **kwargs):
        began = time.monotonic()
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.timings.errors.append(f"{method} {url} -> {type(error).__name__}")
            raise
        self.timings.latencies.append(time.monotonic() - began)
        if response.status_code not in expect:
            self.timings.errors.append(f"{method} {url} -> {response.status_code}")
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:300]}")
        return response

    def csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}

    async def log_in(self) -> None:
        page = (await self.request("GET", "/investor/login/", expect=(200,))).text
        key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page).group(1)
        rendition = re.search(r'name="privacy_rendition" value="(\d+)"', page).group(1)
        identity = {"id_number": load_id_number(self.n), "account_type": "individual"}
        await self.request(
            "POST",
            "/investor/sms-code/",
            expect=(200,),
            data={
                **self.csrf(),
                **identity,
                "captcha_0": key,
                "captcha_1": await self.peek.captcha(key),
            },
            headers={"Accept": "application/json"},
        )
        code = await self.peek.sms_code(load_mobile(self.n))
        await self.request(
            "POST",
            "/investor/login/",
            expect=(302,),
            data={
                **self.csrf(),
                **identity,
                "sms_code": code,
                "consent": "on",
                "privacy_rendition": rendition,
            },
        )

    async def follow(self, url: str) -> httpx.Response:
        """GET, following redirects one by one (each timed), to a page."""
        for _hop in range(10):
            response = await self.request("GET", url, expect=(200, 302))
            if response.status_code == 200:
                return response
            url = response.headers["location"]
        raise RuntimeError(f"too many redirects from {url}")

    async def walk_steps_1_to_4(self) -> None:
        response = await self.follow("/business/enter/")
        for _step in range(8):
            path = response.url.path
            step = path.rstrip("/").rsplit("/", 1)[-1]
            if step == WITNESS_STEP:
                self.timings.completed += 1
                return
            response = await self.complete(path, step, response.text)
        raise RuntimeError(f"did not reach the witness step: {response.url}")

    async def complete(self, path: str, step: str, page: str) -> httpx.Response:
        token = re.search(r'name="step_token" value="([^"]+)"', page).group(1)
        data: dict[str, str | list[str]] = {**self.csrf(), "step_token": token}
        if step == "photos":
            data["letter_agreed"] = "on"
        elif step == "basic_info":
            data.update(BASIC_INFO)
        elif step == "exchanges":
            data["exchanges"] = ["SHFE"]
        elif step == "agreements":
            for document in re.findall(r'data-document="(\d+)"', page):
                for action in ("opened", "end"):
                    await self.request(
                        "POST",
                        f"{path}action/{action}/",
                        expect=(200,),
                        data={**self.csrf(), "document": document},
                    )
        response = await self.request("POST", path, expect=(302,), data=data)
        return await self.follow(response.headers["location"])

    async def run(self, *, steps: bool = True) -> None:
        try:
            await self.log_in()
            if steps:
                await self.walk_steps_1_to_4()
            else:
                self.timings.completed += 1
        except Exception as error:  # counted, not raised: the run reports every failure
            if not self.timings.errors or str(self.n) not in self.timings.errors[-1]:
                self.timings.errors.append(f"investor {self.n}: {type(error).__name__}: {error}")
        finally:
            await self.http.aclose()


async def walk(
    base_url: str,
    peek: Peek,
    count: int,
    *,
    concurrency: int,
    first: int = 0,
    steps: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Timings:
    """`count` investors (numbers first…first+count-1), at most `concurrency` at a time."""
    timings = Timings()
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with gate:
            await Investor(base_url, n, peek, timings).run(steps=steps)
            if progress:
                progress(n)

    await asyncio.gather(*(one(n) for n in range(first, first + count)))
    return timings


def prepare_clients(manage: Callable[..., str], tmp: Path, count: int) -> None:
    """Put `count` load clients on file, with photos on file."""
    path = tmp / "load-clients.csv"
    path.write_text(clients_csv(count), encoding="utf-8")
    manage("import_clients", str(path))
    manage("shell", "-c", PHOTOS_ON_FILE)
