"""Extension point, not an implementation: signing with a USB token or HSM through PKCS#11.

Nothing here is registered, and ``DOCUMENT_SIGNING_BACKEND=pkcs11`` is refused at start-up (system check
``signing.E001``) until the steps below are done. Untested on this project (stack.md, pitfall 2).

How to add it:

1. Install ``python-pkcs11`` (pyHanko's ``pkcs11`` extra) and the token vendor's PKCS#11 module (``.so``),
   e.g. the one shipped with a Ban Cơ yếu or commercial CA token (Viettel-CA, VNPT-CA, …).
2. Add settings through ``egov.conf.env.config`` (and rows in docs/configuration.md):
   ``SIGNING_PKCS11_MODULE`` (path of the ``.so``), ``SIGNING_PKCS11_TOKEN_LABEL``,
   ``SIGNING_PKCS11_PIN`` (or a PIN prompt when signing is interactive), and a map from agency code to the
   certificate/key label on the token.
3. Implement ``Pkcs11Signer(Signer)`` in this module. ``sign_pdf`` opens a session with
   ``pyhanko.sign.pkcs11.open_pkcs11_session(module, token_criteria=TokenCriteria(label=…), user_pin=…)``,
   builds ``pyhanko.sign.pkcs11.PKCS11Signer(session, cert_label=…, key_label=…)`` (the chain is pulled from
   the token with ``other_certs_to_pull`` or given as ``ca_chain``) and hands it to
   :func:`egov.signing.pades.pades_sign`, which does the rest exactly as for the local CA (field, stamp,
   PAdES B-B). Close the session in ``finally``. A token is a single device: serialise signatures with a
   lock, and expect a physical token to sit on the signing officer's machine, not on the server; in that
   case the remote-signing flow (``backends/remote.py``) fits better.
4. ``register_signer("pkcs11", Pkcs11Signer)`` in ``SigningConfig.ready`` and add the token's root to the
   trust roots used by :func:`egov.signing.selectors.validate_pdf`.
5. Test it against SoftHSM2 (``softhsm2-util --init-token``), never against a real token in CI.
"""
