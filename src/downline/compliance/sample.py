"""A generated company for demos, tests and benchmarks, with one leg gone wrong.

:func:`sample_company` grows a sponsor tree with :func:`downline.genealogy.generate_genealogy`
and has every member post over their active months: shares of the company's approved
library (edited on the way: hashtags and emoji added, words swapped, sentences reordered)
and posts drawn from ``downline.pitch``'s labelled corpus. In one leg, whose leader
encourages bad claims, posts are far more often violations. :func:`load_sample` stores it in
a workspace and plays the company's reviewers: false alarms are dismissed, real
violations resolved after a delay, late ones escalated to the sponsor first.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from downline.compliance.cases import act_many
from downline.compliance.ingest import ingest_posts
from downline.compliance.library import approve
from downline.compliance.tree import member_index
from downline.errors import StoreError
from downline.genealogy import Genealogy, generate_genealogy
from downline.store import ComplianceLedger, Workspace

__all__ = [
    "LIBRARY",
    "SampleCompany",
    "corpus_posts",
    "edit_share",
    "load_sample",
    "sample_company",
]

LIBRARY = (
    "#ad Our new citrus body wash is here. Bright, fresh and gentle enough for every day. "
    "Ask me for the full ingredient list.",
    "#ad Join me Thursday at 7 pm for a live demo of the spring skincare line. Bring your "
    "questions and a friend.",
    "#ad The holiday gift sets are back in stock. Six travel sizes in a recyclable box, "
    "while supplies last.",
    "#ad I am an independent distributor. This month members get free shipping on orders "
    "of two items or more.",
    "#ad New to our team? Our weekly training call covers product knowledge, customer care "
    "and the company policies.",
    "#ad Meet the new lavender hand cream. Rich texture, light scent, and it comes in a "
    "refillable tin.",
    "#ad Curious about our opportunity? Read the income disclosure statement first, then "
    "let's talk about what the work really involves.",
    "#ad Our coffee club ships a fresh roast every month. Medium, dark or decaf, you can "
    "switch or pause anytime.",
    "#ad Summer sunscreen restock alert. Broad spectrum SPF 30, reef friendly formula, "
    "unscented option too.",
    "#ad Our team volunteered at the food bank this weekend. Proud of this community and "
    "everyone who showed up.",
    "#ad The kitchen essentials bundle is on sale this week. Bamboo utensils, two cutting "
    "boards and a storage jar.",
    "#ad Tried the new protein bar flavours at our team meetup. Peanut caramel was the "
    "favourite, chocolate mint a close second.",
)
"""The sample company's approved posts (each screens clean)."""

_TAGS = ("#blessed", "#momlife", "#glow", "#selfcare", "#teamwork", "#smallbusiness",
         "#mondaymotivation", "#shoplocal", "#love", "#newarrivals")
_EMOJI = ("✨", "🔥", "💕", "🙌", "😍", "🌿", "☕", "💯")
_SWAPS = {
    "new": "brand new", "fresh": "clean", "gentle": "mild", "every": "each",
    "questions": "ideas", "friend": "buddy", "back": "finally back", "free": "zero cost",
    "weekly": "regular", "rich": "thick", "light": "soft", "first": "before anything",
    "fresh roast": "new roast", "anytime": "any time", "proud": "so proud",
    "sale": "special", "favourite": "winner", "month": "month!",
    "live": "online", "demo": "show", "line": "range", "team": "crew",
}
_EXTRA = ("Obsessed!", "Link in bio.", "DM me for details.", "Love this one.",
          "You have to try it.", "Happy Friday friends.")
_BAD_TAGS = ("#quityourjob", "#financialfreedom", "#bossbabe #sixfigures",
             "#laidoff", "#residualincome")
_PLATFORMS = ("instagram", "facebook", "tiktok")


def corpus_posts() -> pd.DataFrame:
    """The labelled posts of ``downline.pitch`` (``text``, ``label`` 1 = violation).

    The corpus files are read from the package data of ``downline.pitch``; this is the
    one place that knows where they are.

    Examples
    --------
    >>> posts = corpus_posts()
    >>> set(posts["label"]) == {0, 1} and len(posts) > 300
    True
    """
    rows = []
    base = resources.files("downline.pitch") / "data"
    for name in ("train.csv", "eval.csv"):
        path = base / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                rows.append({"text": row["text"], "label": int(row["label"]),
                             "corpus": name})
    if not rows:
        raise FileNotFoundError("downline.pitch ships no labelled corpus (data/*.csv)")
    return pd.DataFrame(rows)


