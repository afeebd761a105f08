#!/usr/bin/env python3
"""check_layout.py - the allowed dependency directions of tracerec, checked on the sources.

Usage: check_layout.py [ROOT] [--objects BUILDDIR]

Includes are written from the roots user/, model/ and bpf/ ("trz/trz.h", "nn/model.h",
"imputer.h"); each file belongs to an area (user/<area>/, model/<area>/, model/ itself, tools/,
bpf/).  The checks:
  1. every quoted include resolves to a file of the tree (or a generated one in the build dir);
  2. an area includes only the areas ALLOWED below (tools/ may include anything);
  3. user/ reaches model/ only through its public headers (MODEL_PUBLIC), never internals;
     model/ reaches user/ only for the headers both libraries stand on (SHARED_BASE);
  4. no include cycle between files, and none between areas;
  5. every header has a TRC_*_H include guard;
  6. with --objects: no cycle between the object files of user/ and model/ (A calls B calls A),
     from the symbols `nm` lists (defined in one .o, undefined in another).
Prints one line per violation and exits 1 when there is any, 0 when the layout holds.
See docs/architecture.md for the picture behind the table.
"""
import os
import re
import subprocess
import sys

USER_AREAS = ["common", "trz", "collect", "import", "dump", "corpus", "fill", "eval"]
MODEL_AREAS = ["nn", "sssd", "ngram", "metrics"]

# area -> areas it may include (besides itself).  "model" is model/*.{c,h} (imputer, vocab)
# but for the factory, model/imputer.c, which sits above the imputers it builds.
ALLOWED = {
    "common": set(),
    "trz": {"common"},
    "collect": {"common", "trz", "bpf"},
    "import": {"common", "trz"},
    "dump": {"common", "trz", "model"},
    "corpus": {"common", "trz", "model"},
    "fill": {"common", "trz", "corpus", "model", "model/ngram", "model/sssd"},
    "eval": {"common", "trz", "corpus", "fill", "model", "model/metrics"},
    "model": set(),                                  # imputer.h, vocab.[ch]: the interfaces
    "factory": {"model", "model/ngram", "model/sssd"},  # model/imputer.c builds the imputers
    "model/nn": set(),
    "model/ngram": {"model"},
    "model/sssd": {"model", "model/nn", "model/ngram"},  # retrieval conditioning: n-gram proposals
    "model/metrics": {"model"},
    "bpf": set(),
    "tools": None,                                   # the mains: anything
}
# The model headers user/ may include; the rest of model/ is internal to it.
MODEL_PUBLIC = {"imputer.h", "vocab.h", "constrain.h", "ngram/ngram.h", "ngram/hybrid.h",
                "sssd/sssd.h", "metrics/metrics.h", "metrics/masks.h"}
# The user/ headers model/ may include: what both libraries stand on.  Only the thread's error
# text (common/err.h: every library reports its failures' words the same way); the rest of
# user/ is above model/.
SHARED_BASE = {"common/err.h"}
GENERATED = {"collector.skel.h",                    # bpftool gen skeleton, in the build dir
             "vmlinux.h"}                           # vmlinux/ARCH/, scripts/gen_vmlinux_h.sh

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def area_of(rel):
    parts = rel.split("/")
    if parts[0] == "user" and len(parts) > 2:
        return parts[1]
    if rel == "model/imputer.c":
        return "factory"
    if parts[0] == "model":
        return "model/" + parts[1] if len(parts) > 2 else "model"
    if parts[0] in ("tools", "bpf"):
        return parts[0]
    return None


def sources(root):
    out = []
    for top in ("user", "model", "tools", "bpf"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def resolve(root, rel, inc):
    """The tree file a quoted include names, or None; GENERATED names map to themselves."""
    here = os.path.join(os.path.dirname(rel), inc)
    if os.path.isfile(os.path.join(root, here)):
        return os.path.normpath(here)
    for base in ("user", "model", "bpf", "vmlinux"):
        p = os.path.join(base, inc)
        if os.path.isfile(os.path.join(root, p)) or os.path.islink(os.path.join(root, p)):
            return p
    return inc if inc in GENERATED else None


def find_cycle(graph):
    """One cycle of graph (node -> set of nodes) as a list, or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if not state.get(m):
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if not state.get(n):
            c = visit(n)
            if c:
                return c
    return None


def check_sources(root, errors):
    files = sources(root)
    fgraph, agraph = {}, {}
    for rel in files:
        area = area_of(rel)
        text = open(os.path.join(root, rel), encoding="utf-8", errors="replace").read()
        if rel.endswith(".h") and not rel.startswith("bpf/vmlinux") and \
                not re.search(r"^#ifndef\s+TRC_\w+_H\b", text, re.M):
            errors.append(f"{rel}: no TRC_*_H include guard")
        for inc in INCLUDE.findall(text):
            tgt = resolve(root, rel, inc)
            if tgt is None:
                errors.append(f'{rel}: #include "{inc}" names no file of the tree')
                continue
            if inc in GENERATED:
                tarea = "bpf"
            else:
                tarea = area_of(tgt) or "bpf"
                fgraph.setdefault(rel, set()).add(tgt)
            if tarea == area:
                continue
            agraph.setdefault(area, set()).add(tarea)
            allowed = ALLOWED.get(area)
            if area.startswith("model") or area == "factory":
                if os.path.relpath(tgt, "user") in SHARED_BASE:
                    continue
            if allowed is not None and tarea not in allowed:
                errors.append(f'{rel}: #include "{inc}": {area} may not include {tarea}')
            elif area in USER_AREAS and tarea.startswith("model") and \
                    os.path.relpath(tgt, "model") not in MODEL_PUBLIC:
                errors.append(f'{rel}: #include "{inc}": model internals are not for user/')
    c = find_cycle(fgraph)
    if c:
        errors.append("include cycle: " + " -> ".join(c))
    c = find_cycle({a: s for a, s in agraph.items() if a != "tools"})
    if c:
        errors.append("area cycle: " + " -> ".join(c))
    c = find_cycle({a: (s or set()) for a, s in ALLOWED.items()})
    if c:
        errors.append("check_layout.py: the ALLOWED table has a cycle: " + " -> ".join(c))


def check_objects(root, builddir, errors):
    """No object files may call each other in a circle (A calls B calls A)."""
    defs, undefs, objs = {}, {}, []
    for rel in sources(root):
        o = os.path.join(builddir, rel[:-2] + ".o")
        if rel.startswith(("user/", "model/")) and rel.endswith(".c") and os.path.isfile(o):
            objs.append(o)
    if not objs:
        errors.append(f"{builddir}: no object files (build first)")
        return
    for o in sorted(objs):
        out = subprocess.run(["nm", "--defined-only", "-g", o], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3:
                defs.setdefault(f[2], o)
        out = subprocess.run(["nm", "-u", o], capture_output=True, text=True,
                             check=True).stdout
        undefs[o] = {line.split()[-1] for line in out.splitlines() if line.strip()}
    graph = {}
    for o, syms in undefs.items():
        rel = os.path.relpath(o, builddir)
        for s in syms:
            t = defs.get(s)
            if t and t != o:
                graph.setdefault(rel, set()).add(os.path.relpath(t, builddir))
    c = find_cycle(graph)
    if c:
        errors.append("object files call each other in a circle: " + " -> ".join(c))


def main(argv):
    root, objdir = ".", None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--objects":
            objdir = args.pop(0)
        else:
            root = a
    errors = []
    check_sources(root, errors)
    if objdir:
        check_objects(root, objdir, errors)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
