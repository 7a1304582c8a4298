#!/usr/bin/env python3
"""Understudy's side-by-side benchmark (run it through bench/run.sh, which installs and builds what it needs).

One throwaway MariaDB on loopback; in front of it HAProxy (Debian's package, mode tcp, option mysql-check, check
inter 1s), nginx stream and Understudy (the packaged launcher with its default JVM options, a mysql check like
HAProxy's, session log off like HAProxy without a log line), all with the same timeouts and the same number of I/O
threads; and a direct connection. Every test runs on every target in rotating order (A B C D, B C D A, ...) for each
repeat, and the table shows medians with the spread. For each run it records the proxy's CPU (its whole process tree,
from /proc), its peak RSS (VmHWM after clear_refs), the database's and the client's CPU, and the CPU used by processes
this script did not start: a run where they used more than --foreign-max of the machine is flagged in the table.
"""

import argparse
import csv
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TARGETS = ["direct", "haproxy", "nginx", "understudy"]
LABEL = {"direct": "direct", "haproxy": "HAProxy", "nginx": "nginx stream", "understudy": "Understudy"}


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------- processes


class Procs:
    """Every process this script starts, each in its own session, stopped in reverse order at the end."""

    def __init__(self):
        self.started = []

    def start(self, name, argv, logfile, env=None, cwd=None):
        out = open(logfile, "ab")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True, env=env, cwd=cwd)
        out.close()
        self.started.append((name, p))
        p.logfile = logfile
        return p

    def stop(self, p, grace=20.0):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        # Children that outlived their leader (nginx workers, a JVM behind a shell).
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.started = [(n, q) for n, q in self.started if q is not p]

    def stop_all(self):
        for _, p in reversed(list(self.started)):
            self.stop(p, grace=10.0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout, proc=None):
    """Seconds until a TCP connect to 127.0.0.1:port succeeds (polled every 2 ms); raises on timeout or exit."""
    t0 = time.monotonic()
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return time.monotonic() - t0
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            tail = ""
            if getattr(proc, "logfile", None):
                with open(proc.logfile, errors="replace") as f:
                    tail = "".join(f.readlines()[-15:])
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}; "
                               f"its log ({proc.logfile}) ends:\n{tail}")
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"nothing listens on {port} after {timeout} s")
        time.sleep(0.002)


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / CLK_TCK


