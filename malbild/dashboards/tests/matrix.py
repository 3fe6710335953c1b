"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from malbild.tests.matrix import LOGIN, Case, org_url, unit

# Every member reads every dashboard, whatever their subtree.
CASES: dict[str, list[Case]] = {
    "dashboards:home": [
        Case("get", org_url("dashboards:home"), LOGIN, 404, None, ("teacher", 200))
    ],
    "dashboards_public:home": [
        Case("get", org_url("dashboards_public:home"), 200, 200, None, (None, 200)),
    ],
    "dashboards_public:language": [
        Case("get", org_url("dashboards_public:language"), 200, 200, None, (None, 200)),
    ],
    "dashboards:organisation": [
        Case("get", org_url("dashboards:organisation"), LOGIN, 404, None, ("reader", 200)),
    ],
    "dashboards:unit": [
        Case("get", org_url("dashboards:unit", unit("school")), LOGIN, 404, None, ("reader", 200)),
    ],
}