def _sentences(text: str) -> list[str]:
    parts, cur = [], []
    for word in text.split():
        cur.append(word)
        if word.endswith((".", "!", "?")):
            parts.append(" ".join(cur))
            cur = []
    if cur:
        parts.append(" ".join(cur))
    return parts


def edit_share(text: str, rng: np.random.Generator, kinds: tuple[str, ...] | None = None
               ) -> str:
    """``text`` as a distributor might share it: with hashtags and emoji added, a word or
    two swapped, sentences reordered, a short line added (each with some chance, or those
    named in ``kinds``: ``tags``, ``emoji``, ``swap``, ``reorder``, ``extra``).

    Examples
    --------
    >>> import numpy as np
    >>> edit_share("Our new wash is here. Ask me.", np.random.default_rng(0), ("reorder",))
    'Ask me. Our new wash is here.'
    """
    if kinds is None:
        kinds = tuple(k for k, p in (("tags", 0.6), ("emoji", 0.5), ("swap", 0.5),
                                     ("reorder", 0.35), ("extra", 0.3))
                      if rng.random() < p)
    out = text
    if "swap" in kinds:
        words = out.split()
        spots = [i for i, w in enumerate(words) if w.lower().strip(".,!") in _SWAPS]
        for i in rng.permutation(spots)[: int(rng.integers(1, 3))] if spots else []:
            core = words[i].lower().strip(".,!")
            tail = words[i][len(words[i].rstrip(".,!")):]
            words[i] = _SWAPS[core] + tail
        out = " ".join(words)
    if "reorder" in kinds:
        parts = _sentences(out)
        if len(parts) > 1:
            lead = parts[0] if parts[0].startswith("#") and len(parts[0].split()) == 1 else None
            body = parts[1:] if lead else parts
            body = [body[i] for i in rng.permutation(len(body))]
            if body == (parts[1:] if lead else parts):
                body = body[1:] + body[:1]
            out = " ".join(([lead] if lead else []) + body)
    if "extra" in kinds:
        line = _EXTRA[int(rng.integers(len(_EXTRA)))]
        out = f"{line} {out}" if rng.random() < 0.5 else f"{out} {line}"
    if "emoji" in kinds:
        picks = rng.choice(len(_EMOJI), size=int(rng.integers(1, 4)))
        out = out + " " + "".join(_EMOJI[i] for i in picks)
    if "tags" in kinds:
        picks = rng.choice(len(_TAGS), size=int(rng.integers(1, 4)), replace=False)
        out = out + " " + " ".join(_TAGS[i] for i in picks)
    return out


@dataclass(frozen=True)
class SampleCompany:
    """A generated company with posts.

    Attributes
    ----------
    genealogy : Genealogy
    members : pandas.DataFrame
        The member table to store (``Workspace.add_genealogy``).
    posts : pandas.DataFrame
        ``post_id, member_id, platform, url, posted_at, text`` plus the truth: ``label``
        (1 = a violation by the corpus label or a bad hashtag added), ``shared_item``
        (library index shared, -1 for none) and ``planted`` (in the planted leg).
    library : tuple of str
    planted_leg : str
        Id of the frontline member whose leg posts bad claims.
    end : pandas.Timestamp
        The end of the history ("now" for the sample).
    """

    genealogy: Genealogy
    members: pd.DataFrame
    posts: pd.DataFrame
    library: tuple[str, ...]
    planted_leg: str
    end: pd.Timestamp


