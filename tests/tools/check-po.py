#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Neurode authors
"""check-po.py SOURCE_ROOT LANG: the catalogue po/LANG.po passes `msgfmt -c`,
and `msgfmt --statistics` reports no untranslated or fuzzy message, both for the
catalogue as committed and after merging it with a template extracted from the
sources now (so a string added to the program without a translation fails)."""
import os, re, subprocess, sys, tempfile

root, lang = sys.argv[1], sys.argv[2]
po = os.path.join(root, "po", lang + ".po")
env = dict(os.environ, LC_ALL="C", LANGUAGE="")

# The same xgettext arguments as meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments", "-k_", "--keyword=_", "--keyword=N_",
    "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]


def run(args):
    p = subprocess.run(args, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{p.stdout}{p.stderr}")
    return p.stdout + p.stderr


def statistics(path, what):
    """Counts from msgfmt -c --statistics, e.g. '540 translated messages, 2 fuzzy
    translations, 3 untranslated messages.'"""
    out = run(["msgfmt", "-c", "--statistics", "-o", os.devnull, path])
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated) (?:message|translation)", out):
        counts[kind] = int(n)
    if counts["translated"] == 0:
        sys.exit(f"{what}: cannot read msgfmt statistics: {out!r}")
    print(f"{what}: {counts['translated']} translated, {counts['fuzzy']} fuzzy, "
          f"{counts['untranslated']} untranslated")
    return counts


def untranslated_ids(path):
    out = run(["msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", path])
    out += run(["msgattrib", "--only-fuzzy", "--no-obsolete", "--no-wrap", path])
    return [m for m in re.findall(r'^msgid "(.*)"$', out, re.M) if m]


failed = False
committed = statistics(po, f"po/{lang}.po")
if committed["fuzzy"] or committed["untranslated"]:
    failed = True

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "neurode.pot")
    run(["xgettext", "--package-name=neurode", "-f", os.path.join(root, "po", "POTFILES.in"),
         "-D", root, "-o", pot] + XGETTEXT_ARGS)
    merged = os.path.join(tmp, lang + ".po")
    run(["msgmerge", "--quiet", "-o", merged, po, pot])
    current = statistics(merged, f"po/{lang}.po merged with the sources' strings")
    if current["fuzzy"] or current["untranslated"]:
        failed = True
        for m in untranslated_ids(merged):
            print(f"  not translated: \"{m}\"")

sys.exit(1 if failed else 0)
