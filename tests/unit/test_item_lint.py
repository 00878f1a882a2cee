"""The item linter, rule by rule: an item that breaks the rule, and one that keeps it."""

from __future__ import annotations

import copy
from typing import Any

from item_bank.lint import (
    Finding,
    as_lint_item,
    format_report,
    lint_bank,
    lint_item,
    mask,
    near_duplicates,
    parse_code_string,
)

LABELS = ("A", "B", "C", "D")


def make(options: list[str], key: str = "A", domain: str = "ICD", stem: str | None = None) -> dict[str, Any]:
    return {
        "domain": domain,
        "stem": stem or "A 60-year-old man is seen for follow-up of his blood sugar control. Which code is reported?",
        "options": [{"label": lab, "text": t} for lab, t in zip(LABELS, options, strict=True)],
        "key": key,
        "rationale": "The key is right for this case; the others are wrong for the reasons given.",
        "tags": [],
        "code_set_year": 2026,
        "references": [],
    }


def rules(item: dict[str, Any], level: str | None = None) -> set[str]:
    return {f.rule for f in lint_item(item) if level is None or f.level == level}


def findings(item: dict[str, Any], rule: str) -> list[Finding]:
    return [f for f in lint_item(item) if f.rule == rule]


GOOD_ICD = make(["E11.9", "E11.8", "E10.9", "E11.65"])
GOOD_SURGERY = make(
    ["11603, 12032-51", "11603, 12032", "11403, 12032-51", "11603"],
    domain="CPT-10000",
    stem="OPERATIVE NOTE. Excision of a 2.1 cm malignant lesion of the trunk (margins included) with a "
    "layered closure of 4 cm. Which codes are reported?",
)


# --- codes ----------------------------------------------------------------------------------------


def test_code_strings_are_parsed_with_modifiers_and_units():
    codes = parse_code_string("11603, 12032-51-59, J3420 x 2")
    assert codes is not None
    assert [(c.code, c.kind, c.modifiers, c.units) for c in codes] == [
        ("11603", "cpt", (), None), ("12032", "cpt", ("51", "59"), None), ("J3420", "hcpcs", (), 2),
    ]
    assert parse_code_string("Modifier 59") is None
    assert parse_code_string("S52.521A")[0].kind == "icd"  # type: ignore[index]
    assert parse_code_string("0042T")[0].kind == "cpt3"  # type: ignore[index]


def test_good_items_have_no_findings():
    assert lint_item(GOOD_ICD) == []
    assert lint_item(GOOD_SURGERY) == []


def test_unknown_icd_code_is_an_error():
    item = make(["E11.9", "E11.8", "E10.9", "E11.99"])
    [f] = findings(item, "icd-valid")
    assert f.level == "error" and f.field == "options[3].text" and "unknown" in f.message


def test_missing_seventh_character_is_an_error():
    item = make(["S52.521", "S52.521D", "S52.522A", "S52.521S"], stem="A girl fell from a swing. Which code?")
    [f] = findings(item, "icd-valid")
    assert f.field == "options[0].text" and f.message.startswith("S52.521 needs a 7th character")
    assert findings(make(["S52.521A", "S52.521D", "S52.522A", "S52.521S"]), "icd-valid") == []


def test_missing_placeholder_is_an_error():
    item = make(["T40.25A", "T40.2X5D", "T40.2X1A", "T40.2X5S"])
    [f] = findings(item, "icd-valid")
    assert "placeholder X" in f.message and "T40.2X5A" in f.message


def test_non_billable_header_code_is_an_error():
    item = make(["E11", "E11.8", "E10.9", "E11.65"])
    [f] = findings(item, "icd-valid")
    assert f.level == "error" and "not billable" in f.message and "children" in f.message


def test_bad_hcpcs_format_is_an_error():
    item = make(["J342", "J3301", "J1885", "J2270"], domain="HCPCS", stem="Which code reports the drug supplied?")
    [f] = findings(item, "code-format")
    assert f.level == "error" and f.field == "options[0].text" and "HCPCS" in f.message
    item = make(["W1234", "J3301", "J1885", "J2270"], domain="HCPCS", stem="Which code reports the drug supplied?")
    assert "A to V" in findings(item, "code-format")[0].message
    assert findings(make(["J3420", "J3301", "J1885", "J2270"], domain="HCPCS"), "code-format") == []


