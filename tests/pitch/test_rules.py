"""Every rule fires on its positives and stays quiet on its negatives; rules files validate."""

from __future__ import annotations

import pytest

from downline.errors import RulesFileError
from downline.pitch import load_rules, screen

POSITIVE = {
    "INC-1": ["I made $1,730 in my first 10 days!", "Cobré 2.500 € este mes",
              "my latest paycheck, screenshot below"],
    "INC-2": ["Quit my job last year thanks to this business", "Fire your boss today",
              "Picked up my bonus car this morning, so grateful for my team"],
    "INC-3": ["If I can do it, anyone can!", "Went from broke to diamond in a year"],
    "INC-4": ["#FinancialFreedom is real", "Build residual income now", "Libertad financiera"],
    "INC-5": ["Laid off? Join my team and earn from home", "Invest your stimulus in our kit"],
    "INC-6": ["Guaranteed income from day one", "Dinero fácil sin riesgo"],
    "HLT-1": ["This oil cures anxiety", "Lowers blood pressure naturally",
              "Este té cura la diabetes", "My eczema is gone", "Natural antiviral for the family"],
    "HLT-2": ["Boost your immunity against corona #covid #prevention",
              "Protect your family from the outbreak with these oils"],
    "HLT-3": ["Lost 31 lbs in 90 days!", "Clinically proven formula", "Perdí 12 kilos"],
    "HLT-4": ["Our oils are FDA approved"],
    "END-1": ["Obsessed with this serum, link in bio", "Best protein shake ever!"],
    "INC-7": ["Qualified for the car program again!", "Packing for our incentive trip to Cabo"],
    "INC-8": ["There is no earning cap in this business",
              "The sky is the limit with our comp plan"],
    "INC-9": ["This business replaced my teaching salary", "Made $900 in sales within 2 weeks"],
    "INC-10": ["Our team has made 12 millionaires", "Six figure earners share their secrets"],
    "INC-11": ["Ready for financial freedom?", "Full-time income from your phone"],
    "HLT-5": ["This blend is naturally antibacterial", "Kills 99% of germs and viruses on contact"],
    "HLT-6": ["Threw out all my prescriptions after a month on these drops",
              "No need for painkillers anymore"],
    "HLT-7": ["Studies show turmeric shrinks tumors",
              "Research found this extract stopped leukemia cells in the lab"],
    "HLT-8": ["Do you struggle with insomnia? Message me for my oil protocol",
              "My favorite roller for migraines", "Psoriasis gone after two weeks!"],
    "HLT-9": ["Helps prevent the onset of dementia", "It inhibits the growth of cancer cells"],
}
NEGATIVE = {
    "INC-1": ["The average distributor earned $740 last year; income disclosure: example.com",
              "Our bake sale made $400 for the school library"],
    "INC-2": ["Saving for a new car with my day job", "Happy retirement, Dad!"],
    "INC-3": ["Proud of my team for their hard work"],
    "INC-4": ["Financial literacy tip: build an emergency fund"],
    "INC-5": ["Thinking of everyone laid off this week, here are food bank resources"],
    "INC-6": ["Nothing is guaranteed, work hard and be kind"],
    "HLT-1": ["Walking in the cancer 5K today", "Supports a healthy immune system*. *These "
              "statements have not been evaluated by the FDA. This product is not intended to "
              "diagnose, treat, cure, or prevent any disease."],
    "HLT-2": ["Supports a healthy immune system", "Orders ship late due to covid staffing"],
    "HLT-3": ["Ran 5 miles today"],
    "HLT-4": ["Ask your doctor about FDA guidance"],
    "END-1": ["#ad Obsessed with this serum, link in bio", "Best pizza night with the family",
              "I'm an independent Acme consultant and love this shake"],
    "INC-7": ["We drove to the beach for a family trip"],
    "INC-8": ["No cap on how many cupcakes the kids can decorate"],
    "INC-9": ["My knee replaced? Surgery went fine, thanks for the prayers"],
    "INC-10": ["My brother landed a six-figure engineering job offer"],
    "INC-11": ["Happy Freedom Day to everyone celebrating"],
    "HLT-5": ["Wipe the countertops with disinfectant spray after cooking"],
    "HLT-6": ["My doctor lowered my medication after my checkup"],
    "HLT-7": ["A new study says more research is needed on screen time and sleep"],
    "HLT-8": ["Walking for diabetes awareness this Sunday, join our team"],
    "HLT-9": ["Flu shots help prevent influenza, get yours at the clinic"],
}


