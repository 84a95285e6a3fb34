"""The flat CSV/XLSX timetable: reading good files, exact errors on bad ones, round trips."""

from __future__ import annotations

import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from planner.domain.errors import InputError
from planner.domain.model import Bell, BellSchedule, School, SchoolClass, SourceRef, Timetable
from planner.exports.flat import bell_rows, flat_csv_bytes, write_flat
from planner.imports import _tables, load_timetable
from planner.imports.flat import read_flat
from tests.paths import DATA
from tests.planner.factories import lesson, t

FILES = DATA / "flat"
TEMPLATES = Path(__file__).parents[3] / "data" / "templates"

HEADER_RU = "день;урок;начало;конец;класс;группа;предмет;учитель;кабинет"


def write(tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def csv_ru(*rows: str) -> str:
    return "\n".join((HEADER_RU, *rows)) + "\n"


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[object, ...]]:
    return [(p.file, p.row, p.column, p.message) for p in exc.value.problems]


def read_error(path: Path) -> list[tuple[object, ...]]:
    with pytest.raises(InputError) as exc:
        read_flat(path, strict=True)
    return problems(exc)


def bells(*items: tuple[int, str, str]) -> tuple[Bell, ...]:
    return tuple(Bell(n, t(a), t(b)) for n, a, b in items)


# --------------------------------------------------------------------------- good files

SCHOOL_RU_LESSONS = {
    lesson(1, 1, "08:30", "09:10", "5А", "Математика", "Иванова М.П.", room="21"),
    lesson(1, 2, "09:20", "10:00", "5А", "Английский язык", "Смирнова О.И.", "англ-1", "14"),
    lesson(1, 2, "09:20", "10:00", "5А", "Английский язык", "Кузнецов А.С.", "англ-2", "15"),
    lesson(1, 1, "08:30", "09:10", "5Б", "Русский язык", "Петрова А.А.", room="22"),
    lesson(1, 3, "10:20", "11:00", "5А, 5Б", "Хор", "Козлова Е.В.", room="Актовый зал"),
    lesson(2, 1, "08:30", "09:10", "5Б", "Математика", "Иванова М.П.", room="21"),
}


def test_read_flat_russian_headers_semicolon() -> None:
    tt = read_flat(FILES / "school-ru.csv")

    assert set(tt.lessons) == SCHOOL_RU_LESSONS
    assert tt.school == School(name="school-ru", days_per_week=5)
    assert dict(tt.classes) == {
        "5А": SchoolClass("5А", 5, 1, "1 смена", ("англ-1", "англ-2")),
        "5Б": SchoolClass("5Б", 5, 1, "1 смена", ()),
    }
    assert dict(tt.bell_schedules) == {
        "1 смена": BellSchedule(
            "1 смена",
            bells((1, "08:30", "09:10"), (2, "09:20", "10:00"), (3, "10:20", "11:00")),
        )
    }
    assert [x.source for x in tt.lessons] == [
        SourceRef("school-ru.csv", row) for row in (2, 3, 4, 5, 7, 8)
    ]
    assert tt.teachers == (
        "Иванова М.П.",
        "Козлова Е.В.",
        "Кузнецов А.С.",
        "Петрова А.А.",
        "Смирнова О.И.",
    )
    assert tt.source == str(FILES / "school-ru.csv")


def test_read_flat_cp1251_reads_like_utf8() -> None:
    tt = read_flat(FILES / "school-cp1251.csv", school_name="Школа № 7")

    assert set(tt.lessons) == SCHOOL_RU_LESSONS
    assert tt.school.name == "Школа № 7"


def test_read_flat_utf8_with_bom(tmp_path: Path) -> None:
    path = write(
        tmp_path, csv_ru("Пн;1;08:30;09:10;5А;;Математика;Иванова;21"), encoding="utf-8-sig"
    )

    tt = read_flat(path)

    assert tt.lessons == (lesson(1, 1, "08:30", "09:10", "5А", "Математика", "Иванова", room="21"),)


def test_read_flat_english_headers_comma_any_case_and_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Subject,CLASS,Day,Lesson,Start,End,Teacher,Notes\n"
        "Algebra,7A,Mon,1,8:00,8:45,Smith,first\n"
        'Physics,7A,Tuesday,2,08:55,09:40,"Brown, Green",\n',
    )

    tt = read_flat(path)

    assert set(tt.lessons) == {
        lesson(1, 1, "08:00", "08:45", "7A", "Algebra", "Smith"),
        lesson(2, 2, "08:55", "09:40", "7A", "Physics", "Brown, Green"),
    }
    assert tt.classes["7A"].grade == 7


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("Пн", 1),
        ("пн", 1),
        ("ПН", 1),
        ("пн.", 1),
        ("понедельник", 1),
        ("Понедельник", 1),
        ("1", 1),
        ("Mon", 1),
        ("Monday", 1),
        ("Ср", 3),
        ("четверг", 4),
        ("5", 5),
        ("Fri", 5),
        ("Сб", 6),
        ("saturday", 6),
    ],
)
def test_read_flat_day_spellings(tmp_path: Path, cell: str, day: int) -> None:
    path = write(tmp_path, csv_ru(f"{cell};1;08:30;09:10;5А;;Математика;Иванова;"))

    assert read_flat(path).lessons[0].day == day


