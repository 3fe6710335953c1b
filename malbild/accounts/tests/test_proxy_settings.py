"""The trusted proxies are checked when Målbild starts; the old proxy count is refused."""

import pytest

from malbild.tests.test_settings import run_malbild


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy.kommun.se", "10.0.0.0/33"])
def test_a_malformed_trusted_proxy_is_a_clear_error(tmp_path, value):
    result = run_malbild(tmp_path, "check", MALBILD_TRUSTED_PROXIES=f"127.0.0.1, {value}")
    assert result.returncode == 2
    assert f"MALBILD_TRUSTED_PROXIES: {value!r} is not an IP address or network" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_proxy_count_is_replaced_by_the_trusted_proxies(tmp_path):
    result = run_malbild(tmp_path, "check", MALBILD_PROXY_COUNT="1")
    assert result.returncode == 2
    assert "MALBILD_PROXY_COUNT is replaced by MALBILD_TRUSTED_PROXIES" in result.stderr


def test_addresses_and_networks_are_accepted(tmp_path):
    result = run_malbild(tmp_path, "check", MALBILD_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8, ::1")
    assert result.returncode == 0, result.stderr
