"""The standard dunning policy every company gets at install and at creation.

Field content, not interface strings: the English and Italian wording of each level
is stored as the field's translations (``letter_text`` and ``name``), so that the
legal paragraphs are exactly as written here in each language.
"""

DEFAULT_LEVELS = [
    (
        "pre_due",
        {
            "name": "Upcoming due date",
            "name_it": "Promemoria scadenza",
            "days": -5,
            "stage": "reminder",
            "send_email": True,
            "review": False,
            "payment_days": 5,
            "letter_text": "<p>We would like to remind you that the invoices below fall due "
            "in the next few days. If you have already arranged payment, please disregard "
            "this message.</p>",
            "letter_text_it": "<p>Le ricordiamo che le fatture qui elencate sono in scadenza "
            "nei prossimi giorni. Se ha già disposto il pagamento, non tenga conto di questo "
            "messaggio.</p>",
        },
    ),
    (
        "first_reminder",
        {
            "name": "First reminder",
            "name_it": "Primo sollecito",
            "days": 10,
            "stage": "reminder",
            "send_email": True,
            "review": False,
            "min_days_since_last": 7,
            "payment_days": 10,
            "letter_text": "<p>According to our records, the invoices below are still unpaid "
            "after their due date. It may be an oversight: we kindly ask you to pay the "
            "amount due within the date shown, or to let us know if anything is wrong "
            "with the invoices.</p>",
            "letter_text_it": "<p>Dalle nostre registrazioni risultano ancora da saldare le "
            "fatture qui elencate, già scadute. Potrebbe trattarsi di una svista: la "
            "preghiamo di provvedere al pagamento entro la data indicata o di segnalarci "
            "eventuali contestazioni.</p>",
        },
    ),
    (
        "second_reminder",
        {
            "name": "Second reminder",
            "name_it": "Secondo sollecito",
            "days": 25,
            "stage": "reminder",
            "send_email": True,
            "send_phone": True,
            "review": True,
            "min_days_since_last": 10,
            "payment_days": 10,
            "letter_text": "<p>Despite our previous reminder, the invoices below are still "
            "unpaid. We ask you to settle them without further delay. Our credit controller "
            "will call you to agree on payment.</p>",
            "letter_text_it": "<p>Nonostante il nostro precedente sollecito, le fatture qui "
            "elencate risultano ancora insolute. La invitiamo a saldarle senza ulteriore "
            "ritardo. Il nostro ufficio crediti la contatterà telefonicamente per concordare "
            "il pagamento.</p>",
            "letter_text_direct": "<p>The invoices below are still unpaid after "
            "their due date. We ask you to settle them without further delay. Our credit "
            "controller will call you to agree on payment.</p>",
            "letter_text_direct_it": "<p>Le fatture qui "
            "elencate risultano ancora insolute dopo la loro scadenza. La invitiamo a "
            "saldarle senza ulteriore ritardo. Il nostro ufficio crediti La contatterà "
            "telefonicamente per concordare il pagamento.</p>",
        },
    ),
    (
        "formal_notice",
        {
            "name": "Formal notice",
            "name_it": "Messa in mora",
            "days": 45,
            "stage": "formal_notice",
            "send_email": True,
            "send_letter": True,
            "review": True,
            "min_amount": 50.0,
            "min_days_since_last": 14,
            "payment_days": 10,
            "charge_interest": True,
            "charge_compensation": True,
            "letter_text": "<p>The invoices below are still unpaid. With this letter we "
            "formally demand payment and place you in default (art. 1219 of the Italian "
            "Civil Code). From the day after each due date, late-payment interest runs at "
            "the rate set by art. 5 of Legislative Decree 231/2002, and a flat compensation "
            "of EUR 40 per invoice is due for recovery costs (art. 6 of the same decree), "
            "as computed below.</p><p>This letter also interrupts the limitation period "
            "(art. 2943 of the Italian Civil Code).</p>",
            "letter_text_it": "<p>Le fatture qui elencate risultano ancora insolute. Con la "
            "presente le intimiamo formalmente il pagamento e la costituiamo in mora ai "
            "sensi dell'art. 1219 del Codice Civile. Dal giorno successivo a ciascuna "
            "scadenza decorrono gli interessi moratori al tasso previsto dall'art. 5 del "
            "D.Lgs. 231/2002 ed è dovuto l'importo forfettario di 40 euro per fattura a "
            "titolo di risarcimento dei costi di recupero (art. 6 del medesimo decreto), "
            "come calcolato di seguito.</p><p>La presente vale anche quale atto interruttivo della "
            "prescrizione (art. 2943 c.c.).</p>",
            "letter_text_direct": "<p>The invoices below are still unpaid. With "
            "this letter we formally demand payment and place you in default (art. 1219 of "
            "the Italian Civil Code). Under Legislative Decree 231/2002, late-payment "
            "interest runs from the day after each due date at the rate set by art. 5 of "
            "that decree, and a flat compensation of EUR 40 per invoice is due for recovery "
            "costs (art. 6), as computed below.</p><p>This letter also interrupts the "
            "limitation period (art. 2943 of the Italian Civil Code).</p>",
            "letter_text_direct_it": "<p>Le fatture "
            "qui elencate risultano ancora insolute. Con la presente Le intimiamo "
            "formalmente il pagamento e La costituiamo in mora ai sensi dell'art. 1219 del "
            "Codice Civile. Ai sensi del D.Lgs. 231/2002 decorrono dal giorno successivo a "
            "ciascuna scadenza gli interessi moratori al tasso previsto dall'art. 5 del "
            "D.Lgs. 231/2002 ed è dovuto l'importo forfettario di 40 euro per fattura a "
            "titolo di risarcimento dei costi di recupero (art. 6), come calcolato di "
            "seguito.</p><p>La presente vale anche quale atto interruttivo della "
            "prescrizione (art. 2943 c.c.).</p>",
        },
    ),
    (
        "final_notice",
        {
            "name": "Final notice",
            "name_it": "Diffida ad adempiere",
            "days": 75,
            "stage": "final_notice",
            "send_email": True,
            "send_letter": True,
            "send_phone": True,
            "review": True,
            "min_days_since_last": 14,
            "payment_days": 15,
            "charge_interest": True,
            "charge_compensation": True,
            "letter_text": "<p>Our formal notice has not been followed by payment. Under "
            "art. 1454 of the Italian Civil Code we give you notice to pay the total below "
            "within fifteen (15) days of receipt of this letter. Failing payment within "
            "that term, the contract shall be deemed terminated by law and we will take "
            "legal action to recover the amount due, with interest and costs, without "
            "further notice.</p>",
            "letter_text_it": "<p>Alla nostra messa in mora non è seguito il pagamento. Ai "
            "sensi dell'art. 1454 del Codice Civile la diffidiamo ad adempiere, pagando il "
            "totale qui indicato entro quindici (15) giorni dal ricevimento della presente. "
            "Decorso inutilmente tale termine, il contratto si intenderà risolto di diritto "
            "e procederemo per vie legali al recupero del credito, degli interessi e delle "
            "spese, senza ulteriore avviso.</p>",
            "letter_text_direct": "<p>The invoices below are still unpaid. Under "
            "art. 1454 of the Italian Civil Code we give you notice to pay the total below "
            "within fifteen (15) days of receipt of this letter. Failing payment within that "
            "term, the contract shall be deemed terminated by law and we will take legal "
            "action to recover the amount due, with interest and costs, without further "
            "notice.</p>",
            "letter_text_direct_it": "<p>Le fatture qui elencate risultano ancora "
            "insolute. Ai sensi dell'art. 1454 del Codice Civile La diffidiamo ad "
            "adempiere, pagando il totale qui indicato entro quindici (15) giorni dal "
            "ricevimento della presente. Decorso inutilmente tale termine, il contratto si "
            "intenderà risolto di diritto e procederemo per vie legali al recupero del "
            "credito, degli interessi e delle spese, senza ulteriore avviso.</p>",
        },
    ),
    (
        "agency",
        {
            "name": "Collection agency",
            "name_it": "Affidamento a società di recupero",
            "days": 120,
            "stage": "agency",
            "send_email": False,
            "send_letter": True,
            "send_phone": True,
            "review": True,
            "min_days_since_last": 14,
            "payment_days": 7,
            "charge_interest": True,
            "letter_text": "<p>As the amounts below are still unpaid despite our final "
            "notice, we inform you that the recovery of our credit is being entrusted to a "
            "collection agency, which will contact you. Any further costs will be charged "
            "to you.</p>",
            "letter_text_it": "<p>Poiché gli importi qui elencati risultano ancora insoluti "
            "nonostante la nostra diffida, la informiamo che il recupero del credito è in "
            "corso di affidamento a una società di recupero crediti, che la contatterà. "
            "Eventuali ulteriori spese saranno poste a suo carico.</p>",
            "letter_text_direct": "<p>As the amounts below are still unpaid, we "
            "inform you that the recovery of our credit is being entrusted to a collection "
            "agency, which will contact you. Any further costs will be charged to you.</p>",
            "letter_text_direct_it": "<p>Poiché gli "
            "importi qui elencati risultano ancora insoluti, La informiamo che il recupero "
            "del credito è in corso di affidamento a una società di recupero crediti, che La "
            "contatterà. Eventuali ulteriori spese saranno poste a Suo carico.</p>",
        },
    ),
]