def test_read_flat_saturday_makes_a_six_day_week(tmp_path: Path) -> None:
    five = write(tmp_path, csv_ru("Пт;1;08:30;09:10;5А;;Математика;Иванова;"), "five.csv")
    six = write(tmp_path, csv_ru("Сб;1;08:30;09:10;5А;;Математика;Иванова;"), "six.csv")

    assert read_flat(five).school.days_per_week == 5
    assert read_flat(six).school.days_per_week == 6


def test_read_flat_combined_lesson_is_one_lesson_not_a_clash(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;7Б, 7А;;Физкультура;Орлов, Лебедева;Спортзал",
            "Пн;2;09:20;10:00;7А;;Алгебра;Иванова;21",
            "Пн;2;09:20;10:00;7Б;;Химия;Серов;30",
        ),
    )

    tt = read_flat(path)

    # The classes keep the order written, so a file converted from aSc or FET reads back equal.
    assert tt.lessons[0] == lesson(
        1, 1, "08:30", "09:10", "7Б, 7А", "Физкультура", "Орлов, Лебедева", room="Спортзал"
    )
    assert len(tt.lessons) == 3
    assert sorted(tt.classes) == ["7А", "7Б"]


def test_read_flat_parallel_subgroups_and_whole_class_group_words(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;8А;инф-1;Информатика;Зайцев;41",
            "Пн;1;08:30;09:10;8А;инф-2;Технология;Волков;42",
            "Пн;2;09:20;10:00;8А;весь класс;Алгебра;Иванова;21",
            "Пн;3;10:20;11:00;8А;;Геометрия;Иванова;21",
        ),
    )

    tt = read_flat(path)

    assert [x.group for x in tt.lessons] == ["инф-1", "инф-2", None, None]
    assert tt.classes["8А"].subgroups == ("инф-1", "инф-2")


def test_read_flat_times_from_other_rows_of_the_same_class(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;5А;;Математика;Иванова;",
            "Пн;2;09:20;10:00;5А;;Чтение;Петрова;",
            "Вт;2;;;5А;;Математика;Иванова;",
            "Ср;1;;;5А;;Русский язык;Петрова;",
        ),
    )

    tt = read_flat(path)

    assert [(x.start, x.end) for x in tt.lessons] == [
        (t("08:30"), t("09:10")),
        (t("09:20"), t("10:00")),
        (t("09:20"), t("10:00")),
        (t("08:30"), t("09:10")),
    ]


def test_read_flat_times_from_the_shift_when_the_class_has_none(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;5А;;Математика;Иванова;",
            "Пн;1;;;5Б;;Русский язык;Петрова;",
        ),
    )

    assert read_flat(path).lessons[1].start == t("08:30")


def test_read_flat_csv_with_companion_bells_csv() -> None:
    tt = read_flat(FILES / "with-bells" / "timetable.csv")

    assert set(tt.lessons) == {
        lesson(1, 1, "08:00", "08:40", "7А", "Алгебра", "Орлова Н.В.", room="31"),
        lesson(1, 2, "08:50", "09:30", "7А", "Физика", "Белов И.И., Серов П.П.", room="32"),
        lesson(2, 1, "08:00", "08:40", "7Б", "Алгебра", "Орлова Н.В.", room="31"),
    }
    assert dict(tt.bell_schedules) == {
        "1 смена": BellSchedule(
            "1 смена",
            bells((1, "08:00", "08:40"), (2, "08:50", "09:30"), (3, "09:50", "10:30")),
        )
    }


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    for i, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_read_flat_xlsx_with_bells_sheet_and_shifts(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "school.xlsx",
        {
            "Звонки": [
                ["Смена", "Урок", "Начало", "Конец", "Классы"],
                [1, 1, "08:00", "08:40", None],
                [1, 2, "08:50", "09:30", None],
                [2, 1, "13:00", "13:40", None],
                [1, 1, "08:00", "08:35", "1А"],
            ],
            "Расписание": [
                ["День", "Урок", "Класс", "Предмет", "Учитель", "Смена"],
                ["Пн", 1, "5А", "Математика", "Иванова", 1],
                ["Пн", 2, "5А", "Русский язык", "Петрова", None],
                ["Пн", 1, "6А", "История", "Серов", 2],
                ["Пн", 1, "1А", "Чтение", "Лебедева", None],
            ],
        },
    )

    tt = read_flat(path)

    assert set(tt.lessons) == {
        lesson(1, 1, "08:00", "08:40", "5А", "Математика", "Иванова"),
        lesson(1, 2, "08:50", "09:30", "5А", "Русский язык", "Петрова"),
        lesson(1, 1, "13:00", "13:40", "6А", "История", "Серов"),
        lesson(1, 1, "08:00", "08:35", "1А", "Чтение", "Лебедева"),
    }
    assert tt.lessons[0].source == SourceRef("school.xlsx", 2, "Расписание")
    assert {c.name: (c.shift, c.bell_schedule) for c in tt.classes.values()} == {
        "1А": (1, "1 смена (1А)"),
        "5А": (1, "1 смена"),
        "6А": (2, "2 смена"),
    }
    assert dict(tt.bell_schedules) == {
        "1 смена": BellSchedule("1 смена", bells((1, "08:00", "08:40"), (2, "08:50", "09:30"))),
        "2 смена": BellSchedule("2 смена", bells((1, "13:00", "13:40"))),
        "1 смена (1А)": BellSchedule("1 смена (1А)", bells((1, "08:00", "08:35"))),
    }


