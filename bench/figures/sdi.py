"""Benchmark figure of the SdI notifications: 1,000 files of mixed types in one import."""

import base64
import random

B2B = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0"
PA = "http://www.fatturapa.gov.it/sdi/messaggi/v1.0"
COUNT = 1000
# message type -> share of the files (B2B receipts dominate real mailboxes)
MIX = [("RC", 50), ("NS", 15), ("MC", 15), ("NE", 5), ("DT", 5), ("AT", 5), ("MT", 5)]


def _notification(message_type, invoice_file, sdi_identifier, day):
    moment = f"{day}T10:00:00.000+01:00"
    head = (
        f"<IdentificativoSdI>{sdi_identifier}</IdentificativoSdI>"
        f"<NomeFile>{invoice_file}</NomeFile>"
    )
    if message_type == "RC":
        root, namespace = "RicevutaConsegna", B2B
        body = (
            f"<DataOraRicezione>{moment}</DataOraRicezione>"
            f"<DataOraConsegna>{moment}</DataOraConsegna>"
        )
    elif message_type == "NS":
        root, namespace = "RicevutaScarto", B2B
        body = (
            f"<DataOraRicezione>{moment}</DataOraRicezione><ListaErrori>"
            "<Errore><Codice>00305</Codice><Descrizione>1.4.1.1.2 IdCodice non valido : "
            "00000000000</Descrizione><Suggerimento>Verificare la partita IVA</Suggerimento>"
            "</Errore><Errore><Codice>00311</Codice><Descrizione>1.1.4 CodiceDestinatario non "
            "valido</Descrizione></Errore></ListaErrori>"
        )
    elif message_type == "MC":
        root, namespace = "RicevutaImpossibilitaRecapito", B2B
        body = (
            f"<DataOraRicezione>{moment}</DataOraRicezione>"
            f"<DataMessaADisposizione>{day}</DataMessaADisposizione>"
        )
    elif message_type == "NE":
        root, namespace = "NotificaEsito", PA
        body = (
            f"<EsitoCommittente><IdentificativoSdI>{sdi_identifier}</IdentificativoSdI>"
            "<Esito>EC01</Esito></EsitoCommittente>"
        )
    elif message_type == "DT":
        root, namespace = "NotificaDecorrenzaTermini", PA
        body = ""
    elif message_type == "AT":
        root, namespace = "AttestazioneTrasmissioneFattura", PA
        body = f"<DataOraRicezione>{moment}</DataOraRicezione>"
    else:
        root, namespace = "FileMetadati", B2B
        body = "<Formato>FPR12</Formato><TentativiInvio>1</TentativiInvio>"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ns3:{root} xmlns:ns3="{namespace}" '
        f'versione="1.0">{head}{body}<MessageId>{sdi_identifier}</MessageId></ns3:{root}>'
    )
    name = f"{invoice_file[:-4]}_{message_type}_001.xml"
    return name, base64.b64encode(xml.encode())


def setup(env):
    """Give 1,000 benchmark invoices an e-invoice file and write one notification for each."""
    moves = env["account.move"].search(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("company_id", "=", env.company.id),
            ("partner_id.ref", "=like", "BENCH-%"),
        ],
        limit=COUNT,
        order="id desc",
    )
    env.cr.execute(
        """UPDATE account_move
              SET credit_einvoice_file_name = 'IT01234567890_B' || id || '.xml',
                  credit_einvoice_state = 'sent'
            WHERE id = ANY(%s)""",
        [moves.ids],
    )
    env.invalidate_all()
    randomizer = random.Random(4)
    types = [kind for kind, share in MIX for _ in range(share)]
    files = []
    for move in moves:
        files.append(
            _notification(
                randomizer.choice(types),
                f"IT01234567890_B{move.id}.xml",
                f"B{move.id}",
                (move.invoice_date or move.date).isoformat(),
            )
        )
    return files


def run(env, files):
    notifications = env["credit.sdi.notification"]._credit_import_files(files)
    matched = sum(1 for n in notifications if n.state == "matched")
    return f"{len(notifications)} notifications, {matched} matched"


FIGURES = [
    {
        "name": "SdI: import 1,000 notification files of mixed types",
        "target_seconds": 20,
        "setup": setup,
        "run": run,
    },
]
