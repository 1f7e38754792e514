"""``make bench``: build the benchmark templates once, time every figure on fresh copies.

Run with Odoo's Python (``tools/bench`` does it)::

    $ODOO_PYTHON bench/run.py -c .build/odoo.conf [--partners 5000 --invoices 10 --months 24]
                                                  [--scale 2]

1. Templates: ``cc_bench_tmpl_<partners>_<invoices>_<months>_s<seed>_<generator hash>`` at the
   given size and at ``--scale`` times the customers (default 2: double; 10 for the larger
   tier, 50,000 customers). A template is built once (add-on installed
   without demo data, then ``bench/generate.py``) and reused while the generator is unchanged;
   when the add-on's code changed since, the template is upgraded (``-u credit_control``) in
   place, once. Its database comment records the generator and module hashes and timings.
2. Figures: every ``FIGURES`` entry of ``bench/figures/*.py`` runs at both sizes, each in its
   own process on a fresh copy (``CREATE DATABASE ... TEMPLATE``) that is dropped afterwards;
   the time, the SQL query count and the peak RSS of the process while the figure runs
   (registry and what the setup left in memory included) are reported. The scaled
   figure may take at most 1.1x the scale times the single one (2.2x at double data, 11x at
   10x); the worker's RSS stays under 1 GB (1.5 GB above double data).
3. OCA comparison (``bench/oca_credit_control.py``): OCA's ``account_credit_control`` run on a
   copy of the default template, compared with our figure named "dunning proposals".

The figure contract (``bench/figures/<feature>.py``)::

    FIGURES = [{"name": ..., "target_seconds": 10,
                "setup": lambda env: ctx,          # untimed, committed
                "run": lambda env, ctx: "detail"}]  # timed, committed
"""

import argparse
import contextlib
import ctypes
import fcntl
import gc
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MODULE = REPO / "credit_control"
DB_PREFIX = "cc_bench"
RATIO_TARGET = 2.2  # at double data; any scale: 1.1 x the scale (see ratio_target)
RSS_TARGET_MB = 1024  # up to double data; larger tiers: LARGE_RSS_TARGET_MB
LARGE_RSS_TARGET_MB = 1536
OCA_RATIO_TARGET = 10
DUNNING_FIGURE = "dunning proposals"


def file_hash(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def generator_hash():
    return file_hash([BENCH / "generate.py"])


def module_hash():
    files = [
        p
        for p in MODULE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    ]
    return file_hash(files)


# --------------------------------------------------------------------------- databases


@contextlib.contextmanager
def autocommit_cursor(database):
    """An Odoo cursor on ``database`` outside any transaction (CREATE/DROP DATABASE and
    VACUUM refuse to run in one)."""
    import odoo

    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr._cnx.autocommit = True
        yield cr


class Cluster:
    """Database-level operations through Odoo's connection settings."""

    def __init__(self, config_path):
        from odoo.tools import config

        self.config_path = config_path
        config.parse_config(["-c", str(config_path), "--log-level=warn"])
        self.data_dir = Path(config["data_dir"])

    def _cursor(self):
        return autocommit_cursor("postgres")

    def exists(self, name):
        with self._cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return bool(cr.fetchone())

    def names(self, prefix):
        with self._cursor() as cr:
            cr.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
            return [name for (name,) in cr.fetchall()]

    def comment(self, name):
        with self._cursor() as cr:
            cr.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            )
            row = cr.fetchone()
        try:
            return json.loads(row[0]) if row and row[0] else {}
        except ValueError:
            return {}

    def set_comment(self, name, values):
        with self._cursor() as cr:
            cr.execute(f'COMMENT ON DATABASE "{name}" IS %s', [json.dumps(values)])

    def size_mb(self, name):
        with self._cursor() as cr:
            cr.execute("SELECT pg_database_size(%s)", [name])
            return cr.fetchone()[0] / 1024 / 1024

    def copy(self, template, name):
        self.drop(name)
        with self._cursor() as cr:
            cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        source = self.data_dir / "filestore" / template
        if source.is_dir():
            shutil.copytree(source, self.data_dir / "filestore" / name)

    def drop(self, name):
        with self._cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(self.data_dir / "filestore" / name, ignore_errors=True)


