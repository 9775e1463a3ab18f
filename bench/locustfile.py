"""Locust scenario of bench/bench_load.py: supplier users browsing the portal.

Each user takes one entry of the plan (``LOAD_PLAN``, written by bench_load.py): a logged-in
session of a different supplier, some of its order ids and its current forecast. A request counts
as a failure unless it answers 200 with the page's own content (a redirect to the login page or
another supplier's 404 would otherwise pass as fast successes).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

with open(os.environ["LOAD_PLAN"]) as _fh:
    PLAN = json.load(_fh)
_next = itertools.count()


class SupplierUser(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.me = PLAN[next(_next) % len(PLAN)]
        self.headers = {"Cookie": f"sessionid={self.me['session']}", "Accept-Language": "en"}

    def _get(self, url: str, name: str, expect: str) -> None:
        with self.client.get(url, name=name, headers=self.headers, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif expect not in (response.text or ""):
                response.failure(f"{expect!r} not on the page")

    @task(3)
    def dashboard(self) -> None:
        self._get("/", "dashboard", "orders-to-confirm")

    @task(3)
    def po_list(self) -> None:
        query = random.choice(["", "?page=2", "?status=issued", "?needs=1", "?q=BP-0", "?status=confirmed&page=2"])
        self._get(f"/orders/{query}", "po_list", "PO-")

    @task(4)
    def po_detail(self) -> None:
        pk, number = random.choice(self.me["orders"])
        self._get(f"/orders/{pk}/", "po_detail", number)

    @task(2)
    def forecast(self) -> None:
        self._get(f"/forecasts/{self.me['forecast']}/", "forecast", self.me["supplier"])