def sample_company(
    n_members: int = 2000, *, seed: int = 1, posts_per_member: float = 3.0,
    base_violation: float = 0.12, planted_violation: float = 0.45, share_rate: float = 0.25,
    periods: int = 24,
) -> SampleCompany:
    """Generate a company whose planted leg posts bad claims far more often.

    Parameters
    ----------
    n_members : int
    seed : int
        The same seed gives the same company and posts.
    posts_per_member : float
        Mean posts per member (Poisson).
    base_violation, planted_violation : float
        Chance that a corpus post is a violation, elsewhere and in the planted leg.
    share_rate : float
        Chance that a post is a share of a library item.
    periods : int
        Months of history.

    Returns
    -------
    SampleCompany

    Examples
    --------
    >>> company = sample_company(300, seed=2)
    >>> len(company.posts) > 300, company.planted_leg in set(company.posts["member_id"])
    (True, True)
    """
    rng = np.random.default_rng(seed)
    gen = generate_genealogy(n_members, seed=rng, periods=periods)
    end = pd.Timestamp(gen.joined_at.max()) + pd.Timedelta(days=1)
    end = max(end, pd.Timestamp(np.datetime64("2024-01-01")) + pd.DateOffset(months=periods))
    # The planted leg: the second largest leg under the founder (the largest would be
    # found by size alone).
    front = np.flatnonzero(gen.depth == 1)
    front = front[np.argsort(-gen.subtree_size[front], kind="stable")]
    planted = int(front[1] if front.size > 1 else front[0])
    start = gen.tin[planted]
    in_leg = np.zeros(gen.n, dtype=bool)
    in_leg[gen.order[start:start + gen.subtree_size[planted]]] = True

    corpus = corpus_posts()
    bad = corpus.loc[corpus["label"] == 1, "text"].to_numpy()
    good = corpus.loc[corpus["label"] == 0, "text"].to_numpy()

    counts = rng.poisson(posts_per_member, size=gen.n)
    member = np.repeat(np.arange(gen.n), counts)
    joined = gen.joined_at[member].astype("datetime64[s]").astype(np.int64)
    left = gen.left_at[member]
    stop = np.where(np.isnat(left), np.int64(end.value // 10**9),
                    left.astype("datetime64[s]").astype(np.int64))
    stop = np.maximum(stop, joined + 3600)
    posted = joined + (rng.random(member.size) * (stop - joined)).astype(np.int64)
    order = np.argsort(posted, kind="stable")
    member, posted = member[order], posted[order]
    m = member.size

    planted_post = in_leg[member]
    is_share = rng.random(m) < share_rate
    p_bad = np.where(planted_post, planted_violation, base_violation)
    is_bad = ~is_share & (rng.random(m) < p_bad)
    bad_tag = is_share & planted_post & (rng.random(m) < 0.2)
    texts = np.empty(m, dtype=object)
    shared = np.full(m, -1, dtype=np.int64)
    texts[is_bad] = bad[rng.integers(len(bad), size=int(is_bad.sum()))]
    plain = ~is_share & ~is_bad
    texts[plain] = good[rng.integers(len(good), size=int(plain.sum()))]
    for k in np.flatnonzero(is_share):
        item = int(rng.integers(len(LIBRARY)))
        shared[k] = item
        text = edit_share(LIBRARY[item], rng) if rng.random() < 0.7 else LIBRARY[item]
        if bad_tag[k]:
            text = f"{text} {_BAD_TAGS[int(rng.integers(len(_BAD_TAGS)))]}"
        texts[k] = text
    ids = np.asarray([str(v) for v in gen.ids.tolist()], dtype=object)
    platform = np.asarray(_PLATFORMS, dtype=object)[rng.integers(3, size=m)]
    post_ids = np.asarray([f"P{k + 1:07d}" for k in range(m)], dtype=object)
    posts = pd.DataFrame({
        "post_id": post_ids, "member_id": ids[member], "platform": platform,
        "url": [f"https://social.example/{p}/{q}" for p, q in zip(platform, post_ids,
                                                                   strict=True)],
        "posted_at": pd.to_datetime(posted, unit="s"), "text": texts,
        "label": (is_bad | bad_tag).astype(int), "shared_item": shared,
        "planted": planted_post,
    })
    members = gen.to_frame()
    return SampleCompany(gen, members, posts, LIBRARY, str(ids[planted]), end)


def _review_actions(gen: Genealogy, cases: pd.DataFrame, truth: pd.Series,
                    in_leg: pd.Series, end: pd.Timestamp, rng: np.random.Generator
                    ) -> list[dict[str, Any]]:
    """A reviewer's actions on new cases: dismiss false alarms, resolve violations after a
    delay (slower in the planted leg), escalating to the sponsor when past 48 hours."""
    actions = []
    idx = member_index(gen, cases["member_id"].tolist())
    sponsor = gen.parent[idx]
    for k, row in enumerate(cases.itertuples(index=False)):
        opened = pd.Timestamp(row.opened_at)
        if truth.get(row.post_id, 1) == 0:
            at = opened + pd.Timedelta(hours=float(rng.uniform(2, 30)))
            if at <= end:
                actions.append({"case_id": row.case_id, "action": "dismiss",
                                "actor": "reviewer", "at": at,
                                "note": "not a claim: dismissed on review"})
            continue
        median = 70.0 if in_leg.get(row.post_id, False) else 24.0
        hours = float(rng.lognormal(np.log(median), 0.8))
        if row.state == "notified" and hours > 48 and opened + pd.Timedelta(hours=48) <= end:
            actions.append({"case_id": row.case_id, "action": "escalate", "actor": "system",
                            "at": opened + pd.Timedelta(hours=48),
                            "notified": [] if sponsor[k] < 0 else [str(gen.ids[sponsor[k]])],
                            "note": "not resolved 48 h after the notice: to the sponsor",
                            "detail": {"rule": "deadline"}})
        at = opened + pd.Timedelta(hours=hours)
        if at <= end:
            actions.append({"case_id": row.case_id, "action": "resolve", "actor": "reviewer",
                            "at": at, "note": "post taken down"})
    return actions


def load_sample(
    ws: Workspace, name: str = "compliance-sample", *, n_members: int = 2000, seed: int = 1,
    model: bool = True, batches: int = 8,
) -> dict[str, Any]:
    """Store the sample company in ``ws`` under ``name``: tree, library, posts (in
    ``batches`` ingests in time order) and the reviewers' actions.

    Loading is done once: when ``name`` already has posts, the stored sample is kept and
    its summary returned (the audit trail is never rewritten). A genealogy of that name
    that is not a sample is never replaced (:class:`~downline.errors.StoreError`).

    Returns
    -------
    dict
        ``genealogy``, ``planted_leg``, ``posts``, ``cases``, ``end`` and ``loaded``
        (False when it was there already).
    """
    company = sample_company(n_members, seed=seed)
    ledger = ComplianceLedger(ws)
    known = name in set(ws.genealogies()["name"])
    if known and "sample_seed" not in ws.genealogy_info(name)["meta"]:
        raise StoreError(f"a genealogy named {name!r} exists and is not a compliance sample; "
                         "choose another name")
    existing = ledger.posts(name) if known else pd.DataFrame()
    if not existing.empty:
        return {"genealogy": name, "planted_leg": company.planted_leg, "posts": len(existing),
                "cases": len(ledger.cases(name)), "end": company.end.isoformat(),
                "loaded": False}
    ws.add_genealogy(name, company.members, replace=True, source="generated sample",
                     meta={"sample_seed": seed, "planted_leg": company.planted_leg})
    first = pd.Timestamp(company.posts["posted_at"].min()) - pd.Timedelta(days=1)
    for k, text in enumerate(company.library):
        approve(ws, name, text, approved_by="compliance", title=f"approved post {k + 1}",
                at=first)
    rng = np.random.default_rng(seed + 1)
    truth = company.posts.set_index("post_id")["label"]
    in_leg = company.posts.set_index("post_id")["planted"]
    posts = company.posts.drop(columns=["label", "shared_item", "planted"])
    cuts = np.array_split(np.arange(len(posts)), max(1, int(batches)))
    for part in cuts:
        if not part.size:
            continue
        before = ledger.max_case_id(name)
        ingest_posts(ws, name, posts.iloc[part], gen=company.genealogy, model=model)
        cases = ledger.cases(name)
        new = cases[cases["case_id"] > before]
        actions = _review_actions(company.genealogy, new, truth, in_leg, company.end, rng)
        actions.sort(key=lambda a: (pd.Timestamp(a["at"]), a["case_id"]))
        # Per case, the actions are in time order already; act_many keeps list order.
        act_many(ws, name, actions)
    return {"genealogy": name, "planted_leg": company.planted_leg, "posts": len(posts),
            "cases": len(ledger.cases(name)), "end": company.end.isoformat(), "loaded": True}


def write_sample_posts(company: SampleCompany, path: str | Path) -> Path:
    """Write the sample's posts (without the truth columns) as CSV, for the CLI demo."""
    path = Path(path)
    company.posts.drop(columns=["label", "shared_item", "planted"]).to_csv(path, index=False)
    return path
