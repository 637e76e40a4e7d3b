#!/usr/bin/env python3
"""The honest baseline: the euprio pipeline as a municipal developer would
write it in plain Python 3 (csv, re, xml.etree.iterparse), reading the same
policy tables.  Not a reimplementation of every rule — the same work per
record: parse, judge partners, match every goal term, score, sort.

  baseline.py CONFIG_DIR EXPORT.xml LISTING.csv > candidates.csv
"""
import csv
import re
import sys
import xml.etree.ElementTree as ET

csv.field_size_limit(1 << 30)
NS = "{urn:odense:portfolio:export:2}"


def table(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))


def load(config):
    postcodes = {r["postcode"]: r["tier"] for r in table(f"{config}/postcodes.csv")}
    actors = []
    for r in table(f"{config}/local_actors.csv"):
        names = [r["name"]] + [a for a in r["aliases"].split("|") if a and not a.startswith("re:")]
        actors.append((re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, names)), re.I), r["tier"]))
    terms = {}
    for r in table(f"{config}/goal_terms.csv"):
        terms.setdefault(r["goal"], []).append(
            (re.compile(r["pattern"], re.I), float(r["weight"]), r["fields"].split(";")))
    return postcodes, actors, terms


def applications(path):
    for _, el in ET.iterparse(path):
        if el.tag != NS + "application":
            continue
        title = el.findtext(NS + "title") or ""
        partners = []
        for p in el.iter(NS + "partner"):
            partners.append({"name": p.findtext(NS + "name") or "",
                             "postcode": p.findtext(f"{NS}address/{NS}postcode") or "",
                             "country": p.findtext(f"{NS}address/{NS}country") or ""})
        yield {"id": el.get("id"), "title": title, "summary": el.findtext(NS + "summary") or "",
               "keywords": "", "programme": el.findtext(NS + "programme") or "",
               "call_id": (el.find(NS + "call").get("id") if el.find(NS + "call") is not None else ""),
               "deadline": el.findtext(NS + "deadline") or "", "partners": partners}
        el.clear()


PARTNER = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def listings(path):
    with open(path, encoding="cp1252", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            partners = []
            for item in row["Partnere"].split(";"):
                m = PARTNER.match(item.strip())
                name, rest = (m.group(1), m.group(2)) if m else (item.strip(), "")
                pc = re.search(r"\b(\d{4})\b", rest)
                partners.append({"name": name, "postcode": pc.group(1) if pc else "",
                                 "country": rest.split(",")[0].strip() if rest else ""})
            yield {"id": row["Projekt-ID"], "title": row["Titel"], "summary": row["Beskrivelse"],
                   "keywords": "", "programme": row["Program"], "call_id": row["Call-ID"],
                   "deadline": row["Ansøgningsfrist"], "partners": partners}


def main():
    config, xml_path, listing_path = sys.argv[1:4]
    postcodes, actors, terms = load(config)
    out = []
    for rec in list(applications(xml_path)) + list(listings(listing_path)):
        local = 0
        for p in rec["partners"]:
            if p["country"] in ("DK", "") and postcodes.get(p["postcode"]):
                local += 1
            elif any(rx.search(p["name"]) for rx, _ in actors):
                local += 1
        goals = []
        for g, ts in terms.items():
            score = sum(w for rx, w, fields in ts if any(rx.search(rec.get(f, "")) for f in fields))
            if score >= 1:
                goals.append(g)
        score = 35 * len(goals) + 20 * local
        if goals and local:
            out.append((score, rec["id"], rec["title"], ";".join(goals), local))
    out.sort(key=lambda r: (-r[0], r[1]))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["rank", "score", "id", "title", "goals", "local_count"])
    for i, r in enumerate(out, 1):
        w.writerow([i, r[0], r[1], r[2], r[3], r[4]])


if __name__ == "__main__":
    main()
