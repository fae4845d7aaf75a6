#!/usr/bin/env python3
"""CPU time of PostgreSQL's processes, grouped by what they are: each client's backends (by the login and the
application name pg_stat_activity shows), autovacuum, the WAL writer, the checkpointer, the rest.

    bench/pgprocs.py snapshot POSTMASTER_PID PSQL... > before.json
    bench/pgprocs.py report before.json after.json JOBS
"""
import json
import os
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def snapshot(postmaster, psql):
    apps = {}
    out = subprocess.run(psql + ["-c", "select pid, coalesce(usename, ''), coalesce(nullif(application_name, ''), "
                                 "backend_type) from pg_stat_activity"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3:
            apps[parts[0]] = f"{parts[2]} ({parts[1]})" if parts[1] else parts[2]
    procs = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = stat[stat.rindex(")") + 2:].split()[1]
            if ppid != str(postmaster):
                continue
            with open(f"/proc/{entry}/cmdline") as f:
                cmd = f.read().replace("\0", " ").strip()
            procs[entry] = {"ticks": ticks(entry), "what": apps.get(entry, cmd.split(":", 1)[-1].strip() or cmd)}
        except OSError:
            continue
    return {"procs": procs, "postmaster": ticks(postmaster)}


def report(before, after, jobs):
    groups = {}
    for pid, proc in after["procs"].items():
        used = proc["ticks"] - before["procs"].get(pid, {"ticks": 0})["ticks"]
        if used > 0:
            what = proc["what"]
            groups[what] = groups.get(what, 0) + used
    ms = lambda t: t * 1000.0 / TICK
    print("| PostgreSQL process (live at the end of the window) | CPU ms | ms per job |")
    print("| --- | ---: | ---: |")
    for what, used in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"| {what} | {ms(used):.0f} | {ms(used) / jobs:.2f} |")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(int(sys.argv[2]), sys.argv[3:]), sys.stdout)
    elif sys.argv[1] == "report":
        with open(sys.argv[2]) as b, open(sys.argv[3]) as a:
            report(json.load(b), json.load(a), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
