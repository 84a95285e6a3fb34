"""``changes.xlsx`` — the «лист замен» an ЭПОС administrator keys in.

Only what differs from the regular timetable, grouped by date and class, one row per changed
lesson: what stood there («было») and what stands there now («стало»), the format and the link.
Printable: A4 landscape, fit to width, the title and header rows repeated on every page.
With a previous version, a second sheet lists what changed since that version.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain.model import DAY_NAMES_RU_LONG
from planner.domain.schedule import FORMAT_RU, ScheduleItem
from planner.engine.changes import ChangeSet, LessonChange, span

from .xlsx import CellStyle, append, append_merged, save

COLUMNS: tuple[tuple[str, int], ...] = (
    ("Урок №", 7),
    ("Было: время", 12),
    ("Было: предмет", 22),
    ("Было: учитель", 18),
    ("Стало: время", 12),
    ("Стало: предмет", 22),
    ("Стало: учитель", 18),
    ("Формат", 15),
    ("Изменение", 12),
    ("Что изменилось", 44),
    ("Ссылка на онлайн-урок", 32),
)
HEADER_ROW = 3  # row 1 title, row 2 subtitle, row 3 column headers
_BOLD = Font(bold=True)
_DATE_FILL = PatternFill("solid", fgColor="D9E1F2")
_CLASS_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE = CellStyle(font=Font(bold=True, size=14))
_HEADER = CellStyle(font=_BOLD, border=_BORDER, alignment=_WRAP)
_DATE = CellStyle(font=_BOLD, fill=_DATE_FILL)
_CLASS = CellStyle(font=_BOLD, fill=_CLASS_FILL)
_CELL = CellStyle(border=_BORDER, alignment=_WRAP)


def date_heading(change: LessonChange) -> str:
    d = change.date
    return f"{d:%d.%m.%Y}, {DAY_NAMES_RU_LONG[d.isoweekday() - 1].lower()}"


def _lesson_no(item: ScheduleItem | None) -> int | None:
    if item is None:
        return None
    if item.base is not None:
        return item.base.lesson
    return item.lesson_no


def change_row(change: LessonChange) -> list[object]:
    """The cells of one changed lesson (without date and class: they head the group)."""
    b, a = change.before or change.replaces, change.after

    def subject(item: ScheduleItem | None) -> str:
        if item is None:
            return ""
        return f"{item.subject} ({item.group})" if item.group else item.subject or ""

    return [
        _lesson_no(b) or _lesson_no(a),
        (span(b) or "—") if b else "",
        subject(b),
        (b.teacher or "") if b else "",
        (span(a) or "без времени") if a else "—",
        subject(a) if a else "урок отменён",
        (a.teacher or "") if a else "",
        FORMAT_RU.get(a.format or "", "") if a else "",
        change.epos_change,
        "; ".join(change.details()),
        (a.call_url or "") if a and a.format == "online" else "",
    ]


def _sheet(ws: Worksheet, title: str, subtitle: str, changes: ChangeSet) -> None:
    width = len(COLUMNS)
    append_merged(ws, title, width, _TITLE)
    append_merged(ws, subtitle, width)
    append(ws, [name for name, _ in COLUMNS], _HEADER)
    for i, (_, column_width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column_width
    if not changes:
        append_merged(ws, "Изменений нет.", width)
    for per_class in changes.grouped().values():
        first = next(iter(per_class.values()))[0]
        append_merged(ws, date_heading(first), width, _DATE)
        for class_name, items in per_class.items():
            append_merged(ws, f"Класс {class_name}", width, _CLASS)
            for change in items:
                append(ws, change_row(change), _CELL)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Стр. &P из &N"


def write_changes_xlsx(
    path: Path,
    against_base: ChangeSet,
    *,
    school: str,
    period: str,
    since_previous: ChangeSet | None = None,
    previous_number: int | None = None,
) -> Path:
    """Write the «лист замен» (and the changes since the previous version, when given)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Лист замен"
    _sheet(
        ws,
        f"Лист замен — {school}",
        f"Дистанционное обучение {period}. Только отличия от обычного расписания.",
        against_base,
    )
    if since_previous is not None:
        ws2 = wb.create_sheet(
            f"С версии {previous_number}" if previous_number else "С прошлой версии"
        )
        _sheet(
            ws2,
            f"Изменения с версии {previous_number or '—'} — {school}",
            f"Дистанционное обучение {period}. Что изменилось с прошлой опубликованной версии.",
            since_previous,
        )
    wb.properties.title = f"Лист замен — {school}"
    wb.properties.creator = "remote-planner"
    return save(wb, path)