#: Sentences of earlier versions of the shipped wording, and what replaces them at an
#: upgrade (only where a manager left them as shipped). The D.Lgs. 231/2002 rate is not
#: the "tasso legale" (art. 1284 c.c.): letters never call it so.
WORDING_FIXES = [
    (
        "it_IT",
        "Ai sensi del D.Lgs. 231/2002 decorrono dal giorno successivo a ciascuna scadenza gli "
        "interessi moratori al tasso legale (art. 5) ed è dovuto l'importo forfettario di 40 "
        "euro per fattura a titolo di risarcimento dei costi di recupero (art. 6), come "
        "calcolato di seguito.",
        "Dal giorno successivo a ciascuna scadenza decorrono gli interessi moratori al tasso "
        "previsto dall'art. 5 del D.Lgs. 231/2002 ed è dovuto l'importo forfettario di 40 "
        "euro per fattura a titolo di risarcimento dei costi di recupero (art. 6 del medesimo "
        "decreto), come calcolato di seguito.",
    ),
    (
        "en_US",
        "Under Legislative Decree 231/2002, late-payment interest runs from the day after "
        "each due date at the statutory rate (art. 5), and a flat compensation of EUR 40 per "
        "invoice is due for recovery costs (art. 6), as computed below.",
        "From the day after each due date, late-payment interest runs at the rate set by "
        "art. 5 of Legislative Decree 231/2002, and a flat compensation of EUR 40 per "
        "invoice is due for recovery costs (art. 6 of the same decree), as computed below.",
    ),
]


# Earlier shipped translations of the dunning e-mail (mail_template_dunning_letter) that an
# upgrade does not replace on its own (Odoo keeps existing translations): the body of the
# letter once came from the level alone, and the Italian used the plain present tense.
TEMPLATE_BODY_FIXES = [
    ("it_IT", "object.level_id.letter_text or ''", "object.letter_body or ''"),
    (
        "it_IT",
        "Trova i dettagli nella lettera allegata.",
        "Troverà i dettagli nella lettera allegata.",
    ),
]