def status_kb(pids, key):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def clear_peak(pids):
    for p in pids:
        try:
            with open(f"/proc/{p}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass


def host_cpu():
    """(busy seconds, steal seconds) of the whole machine so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK, steal / CLK_TCK


# ------------------------------------------------------------------------------------------------------- the servers


class MariaDb:
    def __init__(self, procs, work, table_size, tables):
        self.procs, self.dir, self.table_size, self.tables = procs, os.path.join(work, "mariadb"), table_size, tables
        self.port = free_port()
        self.sock = os.path.join(self.dir, "mysqld.sock")
        self.proc = None

    def start(self):
        data = os.path.join(self.dir, "data")
        os.makedirs(data)
        subprocess.run(["mariadb-install-db", "--no-defaults", "--user=root", "--datadir=" + data,
                        "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
                       check=True, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "install.log"), "w"))
        self.proc = self.procs.start("mariadbd", [
            shutil.which("mariadbd") or "/usr/sbin/mariadbd", "--no-defaults", "--user=root", "--datadir=" + data,
            "--socket=" + self.sock, "--port=" + str(self.port), "--bind-address=127.0.0.1", "--skip-name-resolve",
            "--skip-log-bin", "--performance-schema=off", "--innodb-buffer-pool-size=256M",
            "--innodb-flush-log-at-trx-commit=2", "--max-connections=3000", "--open-files-limit=20000",
            "--connect-timeout=3600", "--max-allowed-packet=64M", "--thread-cache-size=256",
            "--log-error=" + os.path.join(self.dir, "error.log")], os.path.join(self.dir, "stdout.log"))
        wait_port(self.port, 60, self.proc)
        self.sql("CREATE USER bench@'%' IDENTIFIED BY 'bench'; GRANT ALL ON *.* TO bench@'%';"
                 "CREATE USER haproxy@'%'; CREATE DATABASE sbtest;")
        subprocess.run(self.sysbench_base(self.port, 4) + ["oltp_point_select", "prepare"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def sql(self, text):
        subprocess.run(["mariadb", "--no-defaults", "-uroot", "-S", self.sock, "-e", text], check=True)

    def sysbench_base(self, port, threads):
        return ["sysbench", "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={port}",
                "--mysql-user=bench", "--mysql-password=bench", "--mysql-db=sbtest", f"--tables={self.tables}",
                f"--table-size={self.table_size}", f"--threads={threads}"]


class Target:
    """A way to reach the database: directly, or through one running proxy (its root pid is measured)."""

    def __init__(self, name, port, iperf_port, proc=None):
        self.name, self.port, self.iperf_port, self.proc = name, port, iperf_port, proc
        self.idle_rss_kb = None
        self.startup_s = None

    def pids(self):
        return tree(self.proc.pid) if self.proc else []


def start_haproxy(procs, work, threads, db_port, iperf_port, timeouts):
    d = os.path.join(work, f"haproxy-{threads}")
    os.makedirs(d)
    port, iport = free_port(), free_port()
    cfg = os.path.join(d, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(f"""global
  nbthread {threads}
  maxconn 9000
  stats socket {d}/admin.sock mode 600 level admin
defaults
  mode tcp
  timeout connect {timeouts['connect']}
  timeout client {timeouts['client']}
  timeout server {timeouts['server']}
listen mysql
  bind 127.0.0.1:{port}
  maxconn 4000
  option mysql-check user haproxy post-41
  server db 127.0.0.1:{db_port} check inter 1s
listen iperf
  bind 127.0.0.1:{iport}
  server iperf 127.0.0.1:{iperf_port} check inter 1s
""")
    p = procs.start("haproxy", ["haproxy", "-db", "-f", cfg], os.path.join(d, "haproxy.log"))
    t = Target("haproxy", port, iport, p)
    t.startup_s = wait_port(port, 30, p)
    return t


def start_nginx(procs, work, threads, db_port, iperf_port, timeouts):
    d = os.path.join(work, f"nginx-{threads}")
    os.makedirs(d)
    port, iport = free_port(), free_port()
    cfg = os.path.join(d, "nginx.conf")
    with open(cfg, "w") as f:
        f.write(f"""load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
master_process on;
worker_processes {threads};
worker_rlimit_nofile 20000;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 9000; }}
stream {{
  proxy_connect_timeout {timeouts['connect']};
  proxy_timeout {timeouts['client']};
  server {{ listen 127.0.0.1:{port}; proxy_pass 127.0.0.1:{db_port}; }}
  server {{ listen 127.0.0.1:{iport}; proxy_pass 127.0.0.1:{iperf_port}; }}
}}
""")
    p = procs.start("nginx", ["nginx", "-p", d, "-c", cfg, "-e", os.path.join(d, "error.log")],
                    os.path.join(d, "nginx.log"))
    t = Target("nginx", port, iport, p)
    t.startup_s = wait_port(port, 30, p)
    return t


def understudy_conf(path, threads, port, iport, db_port, iperf_port, timeouts, iperf):
    with open(path, "w") as f:
        f.write(f"""global.io-threads = {threads}