def test_read_flat_xlsx_native_cell_types(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "types.xlsx",
        {
            "Лист1": [
                ["день", "урок", "начало", "конец", "класс", "предмет", "учитель", "кабинет"],
                [1, 1.0, time(8, 30), time(9, 10), 5, "Математика", "Иванова", 21],
                ["Вт", 2, 0.3888888888888889, 0.4166666666666667, "5", "Чтение", None, 21.0],
                [
                    "Ср",
                    3,
                    timedelta(hours=10, minutes=20),
                    timedelta(hours=11),
                    "5",
                    "Труд",
                    "",
                    "",
                ],
            ]
        },
    )

    tt = read_flat(path)

    assert tt.lessons == (
        lesson(1, 1, "08:30", "09:10", "5", "Математика", "Иванова", room="21"),
        lesson(2, 2, "09:20", "10:00", "5", "Чтение", room="21"),
        lesson(3, 3, "10:20", "11:00", "5", "Труд"),
    )
    assert tt.lessons[0].source == SourceRef("types.xlsx", 2, "Лист1")


def test_read_flat_epos_export_keeps_the_first_week(tmp_path: Path) -> None:
    tt = read_flat(FILES / "epos.csv")

    assert set(tt.lessons) == {
        lesson(1, 1, "08:30", "09:10", "7А", "Алгебра", "Орлова Н.В.", room="31"),
        lesson(1, 2, "09:20", "09:50", "7А", "Английский язык", "Смирнова О.И.", "7А-англ-1"),
        lesson(2, 1, "08:30", "09:10", "7А", "История", "Серов П.П.", room="33"),
        lesson(6, 1, "08:30", "09:10", "7А", "Литература", "Петрова А.А.", room="22"),
    }
    assert tt.school.days_per_week == 6


def test_read_flat_epos_xlsx_with_russian_headers(tmp_path: Path) -> None:
    header = ["Дата", "Урок №", "Начало", "Конец", "Класс", "Группа", "Предмет", "Учитель"]
    slot = ["2026-02-09", "1", "08:30", "09:10", "7А"]
    path = _workbook(
        tmp_path / "epos.xlsx",
        {
            "Уроки": [
                [*header, "Кабинет", "Формат", "Изменение", "Было"],
                [*slot, "весь класс", "Алгебра", "Орлова", "онлайн", "онлайн", "без изменений", ""],
                [*slot, "весь класс", "Физика", "Белов", "32", "очно", "отмена", ""],
            ]
        },
    )

    tt = read_flat(path)

    assert tt.lessons == (lesson(1, 1, "08:30", "09:10", "7А", "Алгебра", "Орлова"),)
    assert tt.lessons[0].source == SourceRef("epos.xlsx", 2, "Уроки")


def test_read_flat_ignores_blank_rows_but_counts_them(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\n" + csv_ru("", "Пн;1;08:30;09:10;5А;;Математика;Иванова;", ";;;;;;;;"),
    )

    tt = read_flat(path)

    assert [x.source for x in tt.lessons] == [SourceRef("t.csv", 4)]


def test_read_flat_excel_sep_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "sep=,\n" + csv_ru("Пн;1;08:30;09:10;5А;;Математика;Иванова;21").replace(";", ",")
    )

    tt = read_flat(path)

    assert tt.lessons == (lesson(1, 1, "08:30", "09:10", "5А", "Математика", "Иванова", room="21"),)
    assert tt.lessons[0].source == SourceRef("t.csv", 3)


def test_read_flat_time_range_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "День;Урок;Время;Класс;Предмет;Учитель\n"
        "Пн;1;08:30-09:10;5А;Математика;Иванова\n"
        "Пн;2;9.20 – 10.00;5А;Чтение;Петрова\n",
    )

    assert read_flat(path).lessons == (
        lesson(1, 1, "08:30", "09:10", "5А", "Математика", "Иванова"),
        lesson(1, 2, "09:20", "10:00", "5А", "Чтение", "Петрова"),
    )


