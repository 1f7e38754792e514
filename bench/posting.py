"""What the add-on costs where people invoice: posting and paying 200 invoices, one
transaction each (as 200 clicks would: each its own cursor, see ``_click``), on a
database with Odoo's ``account`` alone and on the same database with ``credit_control``
installed. Target: at most 5% apart.

``compare()`` keeps two small templates (``cc_bench_post_plain``: ``account`` without demo
data; ``cc_bench_post_addon``: the same plus ``credit_control``, rebuilt when the add-on
changed), then runs ``FIGURES[0]`` on fresh copies of each, alternately, ``ROUNDS`` times,
and compares the best time of each: alternating and taking the best keeps the noise of a
shared machine out of the comparison. On a shared 2-core machine that is not enough to
resolve 5 % (two identical runs can be 10 % apart), so ``FIGURES[1]`` also counts the work
itself, which no load changes: the SQL statements and the Python function calls (cProfile)
of posting and paying ``COUNTED_INVOICES`` invoices.
"""

from contextlib import contextmanager
from datetime import date
from datetime import timedelta

INVOICES = 200
CUSTOMERS = 20  # ten invoices each: the add-on's live figures see a customer's open items
ROUNDS = 7
TARGET_PERCENT = 5.0
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


def _post_and_pay(env, move_ids):
    for move_id in move_ids:
        with _click(env) as click_env:
            click_env["account.move"].browse(move_id).action_post()
    for move_id in move_ids:
        with _click(env) as click_env:
            register = click_env["account.payment.register"].with_context(
                active_model="account.move", active_ids=[move_id]
            )
            register.create({})._create_payments()
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
    seconds = {plain: [], addon: []}
    for _round in range(ROUNDS):
        for template in (plain, addon):
            result = run.figure_in_copy(cluster, template, __file__, 0, config_path, logs)
            if "error" in result:
                print(f"Posting and paying {INVOICES} invoices: FAILED: {result['error']}")
                return False
            seconds[template].append(result["seconds"])
    best = {template: min(times) for template, times in seconds.items()}
    extra = (best[addon] / best[plain] - 1) * 100
    ok = extra <= TARGET_PERCENT
    # each round's two runs follow each other: their ratio is the least disturbed by a
    # slower spell of the machine, and the median of the rounds tells whether best-of
    # picked an outlier
    ratios = sorted(after / before for before, after in zip(*seconds.values(), strict=True))
    print(
        f"Posting and paying {INVOICES} invoices, one transaction each (best of {ROUNDS}): "
        f"without the add-on {best[plain]:.2f}s, with it {best[addon]:.2f}s: {extra:+.1f}% "
        f"(target at most {TARGET_PERCENT:.0f}%): {run._status(ok)}; median of the rounds "
        f"{(ratios[len(ratios) // 2] - 1) * 100:+.1f}% (rounds from "
        f"{(ratios[0] - 1) * 100:+.1f}% to {(ratios[-1] - 1) * 100:+.1f}%)"
    )
    print(
        "  rounds (without, with): "
        + ", ".join(f"{a:.1f}s/{b:.1f}s" for a, b in zip(*seconds.values(), strict=True))
    )
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
