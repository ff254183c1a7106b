from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from services.monitoring.reports import service as report_service
from services.monitoring.reports.render_csv import render_csv
from services.monitoring.reports.render_html import render_html
from services.monitoring.reports.render_xlsx import render_xlsx
from services.monitoring.reports.schemas import MonthlyReport
from services.monitoring.requests import SettingsDep
from services.monitoring.roles import REPORT_READERS
from shared.auth import Principal, require_roles
from shared.service_app import Now, UowDep

router = APIRouter(tags=["báo cáo"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports/monthly", response_model=MonthlyReport, responses={
    200: {"content": {"text/csv": {}, XLSX: {}, "text/html": {}}, "description": "JSON, CSV, XLSX hoặc HTML"}})
async def monthly_report(uow: UowDep, settings: SettingsDep, now: Now,
                         _user: Annotated[Principal, Depends(require_roles(*REPORT_READERS))],
                         month: Annotated[str | None, Query(description="YYYY-MM; mặc định tháng hiện tại")] = None,
                         format: Literal["json", "csv", "xlsx", "html"] = "json"):
    """Báo cáo giao ban hằng tháng: trạng thái cuối tháng, thời hạn, quá hạn, so sánh, giám sát xác suất."""
    report = await report_service.monthly_report(uow, month, settings, now)
    filename = f"bao-cao-kien-nghi-{report.month}"
    if format == "csv":
        return Response(render_csv(report, settings.tz), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    if format == "xlsx":
        return Response(render_xlsx(report, settings.tz), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
    if format == "html":
        return HTMLResponse(render_html(report, settings.tz))
    return report
