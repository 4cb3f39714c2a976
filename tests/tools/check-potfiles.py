#!/usr/bin/env python3
"""Every source file with a translatable string is listed in po/POTFILES.in,
and every listed file exists: a string outside POTFILES is never translated.
A translatable literal must not be joined with a macro such as G_GSIZE_FORMAT:
xgettext stops at the macro, so the catalogue holds a cut-off msgid that never
matches the string the program looks up (use %zu, or %lld with a cast)."""
import os, re, sys

root = sys.argv[1]
listed = set()
with open(os.path.join(root, "po", "POTFILES.in")) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.add(line)

missing_files = [p for p in listed if not os.path.exists(os.path.join(root, p))]
marker_c = re.compile(r'\b(N?_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')
marker_ui = re.compile(r'translatable="yes"')
literal = r'"(?:[^"\\\n]|\\.)*"'
# _("…" MACRO …): a literal sequence inside a gettext call followed by an identifier.
macro_join = re.compile(r'\b(?:N?_|g_dngettext\s*\([^,]*,)\s*\(?\s*((?:' + literal + r'\s*)+)([A-Za-z_]\w*)')
unlisted = []
joined = []
for top in ("app", "ui", "engine", "resources"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if not name.endswith((".c", ".ui")):
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            pattern = marker_ui if name.endswith(".ui") else marker_c
            if pattern.search(text) and rel not in listed:
                unlisted.append(rel)
            if name.endswith(".c"):
                for m in macro_join.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    joined.append(f"{rel}:{line}: {m.group(2)}")

for p in missing_files:
    print("POTFILES.in lists a missing file:", p)
for p in sorted(unlisted):
    print("translatable strings in a file missing from POTFILES.in:", p)
for j in joined:
    print("translatable string joined with a macro (xgettext cuts it off there):", j)
sys.exit(1 if (missing_files or unlisted or joined) else 0)
