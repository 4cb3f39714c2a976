#!/usr/bin/env python3
"""Checks the Flatpak manifest without building it (the GNOME runtime cannot be
downloaded here): it parses, uses a GNOME runtime, pins every archive by sha256,
keeps finish-args minimal, builds GSL and PLplot, and builds this repository last."""
import json, sys

path = sys.argv[1]
with open(path) as f:
    m = json.load(f)

errors = []
def need(cond, msg):
    if not cond:
        errors.append(msg)

need(m.get("id") == "io.github.neurode.Neurode", "app id must be io.github.neurode.Neurode")
need(m.get("runtime") == "org.gnome.Platform" and m.get("sdk") == "org.gnome.Sdk", "GNOME runtime and SDK")
need(str(m.get("runtime-version", "")).isdigit(), "runtime-version must be a stable GNOME version number")
need(m.get("command") == "neurode", "command must be neurode")
allowed = {"--share=ipc", "--socket=fallback-x11", "--socket=wayland", "--device=dri"}
extra = set(m.get("finish-args", [])) - allowed
need(not extra, f"finish-args beyond the minimum: {sorted(extra)}")
need(not any(a.startswith("--filesystem") for a in m.get("finish-args", [])),
     "files reach the app through the portal, not --filesystem")

modules = m.get("modules", [])
names = [mod.get("name") if isinstance(mod, dict) else mod for mod in modules]
for dep in ("gsl", "plplot"):
    need(dep in names, f"module {dep} missing")
for mod in modules:
    if not isinstance(mod, dict):
        continue
    for src in mod.get("sources", []):
        if src.get("type") in ("archive", "file"):
            sha = src.get("sha256", "")
            need(len(sha) == 64 and all(c in "0123456789abcdef" for c in sha),
                 f"{mod['name']}: source {src.get('url')} is not pinned by sha256")
            need(src.get("url", "").startswith("https://"), f"{mod['name']}: source must be an https URL")
app = modules[-1] if modules else {}
need(app.get("name") == "neurode", "the last module must be neurode")
need(app.get("buildsystem") == "meson", "neurode builds with meson")
need(any(s.get("type") == "dir" and s.get("path") == ".." for s in app.get("sources", [])),
     "the neurode module must build this repository (a dir source with path ..)")

if errors:
    print("\n".join("manifest: " + e for e in errors))
    sys.exit(1)
print(f"manifest ok: {len(modules)} modules, finish-args {m.get('finish-args')}")
