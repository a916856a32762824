"""What every staff view shares: login, the current shop's actor, errors turned into pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property

from signoff.core.errors import NotAllowed, NotFound
from signoff.core.paging import BoundedCount, count_bounded

PAGE_SIZE = 25


def staff_view(view: Callable) -> Callable:
    """Logs in, resolves the shop the user works in, and passes `actor` to the view.

    A NotFound from a service or selector becomes the 404 page (another shop's object looks
    exactly like a missing one); NotAllowed becomes a 403 page that says why.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        actor = request.actor
        if not actor:
            return render(request, "web/no_shop.html", status=403)
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except NotAllowed as exc:
            return render(request, "web/forbidden.html", {"message": exc.message}, status=403)

    return wrapper


class BoundedPaginator(Paginator):
    """Counts no further than a little past the page asked for (core.paging): "Page 3 of 40+"."""

    def __init__(self, object_list, per_page: int, *, number: str | None):
        super().__init__(object_list, per_page)
        self._asked = int(number) if number and number.isdigit() else 1

    @cached_property
    def bounded(self) -> BoundedCount:
        return count_bounded(self.object_list, offset=(max(self._asked, 1) - 1) * self.per_page)

    @cached_property
    def count(self) -> int:
        return self.bounded.count

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages}" if self.bounded.exact else f"{self.num_pages}+"


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE) -> Page:
    number = request.GET.get("page")
    return BoundedPaginator(queryset, per_page, number=number).get_page(number)
