"""The compliance program around the screen: posts tied to the tree, cases, library.

A company's distributors' posts are ingested against its genealogy
(:func:`ingest_posts`: validated, images read by OCR, screened by
:func:`downline.pitch.screen_many`, matched against the approved-content library); each
flagged post opens a case that follows a state machine with the company's deadline rules
(:class:`Policy`, :func:`act`, :func:`advance`, :func:`case_queue`), every action
appended to an audit trail in the workspace. Reports tie violations and shares to the
tree (:func:`compliance_report`, :func:`share_report`); :func:`refit_screen` refits the
statistical layer on the company's own reviewed cases. This area uses ``downline.pitch``
and ``downline.genealogy`` through their public names and the workspace through
:class:`downline.store.ComplianceLedger`.

Examples
--------
>>> from downline.compliance import next_state
>>> next_state("open", "notify")
'notified'
"""

from downline.compliance.cases import (
    ACTIONS,
    FINAL_STATES,
    STATES,
    CaseQueue,
    Policy,
    act,
    act_many,
    advance,
    case_queue,
    next_state,
)
from downline.compliance.ingest import IngestResult, ingest_posts, load_genealogy
from downline.compliance.library import (
    SHARE_THRESHOLD,
    LibraryItem,
    approve,
    library_items,
    match_key,
    match_shares,
    share_diff,
)
from downline.compliance.ocr import image_text, ocr_available
from downline.compliance.posts import OPTIONAL_COLUMNS, POST_COLUMNS, PostsTable, read_posts
from downline.compliance.refit import RefitResult, refit_screen
from downline.compliance.reports import (
    ComplianceReport,
    GroupRate,
    ShareReport,
    compliance_report,
    share_report,
)
from downline.compliance.sample import (
    LIBRARY,
    SampleCompany,
    corpus_posts,
    edit_share,
    load_sample,
    sample_company,
)
from downline.compliance.tree import wilson

__all__ = [
    "ACTIONS",
    "FINAL_STATES",
    "LIBRARY",
    "OPTIONAL_COLUMNS",
    "POST_COLUMNS",
    "SHARE_THRESHOLD",
    "STATES",
    "CaseQueue",
    "ComplianceReport",
    "GroupRate",
    "IngestResult",
    "LibraryItem",
    "Policy",
    "PostsTable",
    "RefitResult",
    "SampleCompany",
    "ShareReport",
    "act",
    "act_many",
    "advance",
    "approve",
    "case_queue",
    "compliance_report",
    "corpus_posts",
    "edit_share",
    "image_text",
    "ingest_posts",
    "library_items",
    "load_genealogy",
    "load_sample",
    "match_key",
    "match_shares",
    "next_state",
    "ocr_available",
    "read_posts",
    "refit_screen",
    "sample_company",
    "share_diff",
    "share_report",
    "wilson",
]
