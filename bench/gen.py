#!/usr/bin/env python3
"""Deterministic generator of realistic euprio inputs at any size.

  gen.py stream  MB OUT   canonical record stream (CSV), long summaries, 1-8 partners
  gen.py short   N  OUT   N short scored records (for sorting)
  gen.py xml     MB OUT   portfolio-v2 XML export (UTF-8, namespace)
  gen.py xml1    MB OUT   portfolio-v1 XML export (ISO-8859-1, no namespace)
  gen.py listing MB OUT   SDEO listing, Windows-1252, ';', CRLF

The same arguments always give the same bytes (seeded), so figures compare
across commits.
"""
import csv
import io
import random
import sys

R = random.Random(20251127)

DA = ("Projektet styrker samarbejdet mellem kommunen, virksomheder og uddannelsesinstitutioner om "
      "robotteknologi, beskæftigelse for ledige, klimatilpasning af byens rum og bedre trivsel for ældre. "
      "Erfaringer deles i europæiske netværk, og resultaterne evalueres af forskere. ").split()
EN = ("The project develops collaborative robots with local manufacturers, trains long-term unemployed "
      "citizens, pilots climate adaptation in deprived neighbourhoods and shares knowledge with partner cities "
      "across Europe while researchers evaluate the results for older people and children. ").split()
TITLES = ["Robotter som jobskabere", "Green Harbour Cities", "Robotics for Healthy Ageing", "Grøn skolegård",
          "Velfærdsteknologi i hjemmeplejen", "Digital inclusion of seniors", "Byrum langs letbanen",
          "Cirkulær byggeri", "Youth guarantee Odense", "Social economy hubs"]
PROGS = [("ESF+", "ESF-2025-SOC-INNO-%02d"), ("Horizon Europe", "HORIZON-CL4-2025-DIGITAL-%02d"),
         ("LIFE", "LIFE-2025-SAP-ENV-%02d"), ("Interreg North Sea", "NSR-2025-P4-%02d"),
         ("Erasmus+", "ERASMUS-2025-PCOOP-%02d"), ("EU4Health", "EU4H-2025-PJ-%02d"),
         ("URBACT IV", "URBACT-2025-APN-%02d"), ("Digital Europe", "DIGITAL-2025-AI-%02d")]
LOCAL = [("Syddansk Universitet", "29283958", "research", "5230", "Odense M"),
         ("Syddansk Erhvervsskole", "29284598", "education", "5000", "Odense C"),
         ("Universal Robots A/S", "", "business", "5260", "Odense S"),
         ("Energi Fyn", "", "business", "5220", "Odense SØ"),
         ("Svendborg Havn", "", "business", "5700", "Svendborg"),
         ("Odense Universitetshospital", "", "public", "5000", "Odense C")]
FOREIGN = [("Tampere University", "research", "Tampere", "FI"), ("Stadt Schwerin", "public", "Schwerin", "DE"),
           ("Gemeente Groningen", "public", "Groningen", "NL"), ("University of Tartu", "research", "Tartu", "EE"),
           ("Bergen kommune", "public", "Bergen", "NO"), ("Politecnico di Milano", "research", "Milano", "IT"),
           ("Kauno miesto savivaldybė", "public", "", "LT"), ("Aalborg Universitet", "research", "Aalborg", "DK")]
COLS = ["id", "source", "status", "title", "acronym", "programme", "call_id", "deadline", "total_eur",
        "eu_grant_eur", "own_cost_eur", "odense_role", "department", "contact", "summary", "keywords",
        "partners", "sdeo_id", "origin", "warnings", "reject_reason"]


def summary(words):
    n = R.randint(150, 450)
    out = [R.choice(words) for _ in range(n)]
    for i in range(40, n, 60):
        out[i] += "\n"
    return " ".join(out)


def partners():
    ps = []
    for _ in range(R.randint(1, 8)):
        if R.random() < 0.35:
            name, org, typ, pc, city = R.choice(LOCAL)
            ps.append("\t".join([name, org, typ, "partner", pc, city, "DK"]))
        else:
            name, typ, city, cc = R.choice(FOREIGN)
            ps.append("\t".join([name, "", typ, R.choice(["partner", "coordinator"]), "", city, cc]))
    return "\n".join(ps)