def test_error_bad_time_range(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "День;Урок;Время;Класс;Предмет;Учитель\n"
        "Пн;1;08:30;5А;Математика;Иванова\n"
        "Пн;2;10:00-09:20;5А;Чтение;Петрова\n",
    )

    assert read_error(path) == [
        (
            "t.csv",
            2,
            "Время",
            "«08:30» — неверное время урока; пишите начало и конец через дефис, "
            "например 08:30-09:10",
        ),
        ("t.csv", 3, "Время", "конец урока (09:20) не позже начала (10:00); проверьте время."),
    ]


def test_read_flat_one_spelling_per_class_teacher_subject_and_group(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;7А;англ-1;Английский язык;Иванова М.П.;",
            "Пн;2;09:20;10:00;7а;Англ-1;английский язык;Иванова М. П.;",
            "Пн;3;10:20;11:00;7 А, 7-а;;Алгебра;Петрова;",
        ),
    )

    tt = read_flat(path)

    assert list(tt.classes) == ["7А"]
    assert tt.teachers == ("Иванова М.П.", "Петрова")
    assert tt.subjects == ("Алгебра", "Английский язык")
    assert [x.group for x in tt.lessons] == ["англ-1", "англ-1", None]
    assert tt.lessons[2].classes == ("7А",)


def test_read_flat_xlsx_merged_day_cells(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "merged.xlsx",
        {
            "Расписание": [
                ["день", "урок", "начало", "конец", "класс", "предмет", "учитель"],
                ["Пн", 1, "08:30", "09:10", "5А", "Математика", "Иванова"],
                [None, 2, "09:20", "10:00", "5А", "Чтение", "Петрова"],
                ["Вт", 1, "08:30", "09:10", "5А", "Музыка", "Козлова"],
            ]
        },
    )
    wb = load_workbook(path)
    wb["Расписание"].merge_cells("A2:A3")
    wb.save(path)

    assert [x.day for x in read_flat(path).lessons] == [1, 1, 2]


def test_error_xlsx_that_unpacks_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_tables, "MAX_UNPACKED_BYTES", 1000)
    path = write_flat_xlsx(tmp_path)

    assert read_error(path) == [
        (
            "out.xlsx",
            None,
            None,
            "книга Excel распаковывается больше чем в 0 МБ; это не похоже на расписание школы.",
        )
    ]


def write_flat_xlsx(tmp_path: Path) -> Path:
    out = tmp_path / "out.xlsx"
    write_flat(read_flat(FILES / "school-ru.csv"), out)
    return out


def test_read_flat_title_line_above_the_header(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Расписание уроков МАОУ СОШ № 7;;;\n;;;\n" + csv_ru("Пн;1;08:30;09:10;5А;;Чтение;Петрова;"),
    )

    tt = read_flat(path)

    assert tt.lessons == (lesson(1, 1, "08:30", "09:10", "5А", "Чтение", "Петрова"),)
    assert tt.lessons[0].source == SourceRef("t.csv", 4)


def test_read_flat_xlsx_date_in_day_column(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "d.xlsx",
        {
            "Расписание": [
                ["день", "урок", "начало", "конец", "класс", "предмет", "учитель"],
                [datetime(2026, 2, 10), 1, "08:30", "09:10", "5А", "Чтение", "Петрова"],
            ]
        },
    )

    assert read_flat(path).lessons[0].day == 2


def test_round_trip_xlsx_keeps_text_that_looks_like_a_formula(tmp_path: Path) -> None:
    path = write(tmp_path, csv_ru("Пн;1;08:30;09:10;5А;;=1+1;Петрова;"))
    out = tmp_path / "out.xlsx"

    write_flat(read_flat(path), out)

    assert load_workbook(out)["Расписание"]["G2"].value == "=1+1"
    assert read_flat(out).lessons[0].subject == "=1+1"


def test_load_timetable_dispatches_csv_and_xlsx_to_read_flat(tmp_path: Path) -> None:
    tt = load_timetable(FILES / "school-ru.csv", school_name="Школа")

    assert set(tt.lessons) == SCHOOL_RU_LESSONS
    assert tt.school.name == "Школа"


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16"), ("koi8-r", "KOI8-R"), ("mac-cyrillic", "MacCyrillic")],
)
def test_other_cyrillic_encodings_read_with_a_finding(
    tmp_path: Path, encoding: str, name: str
) -> None:
    text = csv_ru(
        "Пн;1;08:30;09:10;5А;;Математика;Иванова М.П.;",
        "Пн;2;09:20;10:00;5А;;Русский язык;Петрова А.А.;",
        "Вт;1;08:30;09:10;5Б;;Литературное чтение;Смирнова О.И.;",
    )
    path = write(tmp_path, text, encoding=encoding)
    same = write(tmp_path, text, name="utf8.csv")

    timetable = read_flat(path)

    assert set(timetable.lessons) == set(read_flat(same).lessons)
    [finding] = timetable.findings
    assert (finding.kind, finding.file, finding.row) == ("encoding", "t.csv", None)
    assert finding.seen == (
        f"файл в кодировке {name}, а не в UTF-8 или Windows-1251; сохраните его как «CSV UTF-8»"
    )
    assert read_error(path) == [("t.csv", None, None, finding.seen)]


