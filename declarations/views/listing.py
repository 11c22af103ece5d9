"""What every public list page shares: filter errors, pages, downloads."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.views.generic.base import TemplateResponseMixin
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from .. import exports
from ..tables import KeyedPageData
from .as_of import AsOfMixin, BadQuery

MAX_PER_PAGE = 200


class CappedPaginator(Paginator):
    """Honours ``?per_page=`` up to a ceiling, so nobody pages 100k rows at once."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        super().__init__(object_list, per_page, *args, **kwargs)


class PublicListMixin(AsOfMixin, ExportMixin, SingleTableMixin):
    """A filtered, sortable, paginated table that downloads as CSV, JSON and Excel.

    Use with ``FilterView``. A filter the form rejects (an unknown body, a date that
    is not one) answers 400 with the form's errors on the page; a page number past
    the end answers 404. The download holds exactly the filtered rows, all pages.
    """

    table_pagination = {
        "per_page": 50,
        "silent": False,
        "paginator_class": CappedPaginator,
    }
    export_formats = ("csv", "json", "xlsx")
    export_trigger_param = "_export"

    export_format: str | None = None

    def requested_export_format(self) -> str | None:
        """The download format asked for, if any; BadQuery for an unknown one."""
        requested = self.request.GET.get(self.export_trigger_param)
        if requested is None:
            return None
        if requested not in self.export_formats:
            formats = ", ".join(self.export_formats)
            raise BadQuery(
                f"“{self.export_trigger_param}={requested[:20]}” is not a download "
                f"format. Choose one of {formats}."
            )
        return requested

    def filter_is_invalid(self) -> bool:
        filterset = getattr(self, "filterset", None)
        return bool(filterset and filterset.is_bound and not filterset.is_valid())

    def get(self, request, *args, **kwargs):
        # Refuse a bad format before any work is done.
        self.export_format = self.requested_export_format()
        return super().get(request, *args, **kwargs)

    def get_table_kwargs(self):
        return {"as_of": self.as_of, "as_of_param": self.as_of_param()}

    def get_table_data(self):
        return self.paged(super().get_table_data())

    def paged(self, queryset):
        """The table's data: read a page at a time, unless it is downloaded."""
        return queryset if self.export_format else KeyedPageData(queryset)

    def get_table_pagination(self, table):
        if self.export_format:
            return False
        return super().get_table_pagination(table)

    def get_table(self, **kwargs):
        raw = self.request.GET.get("page", "").strip()[:20]
        if raw and not raw.isdigit():
            raise BadQuery(f"“page={raw}” is not a page number.")
        try:
            return super().get_table(**kwargs)
        except InvalidPage:
            raise Http404(
                f"There is no page {raw} of this list. Go back to the first page."
            ) from None

    def create_export(self, export_format):
        """Stream the whole filtered, sorted table in the asked format."""
        table = self.get_table(**self.get_table_kwargs())  # sorted, not paginated
        kwargs = self.get_table_kwargs()
        values = exports.table_values(
            table.data.data,
            lambda rows: self.table_class(rows, **kwargs),
            exclude=self.exclude_columns,
        )
        return exports.RESPONSES[export_format](
            values, self.get_export_filename(export_format)
        )

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{self.as_of.isoformat()}.{export_format}"

    def render_to_response(self, context, **kwargs):
        if self.filter_is_invalid():
            # Show the form with its errors, not an empty table and a 200.
            return TemplateResponseMixin.render_to_response(
                self, context, status=400, **kwargs
            )
        return super().render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_formats"] = self.export_formats
        return context
