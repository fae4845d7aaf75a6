#!/usr/bin/env python3
"""CPU time of a JVM's threads, grouped by what the threads do (the stages of a job in the platform JVM).

    bench/threads.py snapshot PID > before.json     (thread names from `jcmd PID Thread.print`, CPU from /proc)
    bench/threads.py report before.json after.json JOBS

Prints a markdown table: stage, CPU ms in the window, CPU ms per job, share. Threads that ended during the
window are not counted (their CPU is in the process total, not here); the table says how much that was.
"""
import json
import os
import re
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")

# First match wins: (stage, pattern on the full thread name).
STAGES = [
    ("HTTP requests (Netty event loop: parsing, filters, auth, controllers, responses)", r"^(reactor-http|webflux-http)"),
    ("PostgreSQL client I/O (R2DBC event loop: API statements and their results)", r"^reactor-tcp"),
    ("acceptance: publishing committed rows (outbox publisher)", r"^outbox-"),
    ("folding job events (API consumers)", r"^api-job-events"),
    ("worker: commands (consumers: claim, apply, outcomes)", r"^worker-commands"),
    ("audit: ingest (consumers: parse, hash, COPY)", r"^audit-ingest"),
    ("audit: replays", r"^(audit-replay|replay)"),
    ("Kafka producer I/O (all services)", r"^kafka-producer-network-thread"),
    ("Kafka consumer heartbeats and admin", r"^(kafka-coordinator|kafka-admin|kafka-)"),
    ("request records to Kafka (buffer sender)", r"^request-records"),
    ("JIT compilers", r"(C1|C2) CompilerThread|^C[12] "),
    ("garbage collector", r"^(GC |G1 |VM Thread|Gang worker|ParGC|Serial)"),
    ("scheduled and background work (relay, callbacks, sweeps, timers)", r"^(scheduling|outbox-relay|callback-dispatcher|job-running|parallel|boundedElastic|HikariPool|pool-|task-|Timer|r2dbc-pool|idle-)"),
]


def snapshot(pid):
    dump = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True, check=True).stdout
    names = {}
    for m in re.finditer(r'^"(.+?)".*?nid=(0x[0-9a-f]+|\d+)', dump, re.M):
        nid = m.group(2)
        names[int(nid, 16) if nid.startswith("0x") else int(nid)] = m.group(1)
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        threads[tid] = {"name": names.get(int(tid), comm), "ticks": ticks}
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return {"threads": threads, "process": int(fields[11]) + int(fields[12])}


def stage_of(name):
    for stage, pattern in STAGES:
        if re.search(pattern, name):
            return stage
    return "other threads"


def report(before, after, jobs):
    totals = {}
    counted = 0
    for tid, thread in after["threads"].items():
        start = before["threads"].get(tid, {"ticks": 0})["ticks"]
        used = thread["ticks"] - start
        if used <= 0:
            continue
        counted += used
        stage = stage_of(thread["name"])
        totals[stage] = totals.get(stage, 0) + used
    process = after["process"] - before["process"]
    ms = lambda ticks: ticks * 1000.0 / TICK
    print(f"| stage (threads of the platform JVM) | CPU ms | ms per job | share |")
    print("| --- | ---: | ---: | ---: |")
    for stage, used in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"| {stage} | {ms(used):.0f} | {ms(used) / jobs:.2f} | {100.0 * used / max(process, 1):.0f}% |")
    print(f"| threads that ended in the window | {ms(process - counted):.0f} | {ms(process - counted) / jobs:.2f} |"
          f" {100.0 * (process - counted) / max(process, 1):.0f}% |")
    print(f"| **the JVM** | {ms(process):.0f} | {ms(process) / jobs:.2f} | 100% |")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(int(sys.argv[2])), sys.stdout)
    elif sys.argv[1] == "report":
        with open(sys.argv[2]) as b, open(sys.argv[3]) as a:
            report(json.load(b), json.load(a), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
