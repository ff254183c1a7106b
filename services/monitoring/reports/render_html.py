"""The monthly report as a printable Vietnamese HTML page with inline SVG charts (no scripts, no CDN)."""

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.monitoring import labels
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.reports.sections import as_of_text, breakdown_sections, title
from shared.events import Status

COLORS = {
    Status.RESOLVED: "#2e7d32", Status.IN_PROGRESS: "#1565c0", Status.UNRESOLVED: "#ef6c00",
    Status.ASSIGNED: "#757575", Status.AWAITING_ROUTING: "#bdbdbd", Status.RETURNED: "#6a1b9a",
    "on_time": "#2e7d32", "late": "#ef6c00", "overdue": "#c62828", "within_deadline": "#1565c0",
    "not_assigned": "#bdbdbd",
}
DEFAULT_COLOR = "#546e7a"
CHART_LIMIT = 15  # long breakdowns (agencies, topics) chart their largest rows; the table lists all


def vn_int(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def vn_percent(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else f"{value:.{decimals}f}".replace(".", ",") + "%"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                              autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    environment.filters["vn_int"] = vn_int
    environment.filters["vn_percent"] = vn_percent
    return environment


def render_html(report: MonthlyReport, tz) -> str:
    sections = {section.key: section for section in breakdown_sections(report)}
    return _environment().get_template("monthly_report.html.j2").render(
        report=report, title=title(report), as_of=as_of_text(report, tz), sections=sections,
        colors=COLORS, default_color=DEFAULT_COLOR, chart_limit=CHART_LIMIT, labels=labels,
        status_keys=list(labels.STATUS), generated=report.generated_at.astimezone(tz),
    )
