# Generated from templates/report.html by scripts/compile_report_template.py
STAMP = 'c41518cf8da16e41f3b5235617ded0897a9d1ec3bddfa047f9f8751b1efc8d08 jinja2 3.1.6'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_school = resolve('school')
    l_0_version = resolve('version')
    l_0_generated = resolve('generated')
    l_0_schedule = resolve('schedule')
    l_0_violations = resolve('violations')
    l_0_warnings = resolve('warnings')
    l_0_total_days = resolve('total_days')
    l_0_findings_total = resolve('findings_total')
    l_0_findings_notes = resolve('findings_notes')
    l_0_readiness = resolve('readiness')
    l_0_not_ready = resolve('not_ready')
    l_0_order = resolve('order')
    l_0_device = resolve('device')
    l_0_policy = resolve('policy')
    l_0_readiness_citation = resolve('readiness_citation')
    l_0_norm_set = resolve('norm_set')
    l_0_documents = resolve('documents')
    l_0_overrides = resolve('overrides')
    l_0_order_overrides = resolve('order_overrides')
    l_0_per_class = resolve('per_class')
    l_0_finding_groups = resolve('finding_groups')
    l_0_norms = resolve('norms')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['joinmin']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'joinmin' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_4 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_5 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_6 = environment.filters['rejectattr']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'rejectattr' found.")
    try:
        t_7 = environment.filters['ru_date']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'ru_date' found.")
    try:
        t_8 = environment.filters['ru_day']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'ru_day' found.")
    try:
        t_9 = environment.filters['rule_title']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'rule_title' found.")
    try:
        t_10 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n<title>Отчёт о соответствии нормам — '
    yield escape((undefined(name='school') if l_0_school is missing else l_0_school))
    yield '</title>\n<style>\n@page { size: A4; margin: 14mm 12mm 16mm 12mm; }\n* { box-sizing: border-box; }\nbody { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt;\n       color: #111; margin: 0 auto; max-width: 186mm; line-height: 1.35; }\nh1 { font-size: 16pt; margin: 0 0 4pt; }\nh2 { font-size: 13pt; margin: 16pt 0 6pt; border-bottom: 1px solid #999; padding-bottom: 2pt; }\nh3 { font-size: 11pt; margin: 10pt 0 4pt; }\ntable { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }\nth, td { border: 1px solid #aaa; padding: 2pt 4pt; vertical-align: top; text-align: left; }\nth { background: #eef1f6; }\nthead { display: table-header-group; }\ntr { page-break-inside: avoid; }\ntd.num, th.num { text-align: right; }\ntd.num { white-space: nowrap; }\n.muted { color: #555; }\n.ok { color: #1d6b2a; font-weight: bold; }\n.bad { color: #a4161a; font-weight: bold; }\n.low { background: #fff4d6; }\n.summary td:first-child { width: 38%; font-weight: bold; }\n.class-block { page-break-inside: avoid; }\n.rules td:nth-child(1) { width: 34%; }\n.rules { font-size: 9pt; }\n.days { font-size: 8.5pt; }\n.days th { font-weight: bold; font-size: 8pt; }\n.days td:nth-child(4) { padding: 1pt 2pt; }\nsvg text { font-family: inherit; font-size: 9px; }\n@media print { .noprint { display: none; } a { color: inherit; text-decoration: none; } }\n</style>\n</head>\n<body>\n<header>\n<h1>Отчёт о соответствии дистанционного расписания гигиеническим нормативам</h1>\n<p class="muted">'
    yield escape((undefined(name='school') if l_0_school is missing else l_0_school))
    if (undefined(name='version') if l_0_version is missing else l_0_version):
        pass
        yield ' · версия '
        yield escape((undefined(name='version') if l_0_version is missing else l_0_version))
    yield ' · сформирован '
    yield escape(context.call(environment.getattr((undefined(name='generated') if l_0_generated is missing else l_0_generated), 'strftime'), '%d.%m.%Y %H:%M'))
    yield ' ('
    yield escape(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'timezone'))
    yield ')</p>\n<p class="noprint muted" id="print-hint">Чтобы распечатать отчёт или сохранить его в PDF, нажмите Ctrl+P (на Mac — ⌘P).</p>\n</header>\n\n<h2>Итог</h2>\n<table class="summary">\n<tr><td>Нарушения норм</td><td id="violations-total">'
    if (undefined(name='violations') if l_0_violations is missing else l_0_violations):
        pass
        yield '<span class="bad">'
        yield escape(t_3((undefined(name='violations') if l_0_violations is missing else l_0_violations)))
        yield '</span>'
    else:
        pass
        yield '<span class="ok">нет</span>'
    yield '</td></tr>\n<tr><td>Предупреждения</td><td id="warnings-total">'
    yield escape(t_3((undefined(name='warnings') if l_0_warnings is missing else l_0_warnings)))
    yield '</td></tr>\n<tr><td>Классо-дней проверено</td><td id="days-total">'
    yield escape((undefined(name='total_days') if l_0_total_days is missing else l_0_total_days))
    yield '</td></tr>\n<tr><td>Замечания при импорте</td><td id="findings-total">'
    yield escape((undefined(name='findings_total') if l_0_findings_total is missing else l_0_findings_total))
    if (undefined(name='findings_notes') if l_0_findings_notes is missing else l_0_findings_notes):
        pass
        yield ' (и пояснений: '
        yield escape((undefined(name='findings_notes') if l_0_findings_notes is missing else l_0_findings_notes))
        yield ')'
    yield '</td></tr>\n'
    if (not t_10((undefined(name='readiness') if l_0_readiness is missing else l_0_readiness))):
        pass
        yield '<tr><td>Классы, не готовые к дистанционным урокам</td><td id="not-ready-total">'
        l_0_not_ready = t_4(context.eval_ctx, t_5(context, t_6(context, (undefined(name='readiness') if l_0_readiness is missing else l_0_readiness), 'ready'), attribute='class_name'))
        context.vars['not_ready'] = l_0_not_ready
        context.exported_vars.add('not_ready')
        if (undefined(name='not_ready') if l_0_not_ready is missing else l_0_not_ready):
            pass
            yield '<span class="bad">'
            yield escape(t_3((undefined(name='not_ready') if l_0_not_ready is missing else l_0_not_ready)))
            yield '</span> ('
            yield escape(t_1(context.eval_ctx, (undefined(name='not_ready') if l_0_not_ready is missing else l_0_not_ready), ', '))
            yield ')'
        else:
            pass
            yield '<span class="ok">нет</span>'
        yield '</td></tr>'
    yield '</table>\n\n<h2>Приказ</h2>\n<table class="summary" id="order">\n<tr><td>Период</td><td>с '
    yield escape(t_7(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'date_from')))
    yield ' по '
    yield escape(t_7(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'date_to')))
    yield '</td></tr>\n<tr><td>Классы</td><td>'
    yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'classes'), ', '))
    yield '</td></tr>\n<tr><td>Устройство</td><td>'
    yield escape((undefined(name='device') if l_0_device is missing else l_0_device))
    yield '</td></tr>\n<tr><td>Нормы экранного времени</td><td>столбец «'
    yield escape((undefined(name='policy') if l_0_policy is missing else l_0_policy))
    yield '» (СанПиН 1.2.3685-21, табл. 6.8); в отчёте показаны оба столбца</td></tr>\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'homework_reserve_minutes'):
        pass
        yield '<tr><td>Резерв на домашнее задание</td><td>'
        yield escape(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'homework_reserve_minutes'))
        yield ' мин в день</td></tr>'
    if (not t_10(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'min_online_per_day'))):
        pass
        yield '<tr><td>Минимум онлайн-уроков в день</td><td>'
        yield escape(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'min_online_per_day'))
        yield '</td></tr>'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'must_online'):
        pass
        yield '<tr><td>Обязательно онлайн</td><td>'
        l_1_loop = missing
        for l_1_m, l_1_loop in LoopContext(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'must_online'), undefined):
            _loop_vars = {}
            pass
            yield escape(environment.getattr(l_1_m, 'class_name'))
            if environment.getattr(l_1_m, 'subject'):
                pass
                yield ', '
                yield escape(environment.getattr(l_1_m, 'subject'))
            if environment.getattr(l_1_m, 'date'):
                pass
                yield ', '
                yield escape(t_7(environment.getattr(l_1_m, 'date')))
            if environment.getattr(l_1_m, 'lesson'):
                pass
                yield ', урок '
                yield escape(environment.getattr(l_1_m, 'lesson'))
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield '; '
        l_1_loop = l_1_m = missing
        yield '</td></tr>'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'holidays'):
        pass
        yield '<tr><td>Нерабочие дни</td><td>'
        l_1_loop = missing
        for l_1_d, l_1_loop in LoopContext(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'holidays'), undefined):
            _loop_vars = {}
            pass
            yield escape(t_7(l_1_d))
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield ', '
        l_1_loop = l_1_d = missing
        yield '</td></tr>'
    yield '</table>\n\n'
    if (not t_10((undefined(name='readiness') if l_0_readiness is missing else l_0_readiness))):
        pass
        yield '<h2>Готовность классов на момент публикации</h2>\n<p class="muted">Что проверяется ('
        yield escape((undefined(name='readiness_citation') if l_0_readiness_citation is missing else l_0_readiness_citation))
        yield '): чат класса создан и связан с ЭПОС, семьи присоединились, есть компьютер, ноутбук или планшет с камерой и микрофоном, пробное подключение проведено. Неготовый класс не запрещает публикацию — решение за школой.</p>\n<table id="readiness">\n<thead><tr><th>Класс</th><th>Чат связан с ЭПОС</th><th class="num">Семьи в чате</th><th>Пробное подключение</th><th class="num">Без устройства</th><th>Готовность</th></tr></thead>\n<tbody>\n'
        for l_1_r in (undefined(name='readiness') if l_0_readiness is missing else l_0_readiness):
            _loop_vars = {}
            pass
            yield '<tr data-class="'
            yield escape(environment.getattr(l_1_r, 'class_name'))
            yield '" data-ready="'
            yield escape(('yes' if environment.getattr(l_1_r, 'ready') else 'no'))
            yield '"><td>'
            yield escape(environment.getattr(l_1_r, 'class_name'))
            yield '</td>\n'
            if environment.getattr(l_1_r, 'filled'):
                pass
                yield '<td>'
                yield escape(('да' if environment.getattr(l_1_r, 'chat_linked') else 'нет'))
                yield '</td><td class="num">'
                yield escape((environment.getattr(l_1_r, 'families_joined') if (not t_10(environment.getattr(l_1_r, 'families_joined'))) else '—'))
                yield ' из '
                yield escape((environment.getattr(l_1_r, 'families_total') if (not t_10(environment.getattr(l_1_r, 'families_total'))) else '—'))
                yield '</td><td>'
                yield escape(t_7(environment.getattr(l_1_r, 'last_test_call')))
                yield '</td><td class="num">'
                yield escape((environment.getattr(l_1_r, 'families_without_device') if (not t_10(environment.getattr(l_1_r, 'families_without_device'))) else '—'))
                yield '</td>\n'
            else:
                pass
                yield '<td colspan="4" class="muted">чек-лист не заполнен</td>'
            yield '<td>'
            if environment.getattr(l_1_r, 'ready'):
                pass
                yield '<span class="ok">готов</span>'
            else:
                pass
                yield '<span class="bad">не готов:</span> '
                yield escape(t_1(context.eval_ctx, context.call(environment.getattr(l_1_r, 'missing'), _loop_vars=_loop_vars), '; '))
            yield '</td></tr>\n'
        l_1_r = missing
        yield '</tbody>\n</table>\n'
    yield '\n<h2>Набор норм</h2>\n<p id="norm-set"><code>'
    yield escape((undefined(name='norm_set') if l_0_norm_set is missing else l_0_norm_set))
    yield '</code></p>\n<table>\n<thead><tr><th>Документ</th><th>Действует с</th><th>Действует до</th></tr></thead>\n<tbody>\n'
    for l_1_doc in (undefined(name='documents') if l_0_documents is missing else l_0_documents):
        _loop_vars = {}
        pass
        yield '<tr'
        if environment.getattr(l_1_doc, 'expired'):
            pass
            yield ' class="low"'
        yield '><td>'
        yield escape(environment.getattr(l_1_doc, 'name'))
        if environment.getattr(l_1_doc, 'expired'):
            pass
            yield ' — <span class="bad">утратил силу, замены не загружено</span>'
        yield '</td><td>'
        yield escape(t_7(environment.getitem(l_1_doc, 'from')))
        yield '</td><td>'
        if environment.getattr(l_1_doc, 'to'):
            pass
            yield escape(t_7(environment.getattr(l_1_doc, 'to')))
            yield ' (не включительно)'
        else:
            pass
            yield 'бессрочно'
        yield '</td></tr>\n'
    l_1_doc = missing
    yield '</tbody>\n</table>\n\n<h2>Значения локального акта</h2>\n'
    if ((undefined(name='overrides') if l_0_overrides is missing else l_0_overrides) or (undefined(name='order_overrides') if l_0_order_overrides is missing else l_0_order_overrides)):
        pass
        yield '<table id="overrides">\n<thead><tr><th>Правило</th><th>Значение</th><th>Основание</th></tr></thead>\n<tbody>\n'
        for l_1_n in (undefined(name='overrides') if l_0_overrides is missing else l_0_overrides):
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(environment.getattr(l_1_n, 'title'))
            if environment.getattr(l_1_n, 'scope'):
                pass
                yield ', '
                yield escape(environment.getattr(l_1_n, 'scope'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_n, 'value'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_n, 'override'))
            yield '</td></tr>\n'
        l_1_n = missing
        if (not (undefined(name='overrides') if l_0_overrides is missing else l_0_overrides)):
            pass
            for (l_1_key, l_1_ov) in (undefined(name='order_overrides') if l_0_order_overrides is missing else l_0_order_overrides):
                l_1_norm_titles = resolve('norm_titles')
                _loop_vars = {}
                pass
                yield '<tr><td>'
                yield escape(context.call(environment.getattr((undefined(name='norm_titles') if l_1_norm_titles is missing else l_1_norm_titles), 'get'), l_1_key, 'значение локального акта', _loop_vars=_loop_vars))
                yield '</td><td>'
                yield escape(environment.getattr(l_1_ov, 'value'))
                yield '</td><td>'
                yield escape(environment.getattr(l_1_ov, 'reason'))
                yield '</td></tr>\n'
            l_1_key = l_1_ov = l_1_norm_titles = missing
        yield '</tbody>\n</table>\n'
    else:
        pass
        yield '<p>Нет: действуют значения нормативных документов.</p>\n'
    yield '\n<h2>По классам и дням</h2>\n<p class="muted" id="bars-legend">Полоски: минуты онлайн-уроков за день против дневного лимита ЭСО; вертикальная черта — лимит. Проверяется столбец, выбранный приказом («'
    yield escape((undefined(name='policy') if l_0_policy is missing else l_0_policy))
    yield '», отмечен «●»): зелёным — в пределах лимита, красным — превышение. Второй столбец показан серым только для сведения: его лимит по приказу не действует, и превышением это не считается.</p>\n'
    l_1_loop = missing
    for (l_1_class_name, l_1_rows), l_1_loop in LoopContext(context.call(environment.getattr((undefined(name='per_class') if l_0_per_class is missing else l_0_per_class), 'items')), undefined):
        _loop_vars = {}
        pass
        yield '<section class="class-block">\n<h3>'
        yield escape(l_1_class_name)
        if (l_1_rows and environment.getattr(environment.getattr(environment.getitem(l_1_rows, 0), 'd'), 'grade')):
            pass
            yield ' ('
            yield escape(environment.getattr(environment.getattr(environment.getitem(l_1_rows, 0), 'd'), 'grade'))
            yield ' кл.)'
        yield '</h3>\n<table class="days">\n<thead><tr><th>Дата</th><th class="num">Онлайн, мин</th><th>Лимит дома / в школе</th><th>Экранное время</th><th class="num">Уроки онл. / сам.</th><th>Уроки, мин</th><th>Перемены, мин</th><th class="num">Здоро&shy;вье</th><th>Онлайн с–до</th></tr></thead>\n<tbody>\n'
        l_2_loop = missing
        for l_2_row, l_2_loop in LoopContext(l_1_rows, undefined):
            l_2_bar_width = resolve('bar_width')
            l_2_d = missing
            _loop_vars = {}
            pass
            l_2_d = environment.getattr(l_2_row, 'd')
            _loop_vars['d'] = l_2_d
            yield '<tr data-class="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'class_name'))
            yield '" data-date="'
            yield escape(context.call(environment.getattr(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'date'), 'isoformat'), _loop_vars=_loop_vars))
            yield '" data-online="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'online_minutes'))
            yield '" data-cap-home="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_home'))
            yield '" data-cap-school="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_school'))
            yield '" data-lessons-online="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'lessons_online'))
            yield '" data-self-study="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'lessons_self_study'))
            yield '" data-health="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'health_slots'))
            yield '">\n<td>'
            yield escape(t_8(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'date')))
            yield '</td>\n<td class="num online">'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'online_minutes'))
            yield '</td>\n<td class="num caps" title="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_citation'))
            yield '">'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_home'))
            yield ' / '
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_school'))
            yield '</td>\n<td><svg width="'
            yield escape(((undefined(name='bar_width') if l_2_bar_width is missing else l_2_bar_width) + 150))
            yield '" height="34" viewBox="0 0 '
            yield escape(((undefined(name='bar_width') if l_2_bar_width is missing else l_2_bar_width) + 150))
            yield ' 34" role="img" aria-label="'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'online_minutes'))
            yield ' мин онлайн; лимит дома '
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_home'))
            yield ', в школе '
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'cap_school'))
            yield '">\n'
            l_3_loop = missing
            for l_3_bar, l_3_loop in LoopContext(environment.getattr(l_2_row, 'bars'), undefined):
                l_3_y = missing
                _loop_vars = {}
                pass
                l_3_y = ((environment.getattr(l_3_loop, 'index0') * 17) + 1)
                _loop_vars['y'] = l_3_y
                yield '<rect x="0" y="'
                yield escape((undefined(name='y') if l_3_y is missing else l_3_y))
                yield '" width="'
                yield escape((undefined(name='bar_width') if l_2_bar_width is missing else l_2_bar_width))
                yield '" height="13" fill="#eceff3"/>\n<rect class="fill '
                yield escape(('judged' if environment.getattr(l_3_bar, 'active') else 'info'))
                yield escape((' over' if environment.getattr(l_3_bar, 'over') else ''))
                yield '" x="0" y="'
                yield escape((undefined(name='y') if l_3_y is missing else l_3_y))
                yield '" width="'
                yield escape(environment.getattr(l_3_bar, 'fill_width'))
                yield '" height="13" fill="'
                yield escape(environment.getattr(l_3_bar, 'fill'))
                yield '"/>\n<line x1="'
                yield escape(environment.getattr(l_3_bar, 'cap_x'))
                yield '" x2="'
                yield escape(environment.getattr(l_3_bar, 'cap_x'))
                yield '" y1="'
                yield escape(((undefined(name='y') if l_3_y is missing else l_3_y) - 1))
                yield '" y2="'
                yield escape(((undefined(name='y') if l_3_y is missing else l_3_y) + 14))
                yield '" stroke="#222" stroke-width="2"/>\n<text x="'
                yield escape(((undefined(name='bar_width') if l_2_bar_width is missing else l_2_bar_width) + 4))
                yield '" y="'
                yield escape(((undefined(name='y') if l_3_y is missing else l_3_y) + 10))
                yield '"'
                if (not environment.getattr(l_3_bar, 'active')):
                    pass
                    yield ' fill="#555"'
                yield '>'
                yield escape(('● ' if environment.getattr(l_3_bar, 'active') else ''))
                yield escape(environment.getattr(l_3_bar, 'policy'))
                yield ': '
                yield escape(environment.getattr(l_3_bar, 'minutes'))
                yield '/'
                yield escape(environment.getattr(l_3_bar, 'cap'))
                yield escape(('' if environment.getattr(l_3_bar, 'active') else ' (для сведения)'))
                yield '</text>\n'
            l_3_loop = l_3_bar = l_3_y = missing
            yield '</svg></td>\n<td class="num">'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'lessons_online'))
            yield ' / '
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'lessons_self_study'))
            yield '</td>\n<td>'
            yield escape(t_2(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'lesson_lengths')))
            yield '</td>\n<td>'
            yield escape(t_2(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'breaks')))
            yield '</td>\n<td class="num">'
            yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'health_slots'))
            yield '</td>\n<td>'
            if environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'first_start'):
                pass
                yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'first_start'))
                yield '–'
                yield escape(environment.getattr((undefined(name='d') if l_2_d is missing else l_2_d), 'last_end'))
            else:
                pass
                yield '—'
            yield '</td>\n</tr>\n'
        l_2_loop = l_2_row = l_2_d = l_2_bar_width = missing
        yield '</tbody>\n</table>\n</section>\n'
    l_1_loop = l_1_class_name = l_1_rows = missing
    yield '\n<h2>Нарушения</h2>\n'
    if (undefined(name='violations') if l_0_violations is missing else l_0_violations):
        pass
        yield '<table id="violations">\n<thead><tr><th>Правило</th><th>Класс</th><th>Дата</th><th>Что нарушено</th><th>Норма</th></tr></thead>\n<tbody>\n'
        for l_1_v in (undefined(name='violations') if l_0_violations is missing else l_0_violations):
            _loop_vars = {}
            pass
            yield '<tr data-rule="'
            yield escape(environment.getattr(l_1_v, 'rule'))
            yield '"><td>'
            yield escape(t_9(environment.getattr(l_1_v, 'rule')))
            yield '</td><td>'
            yield escape((environment.getattr(l_1_v, 'class_name') or '—'))
            yield '</td><td>'
            yield escape(t_7(environment.getattr(l_1_v, 'date')))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_v, 'message'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_v, 'citation'))
            yield '</td></tr>\n'
        l_1_v = missing
        yield '</tbody>\n</table>\n'
    else:
        pass
        yield '<p class="ok" id="no-violations">Нарушений нет: расписание проверено по каждому правилу независимой проверкой.</p>\n'
    yield '\n<h2>Предупреждения</h2>\n'
    if (undefined(name='warnings') if l_0_warnings is missing else l_0_warnings):
        pass
        yield '<ul id="warnings">\n'
        for l_1_w in (undefined(name='warnings') if l_0_warnings is missing else l_0_warnings):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(l_1_w)
            yield '</li>\n'
        l_1_w = missing
        yield '</ul>\n'
    else:
        pass
        yield '<p>Нет.</p>\n'
    yield '\n<h2>Замечания при импорте</h2>\n'
    if (undefined(name='finding_groups') if l_0_finding_groups is missing else l_0_finding_groups):
        pass
        yield '<p class="muted">Места обычного расписания, которые импорт прочитал сам: что было в файле и как это прочитано. Исправьте их в исходном файле, если прочитано не так.</p>\n<div id="findings">\n'
        for l_1_g in (undefined(name='finding_groups') if l_0_finding_groups is missing else l_0_finding_groups):
            l_1_findings_cap = resolve('findings_cap')
            _loop_vars = {}
            pass
            yield '<h3>'
            yield escape(environment.getattr(l_1_g, 'title'))
            yield ' — '
            yield escape(environment.getattr(l_1_g, 'count'))
            if environment.getattr(l_1_g, 'note'):
                pass
                yield ' (пояснение)'
            yield '</h3>\n<table class="findings">\n<thead><tr><th>Где</th><th>Что в файле</th><th>Как прочитано</th></tr></thead>\n<tbody>\n'
            for l_2_f in environment.getattr(l_1_g, 'findings')[:(undefined(name='findings_cap') if l_1_findings_cap is missing else l_1_findings_cap)]:
                _loop_vars = {}
                pass
                yield '<tr><td>'
                yield escape(environment.getattr(l_2_f, 'place'))
                yield '</td><td>'
                yield escape(environment.getattr(l_2_f, 'seen'))
                yield '</td><td>'
                yield escape(environment.getattr(l_2_f, 'read_as'))
                yield '</td></tr>\n'
            l_2_f = missing
            yield '</tbody>\n</table>\n'
            if (environment.getattr(l_1_g, 'count') > (undefined(name='findings_cap') if l_1_findings_cap is missing else l_1_findings_cap)):
                pass
                yield '<p class="muted">…и ещё '
                yield escape((environment.getattr(l_1_g, 'count') - (undefined(name='findings_cap') if l_1_findings_cap is missing else l_1_findings_cap)))
                yield '.</p>'
        l_1_g = l_1_findings_cap = missing
        yield '</div>\n'
    else:
        pass
        yield '<p id="no-findings">Нет: файл расписания прочитан без замечаний.</p>\n'
    yield '\n<h2>Все правила</h2>\n<p class="muted">Каждое значение в силе на период приказа, с источником и достоверностью. Жёлтым — низкая достоверность (значение не сверено с официальным текстом).</p>\n<table class="rules" id="rules">\n<thead><tr><th>Правило</th><th>Значение</th><th>Источник</th><th>Достоверность</th></tr></thead>\n<tbody>\n'
    for l_1_n in (undefined(name='norms') if l_0_norms is missing else l_0_norms):
        _loop_vars = {}
        pass
        yield '<tr'
        if environment.getattr(l_1_n, 'low'):
            pass
            yield ' class="low"'
        yield ' data-key="'
        yield escape(environment.getattr(l_1_n, 'key'))
        yield '"><td>'
        yield escape(environment.getattr(l_1_n, 'title'))
        if environment.getattr(l_1_n, 'scope'):
            pass
            yield '<br><span class="muted">'
            yield escape(environment.getattr(l_1_n, 'scope'))
            yield '</span>'
        yield '</td><td>'
        yield escape(environment.getattr(l_1_n, 'value'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_n, 'citation'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_n, 'confidence'))
        yield '</td></tr>\n'
    l_1_n = missing
    yield '</tbody>\n</table>\n</body>\n</html>\n'

blocks = {}
debug_info = '5=94&39=96&45=106&46=115&47=117&48=119&49=126&54=144&55=148&56=150&57=152&58=154&59=159&60=164&61=189&64=203&66=206&70=208&71=212&72=218&74=235&81=246&85=248&86=252&92=273&96=276&97=280&99=291&100=293&101=298&111=310&112=313&114=317&118=325&119=333&120=349&121=351&122=353&123=359&124=370&125=377&126=381&127=390&128=398&131=416&132=420&133=422&134=424&135=426&144=439&148=442&149=446&158=464&160=467&168=479&171=482&172=487&176=494&177=498&181=506&193=517&194=521'