defaults.timeout {{ connect = {timeouts['connect']}, client = {timeouts['client']}, server = {timeouts['server']} }}
listen.mysql {{
  bind = "127.0.0.1:{port}"
  maxconn = 10000
  check {{ type = mysql, user = haproxy, inter = 1s }}
  servers = [ {{ name = db, address = "127.0.0.1:{db_port}" }} ]
}}
""")
        if iperf:
            f.write(f"""listen.iperf {{
  bind = "127.0.0.1:{iport}"
  mode = tcp
  maxconn = 100
  check {{ type = tcp, inter = 1s }}
  servers = [ {{ name = iperf, address = "127.0.0.1:{iperf_port}" }} ]
}}
""")


def start_understudy(procs, root, work, threads, db_port, iperf_port, timeouts, java_opts, iperf=True):
    d = os.path.join(work, f"understudy-{threads}-{free_port()}")
    os.makedirs(d)
    port, iport = free_port(), free_port()
    cfg = os.path.join(d, "understudy.conf")
    understudy_conf(cfg, threads, port, iport, db_port, iperf_port, timeouts, iperf)
    env = dict(os.environ)
    # HAProxy logs nothing without a log line; the session log goes the same way here.
    env["JAVA_OPTS"] = ("-Dunderstudy.session.log=WARN " + java_opts).strip()
    p = procs.start("understudy", [os.path.join(root, "bin", "understudy"), "-c", cfg],
                    os.path.join(d, "understudy.log"), env=env)
    t = Target("understudy", port, iport, p)
    t.startup_s = wait_port(port, 60, p)
    return t


# --------------------------------------------------------------------------------------------------------- the tests


CHURN_LUA = """
function thread_init() drv = sysbench.sql.driver() end
function event()
  local con = drv:connect()
  con:query("SELECT 1")
  con:disconnect()
end
"""

BULK_LUA = """
function thread_init() drv = sysbench.sql.driver(); con = drv:connect() end
function event() con:query("SELECT REPEAT('x', %d) FROM seq_1_to_%d") end
function thread_done() con:disconnect() end
"""


def histogram_percentiles(text, ps):
    rows = []
    for line in text.splitlines():
        m = re.match(r"^\s*([\d.]+)\s+\|\**\s+(\d+)\s*$", line)
        if m:
            rows.append((float(m.group(1)), int(m.group(2))))
    total = sum(c for _, c in rows)
    out = []
    for p in ps:
        need, seen, val = total * p, 0, None
        for v, c in rows:
            seen += c
            if seen >= need:
                val = v
                break
        out.append(val)
    return out


def run_sysbench(db, target, args_tail, threads, log_path):
    argv = db.sysbench_base(target.port, threads) + ["--histogram=on", "--percentile=99"] + args_tail
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(log_path, "w") as f:
        f.write(" ".join(argv) + "\n" + r.stdout)
    if r.returncode != 0:
        raise RuntimeError(f"sysbench failed ({r.returncode}), see {log_path}")
    events = int(re.search(r"total number of events:\s+(\d+)", r.stdout).group(1))
    seconds = float(re.search(r"total time:\s+([\d.]+)s", r.stdout).group(1))
    errors = int(re.search(r"errors:\s+(\d+)", r.stdout).group(1))
    p50, p99 = histogram_percentiles(r.stdout, [0.50, 0.99])
    return events, seconds, errors, p50, p99


def test_ps(threads):
    def run(ctx, target, log_path):
        events, seconds, errors, p50, p99 = run_sysbench(
            ctx.db, target, [f"--time={ctx.args.time}", "oltp_point_select", "run"], threads, log_path)
        return dict(ops=events, seconds=seconds, errors=errors, p50_ms=p50, p99_ms=p99)
    return run


def test_churn(ctx, target, log_path):
    events, seconds, errors, p50, p99 = run_sysbench(
        ctx.db, target, [f"--time={ctx.args.churn_time}", ctx.churn_lua, "run"], ctx.args.churn_threads, log_path)
    return dict(ops=events, seconds=seconds, errors=errors, p50_ms=p50, p99_ms=p99)


def test_bulk(ctx, target, log_path):
    events, seconds, errors, p50, p99 = run_sysbench(
        ctx.db, target, [f"--time={ctx.args.bulk_time}", ctx.bulk_lua, "run"], 1, log_path)
    return dict(ops=events, seconds=seconds, errors=errors, p50_ms=p50, p99_ms=p99,
                bytes=events * ctx.args.bulk_rows * ctx.args.bulk_row_bytes)


def test_iperf(ctx, target, log_path):
    port = ctx.iperf_port if target.name == "direct" else target.iperf_port
    argv = ["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", str(ctx.args.iperf_time), "-J"]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(log_path, "w") as f:
        f.write(" ".join(argv) + "\n" + r.stdout)
    if r.returncode != 0:
        raise RuntimeError(f"iperf3 failed ({r.returncode}), see {log_path}")
    end = json.loads(r.stdout)["end"]
    received = end["sum_received"]
    return dict(ops=1, seconds=received["seconds"], errors=0, bytes=received["bytes"])


def test_hold(ctx, target, log_path):
    """Opens --hold sessions and keeps them while the proxy's RSS is read: every one has its server greeting."""
    socks, t0 = [], time.monotonic()
    try:
        for _ in range(ctx.args.hold):
            s = socket.create_connection(("127.0.0.1", target.port), timeout=30)
            socks.append(s)
        for s in socks:
            if len(s.recv(4)) == 0:
                raise RuntimeError("a held session was closed before its greeting")
        time.sleep(1.0)  # a fixed settling interval for the reading below, not a wait for a condition
        rss = status_kb(target.pids(), "VmRSS")
    finally:
        for s in socks:
            s.close()
    with open(log_path, "w") as f:
        f.write(f"held {len(socks)} sessions, VmRSS {rss} kB\n")
    return dict(ops=len(socks), seconds=time.monotonic() - t0, errors=0, held_rss_kb=rss)