def test_error_garbage_that_is_neither_utf8_nor_cp1251(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\x80\x81\x83\x84\x85;\x86\x87\x88\x89\x8a\n\x8b\x8c\x8d;\x8e\x8f\n")

    assert read_error(path) == [
        (
            "t.csv",
            None,
            None,
            "не удалось прочитать текст: файл не в кодировке UTF-8 и не в Windows-1251 (и не в "
            "KOI8-R, MacCyrillic, CP866, UTF-16) или это не текст; сохраните его как «CSV UTF-8».",
        )
    ]


def test_error_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(bytes(range(256)) * 4)

    with pytest.raises(InputError) as exc:
        read_flat(path)

    assert "не удалось прочитать текст" in exc.value.problems[0].message


def test_error_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")

    assert read_error(path) == [
        ("t.csv", None, None, "файл пуст; в первой строке должны быть заголовки столбцов.")
    ]


def test_error_header_only(tmp_path: Path) -> None:
    path = write(tmp_path, csv_ru())

    assert read_error(path) == [
        (
            "t.csv",
            None,
            None,
            "в файле нет ни одного урока; под строкой заголовков впишите уроки, "
            "по одному в строке.",
        )
    ]


def test_error_missing_mandatory_columns_names_each_and_lists_accepted_headers(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "день;урок;класс;учитель;заметки\nПн;1;5А;Иванова;\n")

    assert read_error(path) == [
        (
            "t.csv",
            1,
            None,
            "нет обязательного столбца «предмет»; допустимые заголовки: предмет, subject.",
        )
    ]


def test_error_duplicate_column(tmp_path: Path) -> None:
    path = write(tmp_path, "день;day;урок;класс;предмет;учитель\nПн;Mon;1;5А;Чтение;Иванова\n")

    assert read_error(path) == [
        (
            "t.csv",
            1,
            "day",
            "столбец «день» встречается дважды («день» и «day»); оставьте один.",
        ),
        (
            "t.csv",
            2,
            "начало",
            "не указано время урока 1, и звонки 1-й смены для него неизвестны; впишите начало и "
            "конец или добавьте лист «Звонки» (файл bells.csv) со столбцами смена, урок, начало, "
            "конец.",
        ),
    ]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            "Пнд;1;08:30;09:10;5А;;Математика;Иванова;",
            "день",
            "«Пнд» — неизвестный день недели; пишите Пн…Сб или 1…6",
        ),
        (
            "Вс;1;08:30;09:10;5А;;Математика;Иванова;",
            "день",
            "«Вс» — воскресенье не учебный день; пишите Пн…Сб или 1…6",
        ),
        (
            "8;1;08:30;09:10;5А;;Математика;Иванова;",
            "день",
            "«8» — неизвестный день недели; пишите Пн…Сб или 1…6",
        ),
        (
            ";1;08:30;09:10;5А;;Математика;Иванова;",
            "день",
            "не указан день недели; пишите Пн…Сб или 1…6",
        ),
        (
            "Пн;0;08:30;09:10;5А;;Математика;Иванова;",
            "урок",
            "«0» — номер урока должен быть целым положительным числом (1, 2, 3…)",
        ),
        (
            "Пн;2.5;08:30;09:10;5А;;Математика;Иванова;",
            "урок",
            "«2.5» — номер урока должен быть целым положительным числом (1, 2, 3…)",
        ),
        (
            "Пн;первый;08:30;09:10;5А;;Математика;Иванова;",
            "урок",
            "«первый» — номер урока должен быть целым положительным числом (1, 2, 3…)",
        ),
        (
            "Пн;;08:30;09:10;5А;;Математика;Иванова;",
            "урок",
            "не указан номер урока; впишите 1, 2, 3…",
        ),
        (
            "Пн;1;25:00;09:10;5А;;Математика;Иванова;",
            "начало",
            "«25:00» — неверное время; пишите ЧЧ:ММ, например 08:30",
        ),
        (
            "Пн;1;08:30;9-10;5А;;Математика;Иванова;",
            "конец",
            "«9-10» — неверное время; пишите ЧЧ:ММ, например 08:30",
        ),
        (
            "Пн;1;09:10;08:30;5А;;Математика;Иванова;",
            "конец",
            "конец урока (08:30) не позже начала (09:10); проверьте время.",
        ),
        (
            "Пн;1;08:30;08:30;5А;;Математика;Иванова;",
            "конец",
            "конец урока (08:30) не позже начала (08:30); проверьте время.",
        ),
        (
            "Пн;1;08:30;;5А;;Математика;Иванова;",
            "конец",
            "указано только начало урока; впишите и конец (или оставьте оба пустыми, "
            "чтобы взять время из звонков).",
        ),
        (
            "Пн;1;;09:10;5А;;Математика;Иванова;",
            "начало",
            "указан только конец урока; впишите и начало (или оставьте оба пустыми, "
            "чтобы взять время из звонков).",
        ),
        (
            "Пн;1;;;5А;;Математика;Иванова;",
            "начало",
            "не указано время урока 1, и звонки 1-й смены для него неизвестны; "
            "впишите начало и конец или добавьте лист «Звонки» (файл bells.csv) "
            "со столбцами смена, урок, начало, конец.",
        ),
        (
            "Пн;1;08:30;09:10; , ;;Математика;Иванова;",
            "класс",
            "не указан класс; впишите класс, например 7А "
            "(для сборной группы — классы через запятую: 7А, 7Б)",
        ),
        (
            "Пн;1;08:30;09:10;5А;;  ;Иванова;",
            "предмет",
            "не указан предмет; впишите название предмета",
        ),
    ],
)
def test_error_bad_cell(tmp_path: Path, cells: str, column: str, message: str) -> None:
    path = write(tmp_path, csv_ru("Пн;2;09:20;10:00;5А;;Чтение;Петрова;", cells))

    assert read_error(path) == [("t.csv", 3, column, message)]


