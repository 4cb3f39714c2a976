#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Neurode authors
"""check-guide.py SOURCE_ROOT BUILD_ROOT: the user guide (data/guide/) works offline and is installed whole.
Every picture it shows is in data/guide/images and installed, every picture there is shown, its style sheet is
linked the way ui/nd-help.c inlines it, nothing is fetched from the network, every link inside it leads to a
section, and the sections Help promises are there."""
import json, os, re, sys

src, build = sys.argv[1], sys.argv[2]
guide = os.path.join(src, "data", "guide")
html = open(os.path.join(guide, "index.html"), encoding="utf-8").read()
problems = []

shown = re.findall(r'src="([^"]+)"', html)
for s in shown:
    if not s.startswith("images/") or not os.path.isfile(os.path.join(guide, s)):
        problems.append(f"picture {s} is not in data/guide/images")
for f in sorted(os.listdir(os.path.join(guide, "images"))):
    if f"images/{f}" not in shown:
        problems.append(f"data/guide/images/{f} is not shown in the guide")
if not re.search(r'<link rel="stylesheet" href="guide.css">', html):
    problems.append('the style sheet must be linked as <link rel="stylesheet" href="guide.css"> (ui/nd-help.c)')
for url in re.findall(r'(?:src|href)="(https?:[^"]*)"', html):
    if not url.startswith("https://"):
        problems.append(f"link to {url}")
if re.search(r'src="https?:', html) or re.search(r'<link[^>]+href="https?:', html):
    problems.append("the guide fetches something from the network")
ids = set(re.findall(r'id="([^"]+)"', html))
for target in re.findall(r'href="#([^"]+)"', html):
    if target not in ids:
        problems.append(f"link to #{target}, which no section has")
for section in ["start", "fit", "recordings", "results", "explore", "catalogue", "reduce", "files", "keys"]:
    if section not in ids:
        problems.append(f"no section #{section}")

installed = json.load(open(os.path.join(build, "meson-info", "intro-installed.json")))
dests = {os.path.normpath(d) for d in installed.values()}
root = None
for d in dests:
    if d.endswith(os.path.join("guide", "index.html")):
        root = os.path.dirname(d)
if not root:
    problems.append("guide/index.html is not installed")
else:
    for f in ["guide.css"] + shown:
        if os.path.normpath(os.path.join(root, f)) not in dests:
            problems.append(f"{f} is not installed with the guide")

for p in problems:
    print("check-guide:", p)
print(f"guide: {len(shown)} pictures, {len(ids)} sections, {'problems' if problems else 'ok'}")
sys.exit(1 if problems else 0)
