"""Fixtures for the SdI notification tests: sample files and notifications built on demand."""

import base64
from datetime import datetime
from pathlib import Path

from odoo.addons.credit_control.core import sdi_parser

from .common import CreditControlCommon

SAMPLES = Path(__file__).resolve().parent / "data" / "sdi"


class SdiCommon(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Notification = cls.env["credit.sdi.notification"]
        cls.customer = cls._credit_customer("Rossi Forniture Srl")
        cls.salesperson = cls._credit_user(
            "giulia.sdi",
            "account.group_account_invoice",
            name="Giulia Venditrice",
            email="giulia@example.com",
        )
        cls.credit_manager = cls._credit_user(
            "marco.sdi",
            "credit_control.group_credit_manager",
            name="Marco Responsabile Crediti",
            email="marco@example.com",
        )

    # ---- invoices -------------------------------------------------------------------------

    def _sdi_invoice(self, file_name, amount=1000.0, invoice_date=None, due_date=None, **values):
        invoice = self._credit_invoice(
            self.customer, amount, invoice_date or self.today, due_date=due_date
        )
        invoice.write(
            {
                "credit_einvoice_file_name": file_name,
                "credit_einvoice_state": "sent",
                "invoice_user_id": self.salesperson.id,
                **values,
            }
        )
        return invoice

    # ---- files ---------------------------------------------------------------------------

    @staticmethod
    def _sample(file_name):
        return (file_name, base64.b64encode((SAMPLES / file_name).read_bytes()))

    @staticmethod
    def _raw(file_name, content):
        if isinstance(content, str):
            content = content.encode()
        return (file_name, base64.b64encode(content))

    def _import(self, *files, **kwargs):
        return self.Notification._credit_import_files(list(files), **kwargs)

    @staticmethod
    def _stamp(moment):
        return (moment or datetime.now()).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")

    def _b2b(self, root, body, sdi_identifier, message_id):
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<ns3:{root} xmlns:ns3="{sdi_parser.NAMESPACE_B2B}" versione="1.0">'
            f"<IdentificativoSdI>{sdi_identifier}</IdentificativoSdI>{body}"
            f"<MessageId>{message_id}</MessageId></ns3:{root}>"
        )

    def _rc(self, invoice_file, sdi_identifier="900", when=None, message_id="1"):
        body = (
            f"<NomeFile>{invoice_file}</NomeFile>"
            f"<DataOraRicezione>{self._stamp(when)}</DataOraRicezione>"
            f"<DataOraConsegna>{self._stamp(when)}</DataOraConsegna>"
        )
        name = f"{invoice_file.split('.')[0]}_RC_{message_id}.xml"
        return self._raw(name, self._b2b("RicevutaConsegna", body, sdi_identifier, message_id))

    def _ns(
        self,
        invoice_file,
        errors=(("00311", "1.1.4 non valido"),),
        sdi_identifier="901",
        when=None,
        message_id="2",
    ):
        listed = "".join(
            f"<Errore><Codice>{code}</Codice><Descrizione>{text}</Descrizione>"
            "<Suggerimento>Verificare il dato</Suggerimento></Errore>"
            for code, text in errors
        )
        body = (
            f"<NomeFile>{invoice_file}</NomeFile>"
            f"<DataOraRicezione>{self._stamp(when)}</DataOraRicezione>"
            f"<ListaErrori>{listed}</ListaErrori>"
        )
        name = f"{invoice_file.split('.')[0]}_NS_{message_id}.xml"
        return self._raw(name, self._b2b("RicevutaScarto", body, sdi_identifier, message_id))

    def _mc(self, invoice_file, sdi_identifier="902", when=None, message_id="3"):
        moment = when or datetime.now()
        body = (
            f"<NomeFile>{invoice_file}</NomeFile>"
            f"<DataOraRicezione>{self._stamp(moment)}</DataOraRicezione>"
            f"<DataMessaADisposizione>{moment.date().isoformat()}</DataMessaADisposizione>"
            "<Descrizione>La fattura è disponibile nell'area riservata</Descrizione>"
        )
        name = f"{invoice_file.split('.')[0]}_MC_{message_id}.xml"
        return self._raw(
            name, self._b2b("RicevutaImpossibilitaRecapito", body, sdi_identifier, message_id)
        )
