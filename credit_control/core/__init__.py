"""Database-free computations of credit_control.

Nothing in this package imports ``odoo``: every module takes plain Python values
(numbers, dates, dicts, bytes) and returns plain values, so it is unit-tested
without a database (``make test-core``) and called by the models, which fetch
their data in bulk and write the results in bulk.

Inside this package, import siblings relatively (``from . import money``): the
package is imported as ``odoo.addons.credit_control.core`` by Odoo and as
``core`` by its own tests.
"""
