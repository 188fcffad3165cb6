"""The fifth to tenth re-audits (``audit-2026-12-01-5.md``, session 4; ``audit-2026-12-01-6.md``,
session 5; ``audit-2026-12-01-7.md``, session 6; ``audit-2026-12-01-8.md``, session 7;
``audit-2026-12-01-9.md``, session 8; ``audit-2026-12-01-10.md``, session 11; issue 12): each
draw is reproducible and each recorded result is its table's.

Each draw was made once, at a main commit, over the statement ids of the ``statements-*.tsv`` files
then (audit 5: ``674f3a8``, 262 ids; audit 6: ``f698a94``, 246 ids; audit 7: ``6385f3a``, 253 ids;
audit 8: ``5185e82``, 252 ids; audit 9: ``181d36c``, 259 ids; audit 10: ``4bc7a91``, 262 ids).
Later passes add statements and hold some back, so the current files can no longer give that
population. The audit records the population itself, and the tests check three things. The
recorded population re-draws the audited sample with the seed. The population is
exactly the ids of the draw commit, read from git when the repository has its history (a fresh clone
has). Every id of the population still appears in the curated files, as a data row or as a held-back
``#`` row, so that no id is invented or silently dropped.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from evgraph.sources.curated import curated_dir

#: file, seed, draw commit, population size, and the rank split as the audit writes it
#: (``{r[i]}`` is the sampled id of rank i + 1)
AUDITS = {
    5: ("audit-2026-12-01-5.md", 20261205, "674f3a890b63466878e4839b1d477cb8c2a09538", 262,
        ("Ranks 1-15 ({r[0]}-{r[14]}): audit4a", "Ranks 16-30 ({r[15]}-{r[29]}): the lead")),
    6: ("audit-2026-12-01-6.md", 20261206, "f698a9488bd1a630d097ffb9dc8cb257ac13aafc", 246,
        ("Ranks 1-10 ({r[0]}-{r[9]}): audit6a", "Ranks 11-20 ({r[10]}-{r[19]}): audit6b",
         "Ranks 21-30 ({r[20]}-{r[29]}): audit6c")),
    7: ("audit-2026-12-01-7.md", 20261207, "6385f3a081381446141cb5c9b8d44e91e20e7280", 253,
        ("Ranks 1-10 ({r[0]}-{r[9]}): audit7a", "Ranks 11-20 ({r[10]}-{r[19]}): audit7b",
         "Ranks 21-30 ({r[20]}-{r[29]}): audit7c")),
    8: ("audit-2026-12-01-8.md", 20261208, "5185e829dbefd195ad56a1e30dfcad2027be5061", 252,
        ("Ranks 1-10 ({r[0]}-{r[9]}): audit8a", "Ranks 11-20 ({r[10]}-{r[19]}): audit8b",
         "Ranks 21-30 ({r[20]}-{r[29]}): audit8c")),
    9: ("audit-2026-12-01-9.md", 20261210, "181d36c842303bffcec68b5d1f9819b21977a449", 259,
        ("Ranks 1-10 ({r[0]}-{r[9]}): audit9a", "Ranks 11-20\n({r[10]}-{r[19]}): audit9b",
         "Ranks 21-30 ({r[20]}-{r[29]}): audit9c")),
    10: ("audit-2026-12-01-10.md", 20261211, "4bc7a91b9322b546286f2a5d25d01d8628917029", 262,
         ("Ranks 1-10 ({r[0]}-{r[9]}): audit10a", "Ranks 11-20 ({r[10]}-{r[19]}): audit10b",
          "Ranks 21-30 ({r[20]}-{r[29]}): audit10c")),
    11: ("audit-2026-12-01-11.md", 20261212, "adb1008fdbc05412fcaa2f5f6675e5ec9ce4cef3", 255,
         ("Ranks 1-10 ({r[0]}-{r[9]}): audit11a", "Ranks 11-20 ({r[10]}-{r[19]}): audit11b",
          "Ranks 21-30 ({r[20]}-{r[29]}): audit11c")),
    12: ("audit-2026-12-01-12.md", 20261213, "b82c30c011615a1ca64dfef1bd1241cd55769ecc", 266,
         ("Ranks 1-10 ({r[0]}-{r[9]}): audit12a", "Ranks 11-20 ({r[10]}-{r[19]}): audit12b",
          "Ranks 21-30 ({r[20]}-{r[29]}): audit12c")),
    13: ("audit-2026-12-01-13.md", 20261214, "3e9ab307eabf3d0e535748bfdaf3ad7b48c761dd", 268,
         ("Ranks 1-10 ({r[0]}-{r[9]}): audit13a", "Ranks 11-20 ({r[10]}-{r[19]}): audit13b",
          "Ranks 21-30 ({r[20]}-{r[29]}): audit13c")),
}
ROW = re.compile(r"^\| ([A-Z]{2}\d{3}[A-Z]?) \| (confirmed|partly|wrong) \|", re.M)


@pytest.fixture(params=sorted(AUDITS), ids=lambda n: f"audit{n}")
def audit(request) -> tuple:
    return AUDITS[request.param]


def _text(audit: tuple) -> str:
    return (curated_dir() / audit[0]).read_text(encoding="utf-8")


def _population(audit: tuple) -> list[str]:
    block = re.search(r"^```ids\n(.*?)^```", _text(audit), re.M | re.S)
    assert block, "the audit records its population in an ```ids block"
    return block.group(1).split()


def _draw(audit: tuple, ids: list[str]) -> list[str]:
    """The code of audits 2-6 on sorted ids (as recorded in the audit's "Draw" section)."""
    random.seed(audit[1])
    return sorted(random.sample(sorted(ids), 30))


def _repo_root() -> Path:
    return curated_dir().parents[2]


def _ids_at_draw_commit(commit: str) -> list[str] | None:
    """Statement ids of the draw commit read with git, or None when the package is not a git checkout."""
    root = _repo_root()
    if not (root / ".git").exists():
        return None
    folder = "evgraph/data/curated/"
    listing = subprocess.run(["git", "-C", str(root), "ls-tree", "--name-only", commit, folder],
                             capture_output=True, text=True, check=True).stdout.split()
    files = sorted(f for f in listing if re.fullmatch(re.escape(folder) + r"statements-[^/]*\.tsv", f))
    ids = []
    for name in files:
        content = subprocess.run(["git", "-C", str(root), "show", f"{commit}:{name}"],
                                 capture_output=True, text=True, check=True).stdout
        ids += [line.split("\t")[0] for line in content.splitlines(keepends=True)
                if line.strip() and not line.startswith(("#", "statement_id"))]
    return sorted(ids)


def test_audit_records_seed_commit_code_and_an_honest_result(audit):
    text = _text(audit)
    _, seed, commit, _, _ = audit
    assert f"Seed **{seed}**" in text and f"random.seed({seed})" in text
    assert commit in text and "sample = sorted(random.sample(ids, 30))" in text
    rows = ROW.findall(text)
    assert len(rows) == 30 and len({sid for sid, _ in rows}) == 30
    counts = {v: sum(1 for _, x in rows if x == v) for v in ("confirmed", "partly", "wrong")}
    assert f"{counts['confirmed']} confirmed, {counts['partly']} partly, {counts['wrong']} wrong" in text
    # the done-when (>= 29 confirmed) is stated as met or not met, as the table says
    assert ("The target (>= 29) is met" in text) == (counts["confirmed"] >= 29)
    assert ("The target (>= 29) is not met" in text) == (counts["confirmed"] < 29)
    # every "partly"/"wrong" row has a follow-up named in the fixes section
    follow_up = text.split("## What a follow-up should fix", 1)[1].split("\n## ", 1)[0]
    for sid, verdict in rows:
        if verdict != "confirmed":
            assert f"**{sid}**" in follow_up, sid


def test_recorded_population_redraws_the_audited_sample(audit):
    ids = _population(audit)
    assert len(ids) == audit[3] == len(set(ids))
    audited = sorted(sid for sid, _ in ROW.findall(_text(audit)))
    assert _draw(audit, ids) == audited
    # the draw runs over the ids as the files list them: the same set, in any order
    assert _draw(audit, list(reversed(ids))) == audited


def test_population_is_the_draw_commits_statement_ids(audit):
    at_commit = _ids_at_draw_commit(audit[2])
    if at_commit is not None:  # a git checkout must have the commit (a fresh clone has the history)
        assert at_commit == sorted(_population(audit))
    # always: every id of the population is still in the curated files, as a data row or a '#' row
    present = set()
    for path in curated_dir().glob("statements-*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            sid = line.lstrip("# ").split("\t", 1)[0]
            if re.fullmatch(r"[A-Z]{2}\d{3}[A-Z]?", sid):
                present.add(sid)
    assert set(_population(audit)) <= present, sorted(set(_population(audit)) - present)


def test_ranks_are_split_between_the_auditors_as_written(audit):
    text = _text(audit)
    rows = [sid for sid, _ in ROW.findall(text)]
    sample = _draw(audit, _population(audit))
    assert rows == sample  # the table is in rank order
    for split in audit[4]:
        assert split.format(r=sample) in text, split