class Ctx:
    pass


def measure(ctx, test, fn, target, rep, threads, writer):
    """One run: the test's own figures plus CPU and memory of everyone involved."""
    log_path = os.path.join(ctx.out, "raw", f"t{threads}-{test}-{target.name}-r{rep}.txt")
    pids = target.pids()
    clear_peak(pids)
    db_pids = [ctx.db.proc.pid]
    iperf_pids = [ctx.iperf.pid]
    before = (time.monotonic(), cpu_seconds(pids), cpu_seconds(db_pids), cpu_seconds(iperf_pids),
              resource.getrusage(resource.RUSAGE_CHILDREN), host_cpu(), cpu_seconds([os.getpid()]))
    res = fn(ctx, target, log_path)
    after = (time.monotonic(), cpu_seconds(pids), cpu_seconds(db_pids), cpu_seconds(iperf_pids),
             resource.getrusage(resource.RUSAGE_CHILDREN), host_cpu(), cpu_seconds([os.getpid()]))
    wall = after[0] - before[0]
    proxy_cpu = after[1] - before[1]
    db_cpu = after[2] - before[2] + after[3] - before[3]
    client_cpu = (after[4].ru_utime + after[4].ru_stime) - (before[4].ru_utime + before[4].ru_stime) \
        + after[6] - before[6]
    busy = after[5][0] - before[5][0]
    steal = after[5][1] - before[5][1]
    foreign = max(0.0, busy - proxy_cpu - db_cpu - client_cpu)
    row = dict(threads=threads, test=test, target=target.name, rep=rep, wall_s=round(wall, 3),
               proxy_cpu_s=round(proxy_cpu, 3), db_cpu_s=round(db_cpu, 3), client_cpu_s=round(client_cpu, 3),
               host_busy_s=round(busy, 3), foreign_cpu_s=round(foreign, 3), steal_s=round(steal, 3),
               foreign_pct=round(100 * foreign / (wall * NCPU), 2),
               peak_rss_kb=status_kb(pids, "VmHWM") if pids else "", **res)
    row["noisy"] = int(row["foreign_pct"] > ctx.args.foreign_max)
    writer(row)
    return row


# ------------------------------------------------------------------------------------------------------------ report


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def cell(vals, digits, noisy):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "–"
    m = statistics.median(vals)
    text = fmt(m, digits)
    if len(vals) > 1 and (max(vals) - min(vals)) > 0:
        text += f" ({fmt(min(vals), digits)}–{fmt(max(vals), digits)})"
    return text + (" ⚠" if noisy else "")


