"""Write planner/exports/_report_template.py: report.html compiled by jinja2 (see
planner.exports.report.PRECOMPILED). Run after editing the template or upgrading jinja2:

    .venv/bin/python scripts/compile_report_template.py
"""

from pathlib import Path

from planner.exports.report import template_module_text

target = Path(__file__).resolve().parents[1] / "planner" / "exports" / "_report_template.py"
target.write_text(template_module_text(), encoding="utf-8")
print(f"written {target}")
