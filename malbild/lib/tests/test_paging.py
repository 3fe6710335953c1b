import pytest
from django.test import RequestFactory

from conftest import make_user
from malbild.accounts.models import User
from malbild.lib.paging import paginate


def people(count: int) -> None:
    for n in range(count):
        make_user(f"p{n:03}@example.test")


@pytest.mark.django_db
def test_a_list_that_fits_on_its_first_page_is_read_in_one_query(django_assert_num_queries):
    people(3)
    with django_assert_num_queries(1):
        page = paginate(RequestFactory().get("/"), User.objects.order_by("email"), 5)
        assert [u.email for u in page] == [
            "p000@example.test",
            "p001@example.test",
            "p002@example.test",
        ]
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (3, 1, False)


@pytest.mark.django_db
def test_a_longer_list_is_counted_and_paged_as_before(django_assert_num_queries):
    people(12)
    with django_assert_num_queries(2):
        page = paginate(RequestFactory().get("/"), User.objects.order_by("email"), 5)
        assert len(page.object_list) == 5
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (12, 3, True)
    last = paginate(RequestFactory().get("/?sida=99"), User.objects.order_by("email"), 5, "sida")
    assert (last.number, [u.email for u in last]) == (3, ["p010@example.test", "p011@example.test"])
    odd = paginate(RequestFactory().get("/?page=x"), User.objects.order_by("email"), 5)
    assert odd.number == 1


@pytest.mark.django_db
def test_an_empty_list_is_one_empty_page(django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paginate(RequestFactory().get("/"), User.objects.order_by("email"))
        assert (list(page), page.paginator.count, page.number) == ([], 0, 1)
