"""The domain: school, timetable, order, schedule, errors and the value types of a solve.

The bottom layer: it imports nothing of the project (``lint-imports`` checks it).
"""