def test_error_column_is_named_as_written_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "Day,Lesson,Class,Subject,Teacher\nПнд,1,5А,Reading,Smith\n")

    assert read_error(path) == [
        ("t.csv", 2, "Day", "«Пнд» — неизвестный день недели; пишите Пн…Сб или 1…6")
    ]


def test_error_every_row_problem_is_reported_at_once_in_row_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пнд;1;08:30;09:10;5А;;Математика;Иванова;",
            "Пн;x;8:3;09:10;;;Математика;Иванова;",
            "Пн;1;08:30;09:10;5Б;;Чтение;Петрова;",
        ),
    )

    assert read_error(path) == [
        ("t.csv", 2, "день", "«Пнд» — неизвестный день недели; пишите Пн…Сб или 1…6"),
        (
            "t.csv",
            3,
            "урок",
            "«x» — номер урока должен быть целым положительным числом (1, 2, 3…)",
        ),
        ("t.csv", 3, "начало", "«8:3» — неверное время; пишите ЧЧ:ММ, например 08:30"),
        (
            "t.csv",
            3,
            "класс",
            "не указан класс; впишите класс, например 7А "
            "(для сборной группы — классы через запятую: 7А, 7Б)",
        ),
    ]


def test_error_list_is_capped_at_50_with_a_count_of_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, csv_ru(*[f"Пнд;{n};;;5А;;Чтение;Петрова;" for n in range(1, 62)]))

    errors = read_error(path)

    assert len(errors) == 51
    assert errors[49] == (
        "t.csv",
        51,
        "день",
        "«Пнд» — неизвестный день недели; пишите Пн…Сб или 1…6",
    )
    assert errors[50] == ("t.csv", None, None, "и ещё 11 ошибок")


def test_error_identical_duplicate_rows_name_both_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;5А;;Математика;Иванова;21",
            "Пн;2;09:20;10:00;5А;;Чтение;Петрова;",
            "пн;1;8:30;9:10;5А;;Математика;Иванова;21",
        ),
    )

    assert read_error(path) == [
        (
            "t.csv",
            4,
            None,
            "строка повторяет строку 2 (Пн, урок 1, 5А, «Математика»); удалите одну из них.",
        )
    ]


def test_error_teacher_in_two_places_names_both_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;5А;;Математика;Иванова;21",
            "Пн;1;08:30;09:10;6А;;Алгебра;Иванова;22",
        ),
    )

    assert read_error(path) == [
        (
            "t.csv",
            2,
            None,
            "Учитель Иванова в одно время на двух уроках: «Математика» (t.csv, строка 2, "
            "08:30–09:10) и «Алгебра» (t.csv, строка 3, 08:30–09:10). Исправьте расписание "
            "или объедините уроки в один (классы через запятую).",
        )
    ]


def test_team_taught_lesson_and_joined_session_are_not_teacher_clashes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;5А;;Математика;Иванова;21",
            "Пн;1;08:30;09:10;6А;;Проект;Иванова, Петрова;22",
            "Пн;2;09:20;10:00;5А;;Математика;Иванова;21",
            "Пн;2;09:30;10:00;6А;;Математика;Иванова;21",
        ),
    )

    assert len(read_flat(path).lessons) == 4


