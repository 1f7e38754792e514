"""The yardstick: OCA's ``account_credit_control`` 18.0 on the same benchmark data.

``prepare()`` downloads the published wheel (``pip download --no-deps``) into ``.build/oca/``,
unpacks the add-on (and any OCA add-on it depends on) under ``.build/oca/addons/`` and writes
``.build/oca/odoo.conf`` with that directory on the addons path. Nothing of OCA is kept in the
repository. ``bench/run.py`` then installs the add-on on a copy of the default template and
times ``FIGURES[0]``: a 3-level policy (10, 30 and 60 days after the due date) on every
benchmark customer, and one ``credit.control.run`` for today, generated the way the run's
form button does (``generate_credit_lines``).
"""

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ADDON = "account_credit_control"
SERIES = "18.0"
LEVELS = [(1, "First reminder", 10), (2, "Second reminder", 30), (3, "Last reminder", 60)]


def _package(addon):
    return "odoo-addon-" + addon.replace("_", "-")


def _download(addon, target):
    """The add-on's wheel for the series, downloaded once; returns its path."""
    pattern = f"odoo_addon_{addon}-{SERIES}.*.whl"
    found = sorted(target.glob(pattern))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "--dest",
                str(target),
                f"{_package(addon)}>={SERIES},<{SERIES[:-1]}{int(SERIES[-1]) + 1}",
            ],
            check=True,
        )
        found = sorted(target.glob(pattern))
    if not found:
        raise RuntimeError(f"no {SERIES} wheel of {_package(addon)} in {target}")
    return found[-1]


def _unpack(wheel, addon, addons_dir):
    prefix = f"odoo/addons/{addon}/"
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(prefix) and not member.endswith("/"):
                destination = addons_dir / addon / member[len(prefix) :]
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(member))
    manifest = addons_dir / addon / "__manifest__.py"
    return ast.literal_eval(manifest.read_text())


def prepare(config_path):
    """Download and unpack the OCA add-on and its OCA dependencies; return the Odoo
    configuration file that has them on its addons path."""
    build = config_path.resolve().parent
    target = build / "oca"
    addons_dir = target / "addons"
    addons_dir.mkdir(parents=True, exist_ok=True)
    text = config_path.read_text()
    addons_path = re.search(r"^addons_path\s*=\s*(.+)$", text, re.M).group(1).strip()
    available = {
        manifest.parent.name
        for root in addons_path.split(",")
        for manifest in Path(root).glob("*/__manifest__.py")
    }
    pending, done = [ADDON], set()
    while pending:
        addon = pending.pop()
        if addon in done or addon in available:
            continue
        manifest = _unpack(_download(addon, target), addon, addons_dir)
        done.add(addon)
        pending.extend(manifest.get("depends", []))
    oca_config = target / "odoo.conf"
    oca_config.write_text(
        text.replace(f"addons_path = {addons_path}", f"addons_path = {addons_path},{addons_dir}")
    )
    return oca_config


# --------------------------------------------------------------------------- the figure


def _setup(env):
    from odoo import Command

    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", env.company.ids)]
    )
    template = env.ref("account_credit_control.email_template_credit_control_base")
    policy = env["credit.control.policy"].create(
        {
            "name": "Benchmark: 3 levels",
            "company_id": env.company.id,
            "account_ids": [Command.set(receivable.ids)],
            "level_ids": [
                Command.create(
                    {
                        "name": name,
                        "level": level,
                        "computation_mode": "net_days",
                        "delay_days": days,
                        "email_template_id": template.id,
                        "channel": "letter",
                        "custom_text": name,
                        "custom_mail_text": f"<p>{name}</p>",
                    }
                )
                for level, name, days in LEVELS
            ],
        }
    )
    env.company.credit_policy_id = policy
    customers = env["res.partner"].search([("ref", "=like", "BENCH-%")])
    customers.write({"credit_policy_id": policy.id})
    return policy.id


def _run(env, policy_id):
    from odoo import fields

    run = env["credit.control.run"].create(
        {"date": fields.Date.context_today(env.user), "policy_ids": [(6, 0, [policy_id])]}
    )
    run.generate_credit_lines()
    return f"{len(run.line_ids):,} credit control lines"


FIGURES = [
    {
        "name": "OCA account_credit_control run",
        "target_seconds": 60,
        "setup": _setup,
        "run": _run,
    },
]