METRICS = {
    # test -> [(label, function(row) -> value, digits, higher is better)]
    "ps": [("queries/s", lambda r: r["ops"] / r["seconds"], 0, True),
           ("p50 ms", lambda r: r.get("p50_ms"), 3, False),
           ("p99 ms", lambda r: r.get("p99_ms"), 3, False),
           ("proxy CPU µs/query", lambda r: 1e6 * r["proxy_cpu_s"] / r["ops"], 1, False),
           ("peak RSS MB", lambda r: r["peak_rss_kb"] / 1024 if r["peak_rss_kb"] != "" else None, 1, False)],
    "churn": [("connections/s", lambda r: r["ops"] / r["seconds"], 0, True),
              ("p50 ms", lambda r: r.get("p50_ms"), 3, False),
              ("p99 ms", lambda r: r.get("p99_ms"), 3, False),
              ("proxy CPU µs/connection", lambda r: 1e6 * r["proxy_cpu_s"] / r["ops"], 1, False),
              ("peak RSS MB", lambda r: r["peak_rss_kb"] / 1024 if r["peak_rss_kb"] != "" else None, 1, False)],
    "bulk": [("MB/s", lambda r: r["bytes"] / 1e6 / r["seconds"], 0, True),
             ("proxy CPU s/GB", lambda r: r["proxy_cpu_s"] / (r["bytes"] / 1e9), 3, False),
             ("peak RSS MB", lambda r: r["peak_rss_kb"] / 1024 if r["peak_rss_kb"] != "" else None, 1, False)],
    "iperf": [("Gbit/s", lambda r: r["bytes"] * 8 / 1e9 / r["seconds"], 2, True),
              ("proxy CPU s/GB", lambda r: r["proxy_cpu_s"] / (r["bytes"] / 1e9), 3, False)],
    "hold": [("RSS MB with sessions open", lambda r: r["held_rss_kb"] / 1024 if r["held_rss_kb"] else None, 1,
              False)],
}


