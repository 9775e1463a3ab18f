"""A string field's maxLength in the API schema is the length of what was sent (found by the API
fuzz soak: a 3-character unit sent as "\\t***" was trimmed and accepted)."""

from __future__ import annotations


def test_a_string_longer_than_the_schema_allows_is_refused_even_if_trimming_would_fit(erp, tenant_a):
    response = erp.put("/api/v1/parts/LEN-PART-1/", {"description": "Shield", "unit": "\tPCE",
                                                      "commodity_class": "mechanical"}, format="json")
    assert response.status_code in (400, 422), response.content
    assert "unit" in str(response.json().get("errors", response.json()))


def test_whitespace_within_the_length_is_still_trimmed(erp, tenant_a):
    response = erp.put("/api/v1/parts/LEN-PART-2/", {"description": " Shield ", "unit": "PC ",
                                                      "commodity_class": "mechanical"}, format="json")
    assert response.status_code == 201, response.content
    from suppliers.models import Part

    part = Part.objects.get(buyer_part_number="LEN-PART-2")
    assert (part.description, part.unit) == ("Shield", "PC")