def test_cpt_key_outside_the_areas_section_is_an_error():
    item = make(["27447", "27446", "27486", "27445"], domain="RAD", stem="X-RAY REPORT. Knee. Which code is reported?")
    [f] = findings(item, "cpt-section")
    assert f.level == "error" and f.field == "options[0].text" and "Radiology" in f.message
    assert findings(make(["73562", "73560", "73564", "73565"], domain="RAD"), "cpt-section") == []


def test_em_code_may_lead_a_procedure_key_and_a_procedure_may_follow_a_visit():
    surgery = make(["99223-57, 44950", "99223, 44950", "44950", "99223-25, 44950"], domain="CPT-40000")
    assert findings(surgery, "cpt-section") == []
    em = make(["99213-25, 11102", "99213, 11102", "11102", "99212-25, 11102"], domain="EM")
    assert findings(em, "cpt-section") == []


def test_code_in_no_cpt_section_warns():
    item = make(["00050", "00100", "00102", "00103"], key="B", domain="ANES")
    [f] = findings(item, "cpt-section")
    assert f.level == "warning" and f.field == "options[0].text" and "no CPT section" in f.message


def test_unknown_modifier_is_an_error():
    item = make(["11603, 12032-5Q", "11603, 12032", "11403, 12032-51", "11603"], domain="CPT-10000")
    [f] = findings(item, "known-modifier")
    assert f.level == "error" and "-5Q" in f.message
    option_item = make(["Modifier 59", "Modifier 76", "Modifier 77", "Modifier 83"], stem="Which modifier is used?")
    [f] = findings(option_item, "known-modifier")
    assert f.field == "options[3].text" and "83" in f.message
    bare = make(["XS", "XE", "XU", "XQ"], domain="GUIDE", stem="Which modifier marks a separate structure?")
    assert [f.field for f in findings(bare, "known-modifier")] == ["options[3].text"]
    counts = make(["18", "15", "8", "13"], domain="ANES", stem="How many units with modifier P3 are reported?")
    assert findings(counts, "known-modifier") == []
    assert findings(make(["00790-P3, 99100", "00790-P3", "00790-P2", "00840-P3"], domain="ANES"),
                    "known-modifier") == []


def test_modifier_51_on_an_add_on_or_exempt_code_warns():
    item = make(["11042, 11045-51", "11042, 11045", "11043, 11045", "11042"], key="A", domain="CPT-10000")
    [f] = findings(item, "modifier-51")
    assert f.level == "warning" and f.field == "options[0].text" and "add-on" in f.message
    exempt = make(["99152-51, 43239", "99152, 43239", "43239", "99152, 43235"], key="A", domain="CPT-40000")
    assert "exempt" in findings(exempt, "modifier-51")[0].message
    # A distractor carrying the mistake is a fair trap, not a finding.
    assert findings({**item, "key": "B"}, "modifier-51") == []
    assert findings(GOOD_SURGERY, "modifier-51") == []


def test_two_keys_or_a_key_outside_a_to_d_is_an_error():
    assert [f.field for f in findings(make(["E11.9", "E11.8", "E10.9", "E11.65"], key="A,C"), "one-key")] == ["key"]
    assert findings(make(["E11.9", "E11.8", "E10.9", "E11.65"], key="E"), "one-key")[0].level == "error"
    assert findings(GOOD_ICD, "one-key") == []


def test_duplicate_options_are_an_error():
    item = make(["Closed treatment", "open treatment", "Open  Treatment", "Debridement only"])
    [f] = findings(item, "distinct-options")
    assert f.level == "error" and f.field == "options[2].text" and "repeats option B" in f.message


def test_all_or_none_of_the_above_is_an_error():
    item = make(["Closed treatment", "Open treatment", "Debridement only", "None of the above"])
    [f] = findings(item, "no-all-none")
    assert f.level == "error" and f.field == "options[3].text"
    assert findings(make(["Closed treatment", "Open treatment", "Debridement", "Skeletal traction"]),
                    "no-all-none") == []


def test_stem_quoting_the_keys_code_title_warns():
    quoting = make(["E11.9", "E11.8", "E10.9", "E11.65"],
                   stem="The diagnosis is type 2 diabetes mellitus without complications. Which code is reported?")
    [f] = findings(quoting, "title-quote")
    assert f.level == "warning" and f.field == "stem"
    seventh = make(["S52.521A", "S52.521D", "S52.522A", "S52.521S"],
                   stem="Diagnosis: torus fracture of lower end of right radius. Which code for this first visit?")
    assert findings(seventh, "title-quote")
    assert findings(GOOD_ICD, "title-quote") == []


