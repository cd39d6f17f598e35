"""The benchmark cases: (label, factory(client) -> callable, repetitions)."""

from boernesag.accounts.models import User
from boernesag.demo.data import DEMO_PASSWORD


def login_page(client):
    return lambda: client.get("/konto/log-ind/")


def login_post(client):
    def run():
        client.post(
            "/konto/log-ind/",
            {"email": "mette.hansen@demo-kommune.dk", "password": DEMO_PASSWORD},
        )
        client.logout()

    return run


def start_page(client):
    client.force_login(User.objects.get(email="mette.hansen@demo-kommune.dk"))
    return lambda: client.get("/")


BENCHMARKS = [
    ("GET login page (anonymous)", login_page, 300),
    ("POST login + logout (caseworker)", login_post, 100),
    ("GET start page (caseworker)", start_page, 300),
]
