#!/usr/bin/env python3
"""Checks a workbook written by euprio-xlsx against the CSVs it was made
from, by opening it as the zip of XML parts it is: sheet names, every cell's
value, type and number format, colours, frozen header, autofilter range,
data bar, links, and the charts' ranges against the overview's tables.
The candidates rank decided explore (calls) must be on the calls sheet, in
rank order, and nowhere else, when the layout has one.

usage: check_xlsx.py BOOK.xlsx CONFIG_DIR CANDIDATES.csv [--rejects F]
                     [--changes F] [--lang da|en] [--bad N]
       check_xlsx.py --roundtrip BOOK.xlsx CONFIG_DIR CANDIDATES.csv LO_CSV
Prints every mismatch and exits 1 if there was any."""
import csv
import datetime
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}
RID = "{%s}id" % NS["r"]
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 14: "m/d/yyyy"}
KIND_FORMAT = {"integer": "#,##0", "amount": "#,##0", "days": "#,##0", "number": "#,##0.0",
               "score": "#,##0.0", "ratio": "0.00", "date": "dd-mm-yyyy"}
FILLS = {"prioritise": "FFC6EFCE", "consider": "FFFFEB9C", "explore": "FFE4DFEC", "review": "FFDDEBF7",
         "reject": "FFFFC7CE"}
RED, AMBER = "FFFFC7CE", "FFFFEB9C"
CELL_MAX = 32767

errors = []


def err(msg):
    errors.append(msg)