def test_error_whole_class_and_subgroup_at_once_is_a_class_clash(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        csv_ru(
            "Пн;1;08:30;09:10;5А;;Математика;Иванова;21",
            "Пн;1;08:40;09:20;5А;англ-1;Английский язык;Смирнова;14",
        ),
    )

    assert read_error(path) == [
        (
            "t.csv",
            2,
            None,
            "Класс 5А в одно время на двух уроках: «Математика» (t.csv, строка 2, "
            "08:30–09:10) и «Английский язык» (t.csv, строка 3, 08:40–09:20). Исправьте "
            "расписание или объедините уроки в один (классы через запятую).",
        )
    ]


def test_error_class_in_two_shifts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER_RU + ";смена\n"
        "Пн;1;08:30;09:10;5А;;Математика;Иванова;;1\n"
        "Пн;1;13:30;14:10;5А;;Чтение;Петрова;;2\n"
        "Пн;2;13:30;14:10;6А;;Чтение;Петрова;;3\n",
    )

    assert read_error(path) == [
        (
            "t.csv",
            3,
            "смена",
            "класс 5А указан в 1-й смене в строке 2, а здесь — во 2-й; у класса одна смена.",
        ),
        ("t.csv", 4, "смена", "«3» — неизвестная смена; пишите 1 или 2"),
    ]


def test_error_sunday_date_in_epos_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "date,lesson_no,start,end,class,subject,teacher\n"
        "2026-02-08,1,08:30,09:10,7А,Алгебра,Орлова\n"
        "2026-02-31,1,08:30,09:10,7А,Алгебра,Орлова\n",
    )

    assert read_error(path) == [
        (
            "t.csv",
            2,
            "date",
            "2026-02-08 — воскресенье; уроков в воскресенье не бывает, проверьте дату.",
        ),
        ("t.csv", 3, "date", "«2026-02-31» — неверная дата; пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ"),
    ]


def test_error_in_companion_bells_csv_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "смена;урок;начало;конец\n1;1;08:00;08:40\n1;1;08:05;08:45\n", "bells.csv")
    path = write(tmp_path, csv_ru("Пн;1;;;5А;;Математика;Иванова;"))

    assert read_error(path) == [
        (
            "bells.csv",
            3,
            "урок",
            "урок 1 1-й смены уже задан в строке 2 с другим временем; оставьте одну строку.",
        )
    ]


def test_error_in_bells_sheet_names_the_sheet(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "b.xlsx",
        {
            "Расписание": [
                ["день", "урок", "класс", "предмет", "учитель"],
                ["Пн", 1, "5А", "X", ""],
            ],
            "Звонки": [["урок", "начало", "конец"], [1, "08:40", "08:00"]],
        },
    )

    with pytest.raises(InputError) as exc:
        read_flat(path, strict=True)

    assert [(p.file, p.element, p.row, p.column) for p in exc.value.problems] == [
        ("b.xlsx", "Звонки", 2, "конец"),
        ("b.xlsx", "Расписание", 2, "начало"),
    ]
    assert exc.value.problems[0].message == (
        "конец урока (08:00) не позже начала (08:40); проверьте время."
    )


def test_error_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = write(tmp_path, csv_ru("Пн;1;08:30;09:10;5А;;Математика;Иванова;"), "t.xlsx")

    assert read_error(path) == [
        (
            "t.xlsx",
            None,
            None,
            "файл не является книгой Excel .xlsx (это не ZIP-архив); откройте его в Excel или "
            "LibreOffice и сохраните как «Книга Excel (.xlsx)».",
        )
    ]


def test_error_old_xls_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    assert read_error(path) == [
        (
            "old.xlsx",
            None,
            None,
            "это книга старого формата Excel 97–2003 (.xls); сохраните её как .xlsx "
            "(«Файл → Сохранить как → Книга Excel»).",
        )
    ]


def test_error_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "привет")

    assert read_error(path) == [
        (
            "z.xlsx",
            None,
            None,
            "книга Excel повреждена или не в формате .xlsx; сохраните её заново как "
            "«Книга Excel (.xlsx)».",  # no exception name reaches the user
        )
    ]


# --------------------------------------------------------------------------- writing, round trip


def test_write_flat_csv_exact_bytes(tmp_path: Path) -> None:
    tt = read_flat(FILES / "school-ru.csv")
    out = tmp_path / "out.csv"

    write_flat(tt, out)

    assert (
        out.read_bytes()
        == (
            "\ufeffдень,урок,начало,конец,класс,группа,предмет,учитель,кабинет\r\n"
            "Пн,1,08:30,09:10,5А,,Математика,Иванова М.П.,21\r\n"
            "Пн,1,08:30,09:10,5Б,,Русский язык,Петрова А.А.,22\r\n"
            "Пн,2,09:20,10:00,5А,англ-1,Английский язык,Смирнова О.И.,14\r\n"
            "Пн,2,09:20,10:00,5А,англ-2,Английский язык,Кузнецов А.С.,15\r\n"
            'Пн,3,10:20,11:00,"5А, 5Б",,Хор,Козлова Е.В.,Актовый зал\r\n'
            "Вт,1,08:30,09:10,5Б,,Математика,Иванова М.П.,21\r\n"
        ).encode()
    )


