"""Calculation files of any length, in the structure of the samples in
data/estimates/ (for the tests and the benchmark; no Odoo import here)."""

from pathlib import Path

DATA = Path(__file__).parent / "data" / "estimates"

BMS_LABOUR = """  <DamageLineInfo>
    <LineNum>{num}</LineNum>
    <LineDesc>Arbeid {num}</LineDesc>
    <LaborInfo>
      <LaborType>{code}</LaborType>
      <LaborOperation>OP9</LaborOperation>
      <LaborHours>{hours}</LaborHours>
      <LaborAmt>{amount:.2f}</LaborAmt>
    </LaborInfo>
  </DamageLineInfo>
"""
BMS_PART = """  <DamageLineInfo>
    <LineNum>{num}</LineNum>
    <LineDesc>Onderdeel {num}</LineDesc>
    <PartInfo>
      <PartType>PAN</PartType>
      <PartNum>P{num:05d}</PartNum>
      <PartPrice>{price:.2f}</PartPrice>
      <Quantity>{qty}</Quantity>
    </PartInfo>
  </DamageLineInfo>
"""
DAT_PART = """<ns1:MaterialPosition><ns1:DATProcessId>{num}</ns1:DATProcessId>
<ns1:PartNumber>P{num:05d}</ns1:PartNumber>
<ns1:Description>ONDERDEEL {num}</ns1:Description>
<ns1:Amount>{qty}</ns1:Amount><ns1:ValuePerUnit>{price:.2f}</ns1:ValuePerUnit>
<ns1:ValueTotal>{amount:.2f}</ns1:ValueTotal><ns1:UsedPart>false</ns1:UsedPart>
<ns1:ValueTotalCorrected>{amount:.2f}</ns1:ValueTotalCorrected>
<ns1:PartOrigin>OE</ns1:PartOrigin></ns1:MaterialPosition>
"""
DAT_LABOUR = """<ns1:LabourPosition><ns1:DATProcessId>{num}</ns1:DATProcessId>
<ns1:RepairType>replace</ns1:RepairType><ns1:LabourPosId>L{num}</ns1:LabourPosId>
<ns1:Description>ARBEID {num}</ns1:Description><ns1:WageType>car body</ns1:WageType>
<ns1:WageLevel>1</ns1:WageLevel><ns1:Duration>{units}</ns1:Duration>
<ns1:ValueTotal>{amount:.2f}</ns1:ValueTotal>
<ns1:ValueTotalCorrected>{amount:.2f}</ns1:ValueTotalCorrected>
<ns1:IncludedInCalculation>true</ns1:IncludedInCalculation></ns1:LabourPosition>
"""


def bms_file(count):
    """A CIECA BMS estimate of ``count`` lines (labour and parts) in the
    structure of tests/data/estimates/bms_small.xml, with its net total."""
    head, _sep, _rest = (
        (DATA / "bms_small.xml").read_text().partition("  <DamageLineInfo>")
    )
    body, total = [], 0.0
    rates = {"LAB": 60.0, "LAR": 65.0, "LAM": 70.0}
    for num in range(1, count + 1):
        if num % 2:
            code = ("LAB", "LAR", "LAM")[num % 3]
            hours = round(0.1 * (num % 17 + 1), 1)
            amount = round(hours * rates[code], 2)
            body.append(
                BMS_LABOUR.format(num=num, code=code, hours=hours, amount=amount)
            )
        else:
            qty, price = num % 3 + 1, 10 + num * 1.37
            amount = round(qty * round(price, 2), 2)
            body.append(BMS_PART.format(num=num, qty=qty, price=price))
        total += amount
    total = round(total, 2)
    tail = (
        "  <RepairTotalsInfo>\n    <SummaryTotalsInfo><TotalType>NET</TotalType>"
        f"<TotalAmt>{total:.2f}</TotalAmt></SummaryTotalsInfo>\n"
        "  </RepairTotalsInfo>\n</VehicleDamageEstimateAddRq>\n"
    )
    return (head + "".join(body) + tail).encode(), total


def dat_file(count):
    """A DAT VXS calculation of ``count`` positions (parts and body labour at
    6.50 per AE) in the structure of tests/data/estimates/dat_small.xml."""
    text = (DATA / "dat_small.xml").read_text()
    start = text.index("<ns1:CalcResultCommon>") + len("<ns1:CalcResultCommon>")
    end = text.index("</ns1:CalcResultCommon>")
    parts, labour, total = [], [], 0.0
    for num in range(1, count + 1):
        if num % 2:
            units = num % 23 + 1
            amount = round(units * 6.5, 2)
            labour.append(DAT_LABOUR.format(num=num, units=units, amount=amount))
        else:
            qty, price = num % 3 + 1, round(10 + num * 1.37, 2)
            amount = round(qty * price, 2)
            parts.append(DAT_PART.format(num=num, qty=qty, price=price, amount=amount))
        total += amount
    total = round(total, 2)
    summary = (
        "<ns1:RepairCalculationSummary>"
        f"<ns1:TotalNetCosts>{total:.2f}</ns1:TotalNetCosts>"
        f"<ns1:TotalNetCorrected>{total:.2f}</ns1:TotalNetCorrected>"
        "</ns1:RepairCalculationSummary>"
    )
    middle = (
        "<ns1:MaterialPositions>"
        + "".join(parts)
        + "</ns1:MaterialPositions><ns1:LabourPositions>"
        + "".join(labour)
        + "</ns1:LabourPositions>"
        + summary
    )
    return (text[:start] + middle + text[end:]).encode(), total
