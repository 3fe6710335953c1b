from pathlib import Path
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from malbild.accounts.models import User

def test_probe(demo):
    for email in ["forvaltning@mittkoping.example", "rektor@mittkoping.example", "politiker@mittkoping.example", "larare@mittkoping.example"]:
        c = Client(); c.force_login(User.objects.get(email=email))
        for _ in range(2):
            with CaptureQueriesContext(connection) as q:
                r = c.get("/o/mittkoping/")
        print(email, r.status_code, len(q))
        if email.startswith("rektor"):
            for x in q.captured_queries: print("  ", x["sql"][:200])
        Path("/tmp/m-" + email.split("@")[0] + ".html").write_text(r.content.decode())
