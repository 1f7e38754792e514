"""What the add-on costs where people invoice: posting and paying 200 invoices, one
transaction each (as 200 clicks would: each its own cursor, see ``_click``), on a
database with Odoo's ``account`` alone and on the same database with ``credit_control``
installed. Target: at most 5% apart.

``compare()`` keeps two small templates (``cc_bench_post_plain``: ``account`` without demo
data; ``cc_bench_post_addon``: the same plus ``credit_control``, rebuilt when the add-on
changed). Each round copies both and starts a worker process on each copy (its own
registry, as a server has); the two workers then take turns click by click: the one
posts invoice 1, the other its invoice 1, then the second first, and so on, each timing
its own clicks. A slower spell of this shared 2-core machine (two identical runs taken
one after the other can be 10 to 20 % apart) falls on both alike, click by click, where
runs timed one after the other each met a different one (``FIGURES[0]`` is that run on
one database, for ``run.py figure``). ``FIGURES[1]`` also counts the
work itself, which no load changes: the SQL statements and the Python function calls
(cProfile) of posting and paying ``COUNTED_INVOICES`` invoices.

Run alone, a worker is ``posting.py worker -c CONFIG -d DATABASE``: it reads ``setup``,
``post N``, ``pay N`` and ``result`` on its input and answers one line each.
"""

import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import date
from datetime import timedelta
from pathlib import Path

INVOICES = 200
CUSTOMERS = 20  # ten invoices each: customers with several open items
ROUNDS = 3  # of 400 clicks on each database, taken in turns
TARGET_PERCENT = 5.0
ACTIONS = ("post", "pay")  # all invoices posted, then all paid
COUNTED_INVOICES = 50  # under cProfile, about twice as slow


def _setup(env, invoices=INVOICES):
    from odoo import Command

    customers = env["res.partner"].create(
        [
            {"name": f"Posting Customer {number:02d}", "is_company": True}
            for number in range(CUSTOMERS)
        ]
    )
    today = date.today()
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customers[number % CUSTOMERS].id,
                "invoice_date": today - timedelta(days=number % 30),
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 100.0 + number})
                ],
            }
            for number in range(invoices)
        ]
    )
    return moves.ids


@contextmanager
def _click(env):
    """One click: like a request of the web client, its own cursor (one transaction,
    committed at the end) and a new environment with the same user and context. Sharing
    the figure's cursor instead would keep every environment of the 200 clicks in one
    transaction, where Odoo looks each new one up among those the garbage collector has
    not freed yet: a cost that grows with the clicks, set by the collector's timing (and
    so by the size of the registry), that no request of the server ever pays."""
    with env.registry.cursor() as cr:
        yield env(cr=cr)


def _post(env, move_id):
    with _click(env) as click_env:
        click_env["account.move"].browse(move_id).action_post()


def _pay(env, move_id):
    with _click(env) as click_env:
        register = click_env["account.payment.register"].with_context(
            active_model="account.move", active_ids=[move_id]
        )
        register.create({})._create_payments()


def _post_and_pay(env, move_ids):
    for move_id in move_ids:
        _post(env, move_id)
    for move_id in move_ids:
        _pay(env, move_id)
    return _outcome(env, move_ids)


def _outcome(env, move_ids):
    env.invalidate_all()
    moves = env["account.move"].browse(move_ids)
    paid = sum(move.payment_state in ("paid", "in_payment") for move in moves)
    return f"{len(moves)} invoices posted, {paid} paid"


