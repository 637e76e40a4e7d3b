#!/usr/bin/env python3
"""What a reader of euprio-nightly's output folder sees, for the nightly tests.

  nightly_state.py state OUT [--check [--tidy]]
                               one line per name a reader can open: the name,
                               the day of the folder its file really lies in,
                               and a hash of its content (a workbook's members
                               but docProps/core.xml, which holds the time it
                               was written).  A link that leads nowhere is not
                               there for a reader and is left out.  With
                               --check, also checks as below (faults on
                               standard error, exit 1): one start of Python
                               for both, as the fault loop calls it often.
  nightly_state.py check OUT [--tidy]
                               the folder is consistent: both latest names and
                               days/latest lead into one day folder, every
                               dated name into the folder of its own day, every
                               day folder holds its four files, each workbook
                               is a whole zip; with --tidy (after a run that
                               ended well) nothing in .euprio-data is left
                               unreferenced by the published view.
                               Prints the newest day; exit 1 with the faults.
"""
import hashlib
import os
import re
import sys
import zipfile

IGNORED = {".euprio.lock", "log", "history.csv", ".euprio-data"}
DAY_DIR = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\d{8}T\d{6}-\d+$")
DATED = re.compile(r"^(candidates|rejected|changes)-(\d{4}-\d{2}-\d{2})\.(csv|xlsx)$")


def digest(path):
    h = hashlib.sha256()
    if path.endswith(".xlsx"):
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                if name != "docProps/core.xml":
                    h.update(name.encode() + b"\0" + z.read(name))
    else:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def home_day(path):
    """The day of the folder a file really lies in ('-' outside the store)."""
    m = DAY_DIR.match(os.path.basename(os.path.dirname(os.path.realpath(path))))
    return m.group(1) if m else "-"


def state(out):
    lines = []

    def walk(rel):
        full = os.path.join(out, rel)
        if os.path.isdir(full):
            for name in sorted(os.listdir(full)):
                walk(os.path.join(rel, name))
        elif os.path.isfile(full):
            try:
                lines.append(f"{rel}\t{home_day(full)}\t{digest(full)}")
            except (zipfile.BadZipFile, OSError) as e:
                lines.append(f"{rel}\t{home_day(full)}\tunreadable: {e}")

    for name in sorted(os.listdir(out)):
        if name in IGNORED or name.startswith((".euprio-run.", ".euprio-gone.")):
            continue
        walk(name)
    return lines


def check(out, tidy):
    faults = []
    days = os.path.join(out, "days")
    if not os.path.lexists(days):
        return None, ["no days link"]
    view = os.path.realpath(days)
    newest = None
    for name in sorted(os.listdir(days)):
        p = os.path.join(days, name)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", name):
            newest = name
            have = sorted(os.listdir(p))
            want = sorted(f"{k}-{name}.{e}" for k, e in
                          (("candidates", "csv"), ("rejected", "csv"), ("changes", "csv"), ("candidates", "xlsx")))
            if have != want:
                faults.append(f"days/{name} holds {have}")
            if home_day(os.path.join(p, f"candidates-{name}.csv")) != name:
                faults.append(f"days/{name} is not the folder of its day")
            try:
                with zipfile.ZipFile(os.path.join(p, f"candidates-{name}.xlsx")) as z:
                    if z.testzip() is not None:
                        faults.append(f"days/{name}: workbook damaged")
            except (zipfile.BadZipFile, OSError) as e:
                faults.append(f"days/{name}: workbook: {e}")
    if newest is None:
        return None, faults + ["the view holds no day"]
    for name in ("candidates-latest.csv", "candidates-latest.xlsx"):
        for where in (out, days):
            p = os.path.join(where, name)
            if home_day(p) != newest:
                faults.append(f"{p} leads to {home_day(p)}, not {newest}")
    if os.path.realpath(os.path.join(days, "latest")) != os.path.realpath(os.path.join(days, newest)):
        faults.append("days/latest is not the newest day")
    for name in os.listdir(out):
        m = DATED.match(name)
        if m and os.path.exists(os.path.join(out, name)) and home_day(os.path.join(out, name)) != m.group(2):
            faults.append(f"{name} leads to {home_day(os.path.join(out, name))}")
    # The store holds the live view and the days it names, nothing else.
    live = {os.path.basename(view)}
    live |= {os.path.basename(os.path.realpath(os.path.join(days, n)))
             for n in os.listdir(days) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", n)}
    extra = set(os.listdir(os.path.join(out, ".euprio-data"))) - live
    if tidy and extra:
        faults.append(f".euprio-data holds unreferenced {sorted(extra)}")
    return newest, faults


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("state", "check"):
        sys.exit(__doc__)
    cmd, out, flags = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    if not flags <= {"--check", "--tidy"}:
        sys.exit(__doc__)
    if cmd == "state":
        print("\n".join(state(out)))
        if "--check" not in flags:
            return
    newest, faults = check(out, "--tidy" in flags)
    if cmd == "state":
        for f in faults:
            print(f"fault: {f}", file=sys.stderr)
        sys.exit(1 if faults else 0)
    for f in faults:
        print(f"fault: {f}", file=sys.stderr)
    print(newest or "-")
    sys.exit(1 if faults else 0)


if __name__ == "__main__":
    main()
