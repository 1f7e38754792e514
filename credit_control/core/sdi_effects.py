"""What an SdI notification does to the e-invoice state of the invoice it answers.

States: ``none`` (never sent), ``sent``, ``delivered`` (RC), ``not_delivered`` (MC, AT:
issued, waiting in the customer's reserved area), ``rejected`` (NS: never issued),
``accepted`` / ``refused`` (the public administration's outcome EC01 / EC02, NE or EC),
``expired`` (DT: the administration let its 15 days pass).

A notification only moves the state forward: a late receipt never undoes the buyer's
outcome, and an old rejection never undoes a delivery.

>>> next_state("sent", "NS")
'rejected'
>>> next_state("rejected", "RC")   # resubmitted and delivered
'delivered'
>>> next_state("delivered", "NE", "EC02")
'refused'
>>> next_state("accepted", "RC") is None   # older news: nothing changes
True
>>> next_state("delivered", "MT") is None  # metadata only
True
>>> is_collectible("rejected", notice_sent=False), is_collectible("not_delivered", False)
(False, False)
>>> is_collectible("not_delivered", notice_sent=True)
True

An invoice refused by a public administration (EC02) is not chased: the seller issues a
credit note and a new invoice. A rejected invoice sent again stays out of dunning until
the SdI delivers it (RC) or says it could not (MC, then the customer notice):

>>> is_collectible("refused", False)
False
>>> is_collectible("sent", False, resubmitted=True), is_collectible("sent", False)
(False, True)
>>> is_collectible("delivered", False, resubmitted=True)
True
"""

STATES = (
    "none",
    "sent",
    "delivered",
    "not_delivered",
    "rejected",
    "accepted",
    "refused",
    "expired",
)
FINAL_STATES = ("accepted", "refused", "expired")

# message type -> (states it applies to, resulting state); NE/EC depend on the outcome.
TRANSITIONS = {
    "RC": (("none", "sent", "rejected", "not_delivered"), "delivered"),
    "NS": (("none", "sent", "rejected"), "rejected"),
    "MC": (("none", "sent", "rejected", "not_delivered"), "not_delivered"),
    "AT": (("none", "sent", "rejected", "not_delivered"), "not_delivered"),
    "DT": (("none", "sent", "delivered", "not_delivered"), "expired"),
}
OUTCOME_STATES = {"EC01": "accepted", "EC02": "refused"}


def next_state(state, message_type, outcome=""):
    """The new e-invoice state, or None when the notification changes nothing."""
    state = state or "none"
    if message_type in ("NE", "EC"):
        new_state = OUTCOME_STATES.get(outcome)
        return new_state if new_state and state not in ("rejected", new_state) else None
    applies_to, new_state = TRANSITIONS.get(message_type, ((), None))
    if state not in applies_to:
        return None
    return new_state


def is_collectible(state, notice_sent, resubmitted=False):
    """Whether dunning, interest and statistics may count the invoice.

    A rejected invoice was never issued (and, once sent again, ``resubmitted``, is not
    until the SdI answers); an undelivered one is issued but the customer must first be
    told it waits in their reserved area of the tax portal; one refused by a public
    administration is to be credited and invoiced again, not chased.
    """
    if state in ("rejected", "refused"):
        return False
    if state == "sent" and resubmitted:
        return False
    return not (state == "not_delivered" and not notice_sent)