def _process_alive(pid):
    """Whether the process that made a copy still runs (another checkout's bench)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def odoo_bin(config_path, database, *args, log):
    command = [sys.executable, "-m", "odoo", "-c", str(config_path), "-d", database, *args]
    command += ["--stop-after-init", f"--logfile={log}", "--log-level=warn"]
    with open(f"{log}.out", "w") as output:  # odoo-bin's own chatter, beside its log
        result = subprocess.run(command, check=False, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode:
        raise RuntimeError(f"odoo-bin {' '.join(args)} failed on {database}: see {log}")


# --------------------------------------------------------------------------- templates


def template_name(partners, invoices, months, seed):
    return f"{DB_PREFIX}_tmpl_{partners}_{invoices}_{months}_s{seed}_{generator_hash()[:8]}"


def settle(database):
    """``VACUUM ANALYZE`` the database, as autovacuum does on a live server after a bulk
    change (this machine's PostgreSQL runs without it): statistics of what was written and
    the old versions of rewritten rows cleared. Otherwise a plan made for stale row counts,
    and every dead row a setup left behind, would be timed."""
    with autocommit_cursor(database) as cr:
        cr.execute("VACUUM ANALYZE")


def ensure_template(cluster, args, partners, logs):
    """The template at this size: built if missing, upgraded if the module changed."""
    name = template_name(partners, args.invoices, args.months, args.seed)
    stale_prefix = name.rsplit("_", 1)[0] + "_"
    for other in cluster.names(stale_prefix):
        if other != name:
            print(f"  dropping stale template {other} (older generator)", flush=True)
            cluster.drop(other)
    info = cluster.comment(name) if cluster.exists(name) else {}
    if info.get("complete"):
        if info.get("module") != module_hash():
            print(f"  {name}: add-on changed since the build, upgrading it", flush=True)
            started = time.monotonic()
            odoo_bin(args.config, name, "-u", "credit_control", log=logs / f"{name}_upgrade.log")
            info.update(module=module_hash(), upgrade_seconds=round(time.monotonic() - started))
            cluster.set_comment(name, info)
        return name, info
    cluster.drop(name)
    print(f"  building {name} ({partners} customers)...", flush=True)
    started = time.monotonic()
    odoo_bin(
        args.config,
        name,
        "-i",
        "credit_control",
        "--without-demo=all",
        log=logs / f"{name}_install.log",
    )
    installed = time.monotonic()
    command = [
        sys.executable,
        str(BENCH / "generate.py"),
        "-c",
        str(args.config),
        "-d",
        name,
        "--partners",
        str(partners),
        "--invoices",
        str(args.invoices),
        "--months",
        str(args.months),
        "--seed",
        str(args.seed),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    generated = json.loads(output.strip().splitlines()[-1])
    settle(name)  # every copy starts from a settled database
    info = {
        "complete": True,
        "generator": generator_hash(),
        "module": module_hash(),
        "partners": partners,
        "invoices_per_partner": args.invoices,
        "months": args.months,
        "seed": args.seed,
        "install_seconds": round(installed - started, 1),
        "generator_seconds": round(time.monotonic() - installed, 1),
        "generator_steps": {
            key: generated[key] for key in ("plan_seconds", "insert_seconds", "seconds")
        },
        "rows": generated["rows"],
        "facts": generated["facts"],
    }
    cluster.set_comment(name, info)
    return name, info


# --------------------------------------------------------------------------- one figure (child)


def load_figures(path):
    spec = importlib.util.spec_from_file_location(f"bench_figures_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FIGURES


class QueryCounter:
    """Counts the SQL statements Odoo's cursors execute while ``active``."""

    def __init__(self):
        import odoo.sql_db

        self.count = 0
        self.active = False
        original = odoo.sql_db.Cursor.execute
        counter = self

        def execute(cursor, query, params=None, log_exceptions=True):
            if counter.active:
                counter.count += 1
            return original(cursor, query, params, log_exceptions)

        odoo.sql_db.Cursor.execute = execute


def _reset_peak_rss():
    """Forget the setup's peak (Linux: writing 5 to clear_refs resets VmHWM), so that the
    peak reported is the work's: a setup that generates a second ledger in the same
    process would otherwise be what the figure shows."""
    gc.collect()
    # hand the memory the setup freed back to the system first (glibc keeps it otherwise)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with contextlib.suppress(OSError):  # elsewhere the peak includes the setup's
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_mb():
    """Peak resident memory of this process since ``_reset_peak_rss``, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def superuser_env(config_path, database):
    """Odoo on ``database`` in this process: the superuser's environment on a cursor of
    its own, in the user's company (as the web client sends it)."""
    import odoo
    from odoo.tools import config

    config.parse_config(["-c", str(config_path), "-d", database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        yield env(context=dict(env.context, allowed_company_ids=[env.user.company_id.id]))


def run_one_figure(config_path, database, path, index):
    """In a child process: setup (untimed), run (timed, queries counted), commit."""
    counter = QueryCounter()
    figure = load_figures(Path(path))[index]
    with superuser_env(config_path, database) as env:
        cr = env.cr
        setup = figure.get("setup") or (lambda env: None)
        context = setup(env)
        env.flush_all()
        cr.commit()
        settle(database)
        env.invalidate_all()
        _reset_peak_rss()
        counter.active = True
        started = time.perf_counter()
        detail = figure["run"](env, context)
        env.flush_all()
        cr.commit()
        seconds = time.perf_counter() - started
        counter.active = False
    rss_mb = _peak_rss_mb()
    # a run may return a dict: its "detail" and further figures of its own
    numbers = dict(detail) if isinstance(detail, dict) else {"detail": detail}
    return {
        "seconds": seconds,
        "queries": counter.count,
        "rss_mb": rss_mb,
        **numbers,
        "detail": str(numbers["detail"]) if numbers["detail"] else "",
    }


def figure_in_copy(cluster, template, path, index, config_path, logs, install=None):
    """Copy the template, optionally install extra modules (untimed), run one figure."""
    copy = f"{DB_PREFIX}_copy_{os.getpid()}"
    cluster.copy(template, copy)
    try:
        if install:
            odoo_bin(config_path, copy, "-i", install, log=logs / f"{copy}_install.log")
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "figure",
            "-c",
            str(config_path),
            "-d",
            copy,
            "--file",
            str(path),
            "--index",
            str(index),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        log = logs / f"figure_{Path(path).stem}_{index}_{template}.log"
        log.write_text(result.stderr)
        if result.returncode:
            last = (result.stderr or result.stdout).strip().splitlines()[-1:]
            return {"error": f"{' '.join(last)} (log: {log})"}
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        cluster.drop(copy)


# --------------------------------------------------------------------------- report


def _mb(value):
    return f"{value:,.0f} MB"


def _status(ok):
    return "ok" if ok else "MISSED"


def print_templates(cluster, templates):
    print()
    print("Templates")
    header = f"{'database':<42} {'customers':>9} {'invoices':>9} {'overdue':>8} "
    header += f"{'install':>8} {'generator':>10} {'size':>9}"
    print(header)
    for name, info in templates:
        facts = info.get("facts", {})
        print(
            f"{name:<42} {info['partners']:>9,} {facts.get('invoices', 0):>9,} "
            f"{facts.get('overdue receivable lines', 0):>8,} {info['install_seconds']:>7.0f}s "
            f"{info['generator_seconds']:>9.1f}s {_mb(cluster.size_mb(name)):>9}"
        )


def ratio_target(scale):
    """The most the figure may take at ``scale`` times the data: linear, 10 % slack
    (2.2x at double data, 11x at 10x)."""
    return round(RATIO_TARGET / 2 * scale, 2)


def rss_target_mb(scale):
    return RSS_TARGET_MB if scale <= 2 else LARGE_RSS_TARGET_MB


def print_figures(results, sizes, scale=2):
    print()
    most, rss_limit = ratio_target(scale), rss_target_mb(scale)
    print(
        f"Figures (time, queries, peak RSS at {sizes[0]:,} and {sizes[1]:,} customers; "
        f"x{scale}/single at most {most}x; RSS under {rss_limit} MB)"
    )
    print(
        f"{'figure':<58} {'target':>7} {'time':>8} {'queries':>8} {'RSS':>8} "
        f"{'time x' + str(scale):>8} {'queries':>8} {'RSS':>8} {'ratio':>6}  result"
    )
    for name, target, single, double in results:
        if "error" in single or "error" in double:
            error = single.get("error") or double.get("error")
            print(f"{name[:58]:<58} {target:>6}s  FAILED: {error}")
            continue
        ratio = double["seconds"] / max(single["seconds"], 1e-6)
        misses = []
        if single["seconds"] > target:
            misses.append("time")
        if ratio > most:
            misses.append("ratio")
        if max(single["rss_mb"], double["rss_mb"]) > rss_limit:
            misses.append("memory")
        result = "ok" if not misses else "MISSED " + ",".join(misses)
        print(
            f"{name[:58]:<58} {target:>6}s {single['seconds']:>7.2f}s {single['queries']:>8,} "
            f"{_mb(single['rss_mb']):>8} {double['seconds']:>7.2f}s {double['queries']:>8,} "
            f"{_mb(double['rss_mb']):>8} {ratio:>5.2f}x  {result}"
        )
        for size, data in ((sizes[0], single), (sizes[1], double)):
            if data.get("detail"):
                print(f"{'':<4}{size:,}: {data['detail']}")


def print_oca(oca, results):
    print()
    if "error" in oca:
        print(f"OCA account_credit_control 18.0: FAILED: {oca['error']}")
        return
    print(
        f"OCA account_credit_control 18.0 run (3 levels, all benchmark customers): "
        f"{oca['seconds']:.2f}s, {oca['queries']:,} queries, {_mb(oca['rss_mb'])} RSS"
        + (f"; {oca['detail']}" if oca.get("detail") else "")
    )
    ours = [single for name, _t, single, _d in results if name == DUNNING_FIGURE]
    if ours and "seconds" in ours[0]:
        ratio = oca["seconds"] / max(ours[0]["seconds"], 1e-6)
        print(
            f'Ours ("{DUNNING_FIGURE}") is {ratio:.1f}x faster '
            f"(target at least {OCA_RATIO_TARGET}x): {_status(ratio >= OCA_RATIO_TARGET)}"
        )
    else:
        print(f'No figure named "{DUNNING_FIGURE}" yet: no ratio.')


# --------------------------------------------------------------------------- main


def bench(args):
    started = time.monotonic()
    status = _bench(args)
    print(f"\nmake bench: {time.monotonic() - started:.0f} s in all.")
    return status


def _bench(args):
    logs = Path(args.config).resolve().parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    lock = (logs.parent / "bench.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("make bench is already running (.build/bench.lock): run one at a time.")
    cluster = Cluster(args.config)
    for leftover in cluster.names(f"{DB_PREFIX}_copy_"):
        if not _process_alive(leftover.rsplit("_", 1)[-1]):  # from an interrupted run
            cluster.drop(leftover)
    sizes = [args.partners, args.partners * args.scale]
    print("== Benchmark templates", flush=True)
    templates = [ensure_template(cluster, args, partners, logs) for partners in sizes]
    print_templates(cluster, templates)

    results = []
    files = sorted((BENCH / "figures").glob("*.py"))
    files = [f for f in files if not f.name.startswith("_")]
    if args.figures:
        files = [f for f in files if f.stem in args.figures.split(",")]
    print("\n== Figures", flush=True)
    for path in files:
        try:
            figures = load_figures(path)
        except Exception as error:  # a broken file must not hide the other figures
            failure = {"error": f"cannot load {path.name}: {error!r}"}
            results.append((path.stem, 0, failure, failure))
            continue
        for index, figure in enumerate(figures):
            print(f"  {path.stem}: {figure['name']}...", flush=True)
            runs = [
                figure_in_copy(cluster, name, path, index, args.config, logs)
                for name, _info in templates
            ]
            results.append((figure["name"], figure["target_seconds"], *runs))
    print_figures(results, sizes, args.scale)

    if not args.no_oca:
        print("\n== OCA comparison", flush=True)
        sys.path.insert(0, str(BENCH))
        import oca_credit_control

        try:
            config_path = oca_credit_control.prepare(Path(args.config))
            oca = figure_in_copy(
                cluster,
                templates[0][0],
                BENCH / "oca_credit_control.py",
                0,
                config_path,
                logs,
                install="account_credit_control",
            )
        except Exception as error:  # report it beside the other figures, don't hide them
            oca = {"error": str(error)}
        print_oca(oca, results)
    if not args.figures or "posting" in args.figures.split(","):
        print("\n== Posting and paying with and without the add-on", flush=True)
        sys.path.insert(0, str(BENCH))
        import posting

        posting.compare(sys.modules[__name__], cluster, Path(args.config), logs)
    failed = any("error" in single or "error" in double for _n, _t, single, double in results)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description="Build the benchmark templates, time figures.")
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "figure"])
    parser.add_argument("-c", "--config", required=True, type=Path)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=10)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--scale",
        type=int,
        default=2,
        help="the second template has this many times the customers (2: double; 10: the "
        "larger tier)",
    )
    parser.add_argument("--figures", help="only these figure files (comma-separated stems)")
    parser.add_argument("--no-oca", action="store_true", help="skip the OCA comparison")
    parser.add_argument("-d", "--database", help="figure mode: the copy to run on")
    parser.add_argument("--file", help="figure mode: the figure file")
    parser.add_argument("--index", type=int, help="figure mode: which figure of the file")
    args = parser.parse_args()
    if args.scale < 2:
        parser.error("--scale must be at least 2")
    if args.mode == "figure":
        result = run_one_figure(args.config, args.database, args.file, args.index)
        print(json.dumps(result))
        return 0
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