def _post_and_pay_counted(env, move_ids):
    """The same clicks under cProfile: the Python function calls they make."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    try:
        detail = _post_and_pay(env, move_ids)
    finally:
        profile.disable()
    return {"detail": detail, "python_calls": pstats.Stats(profile).total_calls}


FIGURES = [
    {
        "name": f"posting and paying {INVOICES} invoices",
        "target_seconds": 60,
        "setup": _setup,
        "run": _post_and_pay,
    },
    {
        "name": f"posting and paying {COUNTED_INVOICES} invoices, work counted",
        "target_seconds": 60,
        "setup": lambda env: _setup(env, COUNTED_INVOICES),
        "run": _post_and_pay_counted,
    },
]


def compare(run, cluster, config_path, logs):
    """Print the comparison; ``run`` is ``bench/run.py`` (its helpers), passed in to keep
    this file importable on its own."""
    plain = f"{run.DB_PREFIX}_post_plain"
    addon = f"{run.DB_PREFIX}_post_addon"
    if not (cluster.exists(plain) and cluster.comment(plain).get("complete")):
        cluster.drop(plain)
        run.odoo_bin(
            config_path, plain, "-i", "account", "--without-demo=all", log=logs / f"{plain}.log"
        )
        cluster.set_comment(plain, {"complete": True})
    info = cluster.comment(addon) if cluster.exists(addon) else {}
    if info.get("module") != run.module_hash():
        cluster.drop(addon)
        cluster.copy(plain, addon)
        run.odoo_bin(config_path, addon, "-i", "credit_control", log=logs / f"{addon}.log")
        cluster.set_comment(addon, {"complete": True, "module": run.module_hash()})
    ratios, totals = [], []
    for _round in range(ROUNDS):
        result = _round_in_turns(run, cluster, config_path, logs, plain, addon)
        if "error" in result:
            print(f"Posting and paying {INVOICES} invoices: FAILED: {result['error']}")
            return False
        ratios.append(result[addon] / result[plain])
        totals.append(result)
    median = sorted(ratios)[len(ratios) // 2]
    extra = (median - 1) * 100
    ok = extra <= TARGET_PERCENT
    print(
        f"Posting and paying {INVOICES} invoices, one transaction each, the two databases "
        f"in turns click by click ({ROUNDS} rounds): with the add-on {extra:+.1f}% (median "
        f"of the rounds; target at most {TARGET_PERCENT:.0f}%): {run._status(ok)}"
    )
    print(
        "  rounds (without, with): "
        + ", ".join(
            f"{result[plain]:.1f}s/{result[addon]:.1f}s ({(ratio - 1) * 100:+.1f}%)"
            for result, ratio in zip(totals, ratios, strict=True)
        )
    )
    for action, label in (("post", "posting"), ("pay", "paying")):
        extras = [
            result["by action"][addon, action] / result["by action"][plain, action] - 1
            for result in totals
        ]
        print(f"  {label} alone: " + ", ".join(f"{extra * 100:+.1f}%" for extra in extras))
    counted = {
        template: run.figure_in_copy(cluster, template, __file__, 1, config_path, logs)
        for template in (plain, addon)
    }
    if any("error" in result for result in counted.values()):
        print(f"Work counted: FAILED: {counted[plain].get('error') or counted[addon]['error']}")
        return False

    def change(key):
        before, after = counted[plain][key], counted[addon][key]
        return f"{before:,} without the add-on, {after:,} with it ({after / before - 1:+.1%})"

    print(
        f"Work of posting and paying {COUNTED_INVOICES} invoices, the same at any load: "
        f"Python function calls {change('python_calls')}; SQL statements {change('queries')}"
    )
    return ok


def _round_in_turns(run, cluster, config_path, logs, plain, addon):
    """One round: a copy of each template, a worker on each, the clicks in turns (who
    goes first alternates). Returns each template's seconds (and under "by action" each
    template's and action's), or an error."""
    # named like the harness's copies, which a later run drops if this one was interrupted
    copies = {
        template: f"{run.DB_PREFIX}_copy_{role}_{os.getpid()}"
        for template, role in ((plain, "plain"), (addon, "addon"))
    }
    workers = {}
    try:
        for template, copy in copies.items():
            cluster.copy(template, copy)
            workers[template] = _Worker(config_path, copy, logs / f"posting_{template}.log")
        move_ids = {template: worker.ask("setup") for template, worker in workers.items()}
        if any(len(ids.split(",")) != INVOICES for ids in move_ids.values()):
            return {"error": f"the setup made other invoices than {INVOICES}: {move_ids}"}
        seconds = {(template, action): 0.0 for template in workers for action in ACTIONS}
        steps = [(action, number) for action in ACTIONS for number in range(INVOICES)]
        for turn, (action, number) in enumerate(steps):
            order = (plain, addon) if turn % 2 == 0 else (addon, plain)
            for template in order:
                seconds[template, action] += float(workers[template].ask(f"{action} {number}"))
        outcomes = {template: worker.ask("result") for template, worker in workers.items()}
        expected = f"{INVOICES} invoices posted, {INVOICES} paid"
        if any(outcome != expected for outcome in outcomes.values()):
            return {"error": f"not every invoice was posted and paid: {outcomes}"}
        return {
            **{
                template: seconds[template, "post"] + seconds[template, "pay"]
                for template in workers
            },
            "by action": seconds,
        }
    except RuntimeError as error:
        return {"error": str(error)}
    finally:
        for worker in workers.values():
            worker.stop()
        for copy in copies.values():
            cluster.drop(copy)


class _Worker:
    """A worker process on one database (``posting.py worker``), asked one line at a
    time."""

    def __init__(self, config_path, database, log):
        self.log = log
        self.log_file = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "worker", "-c", str(config_path), "-d", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log_file,
            text=True,
        )

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if not answer or answer.startswith("error"):
            raise RuntimeError(f"worker failed at {command!r}: {answer} (log: {self.log})")
        return answer

    def stop(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        self.log_file.close()


def _serve(config_path, database):
    """The worker: the setup, then each click asked for, timed alone."""
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run

    move_ids = []
    with run.superuser_env(config_path, database) as env:
        for line in sys.stdin:
            command, _space, argument = line.strip().partition(" ")
            try:
                if command == "setup":
                    move_ids = _setup(env)
                    env.cr.commit()
                    run.settle(database)
                    answer = ",".join(map(str, move_ids))
                elif command in ("post", "pay"):
                    action = _post if command == "post" else _pay
                    started = time.perf_counter()
                    action(env, move_ids[int(argument)])
                    answer = f"{time.perf_counter() - started:.6f}"
                else:
                    answer = _outcome(env, move_ids)
            except Exception as error:  # told to the parent, which stops the round
                answer = f"error {error!r}".replace("\n", " ")
            print(answer, flush=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A worker of the posting comparison.")
    parser.add_argument("mode", choices=["worker"])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    arguments = parser.parse_args()
    _serve(arguments.config, arguments.database)
