"""Report files: CSV (streamed), XLSX (openpyxl write-only: typed cells, header row, filters), PDF
(reportlab: title, period, summary table, a bar chart and the first rows).

Each renderer writes to a binary file object row by row and calls `progress(done)` every few
thousand rows, so a large export never holds its rows in memory (the PDF lists at most
PDF_DETAIL_ROWS of them and says how many more the CSV or XLSX holds).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from datetime import datetime
from typing import IO

from metrics.productivity.reports.sources import ReportSource

PDF_DETAIL_ROWS = 200
PROGRESS_EVERY = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value  # a spreadsheet must not run a formula someone ingested
    return value


def render_csv(source: ReportSource, out: IO[bytes], progress: Callable[[int], None]) -> int:
    writer = csv.writer(codecs.getwriter("utf-8")(out))
    writer.writerow(source.columns)
    done = 0
    for row in source.rows:
        writer.writerow([_csv_cell(v) for v in row])
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done)
    return done


def _xlsx_cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: every time is UTC
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def render_xlsx(source: ReportSource, out: IO[bytes], progress: Callable[[int], None]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(source.title[:31])
    bold = Font(bold=True)
    header = []
    for name in source.columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.freeze_panes = "A2"
    done = 0
    sheet.append(header)
    for row in source.rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_cell(value))
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            cells.append(cell)
        sheet.append(cells)
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(source.columns))}{done + 1}"
    summary = book.create_sheet("Summary")
    summary.append([WriteOnlyCell(summary, value=name) for name in source.summary_header])
    for row in source.summary:
        summary.append(list(row))
    book.save(out)
    return done


def _pdf_text(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.2f}"
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def render_pdf(
    source: ReportSource,
    out: IO[bytes],
    progress: Callable[[int], None],
    *,
    organization_name: str,
    period: str,
) -> int:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    page = landscape(A4)
    document = SimpleDocTemplate(
        out, pagesize=page, title=source.title, leftMargin=1.5 * cm, rightMargin=1.5 * cm
    )
    grid = TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3a5f")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("FONTSIZE", (0, 0), (-1, -1), 7),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef2f7")]),
        ]
    )
    story = [
        Paragraph(f"{source.title} — {organization_name}", styles["Title"]),
        Paragraph(f"Period: {period}. Rows: {source.total}.", styles["Normal"]),
        Spacer(1, 0.4 * cm),
        Paragraph("Summary", styles["Heading2"]),
    ]
    summary = [source.summary_header] + [[_pdf_text(v) for v in row] for row in source.summary]
    story.append(Table(summary, repeatRows=1, style=grid))
    story += [Spacer(1, 0.4 * cm), Paragraph(source.chart_title, styles["Heading2"])]
    drawing = Drawing(page[0] - 3 * cm, 6 * cm)
    if source.chart:
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 30, 30, page[0] - 4.5 * cm, 4.2 * cm
        chart.data = [[value for _, value in source.chart]]
        chart.categoryAxis.categoryNames = [label for label, _ in source.chart]
        chart.categoryAxis.labels.angle = 45 if len(source.chart) > 8 else 0
        chart.categoryAxis.labels.fontSize = 6
        chart.categoryAxis.labels.boxAnchor = "ne" if len(source.chart) > 8 else "n"
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = colors.HexColor("#2f6fb0")
        drawing.add(chart)
    else:
        drawing.add(String(10, 80, "No data in this period.", fontSize=10))
    story.append(drawing)
    story += [Spacer(1, 0.4 * cm), Paragraph("Rows", styles["Heading2"])]
    detail = [source.columns]
    done = 0
    for row in source.rows:
        if done < PDF_DETAIL_ROWS:
            detail.append([_pdf_text(v) for v in row])
        done += 1
        if done >= PDF_DETAIL_ROWS:
            break
    story.append(Table(detail, repeatRows=1, style=grid))
    if source.total > PDF_DETAIL_ROWS:
        story.append(
            Paragraph(
                f"The first {PDF_DETAIL_ROWS} of {source.total} rows; export CSV or XLSX for all of them.",
                styles["Italic"],
            )
        )
    progress(done)
    document.build(story)
    return min(done, source.total)
