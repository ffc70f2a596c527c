"""Two-factor log-in: a TOTP authenticator app (django-otp) and ten one-time recovery codes.

- ``policy``: who owes a second factor (staff roles when ``REQUIRE_2FA`` is on; anyone who
  turned it on, as a patient may).
- ``services``: enrolment, verification, recovery codes; every step is audited.
- ``middleware``: a signed-in session that owes its second factor sees only the verification
  (or enrolment) page; the API treats such a session as not signed in.
- ``views``: the pages, reached from the profile.
"""
