"""Watch what cleaning removes: the share per article as a histogram, a warning when it is large.

A large share is either a page made mostly of boilerplate or a rule that took article text: the warning
names the rules, so the second case can be found and the rule fixed.
"""

from __future__ import annotations

from contracts.models import CleaningReport
from service import metrics
from service.logs import get_logger

log = get_logger("depeche.cleaning")


def observe_cleaning(article_id: str, report: CleaningReport, warn_share: float) -> None:
    metrics.CLEANING_REMOVED_RATIO.observe(report.removed_share)
    if report.removed_share > warn_share:
        log.warning("cleaning_removed_large_share", article_id=article_id, share=report.removed_share,
                    chars_removed=report.chars_removed, removed_count=report.removed_count,
                    rules=sorted({r.rule for r in report.removed}))