def kind(test):
    return "ps" if test.startswith("ps") else test


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def render(rows, startups, failover, args, env_line):
    out = []
    out.append(f"Machine: {env_line}")
    out.append("")
    out.append("Medians over the repeats, (min–max) where they differ; ⚠: a run of that cell had other processes "
               f"using more than {args.foreign_max}% of the machine's CPU. Ratios: Understudy's median over the "
               "other's (for latency, CPU and memory lower is better; for throughput higher is better).")
    out.append("")
    out.append("| test | metric | direct | HAProxy | nginx stream | Understudy | Understudy / HAProxy | "
               "Understudy / direct |")
    out.append("|---|---|---|---|---|---|---|---|")
    tests = []
    for r in rows:
        key = (r["threads"], r["test"])
        if key not in tests:
            tests.append(key)
    for threads, test in tests:
        sel = [r for r in rows if r["threads"] == threads and r["test"] == test]
        name = {"churn": f"churn, {args.churn_threads} clients", "bulk": "bulk result sets",
                "iperf": "raw TCP (iperf3)", "hold": f"{args.hold} open sessions"}.get(
            test, f"point select, {test[2:]} clients")
        name += f" · {threads} thread{'s' if threads > 1 else ''}"
        for label, fn, digits, _ in METRICS[kind(test)]:
            cells, meds = [], {}
            for t in TARGETS:
                tr = [r for r in sel if r["target"] == t]
                vals = []
                for r in tr:
                    try:
                        vals.append(fn(r))
                    except (KeyError, TypeError, ZeroDivisionError):
                        vals.append(None)
                noisy = any(int(r["noisy"]) for r in tr)
                meds[t] = med(vals)
                is_proxy_metric = "proxy" in label or "RSS" in label
                cells.append("–" if (t == "direct" and is_proxy_metric) or not tr else cell(vals, digits, noisy))
            out.append(f"| {name} | {label} | " + " | ".join(cells) + f" | {ratio(meds['understudy'], meds['haproxy'])}"
                       f" | {'–' if ('proxy' in label or 'RSS' in label) else ratio(meds['understudy'], meds['direct'])}"
                       " |")
    for threads, st in sorted(startups.items()):
        cells = ["–"] + [cell(st.get(t, []), 3, False) if st.get(t) else "–" for t in TARGETS[1:]]
        u, h = med(st.get("understudy", [])), med(st.get("haproxy", []))
        out.append(f"| start to listening · {threads} thread{'s' if threads > 1 else ''} | seconds | "
                   + " | ".join(cells) + f" | {ratio(u, h)} | – |")
        cells = ["–"] + [cell(st.get(t + "-idle", []), 1, False) if st.get(t + "-idle") else "–"
                         for t in TARGETS[1:]]
        u, h = med(st.get("understudy-idle", [])), med(st.get("haproxy-idle", []))
        out.append(f"| idle after start · {threads} thread{'s' if threads > 1 else ''} | RSS MB | "
                   + " | ".join(cells) + f" | {ratio(u, h)} | – |")
    noisy = sum(int(r["noisy"]) for r in rows)
    out.append("")
    out.append(f"Runs: {len(rows)}, flagged for foreign CPU: {noisy}. "
               f"Foreign CPU per run, median {fmt(med([float(r['foreign_pct']) for r in rows]), 1)}%, "
               f"max {fmt(max([float(r['foreign_pct']) for r in rows] or [0]), 1)}%.")
    if failover:
        out.append("")
        out.append("Failover under load (bench's FailoverBench: a primary/backup MariaDB pair, 16 clients opening a "
                   "connection per query; 'backup after': from the fault to the first new connection answered by "
                   "the backup; 'failed new': connections started after the fault took effect that failed; 'in "
                   "flight': failed connections started before it):")
        out.append("")
        out.append("| proxy | fault | took | backup after | attempts | failed new | in flight |")
        out.append("|---|---|---|---|---|---|---|")
        for f in failover:
            out.append("| " + " | ".join(f) + " |")
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------------------------------------------- main


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="the checkout (bin/understudy lives there)")
    ap.add_argument("--quick", action="store_true", help="smoke run under 3 minutes: 1 thread, 1 s runs, "
                                                          "small tables, no iperf, no failover")
    ap.add_argument("--threads", help="I/O thread counts to measure (default: '1 2', quick: '1')")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--time", type=int, help="seconds per point-select run (default 10, quick 1)")
    ap.add_argument("--churn-time", type=int, help="seconds per churn run (default 8, quick 1)")
    ap.add_argument("--churn-threads", type=int, default=16)
    ap.add_argument("--bulk-time", type=int, help="seconds per bulk run (default 8, quick 1)")
    ap.add_argument("--bulk-rows", type=int, default=96)
    ap.add_argument("--bulk-row-bytes", type=int, default=1048576)
    ap.add_argument("--iperf-time", type=int, help="seconds per iperf3 run (default 5)")
    ap.add_argument("--hold", type=int, default=1000, help="sessions held open for the memory reading")
    ap.add_argument("--warmup", type=int, help="unmeasured point-select seconds per target first (default 5, "
                                                 "quick 1)")
    ap.add_argument("--tests", help="space-separated subset of: ps8 ps64 churn bulk iperf hold "
                                    "(default all; quick: all but iperf)")
    ap.add_argument("--no-failover", action="store_true", help="skip failover under load (quick skips it)")
    ap.add_argument("--starts", type=int, default=3, help="extra starts of each proxy to time start-up")
    ap.add_argument("--foreign-max", type=float, default=5.0,
                    help="flag runs where other processes used more than this %% of the machine's CPU")
    ap.add_argument("--java-opts", default="", help="extra JVM options for Understudy (after the launcher's)")
    ap.add_argument("--out", help="results directory (default bench/results/<timestamp>)")
    ap.add_argument("--table-size", type=int)
    a = ap.parse_args()
    q = a.quick
    a.threads = [int(x) for x in (a.threads or ("1" if q else "1 2")).split()]
    a.time = a.time or (1 if q else 10)
    a.churn_time = a.churn_time or (1 if q else 8)
    a.bulk_time = a.bulk_time or (1 if q else 8)
    a.iperf_time = a.iperf_time or 5
    a.warmup = a.warmup if a.warmup is not None else (1 if q else 5)
    a.tests = (a.tests or ("ps8 ps64 churn bulk hold" if q else "ps8 ps64 churn bulk iperf hold")).split()
    a.table_size = a.table_size or (10000 if q else 100000)
    if q:
        a.no_failover = True
        a.starts = min(a.starts, 1)
    return a


