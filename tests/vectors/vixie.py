#!/usr/bin/env python3
"""Independent reference for SPEC 7's DST rule: a minute-by-minute simulation of Vixie
cron's main loop (cron.c: the small / medium / negative wake-up cases), with its own cron
matcher (MIN_STAR/HR_STAR "wildcard" jobs, DOM_STAR/DOW_STAR day matching), over Python's
zoneinfo. Writes tests/vectors/vixie.json; the Rust test compares schedule.rs against it.

Regenerate: python3 tests/vectors/vixie.py > tests/vectors/vixie.json
"""
import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
NICK = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *"}


def field(text, lo, hi, names=None, base=0):
    out = set()
    for part in text.split(","):
        rng, _, step = part.partition("/")
        step = int(step) if step else 1
        if rng == "*":
            a, b = lo, hi
        else:
            def val(s):
                if names and s.upper() in names:
                    return names.index(s.upper()) + base
                return int(s)
            if "-" in rng:
                a, b = (val(x) for x in rng.split("-"))
            else:
                a = val(rng)
                b = hi if step > 1 or "/" in part else a
        out.update(range(a, b + 1, step))
    return out


class Entry:
    def __init__(self, expr):
        expr = NICK.get(expr, expr)
        m, h, dom, mon, dow = expr.split()
        self.minute = field(m, 0, 59)
        self.hour = field(h, 0, 23)
        self.dom = field(dom, 1, 31)
        self.month = field(mon, 1, 12, MONTHS, 1)
        self.dow = {d % 7 for d in field(dow, 0, 7, DAYS, 0)}
        self.wild = m.startswith("*") or h.startswith("*")      # MIN_STAR | HR_STAR
        self.day_star = dom.startswith("*") or dow.startswith("*")  # DOM_STAR | DOW_STAR

    def matches(self, t):  # t: naive local minute
        dom_ok = t.day in self.dom
        dow_ok = (t.isoweekday() % 7) in self.dow
        day_ok = (dom_ok and dow_ok) if self.day_star else (dom_ok or dow_ok)
        return t.minute in self.minute and t.hour in self.hour and t.month in self.month and day_ok


def simulate(expr, tz, start, end):
    """UTC minutes in (start, end] at which Vixie cron runs the job, once per minute."""
    e, zone = Entry(expr), ZoneInfo(tz)
    local = lambda u: u.astimezone(zone).replace(tzinfo=None)
    virtual = local(start)
    fires = []
    now = start
    while now < end:
        now += timedelta(minutes=1)
        running = local(now)
        diff = (running - virtual) // timedelta(minutes=1)
        ran = False

        def find(t, do_wild, do_fixed):
            nonlocal ran
            if e.matches(t) and ((do_wild and e.wild) or (do_fixed and not e.wild)):
                ran = True

        if diff == 1:
            virtual = running
            find(virtual, True, True)
        elif diff > 180 or diff < -180:
            virtual = running
            find(running, True, True)
        elif diff > 5:  # medium: e.g. DST started
            find(running, True, False)
            while virtual < running:
                virtual += timedelta(minutes=1)
                find(virtual, False, True)
        elif diff > 0:  # small: woke up late
            while virtual < running:
                virtual += timedelta(minutes=1)
                find(virtual, True, True)
        else:  # negative: DST ended; virtual time waits
            find(running, True, False)
        if ran:
            fires.append(now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return fires


def transitions(tz, year=2026):
    zone = ZoneInfo(tz)
    out = []
    t = datetime(year, 1, 1, tzinfo=timezone.utc)
    prev = t.astimezone(zone).utcoffset()
    while t.year == year:
        t += timedelta(hours=1)
        off = t.astimezone(zone).utcoffset()
        if off != prev:
            out.append(t)
        prev = off
    return out


EXPRS = [
    "30 2 * * *", "0 2 * * *", "59 1 * * *", "0 3 * * *", "45 1 * * *", "15 2 * * *",
    "35 1,3,23 * * *", "20 0-1 * * *", "0,30 1-3 * * *", "10 0-4/2 * * *",
    "*/30 * * * *", "0 * * * *", "15 */2 * * *", "*/20 2 * * *", "30 */1 * * *",
    "*/7 1-3 * * *", "@hourly", "@daily", "0 9 * * 1-5", "0 0 1,15 * 0",
    "0 12 */2 * 1", "5 4 * * sun", "0 2 * 3,10 SUN",
]
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Europe/Dublin",
         "Pacific/Chatham", "America/Santiago", "UTC"]


def main():
    vectors = []
    for tz in ZONES:
        windows = [datetime(2026, 6, 1, tzinfo=timezone.utc)] if tz == "UTC" else []
        windows += [t.replace(minute=0) - timedelta(days=1) for t in transitions(tz)]
        for start in windows:
            end = start + timedelta(days=3)
            for expr in EXPRS:
                vectors.append({
                    "expr": expr, "tz": tz,
                    "from": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "to": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "fires": simulate(expr, tz, start, end),
                })
    json.dump(vectors, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