@pytest.mark.parametrize("rule_id,text", [(r, t) for r, ts in POSITIVE.items() for t in ts])
def test_rule_fires(rule_id, text):
    assert rule_id in screen(text, model=False).rule_ids


@pytest.mark.parametrize("rule_id,text", [(r, t) for r, ts in NEGATIVE.items() for t in ts])
def test_rule_quiet(rule_id, text):
    assert rule_id not in screen(text, model=False).rule_ids


def test_every_core_rule_has_examples():
    ids = {r.id for r in load_rules()}
    assert ids == set(POSITIVE) == set(NEGATIVE)


def test_flags_carry_explanation_source_rewrite():
    s = screen("This oil cured my anxiety", model=False)
    (flag,) = s.flags
    assert flag.category == "health" and "21 CFR 101.93" in flag.source
    assert "not been evaluated by the Food and Drug Administration" in flag.rewrite
    assert "calm" in flag.rewrite
    inc = screen("I made $5,000 last month", model=False).flags[0]
    assert "income disclosure" in inc.rewrite


def test_buried_disclosure_does_not_count():
    text = "Love my new serum! Link in bio #skincare #glow #selfcare #ad #love"
    assert "END-1" in screen(text, model=False).rule_ids


def test_company_rules_file(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(
        'schema = 1\nname = "acme"\n[terms]\nbrand = ["Acme"]\nproduct = ["Glow Drops"]\n'
        '[[rule]]\nid = "ACME-1"\ncategory = "health"\nseverity = "high"\ntitle = "Banned"\n'
        'source = "Acme manual 4"\nexplanation = "Never say medicine."\nrewrite = "routine"\n'
        'terms = ["miracle medicine"]\n', encoding="utf-8")
    s = screen("These Glow Drops are a MIRACLE   medicine", rules=[path], model=False)
    assert "ACME-1" in s.rule_ids
    assert "END-1" not in screen("I'm an Acme rep. Loving Glow Drops", rules=[path],
                                 model=False).rule_ids
    assert "END-1" in screen("Loving Glow Drops so much", rules=[path], model=False).rule_ids


@pytest.mark.parametrize("body,field,line", [
    ('[[rule]]\nid = "X-1"\ncategory = "wealth"\nseverity = "high"\ntitle = "t"\n'
     'source = "s"\nexplanation = "e"\nterms = ["x"]\n', "category", 3),
    ('[[rule]]\nid = "X-1"\ncategory = "income"\nseverity = "high"\ntitle = "t"\n'
     'source = "s"\nexplanation = "e"\npatterns = ["(unclosed"]\n', "patterns", 8),
    ('[[rule]]\nid = "X-1"\ncategory = "income"\nseverity = "high"\ntitle = "t"\n'
     'source = "s"\nexplanation = "e"\npatterns = ["(a+)+b"]\n', "patterns", 8),
    ('[[rule]]\nid = "X-1"\ncategory = "income"\nseverity = "huge"\ntitle = "t"\n'
     'source = "s"\nexplanation = "e"\nterms = ["x"]\n', "severity", 4),
    ('[[rule]]\nid = "X-1"\ncategory = "income"\nseverity = "high"\ntitle = "t"\n'
     'explanation = "e"\nterms = ["x"]\n', "source", 1),
    ('[[rule]]\nid = "X-1"\ncategory = "income"\nseverity = "high"\ntitle = "t"\n'
     'source = "s"\nexplanation = "e"\nterms = ["x"]\ncolour = "red"\n', "colour", 9),
])
def test_malformed_rules_file_names_file_line_field(tmp_path, body, field, line):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RulesFileError) as info:
        load_rules([path])
    err = info.value
    assert err.path == str(path) and err.field == field and err.line == line
    assert str(path) in str(err) and field in str(err)


def test_toml_syntax_error_names_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('schema = 1\n[[rule]]\nid = "X\n', encoding="utf-8")
    with pytest.raises(RulesFileError) as info:
        load_rules([path])
    assert info.value.line == 3


def test_missing_rules_file(tmp_path):
    with pytest.raises(RulesFileError):
        load_rules([tmp_path / "nope.toml"])
