"""No clash in real minutes. A teacher never has two overlapping lessons — online or in person,
across grade bands with different lesson lengths — and keeps the switch buffer between an
in-person and an online lesson; a class never has two overlapping lessons except disjoint
subgroups."""

from __future__ import annotations

from constraints.base import CheckView, ModelContext, Violation, fmt_date, fmt_min
from constraints.problem import merged_blocks
from planner.domain.schedule import FORMAT_RU, ScheduleItem

TEACHER_NORM = "организация расписания: один учитель — один урок в каждый момент"


def build_teacher_no_overlap(ctx: ModelContext) -> None:
    """A teacher's online lessons do not overlap each other or their widened in-person lessons."""
    m = ctx.model
    buf = ctx.limits.switch_buffer.value
    for (t, d), ids in ctx.problem.teacher_units.items():
        intervals = [ctx.vars[i].interval for i in ids]
        fixed = ctx.problem.teacher_fixed.get((t, d), [])
        if fixed:
            g = ctx.guard(
                f"teacher:{t}:{d.isoformat()}",
                f"очные уроки учителя {t} {fmt_date(d)} ("
                + ", ".join(f"{fmt_min(s)}–{fmt_min(e)}" for s, e, _x in fixed)
                + ")",
                f"найдите замену учителю {t} на часть очных уроков {fmt_date(d)}",
            )
            for k, (s, e) in enumerate(merged_blocks(fixed, buf)):
                if g:
                    intervals.append(
                        m.new_optional_fixed_size_interval_var(s, e - s, g[0], f"inp[{t},{d},{k}]")
                    )
                else:
                    intervals.append(m.new_fixed_size_interval_var(s, e - s, f"inp[{t},{d},{k}]"))
        if len(intervals) > 1:
            m.add_no_overlap(intervals)


def build_class_no_overlap(ctx: ModelContext) -> None:
    """The online lessons of one class-day never overlap (parallel subgroups share one unit)."""
    for ids in ctx.problem.class_days.values():
        if len(ids) > 1:
            ctx.model.add_no_overlap([ctx.vars[i].interval for i in ids])


def _desc(it: ScheduleItem) -> str:
    cls = ",".join(it.classes) if it.classes else it.class_name
    return (
        f"«{it.subject}» {cls} {fmt_min(it.start_min or 0)}–{fmt_min(it.end_min or 0)} "
        f"({FORMAT_RU.get(it.format or '', it.format)})"
    )


def _kept_from_source(view: CheckView, a: ScheduleItem, b: ScheduleItem) -> bool:
    """An overlap the imported file already had, kept as it was: two in-person lessons, or two
    lessons the rebuild kept together (one remote unit: the same start and end)."""
    together = a.format == b.format == "in_person" or (a.start, a.end) == (b.start, b.end)
    return together and view.clash_in_source(a, b)


def check_teacher_no_overlap(view: CheckView) -> list[Violation]:
    buf = view.limits.switch_buffer
    out: list[Violation] = []
    for (t, d), items in sorted(view.teacher_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                a_s, a_e, b_s, b_e = (
                    a.start_min or 0,
                    a.end_min or 0,
                    b.start_min or 0,
                    b.end_min or 0,
                )
                if a.format == "in_person" and b.format == "in_person":
                    continue  # both kept from the base timetable, checked on import
                if a_s < b_e and b_s < a_e:
                    out.append(
                        Violation(
                            "teacher_no_overlap",
                            f"{t}, {fmt_date(d)}: уроки {_desc(a)} и {_desc(b)} пересекаются",
                            TEACHER_NORM,
                            a.class_name,
                            d,
                            t,
                            in_source=_kept_from_source(view, a, b),
                        )
                    )
                elif (a.format == "in_person") != (b.format == "in_person"):
                    gap = b_s - a_e if b_s >= a_e else a_s - b_e
                    if gap < buf.value:
                        out.append(
                            Violation(
                                "teacher_no_overlap",
                                f"{t}, {fmt_date(d)}: между уроками {_desc(a)} и {_desc(b)} "
                                f"{gap} мин, а на переход между очным и онлайн-уроком нужно "
                                f"не меньше {buf.value} мин ({buf.citation})",
                                buf.citation,
                                a.class_name,
                                d,
                                t,
                            )
                        )
    return out


def check_class_no_overlap(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    for (c, d), items in sorted(view.by_class_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        lessons = [i for i in items if i.kind == "lesson" and i.start is not None]
        for i, a in enumerate(lessons):
            for b in lessons[i + 1 :]:
                if not (
                    (a.start_min or 0) < (b.end_min or 0) and (b.start_min or 0) < (a.end_min or 0)
                ):
                    continue
                if a.group and b.group and a.group != b.group:
                    continue  # disjoint subgroups may run in parallel
                out.append(
                    Violation(
                        "class_no_overlap",
                        f"{c}, {fmt_date(d)}: уроки {_desc(a)} и {_desc(b)} идут одновременно",
                        "организация расписания: у класса один урок в каждый момент",
                        c,
                        d,
                        in_source=_kept_from_source(view, a, b),
                    )
                )
    return out
