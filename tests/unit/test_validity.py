"""A credential's validity on a day: its expiry date first, then a "never expires", then its words."""

from __future__ import annotations

from datetime import date

import pytest

from folio.answers.validity import EXPIRED, VALID, expiry_key, status

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Expires: 2027-06-12"], VALID),
        (["Expires: 2026-12-06"], EXPIRED),
        (["Expires: 2026-12-07"], VALID),  # valid through the day it names
        (["Valid until: 2026-12"], VALID),  # through the end of the month
        (["Expiry date: 30.11.2026"], EXPIRED),
        (["Expires: 11/2026"], EXPIRED),
        (["valid until 17 October 2026. Credential ID WAS-2310-48817. ACTIVE."], EXPIRED),
        (["IOSH Managing Safely 2024 (valid to 2027)"], VALID),  # through the end of the year
        (["Issued Mar 2019 · Expired Mar 2022"], EXPIRED),
        (["Certification: AWS CCP; Issued: February 2021; Expires: February 2024 (expired)"], EXPIRED),
        (["Expires: December 31, 2026"], VALID),
        # A date decides, whatever a note written when it was true says.
        (["Expires: 2022-05-22", "Notes: active"], EXPIRED),
        (["Name: CISSP; Expires: 2026-10; Status: active"], EXPIRED),
        (["Expires: never"], VALID),
        (["NN/g certifications do not expire, so this one is ACTIVE."], VALID),
        (["Scrum Master (PSM I), no expiry"], VALID),
        (["Status: active"], VALID),
        (["Notes: Expired. I still use Kubernetes every day."], EXPIRED),
        (["CPACC, IAAP — expired"], EXPIRED),
        (["Issued: 2019-05-22"], ""),  # an issue date says nothing of expiry
        (["Earned 2019 while at Studio Pamplemousse."], ""),
    ],
)
def test_a_records_validity_on_a_day(lines: list[str], expected: str) -> None:
    assert status(lines, TODAY) == expected


def test_the_same_record_expires_as_the_days_pass() -> None:
    record = ["Certified Kubernetes Administrator (CKA)", "Issued: 2024-05-22", "Expires: 2027-05-22"]
    assert status(record, date(2027, 5, 22)) == VALID
    assert status(record, date(2027, 5, 23)) == EXPIRED


@pytest.mark.parametrize(
    ("key", "expected"),
    [("Expires", True), ("Expiry", True), ("Valid until", True), ("valid_until", True), ("Issued", False)],
)
def test_expiry_fields_are_known_by_their_names(key: str, expected: bool) -> None:
    assert expiry_key(key) is expected