def test_key_the_only_option_of_its_shape_warns():
    only_modifier = make(["11603, 12032-51", "11603, 12032", "11403, 12032", "11603, 13101"], domain="CPT-10000")
    [f] = findings(only_modifier, "key-shape")
    assert f.level == "warning" and f.field == "options[0].text" and "modifier" in f.message
    only_multi = make(["11603, 12032", "11603", "11403", "11604"], domain="CPT-10000")
    assert "more than one code" in findings(only_multi, "key-shape")[0].message
    only_code = make(["E11.9", "A diabetic diet", "Insulin use", "A chronic condition"])
    assert "code string" in findings(only_code, "key-shape")[0].message
    assert findings(GOOD_SURGERY, "key-shape") == []


def test_icd_key_without_a_sibling_distractor_warns():
    item = make(["E11.9", "I10", "J45.909", "N18.3"])
    [f] = findings(item, "icd-sibling")
    assert f.level == "warning" and "E11" in f.message
    assert findings(GOOD_ICD, "icd-sibling") == []


def test_icd_codes_of_another_code_set_year_warn():
    item = {**GOOD_ICD, "code_set_year": 2024}
    [f] = findings(item, "code-set-year")
    assert f.level == "warning" and f.field == "code_set_year" and "2026" in f.message
    assert findings({**GOOD_SURGERY, "code_set_year": 2024}, "code-set-year") == []


def test_clearly_longest_key_warns_on_the_item():
    item = make(["Each test with its own code, and the panel code is not reported at all",
                 "The panel code", "The panel code with 52", "The panel and the test"])
    assert findings(item, "longest-option")[0].level == "warning"


def test_arbitrary_text_never_breaks_the_linter():
    for text in ["", " ", "\x00", "🙂", "A1C", "2026", "9" * 400, "E11.9, ", ", ,", "x 2", "-25", "Modifier"]:
        lint_item(make([text, "b", "c", "d"]))
    lint_item({"options": [{"text": None}], "key": None})
    lint_item({})


# --- the bank --------------------------------------------------------------------------------------


def _vary(base: dict[str, Any], n: int, key_cycle: str = "ABCD", area: str = "GUIDE") -> list[dict[str, Any]]:
    """n items in one area with different stems, keys cycling through the given letters."""
    out = []
    subjects = ["knee", "wrist", "shoulder", "hip", "ankle", "elbow", "spine", "skull", "hand", "foot",
                "eye", "ear", "nose", "lung", "heart", "liver", "kidney", "colon", "skin", "breast"]
    for i in range(n):
        item = copy.deepcopy(base)
        item["domain"] = area
        item["stem"] = f"{subjects[i % 20]} and {subjects[(i * 3 + 1) % 20]} " + "q" * (i % 20) + " which one?"
        item["options"] = [{"label": lab, "text": f"{lab.lower()} {subjects[i % 20]} choice"} for lab in LABELS]
        item["key"] = key_cycle[i % len(key_cycle)]
        out.append(item)
    return out


def test_near_duplicate_pair_differs_only_in_a_code_or_date():
    one = make(["Modifier 76", "Modifier 77", "Modifier 78", "Modifier 79"], domain="CPT-20000",
               stem="Later on the same day, the physician who performed procedure 20605 on March 3, 2026 repeats it.")
    two = make(["Modifier 76", "Modifier 77", "Modifier 78", "Modifier 79"], domain="CPT-50000",
               stem="Later on the same day, the physician who performed procedure 51702 on June 9, 2026 repeats it.")
    other = make(["Modifier 76", "Modifier 77", "Modifier 78", "Modifier 79"], domain="CPT-50000",
                 stem="A different surgeon returns the patient to the operating room for a complication.")
    assert mask(one["stem"]) == mask(two["stem"])
    assert near_duplicates([as_lint_item(i) for i in (one, two, other)]) == [(0, 1)]
    report = lint_bank([one, two, other])
    [f] = report.findings
    assert f.rule == "near-duplicate" and f.field == "items[0], items[1]"
    by_area = {row.domain: row for row in report.areas}
    assert by_area["CPT-20000"].near_duplicates == 1 and by_area["CPT-50000"].near_duplicates == 1
    assert any("near-duplicate" in m for m in by_area["CPT-20000"].missed)


def test_template_share_above_a_quarter_misses_the_target():
    items = _vary(GOOD_ICD, 12)
    for item in items[:4]:
        item["stem"] = "A patient with a long history of the same thing comes back to see the doctor today " \
                       f"about problem number {len(item['stem'])} {item['stem']}"
    row = lint_bank(items).areas[0]
    assert row.template_share == 4 / 12 and any("template share" in m for m in row.missed)
    row = lint_bank(_vary(GOOD_ICD, 12)).areas[0]
    assert row.template_share == 0 and not any("template" in m for m in row.missed)


