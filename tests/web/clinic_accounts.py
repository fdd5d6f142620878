"""Helpers for clinic-mode web tests: a clinic app with an admin, a physiotherapist and patients made
through the real services, and signing in through the real sign-in form (TestClient keeps the
cookie). Every request carries the CSRF token of the page it came from, as a browser does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from backcoach.services import accounts, safety
from backcoach.services.context import AppContext

PASSWORD = "a long enough passphrase"
# Cheap argon2 for tests that make many accounts (the standard cost is checked in test_accounts).
FAST_HASH = {"password_hash_time_cost": 1, "password_hash_memory_kib": 8192}
BASE_URL = "http://127.0.0.1"


@dataclass
class Browser:
    """A TestClient signed in as one person, sending their CSRF token with every change."""

    client: TestClient
    csrf: str = ""

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)  # type: ignore[arg-type]

    def post(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        if self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.post(url, headers=headers, **kwargs)  # type: ignore[arg-type]

    def request(self, method: str, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        if self.csrf and method.upper() not in ("GET", "HEAD"):
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    return found[1] if found else ""


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Browser:
    done = client.post("/login", data={"email": email, "password": password}, follow_redirects=False)
    assert done.status_code == 303, done.text
    home = client.get(done.headers["location"])
    return Browser(client, csrf_of(home.text))


@dataclass
class Clinic:
    """The accounts of a small clinic: an admin, two physiotherapists, patient A (of physio 1) and
    patient B (of physio 2), each with a password and (for patients) the safety questions answered."""

    ctx: AppContext
    admin_id: int
    physio_id: int
    other_physio_id: int
    patient_a_id: int
    patient_b_id: int


def make_clinic(ctx: AppContext) -> Clinic:
    admin = accounts.create_admin(ctx, "admin@clinic.example", "Ada Admin", PASSWORD)
    admin_ctx = ctx.acting(accounts.sign_in(ctx, "admin@clinic.example", PASSWORD).actor)
    ids = []
    for email, name in (("sam@clinic.example", "Sam Physio"), ("kim@clinic.example", "Kim Physio")):
        physio, token = accounts.add_physio(admin_ctx, email, name)
        accounts.use_reset(ctx, token, PASSWORD)
        ids.append(physio.id)
    patients = []
    for physio_email, email, name in (
        ("sam@clinic.example", "pat.a@home.example", "Pat Able"),
        ("kim@clinic.example", "pat.b@home.example", "Pat Baker"),
    ):
        physio_ctx = ctx.acting(accounts.sign_in(ctx, physio_email, PASSWORD).actor)
        invitation = accounts.add_patient(physio_ctx, name)
        signed = accounts.join(
            ctx, token=invitation.token, email=email, password=PASSWORD, accept_privacy=True
        )
        safety.submit_screen(
            ctx.acting(signed.actor), {a: False for a in safety.screen_questions().answer_ids}
        )
        patients.append(signed.actor.user_id)
    return Clinic(ctx, admin.id, ids[0], ids[1], patients[0], patients[1])
