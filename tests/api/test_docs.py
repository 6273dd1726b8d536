"""The repository stands alone: its README and docs link only to files that exist in it, and nothing in it
points outside it (a clone has no design folder of the steering repository beside it)."""
import os
import re
import subprocess

from conftest import ROOT

LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def tracked_files():
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if f]


# spelt in two pieces so that this file does not find itself
OUTSIDE = ("../" + "shared", "shared/" + "DESIGN")


def test_nothing_points_outside_the_repository():
    offenders = []
    for f in tracked_files():
        path = os.path.join(ROOT, f)
        if not os.path.isfile(path) or f.endswith((".png", ".jpg", ".ico", ".woff2", ".json")):
            continue
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
        if any(needle in text for needle in OUTSIDE):
            offenders.append(f)
    assert offenders == [], f"files that point outside the repository: {offenders}"


def test_readme_and_docs_links_resolve():
    broken = []
    docs = ["README.md"] + [os.path.join("docs", f) for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md")]
    for doc in docs:
        base = os.path.dirname(os.path.join(ROOT, doc))
        with open(os.path.join(ROOT, doc), encoding="utf-8") as fh:
            for target in LINK.findall(fh.read()):
                if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                    continue
                if not os.path.exists(os.path.normpath(os.path.join(base, target))):
                    broken.append(f"{doc} -> {target}")
    assert broken == [], f"links to nothing: {broken}"


def test_design_doc_names_every_role():
    with open(os.path.join(ROOT, "docs", "design.md"), encoding="utf-8") as fh:
        design = fh.read()
    with open(os.path.join(ROOT, "src", "auth", "roles.c"), encoding="utf-8") as fh:
        roles = re.findall(r'^\s*\{"([a-z_]+)", "', fh.read(), re.M)
    assert roles, "no roles found in roles.c"
    missing = [r for r in roles if f"`{r}`" not in design]
    assert missing == [], f"roles missing from docs/design.md: {missing}"
