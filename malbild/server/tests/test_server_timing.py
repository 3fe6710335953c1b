import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from malbild.server.middleware import ServerTiming

TIMING = re.compile(r"cpu;dur=(\d+\.\d\d), app;dur=(\d+\.\d\d)")


def busy(request):
    sum(n * n for n in range(200_000))  # some CPU of the request's own
    return HttpResponse("ok")


def test_each_answer_says_its_cpu_and_wall_time_in_milliseconds():
    response = ServerTiming(busy)(RequestFactory().get("/"))
    found = TIMING.fullmatch(response["Server-Timing"])
    assert found is not None
    cpu, wall = float(found[1]), float(found[2])
    assert 0 < cpu <= wall + 1  # the thread's CPU time fits in the wall time (±rounding)


@pytest.mark.django_db
def test_the_header_is_off_unless_asked_for(client):
    assert "Server-Timing" not in client.get("/healthz")
