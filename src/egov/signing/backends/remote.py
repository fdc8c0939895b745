"""Extension point, not an implementation: a remote signing service (a CA's cloud signing, a mobile
signing app such as those of VNPT SmartCA or Viettel MySign, or the province's signing server).

Nothing here is registered; ``DOCUMENT_SIGNING_BACKEND=remote`` is refused at start-up (system check
``signing.E001``). Untested on this project (stack.md, pitfall 2).

Such services sign a *digest*, often only after the official confirms on a phone, so signing is split in
two with pyHanko's interrupted signing:

1. Prepare: ``PdfSigner(metadata, signer=ExternalSigner(signing_cert, cert_registry,
   signature_value=<placeholder length>))``, then ``init_signing_session`` →
   ``prepare_tbs_document`` → ``digest_tbs_document``; keep the prepared output and
   ``PdfTBSDocument``'s ``post_sign_instructions``, and send the document digest (or the CMS signed
   attributes' digest, as the service requires) to the service.
2. Finish, when the service answers (a callback or a poll task): build the CMS with the returned
   signature value and call ``PdfTBSDocument.finish_signing(output, prepared_digest, signature_cms,
   post_sign_instr=…)``.

Because a person may take minutes to confirm, this cannot run inside the transaction that issues a
result (``results.services.result_issue`` signs inside its transaction). The result service would then
get a two-step form: "prepared" (number reserved, unsigned bytes kept) and "signed" (a task finishes it,
stores the file and files it in the e-store). Add settings through ``egov.conf.env.config`` (service URL,
client credentials) and a local simulator for the tests, as for every external system.
"""