def test_write_flat_csv_is_byte_identical_for_the_same_input(tmp_path: Path) -> None:
    tt = read_flat(FILES / "school-ru.csv")
    shuffled = Timetable(school=tt.school, classes=tt.classes, lessons=tuple(reversed(tt.lessons)))

    assert flat_csv_bytes(tt) == flat_csv_bytes(shuffled)


@pytest.mark.parametrize(
    "source", ["school-ru.csv", "school-cp1251.csv", "with-bells/timetable.csv", "epos.csv"]
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_read_write_read(tmp_path: Path, source: str, suffix: str) -> None:
    tt = read_flat(FILES / source)
    out = tmp_path / f"out{suffix}"

    write_flat(tt, out)
    again = read_flat(out)

    assert set(again.lessons) == set(tt.lessons)
    assert len(again.lessons) == len(tt.lessons)
    assert dict(again.classes) == dict(tt.classes)
    assert again.school.days_per_week == tt.school.days_per_week


def test_round_trip_keeps_shifts_and_bands(tmp_path: Path) -> None:
    src = _workbook(
        tmp_path / "src.xlsx",
        {
            "Расписание": [
                ["день", "урок", "начало", "конец", "класс", "предмет", "учитель", "смена"],
                ["Пн", 1, "08:00", "08:40", "5А", "Математика", "Иванова", 1],
                ["Пн", 1, "08:00", "08:35", "1А", "Чтение", "Лебедева", 1],
                ["Пн", 1, "13:00", "13:40", "6А", "История", "Серов", 2],
            ]
        },
    )
    tt = read_flat(src)

    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        write_flat(tt, out)
        again = read_flat(out)
        assert set(again.lessons) == set(tt.lessons)
        assert dict(again.classes) == dict(tt.classes)
        assert dict(again.bell_schedules) == dict(tt.bell_schedules)


def test_write_flat_xlsx_layout(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"

    write_flat(read_flat(FILES / "school-ru.csv"), out)

    wb = load_workbook(out)
    assert wb.sheetnames == ["Расписание", "Звонки"]
    ws = wb["Расписание"]
    assert [c.value for c in ws[1]] == [
        "день", "урок", "начало", "конец", "класс", "группа", "предмет", "учитель", "кабинет"
    ]  # fmt: skip
    assert [c.value for c in ws[2]] == [
        "Пн", 1, "08:30", "09:10", "5А", None, "Математика", "Иванова М.П.", "21"
    ]  # fmt: skip
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["G"].width == 28
    assert ws.max_row == 7
    bells_ws = wb["Звонки"]
    assert [[c.value for c in row] for row in bells_ws.iter_rows()] == [
        ["смена", "урок", "начало", "конец", "классы"],
        [1, 1, "08:30", "09:10", None],
        [1, 2, "09:20", "10:00", None],
        [1, 3, "10:20", "11:00", None],
    ]
    assert bells_ws.freeze_panes == "A2"


def test_bell_rows_write_bands_with_their_classes() -> None:
    tt = Timetable(
        school=School("Ш"),
        classes={
            "1А": SchoolClass("1А", 1, 1, "Первоклассники"),
            "5А": SchoolClass("5А", 5, 1, "Основное"),
            "5Б": SchoolClass("5Б", 5, 1, "Основное"),
            "6А": SchoolClass("6А", 6, 2, "Вторая"),
        },
        lessons=(),
        bell_schedules={
            "Первоклассники": BellSchedule("Первоклассники", bells((1, "08:00", "08:35"))),
            "Основное": BellSchedule("Основное", bells((1, "08:00", "08:40"))),
            "Вторая": BellSchedule("Вторая", bells((1, "13:00", "13:40"))),
            "Лишнее": BellSchedule("Лишнее", bells((1, "07:00", "07:40"))),
        },
    )

    assert bell_rows(tt) == [
        ["смена", "урок", "начало", "конец", "классы"],
        ["1", "1", "08:00", "08:40", ""],
        ["1", "1", "08:00", "08:35", "1А"],
        ["2", "1", "13:00", "13:40", ""],
    ]


def test_write_flat_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        write_flat(read_flat(FILES / "school-ru.csv"), tmp_path / "out.txt")

    assert problems(exc) == [
        (
            str(tmp_path / "out.txt"),
            None,
            None,
            "не знаю, как записать «.txt»; укажите файл .csv или .xlsx.",
        )
    ]


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("name", ["timetable-template.csv", "timetable-template.xlsx"])
def test_templates_read_and_have_three_example_rows(name: str) -> None:
    tt = read_flat(TEMPLATES / name)

    assert len(tt.lessons) == 3


def test_csv_template_is_what_write_flat_writes() -> None:
    path = TEMPLATES / "timetable-template.csv"

    assert flat_csv_bytes(read_flat(path)) == path.read_bytes()
