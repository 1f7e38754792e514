"""Make the core importable as ``core`` without importing the Odoo add-on."""

import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parents[2]
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))