def table(path):
    """A config table as a list of dicts, comments skipped."""
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def records(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def header(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def shown(spec, path):
    """The layout's columns a sheet shows for its input: an optional one
    (the staff's) only when the input has it."""
    have = header(path) if path else []
    return [c for c in spec if c.get("optional") != "yes" or c["column"] in have]


def col_letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def ref_rc(ref):
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    c = 0
    for ch in m.group(1):
        c = c * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, c - 1


class Book:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        wb = ET.fromstring(self.z.read("xl/workbook.xml"))
        rels = ET.fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
        self.sheets = [(s.get("name"), "xl/" + target[s.get(RID)]) for s in wb.find("m:sheets", NS)]
        st = ET.fromstring(self.z.read("xl/styles.xml"))
        fmts = dict(BUILTIN_FORMATS)
        nf = st.find("m:numFmts", NS)
        for f in (nf if nf is not None else []):
            fmts[int(f.get("numFmtId"))] = f.get("formatCode")
        fills = []
        for f in st.find("m:fills", NS):
            fg = f.find("m:patternFill/m:fgColor", NS)
            fills.append(fg.get("rgb") if fg is not None else None)
        self.xf = []
        for x in st.find("m:cellXfs", NS):
            al = x.find("m:alignment", NS)
            self.xf.append({"fmt": fmts.get(int(x.get("numFmtId", 0)), "?"),
                            "fill": fills[int(x.get("fillId", 0))],
                            "wrap": al is not None and al.get("wrapText") == "1"})

    def sheet(self, name):
        path = dict(self.sheets)[name]
        root = ET.fromstring(self.z.read(path))
        cells = {}
        for c in root.iter("{%s}c" % NS["m"]):
            t = c.get("t", "n")
            if t == "inlineStr":
                val = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
            else:
                v = c.find("m:v", NS)
                val = v.text if v is not None else None
            cells[ref_rc(c.get("r"))] = {"t": t, "v": val, "style": self.xf[int(c.get("s", 0))]}
        rels = {}
        relpath = path.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if relpath in self.z.namelist():
            for r in ET.fromstring(self.z.read(relpath)).findall("rel:Relationship", NS):
                rels[r.get("Id")] = r.get("Target")
        links = {ref_rc(h.get("ref")): rels.get(h.get(RID)) for h in root.iter("{%s}hyperlink" % NS["m"])}
        return root, cells, links

    def charts(self):
        out = []
        for n in sorted(x for x in self.z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", x)):
            root = ET.fromstring(self.z.read(n))
            kind = root.find(".//c:plotArea", NS)[1].tag.split("}")[1]
            title = "".join(t.text or "" for t in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t"))
            refs = [f.text for f in root.iter("{%s}f" % NS["c"])]
            out.append((kind, title, refs))
        return out


def cell_text(v):
    """What euprio-xlsx makes of a CSV value as cell text."""
    v = v.replace("\r\n", "\n").replace("\r", "\n")
    v = "".join(" " if (ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 else ch for ch in v)
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in v)
    return v, units > CELL_MAX


def serial_to_date(s):
    return (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(s)))).isoformat()


def check_rows(book, sheet, spec, recs, labels, settings, soon, first_row=1):
    root, cells, links = book.sheet(sheet)
    for i, col in enumerate(spec):
        h = cells.get((0, i))
        if not h or h["v"] != col["title"]:
            err(f"{sheet}: header {col_letter(i)}1 is {h and h['v']!r}, expected {col['title']!r}")
    topic = re.compile(settings["topic_pattern"])
    for n, rec in enumerate(recs):
        row = first_row + n
        for i, col in enumerate(spec):
            where = f"{sheet}!{col_letter(i)}{row + 1} ({col['column']}, record {n + 1})"
            want = rec.get(col["column"], "")
            c = cells.get((row, i))
            kind = col["kind"]
            if want == "":
                if c and c["v"] not in (None, ""):
                    err(f"{where}: expected empty, got {c['v']!r}")
                continue
            if c is None:
                err(f"{where}: missing, expected {want!r}")
                continue
            if kind in KIND_FORMAT:
                if c["t"] != "n":
                    err(f"{where}: type {c['t']}, expected a number for {want!r}")
                    continue
                if c["style"]["fmt"] != KIND_FORMAT[kind]:
                    err(f"{where}: format {c['style']['fmt']!r}, expected {KIND_FORMAT[kind]!r}")
                if kind == "date":
                    if serial_to_date(c["v"]) != want:
                        err(f"{where}: date {serial_to_date(c['v'])}, expected {want}")
                elif abs(float(c["v"]) - float(want)) > 1e-9:
                    err(f"{where}: {c['v']}, expected {want}")
                if kind == "days":
                    d = float(want)
                    fill = RED if d < soon else AMBER if d < 2 * soon else None
                    if c["style"]["fill"] != fill:
                        err(f"{where}: fill {c['style']['fill']}, expected {fill} for {d} days")
                continue
            if c["t"] not in ("inlineStr", "s", "str"):
                err(f"{where}: type {c['t']}, expected text")
                continue
            if kind in ("decision", "tier", "change", "staff"):
                prefix = {"decision": "decision.", "tier": "tier.", "change": "change.", "staff": "staff."}[kind]
                expect = labels.get(prefix + want, want)
                if c["v"] != expect:
                    err(f"{where}: {c['v']!r}, expected {expect!r}")
                if kind == "decision" and want in FILLS and c["style"]["fill"] != FILLS[want]:
                    err(f"{where}: fill {c['style']['fill']}, expected {FILLS[want]}")
                continue
            expect, cut = cell_text(want)
            if cut:
                if not c["v"].endswith(labels["cut"]) or sum(2 if ord(ch) > 0xFFFF else 1 for ch in c["v"]) > CELL_MAX:
                    err(f"{where}: a cell over Excel's limit must be cut with the marker")
                elif not expect.startswith(c["v"][: -len(labels["cut"]) - 1]):
                    err(f"{where}: the cut cell is not a prefix of the value")
            elif c["v"] != expect:
                err(f"{where}: {c['v'][:80]!r}, expected {expect[:80]!r}")
            if kind == "wrap" and not c["style"]["wrap"]:
                err(f"{where}: not wrapped")
            if kind == "call":
                url = links.get((row, i))
                if topic.search(want) and len(want) <= 200:
                    expect_url = settings["topic_url"].replace("{topic}", want.lower())
                    if url != expect_url:
                        err(f"{where}: link {url!r}, expected {expect_url!r}")
                elif url:
                    err(f"{where}: {want!r} does not look like a topic id but is linked")
    nrows = max([r for r, _ in cells] + [0]) + 1
    if nrows != first_row + len(recs):
        err(f"{sheet}: {nrows} rows, expected {first_row + len(recs)}")
    pane = root.find(".//m:pane", NS)
    if pane is None or pane.get("ySplit") != "1" or pane.get("state") != "frozen":
        err(f"{sheet}: header row not frozen")
    af = root.find("m:autoFilter", NS)
    want_af = f"A1:{col_letter(len(spec) - 1)}{first_row + len(recs)}"
    if af is None or af.get("ref") != want_af:
        err(f"{sheet}: autofilter {af is not None and af.get('ref')}, expected {want_af}")
    return root


def main(argv):
    if argv[1] == "--roundtrip":
        return roundtrip(*argv[2:6])
    book_path, cfg, cand_path = argv[1:4]
    opts = dict(zip(argv[4::2], argv[5::2]))
    lang = opts.get("--lang", "da")
    labels = {r["key"]: r[lang] for r in table(f"{cfg}/labels.csv")}
    settings = {r["key"]: r["value"] for r in table(f"{cfg}/settings.csv")}
    soon = float({r["key"]: r["value"] for r in table(f"{cfg}/scoring.csv")}["decision.deadline_soon_days"])
    layout = table(f"{cfg}/workbook.csv")
    spec = {s: [dict(r, title=r["title_" + lang]) for r in layout if r["sheet"] == s]
            for s in ("candidates", "calls", "rejected", "changes")}
    book = Book(book_path)
    names = [n for n, _ in book.sheets]
    with_calls = bool(spec["calls"])
    want = [labels["sheet.candidates"]] + ([labels["sheet.calls"]] if with_calls else []) + \
        [labels["sheet.overview"], labels["sheet.rejected"]]
    if "--changes" in opts:
        want.append(labels["sheet.changes"])
    if names != want:
        err(f"sheets {names}, expected {want}")
        return report()
    sheet = dict(zip(["candidates"] + (["calls"] if with_calls else []) + ["overview", "rejected", "changes"], want))
    everyone = records(cand_path)
    calls = [c for c in everyone if c["decision"] == "explore"] if with_calls else []
    cands = [c for c in everyone if c not in calls]
    for s in ("candidates", "calls"):
        spec[s] = shown(spec[s], cand_path)
    spec["rejected"] = shown(spec["rejected"], opts.get("--rejects"))
    spec["changes"] = shown(spec["changes"], opts.get("--changes"))
    for s, recs in (("candidates", cands), ("calls", calls)):
        if s == "calls" and not with_calls:
            continue
        root = check_rows(book, sheet[s], spec[s], recs, labels, settings, soon)
        score = [i for i, c in enumerate(spec[s]) if c["kind"] == "score"]
        if score and recs:
            cf = root.find("m:conditionalFormatting", NS)
            rng = f"{col_letter(score[0])}2:{col_letter(score[0])}{len(recs) + 1}"
            if cf is None or cf.get("sqref") != rng or cf.find("m:cfRule", NS).get("type") != "dataBar":
                err(f"{s}: no data bar on {rng}")
    rejects = records(opts["--rejects"]) if "--rejects" in opts else []
    bad = int(opts.get("--bad", 0))
    _, rcells, _ = book.sheet(sheet["rejected"])
    codes = [rcells.get((r, 0), {}).get("v") for r in range(1, 1 + bad + len(rejects))]
    if codes[:bad] != ["BAD_INPUT"] * bad:
        err(f"unreadable rows on the rejected sheet: {codes[:bad]}")
    check_rows(book, sheet["rejected"], spec["rejected"], rejects, labels, settings, soon, first_row=1 + bad)
    if "--changes" in opts:
        check_rows(book, sheet["changes"], spec["changes"], records(opts["--changes"]), labels, settings, soon)
    check_overview(book, sheet["overview"], everyone, cands, labels, cfg, lang)
    return report()


def check_overview(book, sheet, everyone, cands, labels, cfg, lang):
    """The decisions and the total count every candidate, calls too; the
    tables by goal and the rest count the candidates sheet's only."""
    _, cells, _ = book.sheet(sheet)
    text = {rc: c["v"] for rc, c in cells.items()}

    def find(v, col=0):
        return [r for (r, c), x in text.items() if c == col and x == v]

    def num(r, c):
        x = cells.get((r, c))
        return float(x["v"]) if x and x["t"] == "n" else None

    for d in ("prioritise", "consider", "explore", "review"):
        rows = find(labels["decision." + d])
        n = sum(1 for c in everyone if c["decision"] == d)
        if not rows or num(rows[0], 1) != n:
            err(f"overview: {d} count {rows and num(rows[0], 1)}, expected {n}")
    total = find(labels["overview.total"])
    if not total or num(total[0], 1) != len(everyone):
        err(f"overview: total {total and num(total[0], 1)}, expected {len(everyone)}")
    goals = table(f"{cfg}/goals.csv")
    grow = {}
    for g in goals:
        rows = find(g["id"])
        n = sum(1 for c in cands if g["id"] in c["goals"].split(";"))
        if not rows or num(rows[0], 1) != n or text.get((rows[0], 2)) != g["name_" + lang]:
            err(f"overview: goal {g['id']} row wrong (count {rows and num(rows[0], 1)}, expected {n})")
        else:
            grow[g["id"]] = rows[0]
    charts = book.charts()
    # The grant chart reads the programme table, which has rows only when
    # the candidates sheet has.
    if len(charts) != (3 if cands else 2):
        err(f"{len(charts)} charts, expected {3 if cands else 2}")
        return
    q = "'%s'" % sheet if not re.match(r"^\w+$", sheet, re.A) else sheet
    by_title = {t: (k, refs) for k, t, refs in charts}
    g = by_title.get(labels["chart.goals"])
    if g and grow:
        lo, hi = min(grow.values()) + 1, max(grow.values()) + 1
        want = [f"{q}!$C${lo}:$C${hi}", f"{q}!$B${lo}:$B${hi}"]
        if g[0] != "barChart" or g[1][:2] != want:
            err(f"goals chart {g}, expected a bar chart over {want}")
    else:
        err("no goals chart")
    m = by_title.get(labels["chart.months"])
    mh = find(labels["overview.month"])
    if not m or not mh or m[0] != "barChart" or m[1][:2] != [f"{q}!$A${mh[0] + 2}:$A${mh[0] + 13}", f"{q}!$B${mh[0] + 2}:$B${mh[0] + 13}"]:
        err(f"months chart {m} does not read the 12 rows under {mh}")
    p = by_title.get(labels["chart.grant"])
    ph = find(labels["overview.programme"])
    if cands and (not p or not ph or not p[1][0].startswith(f"{q}!$A${ph[0] + 2}:") or not p[1][1].startswith(f"{q}!$C${ph[0] + 2}:")):
        err(f"grant chart {p} does not read the programme table under row {ph}")


def roundtrip(book_path, cfg, cand_path, lo_csv):
    """LibreOffice's CSV of the candidates sheet (--lang en, raw values)
    must give back the candidates file's values."""
    full = table(f"{cfg}/workbook.csv")
    layout = shown([r for r in full if r["sheet"] == "candidates"], cand_path)
    cands = records(cand_path)
    if any(r["sheet"] == "calls" for r in full):
        cands = [c for c in cands if c["decision"] != "explore"]
    with open(lo_csv, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if len(rows) != len(cands) + 1:
        err(f"LibreOffice read {len(rows) - 1} rows, expected {len(cands)}")
    for n, (rec, row) in enumerate(zip(cands, rows[1:])):
        for i, col in enumerate(layout):
            want, got = rec[col["column"]], row[i] if i < len(row) else ""
            where = f"record {n + 1} {col['column']}"
            if col["kind"] == "date" and got:
                mm, dd, yy = got.split("/")
                got = f"{int(yy):04d}-{int(mm):02d}-{int(dd):02d}"
            if col["kind"] in KIND_FORMAT and col["kind"] != "date" and want and got:
                if abs(float(got) - float(want)) > 1e-9:
                    err(f"{where}: LibreOffice {got!r}, CSV {want!r}")
            elif got != cell_text(want)[0]:
                err(f"{where}: LibreOffice {got[:60]!r}, CSV {want[:60]!r}")
    return report()


def report():
    for e in errors[:40]:
        print("check_xlsx:", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
