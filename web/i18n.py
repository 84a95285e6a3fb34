"""Russian first, English switchable: a dict catalogue keyed by the Russian text.

Templates call ``_("Русский текст")``; with ``lang=en`` the English text of :data:`EN` is shown.
The language comes from the ``lang`` query parameter (which also sets the ``lang`` cookie), then
the cookie, then Russian. A test checks every ``_("…")`` of the templates has an English entry.
"""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("ru", "en")
DEFAULT_LANG = "ru"
LANG_COOKIE = "lang"

EN: dict[str, str] = {
    # layout and navigation
    "Планировщик дистанционного расписания": "Remote timetable planner",
    "Перейти к содержимому": "Skip to content",
    "Язык": "Language",
    "Выйти": "Log out",
    "Школы": "Schools",
    "Расписание": "Timetable",
    "Приказ": "Order",
    "Перестроения": "Rebuilds",
    "Ссылки": "Links",
    "Выгрузки": "Downloads",
    "Шаги": "Steps",
    # login
    "Вход": "Log in",
    "Вход для администратора": "Administrator login",
    "Логин": "Login",
    "Пароль": "Password",
    "Войти": "Log in",
    "Сессия истекла или форма устарела: обновите страницу и войдите снова.": (
        "The session expired or the form is stale: reload the page and log in again."
    ),
    # schools
    "Новая школа": "New school",
    "Название школы": "School name",
    "Часовой пояс": "Time zone",
    "Создать": "Create",
    "Школ пока нет: создайте первую.": "No schools yet: create the first one.",
    "расписание не загружено": "no timetable uploaded",
    "опубликована версия": "published version",
    "открыть для печати": "open to print",
    # the review: summary first, warnings in one line, classes one parallel at a time
    "К публикации": "To publishing",
    "Поиск остановлен по вашей отмене: это лучший план, найденный до неё. Его можно опубликовать "
    "так же, как готовый.": (
        "The search was stopped by your cancel: this is the best plan found before it. It can be "
        "published like a finished one."
    ),
    "Итог": "Summary",
    "Учебных дней": "School days",
    "Уроков онлайн": "Online lessons",
    "Самостоятельно": "Self-study",
    "подробнее": "details",
    "Предупреждений нет.": "No warnings.",
    "Изменения": "Changes",
    "относительно обычного расписания": "against the regular timetable",
    "относительно последней опубликованной версии": "against the last published version",
    "все": "all",
    "кл.": "grade",
    "Показаны": "Shown",
    "Не готовы к дистанционным урокам": "Not ready for remote lessons",
    "Значения норм, не сверенные с официальным текстом": (
        "Norm values not checked against the official text"
    ),
    "Часть значений в справочнике норм планировщика взята не из официального текста документа "
    "(например, из методических писем) и ещё не сверена с ним. Расписание построено по этим "
    "значениям и ничего не нарушает; если в школе действует свой локальный акт с другим значением, "
    "укажите его в приказе, в разделе «Значения локального акта», и перестройте расписание.": (
        "Some values in the planner's norm catalogue come not from the official text of a document "
        "(for example, from guidance letters) and have not been checked against it yet. The "
        "timetable was built with these values and breaks nothing; if your school's local act "
        "sets another value, enter it in the order under «Values of the school's local act» "
        "and rebuild."
    ),
    "Приказ задаёт свои значения вместо значений нормативных документов. Проверьте, что они "
    "совпадают с локальным актом школы.": (
        "The order sets its own values instead of the regulations' ones. Check that they match "
        "the school's local act."
    ),
    "Обычное расписание классов, оставшихся в школе": "Regular timetable of classes kept in school",
    "Эти классы учатся очно по обычному расписанию: приказ его не меняет, и планировщик не "
    "сдвигает их уроки, но отмечает, где обычное расписание расходится с нормами.": (
        "These classes study in school by the regular timetable: the order does not change it and "
        "the planner does not move their lessons, but it marks where the regular timetable departs "
        "from the norms."
    ),
    "Накладки, которые были в загруженном расписании": "Clashes already in the uploaded timetable",
    "В файле расписания школы один учитель или один класс уже стоял на двух уроках сразу. "
    "Планировщик сохранил эти уроки как были и не добавил новых накладок; исправить их "
    "можно только в обычном расписании школы.": (
        "In the school's timetable file one teacher or one class already had two lessons at once. "
        "The planner kept those lessons as they were and added no clash of its own; they can only "
        "be fixed in the school's regular timetable."
    ),
    "Сроки действия документов и прочее": "Validity of documents and other",
    "Документ с нормами перестаёт действовать внутри периода приказа или уже утратил силу; "
    "планировщик говорит, по какому документу считал каждую дату.": (
        "A document with norms expires within the order's period or has already expired; the "
        "planner says which document it used for each date."
    ),
    "Онлайн-минут в лучшем плане": "Online minutes in the best plan",
    "Предметов без онлайн-урока за неделю": "Subjects without an online lesson this week",
    "Лучший план может уступать лучшему возможному": (
        "The best plan may fall short of the best possible by"
    ),
    "не больше": "at most",
    "Можно остановить: план уже хороший.": "You can stop: the plan is already good.",
    "Остановленный поиск сохраняет лучший план: его можно посмотреть и опубликовать.": (
        "A stopped search keeps its best plan: you can review and publish it."
    ),
    "Остановить и взять этот план": "Stop and take this plan",
    "класс": "class",
    "классов": "classes",
    "урок": "lesson",
    "уроков": "lessons",
    "учителей": "teachers",
    # upload and base timetable
    "Загрузка обычного расписания": "Upload the regular timetable",
    "Файл расписания (CSV, XLSX, aSc XML, FET)": "Timetable file (CSV, XLSX, aSc XML, FET)",
    "Загрузить": "Upload",
    "Расписание загружено.": "Timetable uploaded.",
    "Текущее расписание": "Current timetable",
    "загружено": "uploaded",
    "Ошибки в файле": "Errors in the file",
    # two-step upload with findings
    "Замечания при импорте текущего расписания": "Import findings of the current timetable",
    "Нагрузка к сетке-шахматке (необязательно)": "Load table for a Russian grid (optional)",
    "Таблица со столбцами: класс, предмет, группа, учитель. Без неё сетка читается без учителей.": (
        "A table with the columns class, subject, group, teacher. Without it the grid is read "
        "without teachers."
    ),
    "Звонки — если в файле их нет": "Bells — if the file has none",
    "В сетке-шахматке звонков обычно нет. Укажите их один раз: они сохранятся для школы.": (
        "A Russian grid usually has no bells. Enter them once: they are kept for the school."
    ),
    "Начало 1-го урока": "First lesson starts",
    "Урок, мин": "Lesson, min",
    "Перемена, мин": "Break, min",
    "Большая перемена, мин": "Big break, min",
    "Большая перемена после уроков": "Big break after lessons",
    "Строгая проверка: не загружать файл, если в нём есть хоть одно замечание": (
        "Strict check: refuse the file if it has any finding"
    ),
    "Проверить файл": "Check the file",
    "Сначала файл проверяется: вы увидите, что прочитано, и замечания. Расписание школы "
    "меняется только после кнопки «Загрузить».": (
        "The file is checked first: you see what was read and the findings. The school's "
        "timetable changes only with the «Upload» button."
    ),
    "Проверка файла расписания": "Timetable file check",
    "Что прочитано из файла": "Read from the file",
    "и нагрузки": "and the load table",
    "Классов": "Classes",
    "Уроков": "Lessons",
    "Учителей": "Teachers",
    "Звонки для файла без своих звонков": "Bells for a file without its own",
    "Проверьте замечания ниже. Расписание школы изменится только после кнопки «Загрузить».": (
        "Check the findings below. The school's timetable changes only with the «Upload» button."
    ),
    "Это текущее расписание школы.": "This is the school's current timetable.",
    "Это расписание было загружено раньше; сейчас у школы другое.": (
        "This timetable was uploaded earlier; the school has another one now."
    ),
    "В сетке нет учителей: приложите нагрузку": "The grid has no teachers: attach the load table",
    "Без таблицы нагрузки (класс, предмет, группа, учитель) невозможны проверка накладок "
    "учителей и календари учителей. Расписание классов можно загрузить и так.": (
        "Without the load table (class, subject, group, teacher) teacher clash checks and "
        "teacher calendars are not possible. The class timetable can be uploaded anyway."
    ),
    "Файл нагрузки (CSV, XLSX)": "Load table file (CSV, XLSX)",
    "Прочитать сетку с нагрузкой": "Read the grid with the load table",
    "Замечания при импорте": "Import findings",
    "Замечаний": "Findings",
    "пояснений": "notes",
    "Каждое замечание — место в файле, что там было и как это прочитано. Откройте вид, чтобы "
    "увидеть места.": (
        "Each finding is a place in the file, what was there and how it was read. Open a kind "
        "to see its places."
    ),
    "пояснение": "note",
    "Где": "Where",
    "Что в файле": "In the file",
    "Как прочитано": "Read as",
    "…и ещё": "…and",
    "Замечаний нет: файл прочитан полностью.": "No findings: the whole file was read.",
    "К расписанию школы": "Back to the school's timetable",
    "Файл": "File",
    "Строка": "Row",
    "Столбец": "Column",
    "Элемент": "Element",
    "Что исправить": "What to fix",
    "Обычное расписание": "Regular timetable",
    "по классам": "by class",
    "по учителям": "by teacher",
    "Класс": "Class",
    "Учитель": "Teacher",
    "Урок": "Lesson",
    "День": "Day",
    "Сначала загрузите расписание.": "Upload a timetable first.",
    # order form
    "Новый приказ": "New order",
    "Классы": "Classes",
    "все классы параллели": "whole grade",
    "параллель": "grade",
    "С": "From",
    "По": "To",
    "Устройство": "Device",
    "ПК": "PC",
    "ноутбук": "laptop",
    "планшет": "tablet",
    "Экранное время по столбцу СанПиН": "Screen time column of СанПиН",
    "дома": "at home",
    "в школе": "at school",
    "Резерв экранного времени на домашние задания, мин": ("Screen minutes kept for homework"),
    "Минимум онлайн-уроков в день (необязательно)": "Minimum online lessons a day (optional)",
    "Праздничные дни (через запятую, ГГГГ-ММ-ДД)": "Holidays (comma-separated, YYYY-MM-DD)",
    "Разнести начало уроков у классов": "Stagger class start times",
    "Значения локального акта": "Values of the school's local act",
    "Норма": "Norm",
    "Новое значение": "New value",
    "— не менять —": "— keep —",
    "Если локальный акт школы меняет норму, выберите её, введите новое значение и основание.": (
        "If the school's local act changes a norm, choose it, type the new value and the reason."
    ),
    "Вся школа": "Whole school",
    "классов:": "classes:",
    "Или отметьте параллели и отдельные классы:": "Or tick grades and single classes:",
    "Приказ не принят.": "The order was not accepted.",
    "Исправьте отмеченное и нажмите «Перестроить» ещё раз.": (
        "Correct what is listed and press «Rebuild» again."
    ),
    "Основание (номер и дата приказа)": "Reason (order number and date)",
    "Лимит времени решателя, с": "Solver time limit, s",
    "Перестроить": "Rebuild",
    "Приказ не принят": "The order was not accepted",
    # rebuild progress
    "Перестроение": "Rebuild",
    "Состояние": "Status",
    "Ход решения": "Progress",
    "Найдено планов": "Plans found",
    "Решено дат": "Dates solved",
    "Этап": "Phase",
    "по дням: решено дат": "date by date: dates solved",
    "из": "of",
    "весь период": "whole period",
    "Отменить": "Cancel",
    "Поиск закончен": "The search ended",
    "план доказанно лучший": "the plan is proven the best",
    "до лучшего возможного не больше": "proven within",
    "дальше улучшений не было": "no better plan came for",
    "с": "s",
    "закончилось отведённое время": "the time limit ran out",
    "остановлено по вашей просьбе": "stopped at your request",
    "Улучшать дальше": "Keep improving",
    "Новый поиск начнётся с этого плана; результат будет не хуже.": (
        "A new search starts from this plan; the result will be no worse."
    ),
    "Посмотреть результат": "Review the result",
    "Страница обновляется сама каждую секунду.": "This page refreshes itself every second.",
    "Обновить": "Refresh",
    "в очереди": "queued",
    "решается": "solving",
    "готово": "done",
    "ошибка": "failed",
    "отменено": "cancelled",
    # review
    "Проверка результата": "Review",
    "Нарушения норм": "Norm violations",
    "Нарушений нет.": "No violations.",
    "Предупреждения": "Warnings",
    "Онлайн-минуты и предел": "Online minutes against the cap",
    "онлайн, мин": "online, min",
    "предел, мин": "cap, min",
    "День класса": "A class's day",
    "Сетка классов": "Class grid",
    "Сетка учителей": "Teacher grid",
    "Изменения относительно обычного расписания": "Changes against the regular timetable",
    "Изменения относительно последней опубликованной версии": (
        "Changes against the last published version"
    ),
    "Опубликованных версий ещё нет.": "Nothing has been published yet.",
    "Изменений нет.": "No changes.",
    "Все изменения": "All changes",
    "добавлен": "added",
    "отменён": "cancelled",
    "перенесён": "moved",
    "формат": "format",
    "учитель": "teacher",
    "кабинет": "room",
    "ссылка на звонок": "call link",
    "Опубликовать": "Publish",
    "Комментарий к версии": "Comment on the version",
    "Опубликовано: версия": "Published: version",
    "онлайн": "online",
    "самостоятельно": "self-study",
    "очно": "in person",
    "перемена": "break",
    "гимнастика для глаз": "eye gymnastics",
    "физкультминутка": "exercise break",
    "динамическая пауза": "active pause",
    "Показать": "Show",
    "Дата": "Date",
    "и ещё": "and more",
    # links
    "Ссылки для родителей и учителей": "Links for parents and teachers",
    "Страница": "Page",
    "Календарь": "Calendar",
    "QR-код": "QR code",
    "со ссылками на звонки": "with call links",
    "без ссылок на звонки": "without call links",
    "Отозвать": "Revoke",
    "Учителя": "Teachers",
    "Отозвать ссылку? Она перестанет открываться.": "Revoke the link? It will stop working.",
    "Заменить": "Rotate",
    "Новая ссылка для класса": "New class link",
    "Показывать ссылки на звонки": "Show call links",
    "Выпустить": "Issue",
    "Печать": "Print",
    "Адрес в ссылках": "Address in the links",
    "Выпущена новая ссылка": "New link issued",
    "Действия": "Actions",
    "Вид": "Kind",
    "Открыть": "Open",
    "класс, со звонками": "class, with call links",
    "К ссылкам": "Back to the links",
    "Кому": "For",
    "Копировать": "Copy",
    "Копировать адрес календаря": "Copy the calendar address",
    "Копировать ссылку": "Copy the link",
    "Лист для печати": "Printable sheet",
    "Листы с QR-кодами": "QR code sheets",
    "Листы с QR-кодами всех классов для печати": "Printable QR code sheets of every class",
    "Листы с QR-кодами для печати": "Printable QR code sheets",
    "Наведите камеру телефона на код или откройте адрес:": (
        "Point the phone's camera at the code or open the address:"
    ),
    "Найдено": "Found",
    "Найти": "Find",
    "Найти класс или учителя": "Find a class or a teacher",
    "Ничего не найдено.": "Nothing found.",
    "Она в таблице ниже, отмечена цветом.": "It is highlighted in the table below.",
    "Показать все": "Show all",
    "Сообщение": "Message",
    "Сообщение в мессенджере вмещает до 4096 знаков: длинное разбито на части, в каждой части — "
    "целые дни. Отправляйте части по порядку.": (
        "A messenger message holds up to 4096 characters: a long one is split into parts of "
        "whole days. Send the parts in order."
    ),
    "Ссылки и QR-коды ведут на": "Links and QR codes lead to",
    "Ссылок классов ещё нет: они появятся после публикации.": (
        "No class links yet: they appear after publishing."
    ),
    "Страница обновляется сама при каждом изменении расписания. Имён детей на ней нет.": (
        "The page updates itself with every change of the timetable. It has no names of pupils."
    ),
    "Часть": "Part",
    "знак": "character",
    "знаков": "characters",
    "расписание дистанционных уроков": "distance lesson timetable",
    "частей": "parts",
    "часть": "part",
    # downloads
    "Опубликованные версии": "Published versions",
    "Версия": "Version",
    "Автор": "Author",
    "Комментарий": "Comment",
    "Файлы": "Files",
    "Сообщения для чатов классов": "Class chat messages",
    "ЭПОС": "ЭПОС (e-journal)",
    "Лист замен": "Substitution sheet",
    "Отчёт о нормах": "Norms report",
    "Сообщения в чаты": "Chat messages",
    "Календари": "Calendars",
    "Прочее": "Other",
    # parents
    "Сегодня": "Today",
    "Ближайший учебный день": "Next school day",
    "Неделя": "Week",
    "обновлено в": "updated at",
    "Расписание ещё не опубликовано.": "The timetable has not been published yet.",
    "изменено": "changed",
    "было": "was",
    "Подключиться": "Join the call",
    "без видеосвязи": "no video call",
    "Распечатать": "Print",
    # teachers
    "Мои уроки": "My lessons",
    "Подписаться на календарь": "Subscribe to the calendar",
    "Подписаться (webcal)": "Subscribe (webcal)",
    "Добавить в Google Календарь": "Add to Google Calendar",
    "Адрес календаря для копирования": "Calendar address to copy",
    "Ссылка на звонок": "Call link",
    "Ссылка на звонок для всех уроков класса": "Call link for every lesson of the class",
    "Сохранить": "Save",
    "Ссылка сохранена.": "Link saved.",
    "Ссылка удалена.": "Link removed.",
    "Это не ссылка Сферума или VK: проверьте, что ученики смогут по ней подключиться.": (
        "This is not a Сферум or VK link: check that pupils can join with it."
    ),
    "для урока": "for the lesson",
    # the school's regulation: attendance, readiness, lesson materials
    "Посещаемость": "Attendance",
    "Посещаемость по дням": "Attendance by day",
    "Только числа, без имён учеников": "Numbers only, no names of pupils",
    "На уроках": "At lessons",
    "на уроках": "at lessons",
    "Отсутствовали": "Absent",
    "отсутствовали": "absent",
    "Болеют": "Ill",
    "болеют": "ill",
    "Всего": "Total",
    "Итого": "Total",
    "Кто внёс": "Entered by",
    "Внесено за": "Entered for",
    "Внести или исправить": "Enter or correct",
    "Исправлений": "Corrections",
    "Не внесено": "Not entered",
    "не внесено": "not entered",
    "внесено классов": "classes entered",
    "Подключились к онлайн-урокам": "Joined online lessons",
    "Подключились к уроку, учеников": "Pupils who joined the lesson",
    "За период": "Over the period",
    "(N!) — классов без внесённых чисел": "(N!) — classes without numbers",
    "XLSX для муниципалитета": "XLSX for the municipality",
    "Сохранено": "Saved",
    "Сохранено.": "Saved.",
    "по ссылке учителя": "by the teacher's link",
    "администратор": "administrator",
    "Готовность": "Readiness",
    "Готовность классов": "Readiness of classes",
    "Дистанционные уроки — только для готового класса": "Distance lessons only for a ready class",
    "Заполняют классные руководители по своей ссылке или администратор здесь.": (
        "Class teachers fill it in by their link, or an administrator here."
    ),
    "Чек-лист": "Checklist",
    "Изменить": "Edit",
    "готов": "ready",
    "не готов": "not ready",
    "Чат класса создан и связан с ЭПОС": "Class chat created and linked with ЭПОС",
    "Семей в классе": "Families in the class",
    "Присоединились к чату": "Joined the chat",
    "Без компьютера, ноутбука или планшета": "Without a computer, laptop or tablet",
    "Последнее удачное пробное подключение": "Last successful test call",
    "не могут подключиться семей": "families who cannot join",
    "Не могут подключиться семей": "Families who cannot join",
    "неготовый класс получит предупреждение; решение за школой.": (
        "a class that is not ready gets a warning; the school decides."
    ),
    "Все классы приказа готовы.": "Every class of the order is ready.",
    "Запись и задание": "Recording and assignment",
    "Запись урока": "Lesson recording",
    "Задание": "Assignment",
    "Задание (без имён учеников)": "Assignment (no names of pupils)",
    "Материал к заданию": "Assignment material",
    "Ссылка на запись урока": "Link to the lesson recording",
    "Ссылка на задание (ЭПОС, «Моя школа»)": "Link to the assignment (ЭПОС, «Моя школа»)",
    "Если не получается подключиться": "If you cannot join",
    "для них запись урока и задание": "for them: the recording and the assignment",
    "ЭПОС сейчас — с записями уроков, заданиями и ссылками, добавленными учителями после "
    "публикации": "ЭПОС as of now — with recordings, assignments and links teachers added after "
    "publishing",
    # errors
    "Страница не найдена": "Page not found",
    "Нужен вход": "Login required",
    "Запрос отклонён": "Request refused",
    "Действие недоступно": "Action not available",
    "Действие невозможно": "Action not possible",
    "Данные не приняты": "Data not accepted",
    "Слишком много попыток": "Too many attempts",
    "Назад": "Back",
    "К списку школ": "To the schools",
    "На главную": "Home",
    "Ссылка недействительна: её отозвали или заменили. Попросите новую в школе.": (
        "The link is no longer valid: it was revoked or replaced. Ask the school for a new one."
    ),
    "Ошибка": "Error",
    "Это ссылка учителя; откройте её по адресу /t/….": "This is a teacher link; open it at /t/….",
    "Это ссылка класса; откройте её по адресу /c/….": "This is a class link; open it at /c/….",
    "Неверный логин или пароль.": "Wrong login or password.",
    # the municipality (municipal orders, frost thresholds, the dashboard)
    "Муниципалитет": "Municipality",
    "Муниципальные приказы": "Municipal orders",
    "Новый муниципальный приказ": "New municipal order",
    "Пороги для морозов": "Frost thresholds",
    "Вместо рекомендаций территории действует акт муниципалитета.": (
        "The municipality's own act applies instead of the territory's recommendations."
    ),
    "Достоверность низкая: задайте пороги актом муниципалитета.": (
        "Low confidence: set the thresholds by an act of the municipality."
    ),
    "Причина": "Reason",
    "мороз": "frost",
    "карантин": "quarantine",
    "решение региона": "regional decision",
    "Документ (телефонограмма, приказ)": "Document (telephone message, order)",
    "Телефонограмма № 15 от 08.12.2026": "Telephone message No. 15 of 08.12.2026",
    "Какие классы": "Which classes",
    "по порогам для морозов": "by the frost thresholds",
    "Температура, °C": "Temperature, °C",
    "Ветер, м/с (необязательно)": "Wind, m/s (optional)",
    "параллели списком": "grades listed",
    "Школы (ни одной не отмечено — все школы)": "Schools (none ticked — every school)",
    "Публикация": "Publishing",
    "публикация": "publishing",
    "после проверки": "after review",
    "сразу, если нарушений нет": "at once when there are no violations",
    "после проверки (школой или «Опубликовать все готовые»)": (
        "after review (by the school, or «Publish every ready plan»)"
    ),
    "сразу, если независимая проверка не нашла нарушений": (
        "at once when the independent check finds no violation"
    ),
    "Отправить школам": "Send to the schools",
    "Приказы": "Orders",
    "Приказов пока не было.": "No orders yet.",
    "Все приказы": "All orders",
    "Опубликовано планов": "Plans published",
    "не удалось": "failed",
    "Школ": "Schools",
    "Школа": "School",
    "Классов на дистанте": "Classes remote",
    "Онлайн-минут": "Online minutes",
    "Обучающихся затронуто": "Pupils affected",
    "неизвестно": "unknown",
    "Школы и их состояние": "Schools and their state",
    "Параллели": "Grades",
    "параллели": "grades",
    "Проверка": "Review",
    "Посмотреть": "Review",
    "версия": "version",
    "школа добавила": "added by the school",
    "Страница обновляется сама каждые 2 секунды.": "The page refreshes itself every 2 seconds.",
    "Сводка XLSX": "Summary XLSX",
    "Опубликовать все готовые планы без нарушений": "Publish every ready plan without violations",
    "Школа может перевести на дистанционное обучение больше параллелей, чем велит приказ "
    "(но не меньше).": "A school may send more grades to remote learning than the order says "
    "(never fewer).",
    "Добавить параллели": "Add grades",
    "проблема": "problem",
    "готово к проверке": "ready for review",
    "опубликовано": "published",
    "не затронута": "not affected",
}


def translator(lang: str) -> Callable[[str], str]:
    """The ``_`` of one request: identity for Russian, the catalogue for English."""
    if lang == "en":
        return lambda text: EN.get(text, text)
    return lambda text: text


def pick_lang(query: str | None, cookie: str | None) -> str:
    for value in (query, cookie):
        if value in LANGS:
            return value
    return DEFAULT_LANG