def record(i):
    prog, call = R.choice(PROGS)
    total = R.randint(2, 90) * 100000
    return [
        "APP-%07d" % i, "application", R.choice(["idea", "draft", "submitted", "running"]),
        R.choice(TITLES) + " %d" % i, "ACR%d" % i, prog, call % R.randint(1, 20),
        "2025-%02d-%02d" % (R.randint(1, 12), R.randint(1, 28)), str(total), str(total * 8 // 10),
        str(R.randint(5, 60) * 10000), R.choice(["coordinator", "partner"]), "Borgmesterforvaltningen",
        "Jens Hansen", summary(R.choice([DA, EN])), "robotics;climate", partners(), "",
        "gen.csv:%d" % (i + 2), "", ""]


def stream(mb, out):
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLS)
    target, i = mb * 1_000_000, 0
    while out.tell() < target:
        w.writerow(record(i))
        i += 1


def short(n, out):
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "title", "status", "deadline", "goals", "goal_count", "goal_strength", "local_count",
                "local_tier", "local_types", "twin_cities", "partners", "eu_grant_eur", "own_cost_eur", "origin"])
    for i in range(n):
        w.writerow(["S-%07d" % i, "t%d" % i, "draft", "2026-%02d-%02d" % (R.randint(1, 12), R.randint(1, 28)),
                    "G%d" % R.randint(1, 10), "1", "G1:%d" % R.randint(1, 5), str(R.randint(1, 3)),
                    R.choice(["odense", "fyn"]), "business", "", "X\t\t\t\t\t\tFI", str(R.randint(1, 9) * 100000),
                    str(R.randint(1, 9) * 10000), "s:%d" % i])


def xml(mb, out, v1=False):
    if v1:
        out.write('<?xml version="1.0" encoding="ISO-8859-1"?>\n<portfolio department="Borgmesterforvaltningen">\n')
    else:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<portfolio xmlns="urn:odense:portfolio:export:2" '
                  'department="Borgmesterforvaltningen">\n')
    target, i = mb * 1_000_000, 0
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;")
    while out.tell() < target:
        r = record(i)
        parts = []
        for line in r[16].split("\n"):
            a = line.split("\t")
            parts.append('<partner role="%s"><name>%s</name><type>%s</type><address><postcode>%s</postcode>'
                         '<city>%s</city><country>%s</country></address></partner>' %
                         (a[3], esc(a[0]), a[2], a[4], esc(a[5]), a[6]))
        out.write('<application id="%s" status="%s"><title xml:lang="da">%s</title><programme>%s</programme>'
                  '<call id="%s"/><deadline>%s</deadline><budget><total currency="EUR">%s</total>'
                  '<euGrant currency="EUR">%s</euGrant><ownContribution currency="DKK">%s</ownContribution>'
                  '</budget><summary xml:lang="da">%s</summary><partners>%s</partners></application>\n' %
                  (r[0], r[2], esc(r[3]), esc(r[5]), r[6], r[7], r[8], r[9], r[10], esc(r[14]), "".join(parts)))
        i += 1
    out.write("</portfolio>\n")


def listing(mb, out):
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Projekt-ID", "Titel", "Akronym", "Program", "Call-ID", "Ansøgningsfrist", "Samlet budget",
                "EU-tilskud", "Lead partner", "Partnere", "Beskrivelse", "Type", "Kontakt", "Status"])
    target, i = mb * 1_000_000, 0
    while out.tell() < target:
        r = record(i)
        ps = "; ".join("%s (%s, %s %s)" % (a[0], a[6], a[4], a[5]) if a[4] else "%s (%s)" % (a[0], a[6])
                       for a in (l.split("\t") for l in r[16].split("\n")))
        total = int(r[8])
        w.writerow(["SDEO-2025-%05d" % i, r[3], r[4], r[5], r[6], "%02d.%02d.2025" % (R.randint(1, 28), R.randint(1, 12)),
                    "{:,}".format(total).replace(",", "."), "%s mio. kr." % str(total * 7 // 1000000).replace(".", ","),
                    "Tampere University", ps, r[14], "Call", "Mette Nielsen", "Åben"])
        i += 1


def main():
    kind, size, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    enc = {"listing": "cp1252", "xml1": "iso-8859-1"}.get(kind, "utf-8")
    with open(path, "w", encoding=enc, newline="", errors="replace") as f:
        {"stream": stream, "short": short, "xml": xml, "xml1": lambda n, o: xml(n, o, True),
         "listing": listing}[kind](size, f)


if __name__ == "__main__":
    main()
