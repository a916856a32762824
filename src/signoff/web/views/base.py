"""What every staff view shares: login, the current shop's actor, errors turned into pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property

from signoff.core.errors import NotAllowed, NotFound, RateLimited, ValidationFailed
from signoff.core.http import retry_after
from signoff.core.paging import BoundedCount, CountedPage, counted_page
from signoff.core.validation import parse_id
from signoff.web.views.errors import error_page

PAGE_SIZE = 25
MAX_PAGE = 1_000_000


def staff_view(view: Callable) -> Callable:
    """Logs in, resolves the shop the user works in, and passes `actor` to the view.

    A NotFound from a service or selector becomes the 404 page (another shop's object looks
    exactly like a missing one); NotAllowed becomes a 403 page that says why; RateLimited the
    429 page.
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
        except RateLimited as exc:
            return retry_after(error_page(request, exc), exc)

    return wrapper


def page_asked(number: str | None) -> int:
    """The page number in ?page=: ASCII digits from 1 (past MAX_PAGE is MAX_PAGE, so the
    offset stays a database integer); anything else is page 1."""
    if not number or not (number.isascii() and number.isdigit()):
        return 1
    asked = parse_id(number)
    if asked is None:  # 0, or more digits than any integer
        return 1 if not number.strip("0") else MAX_PAGE
    return min(asked, MAX_PAGE)


class BoundedPaginator(Paginator):
    """Counts no further than a little past the page asked for (core.paging): "Page 3 of 40+".
    The page asked for and the count are read together (`counted_page`)."""

    def __init__(self, object_list, per_page: int, *, number: str | None):
        super().__init__(object_list, per_page)
        self._asked = page_asked(number)

    @cached_property
    def _asked_page(self) -> CountedPage:
        offset = (max(self._asked, 1) - 1) * self.per_page
        return counted_page(self.object_list, offset=offset, limit=self.per_page)

    @cached_property
    def bounded(self) -> BoundedCount:
        return self._asked_page.counted

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if number == self._asked:
            return self._get_page(self._asked_page.rows, number, self)
        return super().page(number)  # past the last page: the last one, read on its own

    @cached_property
    def count(self) -> int:
        return self.bounded.count

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages}" if self.bounded.exact else f"{self.num_pages}+"


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE) -> Page:
    paginator = BoundedPaginator(queryset, per_page, number=request.GET.get("page"))
    # The number the count was sized for; past the last page is the last page.
    return paginator.get_page(paginator._asked)


def search_results(request: HttpRequest, search: Callable[..., QuerySet], *, actor) -> QuerySet:
    """`search(actor=…, query=…)` for the page's ?q=. A query that cannot be a search (too
    long, control characters) finds nothing and says why, rather than failing the page."""
    try:
        return search(actor=actor, query=request.GET.get("q", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return search(actor=actor, query="").none()
