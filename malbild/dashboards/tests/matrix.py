"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from malbild.tests.matrix import LOGIN, Case, org_url, unit

# Every member reads every dashboard, whatever their subtree.
CASES: dict[str, list[Case]] = {
    "dashboards:organisation": [
        Case("get", org_url("dashboards:organisation"), LOGIN, 404, None, ("reader", 200)),
    ],
    "dashboards:unit": [
        Case("get", org_url("dashboards:unit", unit("school")), LOGIN, 404, None, ("reader", 200)),
    ],
}