def test_key_letter_imbalance_misses_the_target():
    row = lint_bank(_vary(GOOD_ICD, 20, key_cycle="AAAB")).areas[0]
    assert row.key_balance["A"] == 0.75 and any("key A" in m for m in row.missed)
    row = lint_bank(_vary(GOOD_ICD, 20)).areas[0]
    assert not any(m.startswith("key") for m in row.missed)


def test_longest_option_cue_above_thirty_percent_misses_the_target():
    items = _vary(GOOD_ICD, 10)
    for item in items[:4]:
        k = "ABCD".index(item["key"])
        item["options"][k]["text"] += " and a little more"
    row = lint_bank(items).areas[0]
    assert row.longest_cue == 0.4 and any("longest-option" in m for m in row.missed)
    row = lint_bank(_vary(GOOD_ICD, 10)).areas[0]
    assert row.longest_cue == 0 and not any("longest" in m for m in row.missed)


def test_code_selection_share_below_half_in_a_cpt_area_misses_the_target():
    items = _vary(GOOD_ICD, 8, area="RAD")
    for item in items[:3]:
        item["options"] = [{"label": lab, "text": t} for lab, t in
                           zip(LABELS, ["73562", "73560", "73564", "73565"], strict=True)]
    row = lint_bank(items).areas[0]
    assert row.code_selection == 3 / 8 and any("code selection" in m for m in row.missed)
    for item in items[3:5]:
        item["options"] = [{"label": lab, "text": t} for lab, t in
                           zip(LABELS, ["73562, 77073", "73560", "73564", "73565, 73562"], strict=True)]
        item["key"] = "A"
    row = lint_bank(items).areas[0]
    assert row.code_selection == 5 / 8 and row.multi_code == 2 / 5
    assert not any("code selection" in m or "multi-code" in m for m in row.missed)


def test_section_items_above_two_per_area_miss_the_target():
    items = _vary(GOOD_ICD, 8, area="MED")
    for i, item in enumerate(items[:3]):
        item["stem"] = f"Code 9{i}837 is found in which subsection of the CPT Medicine section?"
    row = lint_bank(items).areas[0]
    assert row.section_items == 3 and any("'which section'" in m for m in row.missed)


def test_the_report_prints_a_row_per_area():
    text = format_report(lint_bank([GOOD_ICD, GOOD_SURGERY]))
    assert "ICD" in text and "CPT-10000" in text and "item findings: 0 errors" in text


# --- mockcert items lint ---------------------------------------------------------------------------


def _lint_cli(argv: list[str]) -> int:
    import argparse

    from mockcert import cli_items

    parser = argparse.ArgumentParser()
    cli_items.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["items", "lint", *argv])
    return args.func(args)


def test_cli_lints_a_jsonl_file_row_by_row(tmp_path, capsys):
    import json

    path = tmp_path / "items.jsonl"
    bad = make(["E11.9", "E11.8", "E10.9", "E11.99"])
    path.write_text("\n".join(json.dumps(i) for i in (GOOD_ICD, bad, GOOD_SURGERY)) + "\n")
    assert _lint_cli([str(path)]) == 1
    out = capsys.readouterr().out
    assert "row 2 error: options[3].text: E11.99 is an unknown ICD-10-CM code" in out
    assert "items.jsonl (jsonl): 3 rows, 2 importable, 1 with errors" in out
    assert "CPT-10000" in out and "ICD" in out  # the per-area table of the importable rows
    path.write_text(json.dumps(GOOD_ICD) + "\n")
    assert _lint_cli([str(path)]) == 0


def test_cli_lints_a_csv_file_and_the_sample_bank(tmp_path, capsys):
    import csv

    path = tmp_path / "items.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["domain", "stem", "option_a", "option_b", "option_c", "option_d", "key", "rationale"])
        writer.writerow(["HCPCS", "Which code reports the drug supplied in this visit?", "J342", "J3301", "J1885",
                         "J2270", "A", "J3420 is the vitamin B-12 injection; the others are other drugs."])
    assert _lint_cli([str(path)]) == 1
    assert "row 1 error: options[0].text: 'J342' is not a HCPCS Level II code" in capsys.readouterr().out
    assert _lint_cli(["--sample"]) in (0, 1)
    out = capsys.readouterr().out
    assert "sample bank: 680 items" in out and "keys A/B/C/D" in out
    assert _lint_cli([]) == 2
