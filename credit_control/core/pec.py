"""PEC (posta elettronica certificata) receipts: which message they answer, and when.

A PEC provider answers every message sent from a PEC mailbox with receipts (DPR
68/2005, DM 2 November 2005 technical rules): the *ricevuta di accettazione* (the
sender's provider accepted it) and the *ricevuta di avvenuta consegna* (it reached the
recipient's mailbox: legally, the day the letter was received). Each receipt carries a
``daticert.xml`` with its type, the original ``Message-ID`` and the provider's
timestamp with its UTC offset; the same facts are in the ``X-Ricevuta`` and
``X-Riferimento-Message-ID`` headers.

>>> xml = b'''<?xml version="1.0" encoding="UTF-8"?>
... <!DOCTYPE postacert SYSTEM "Postacert.dtd">
... <postacert tipo="avvenuta-consegna" errore="nessuno">
...   <intestazione><mittente>crediti@pec.rossi.example</mittente>
...     <destinatari tipo="certificato">amministrazione@pec.cliente.example</destinatari>
...     <oggetto>Messa in mora</oggetto></intestazione>
...   <dati><gestore-emittente>Provider PEC S.p.A.</gestore-emittente>
...     <data zona="+0100"><giorno>03/12/2026</giorno><ora>23:40:05</ora></data>
...     <identificativo>opec.20261203234005.1234@pec.provider.example</identificativo>
...     <msgid>&lt;letter-42@rossi.example&gt;</msgid>
...     <ricevuta tipo="completa"/><consegna>amministrazione@pec.cliente.example</consegna>
...   </dati>
... </postacert>'''
>>> receipt = parse_daticert(xml)
>>> receipt.kind, receipt.message_id, receipt.delivered
('avvenuta-consegna', '<letter-42@rossi.example>', True)
>>> receipt.when.isoformat(), receipt.when_utc().isoformat()
('2026-12-03T23:40:05+01:00', '2026-12-03T22:40:05')

The Italian calendar day of that receipt is 3 December (22:40 UTC is 23:40 in Rome).
Anything that is not a daticert gives None:

>>> parse_daticert(b"<fattura/>") is None, parse_daticert(b"not xml") is None
(True, True)
"""

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from lxml import etree

__all__ = ["ACCEPTANCE", "DELIVERY", "PecReceipt", "normalise_message_id", "parse_daticert"]

ACCEPTANCE = "accettazione"
DELIVERY = "avvenuta-consegna"
#: receipts saying the message will not arrive
FAILURES = ("non-accettazione", "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus")
MAX_SIZE = 200_000
ZONE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True)
class PecReceipt:
    kind: str  # accettazione, avvenuta-consegna, errore-consegna, ...
    message_id: str  # Message-ID of the message it answers, with angle brackets
    when: datetime  # the provider's timestamp, with its UTC offset
    recipient: str = ""
    error: str = ""

    @property
    def delivered(self):
        return self.kind == DELIVERY

    @property
    def failed(self):
        return self.kind in FAILURES

    def when_utc(self):
        """The timestamp in UTC, naive (as Odoo stores datetimes)."""
        return self.when.astimezone(timezone.utc).replace(tzinfo=None)


def normalise_message_id(value):
    """``value`` with surrounding blanks removed and angle brackets.

    >>> normalise_message_id(" abc@x "), normalise_message_id("<abc@x>"), normalise_message_id("")
    ('<abc@x>', '<abc@x>', '')
    """
    value = (value or "").strip()
    if not value:
        return ""
    return value if value.startswith("<") else f"<{value}>"


def parse_daticert(content):
    """The :class:`PecReceipt` of a ``daticert.xml`` (bytes), or None if it is not one."""
    if not content or len(content) > MAX_SIZE:
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        return None
    if etree.QName(root).localname != "postacert" or not root.get("tipo"):
        return None
    message_id = normalise_message_id(root.findtext("dati/msgid"))
    when = _timestamp(root.find("dati/data"))
    if not message_id or when is None:
        return None
    return PecReceipt(
        kind=root.get("tipo"),
        message_id=message_id,
        when=when,
        recipient=(root.findtext("dati/consegna") or "").strip(),
        error=(root.findtext("dati/errore-esteso") or root.get("errore") or "").strip(),
    )


def _timestamp(node):
    if node is None:
        return None
    day, time = (node.findtext("giorno") or "").strip(), (node.findtext("ora") or "").strip()
    zone = ZONE.match((node.get("zona") or "+0000").strip())
    try:
        naive = datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M:%S")
    except ValueError:
        return None
    offset = timedelta(0)
    if zone:
        sign = -1 if zone.group(1) == "-" else 1
        offset = sign * timedelta(hours=int(zone.group(2)), minutes=int(zone.group(3)))
    return naive.replace(tzinfo=timezone(offset))