def env_line():
    try:
        model = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
    except (OSError, IndexError):
        model = "?"
    mem = [int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")][0] // 1024
    def ver(argv):
        try:
            return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout \
                .splitlines()[0].strip()
        except (OSError, IndexError):
            return "?"
    java = ver(["java", "-version"])
    return (f"{NCPU} CPUs ({model}), {mem} MB RAM, {os.uname().release}; {ver(['haproxy', '-v'])}; "
            f"{ver(['nginx', '-v'])}; {ver(['mariadbd', '--version'])}; {java}; {ver(['sysbench', '--version'])}")


def main():
    args = parse_args()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or os.path.join(args.root, "bench", "results", stamp + ("-quick" if args.quick else ""))
    os.makedirs(os.path.join(out, "raw"), exist_ok=True)
    work = tempfile.mkdtemp(prefix="understudy-bench-")
    logs = os.path.join(out, "logs")
    os.makedirs(logs, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Room for --hold sessions (each is two descriptors in a proxy); the hard limit is what the machine allows.
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 65536), max(hard, 65536)))
    except ValueError:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    procs = Procs()
    started = time.monotonic()

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)

    ctx = Ctx()
    ctx.args, ctx.out = args, out
    rows = []
    csv_path = os.path.join(out, "runs.csv")
    fields = ["threads", "test", "target", "rep", "wall_s", "ops", "seconds", "errors", "p50_ms", "p99_ms", "bytes",
              "held_rss_kb", "proxy_cpu_s", "db_cpu_s", "client_cpu_s", "host_busy_s", "foreign_cpu_s",
              "foreign_pct", "steal_s", "peak_rss_kb", "noisy"]
    csv_file = open(csv_path, "w", newline="")
    writer = csv.DictWriter(csv_file, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()

    def write(row):
        rows.append(row)
        writer.writerow(row)
        csv_file.flush()
        extra = f" foreign {row['foreign_pct']}%" + (" (flagged)" if row["noisy"] else "")
        log(f"  t{row['threads']} {row['test']:5s} {row['target']:10s} r{row['rep']}: {row['ops']} ops in "
            f"{row['seconds']:.2f} s, proxy CPU {row['proxy_cpu_s']} s, errors {row['errors']}{extra}")

    startups = {}
    failover = []
    try:
        env = env_line()
        with open(os.path.join(out, "env.txt"), "w") as f:
            f.write(env + "\n" + " ".join(sys.argv) + "\n")
        log("machine:", env)
        log("starting MariaDB and preparing sysbench tables")
        db = MariaDb(procs, work, args.table_size, 4)
        db.start()
        ctx.db = db
        ctx.iperf_port = free_port()
        ctx.iperf = procs.start("iperf3", ["iperf3", "-s", "-p", str(ctx.iperf_port)],
                                os.path.join(work, "iperf3.log"))
        wait_port(ctx.iperf_port, 10, ctx.iperf)
        ctx.churn_lua = os.path.join(work, "churn.lua")
        with open(ctx.churn_lua, "w") as f:
            f.write(CHURN_LUA)
        ctx.bulk_lua = os.path.join(work, "bulk.lua")
        with open(ctx.bulk_lua, "w") as f:
            f.write(BULK_LUA % (args.bulk_row_bytes, args.bulk_rows))
        timeouts = {"connect": "1500ms", "client": "1h", "server": "1h"}
        for threads in args.threads:
            log(f"{threads} I/O thread(s): starting the proxies")
            st = startups.setdefault(threads, {})
            # Start-up and idle memory: fresh processes, stopped again (the measured ones start after).
            # One unmeasured start first: the binaries in the page cache, and Understudy's class-data archive made
            # (the launcher makes it on a first run, as on an operator's machine).
            for i in range(args.starts + 1):
                for name, starter in (("haproxy", lambda: start_haproxy(procs, logs + f"/s{free_port()}", threads,
                                                                        db.port, ctx.iperf_port, timeouts)),
                                      ("nginx", lambda: start_nginx(procs, logs + f"/s{free_port()}", threads,
                                                                    db.port, ctx.iperf_port, timeouts)),
                                      ("understudy", lambda: start_understudy(procs, args.root, logs, threads, db.port,
                                                                              ctx.iperf_port, timeouts,
                                                                              args.java_opts,
                                                                              "iperf" in args.tests))):
                    t = starter()
                    if i > 0:
                        st.setdefault(name, []).append(t.startup_s)
                        time.sleep(2.0)  # a fixed idle interval (checks run, nothing else), not a wait for a condition
                        st.setdefault(name + "-idle", []).append(status_kb(t.pids(), "VmRSS") / 1024)
                    procs.stop(t.proc)
            targets = {
                "direct": Target("direct", db.port, ctx.iperf_port),
                "haproxy": start_haproxy(procs, logs, threads, db.port, ctx.iperf_port, timeouts),
                "nginx": start_nginx(procs, logs, threads, db.port, ctx.iperf_port, timeouts),
                "understudy": start_understudy(procs, args.root, logs, threads, db.port, ctx.iperf_port, timeouts,
                                               args.java_opts, "iperf" in args.tests),
            }
            if args.warmup > 0:
                log(f"warming up every target ({args.warmup} s of point selects and of churn each)")
                for t in targets.values():
                    run_sysbench(db, t, [f"--time={args.warmup}", "oltp_point_select", "run"], 8,
                                 os.path.join(out, "raw", f"t{threads}-warmup-{t.name}.txt"))
                    run_sysbench(db, t, [f"--time={args.warmup}", ctx.churn_lua, "run"], args.churn_threads,
                                 os.path.join(out, "raw", f"t{threads}-warmup-churn-{t.name}.txt"))
            tests = {"ps8": test_ps(8), "ps64": test_ps(64), "churn": test_churn, "bulk": test_bulk,
                     "iperf": test_iperf, "hold": test_hold}
            for rep in range(args.repeats):
                order = TARGETS[rep % len(TARGETS):] + TARGETS[:rep % len(TARGETS)]
                for test in args.tests:
                    for name in order:
                        if test == "hold" and name == "direct":
                            continue
                        measure(ctx, test, tests[test], targets[name], rep + 1, threads, write)
            for name in ("understudy", "nginx", "haproxy"):
                procs.stop(targets[name].proc)
        if not args.no_failover:
            failover = run_failover(args, out)
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); stopping everything")
        raise SystemExit(130)
    finally:
        procs.stop_all()
        csv_file.close()
        shutil.rmtree(work, ignore_errors=True)

    table = render(rows, startups, failover, args, env)
    elapsed = time.monotonic() - started
    header = (f"# Understudy benchmark, {stamp}{' (quick)' if args.quick else ''}\n\n"
              f"Command: `bench/run.sh {' '.join(sys.argv[3:])}`; {args.repeats} repeats, interleaved; "
              f"took {elapsed / 60:.1f} min. Raw results: runs.csv, raw/.\n\n")
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(header + table)
    print(header + table)
    log(f"results in {out}")


def run_failover(args, out):
    log("failover under load (FailoverBench: kill -9 and SIGSTOP; Understudy, HAProxy at its defaults and at "
        "Understudy's check timings)")
    cp_file = os.path.join(args.root, "bench", "target", "classpath.txt")
    with open(cp_file) as f:
        cp = os.path.join(args.root, "bench", "target", "classes") + ":" + f.read().strip()
    csv_out = os.path.join(out, "failover.csv")
    argv = ["java", "-Dfaults=kill -9,SIGSTOP", "-Dproxies=understudy,haproxy-seed,haproxy-equal",
            "-Dcsv=" + csv_out, "-cp", cp, "io.understudy.bench.FailoverBench"]
    with open(os.path.join(out, "raw", "failover.txt"), "w") as f:
        r = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT, cwd=args.root)
    if r.returncode != 0:
        log(f"FailoverBench failed ({r.returncode}); see raw/failover.txt")
        return [["FailoverBench failed", f"exit {r.returncode}", "see raw/failover.txt", "", "", "", ""]]
    with open(csv_out) as f:
        return [row for row in csv.reader(f)][1:]


if __name__ == "__main__":
    main()
