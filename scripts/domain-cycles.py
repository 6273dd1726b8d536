#!/usr/bin/env python3
"""domain-cycles.py — keep the dependencies between src/domain's files one way.

A file uses another when it calls a function the other file defines, declared in a header it
includes (directly, or through another domain header).  The header's functions are found by name: every
gg_* function declared in a header below src/domain and defined (not static) in one of its .c files
(area folders included: tree/, people/, identity/).  The
graph of .c files must have no cycle; on one, this prints it (each step with the header that makes
it) and exits 1.  Run by scripts/check.sh; `scripts/domain-cycles.py --graph [DIR]` prints every
edge (of DIR instead of src/domain).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# another tree's src/domain may be given (to check a commit: git archive it somewhere first)
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
DOMAIN = pathlib.Path(ARGS[0]) if ARGS else ROOT / "src" / "domain"
INCLUDE = re.compile(r'^\s*#\s*include\s+"domain/([\w/]+\.h)"', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
DECLARED = re.compile(r"\b(gg_\w+)\s*\(")
# a definition: at the start of a line, not static, the name, its parameters, then the body
DEFINED = re.compile(r"^(?!static\b)[A-Za-z_][^;{}()#]*?\b(gg_\w+)\s*\([^;{}]*\)\s*\{", re.M)


def text(path):
    return COMMENT.sub(" ", path.read_text(encoding="utf-8"))


def main():
    # by path below src/domain ("tree/unit.c"): the area folders hold the files
    sources = {p.relative_to(DOMAIN).as_posix(): text(p) for p in sorted(DOMAIN.rglob("*.c"))}
    headers = {p.relative_to(DOMAIN).as_posix(): text(p) for p in sorted(DOMAIN.rglob("*.h"))}
    definer = {}
    for name, body in sources.items():
        for fn in DEFINED.findall(body):
            definer[fn] = name

    def closure(start):
        seen, todo = set(), list(start)
        while todo:
            h = todo.pop()
            if h in seen or h not in headers:
                continue
            seen.add(h)
            todo.extend(INCLUDE.findall(headers[h]))
        return seen

    # edges[a][b] = a header through which a uses b
    edges = {}
    for name, body in sources.items():
        out = edges.setdefault(name, {})
        for h in sorted(closure(INCLUDE.findall(body))):
            for fn in DECLARED.findall(headers[h]):
                impl = definer.get(fn)
                if impl and impl != name and re.search(r"\b" + fn + r"\b", body):
                    out.setdefault(impl, h)

    if "--graph" in sys.argv:
        for a in sorted(edges):
            for b, h in sorted(edges[a].items()):
                print(f"{a} -> {b}  ({h})")

    # depth-first search; a grey node met again closes a cycle
    state, stack = {}, []

    def visit(node):
        state[node] = "grey"
        stack.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == "grey":
                cycle = stack[stack.index(nxt):] + [nxt]
                steps = [f"{a} -> {b} (via {edges[a][b]})" for a, b in zip(cycle, cycle[1:])]
                print("domain-cycles: src/domain has a dependency cycle:\n  " + "\n  ".join(steps))
                print("  move the function to the module it belongs to, so the dependency runs one way")
                return True
            if nxt not in state and visit(nxt):
                return True
        stack.pop()
        state[node] = "black"
        return False

    for node in sorted(edges):
        if node not in state and visit(node):
            return 1
    print(f"domain-cycles: {len(sources)} files, "
          f"{sum(len(v) for v in edges.values())} dependencies, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
