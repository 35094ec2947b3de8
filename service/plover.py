"""Facts about PLOVER event types shared by extraction and clustering."""

from __future__ import annotations

# Types whose source and target play the same role: "A met B" reports the same event as "B met A".
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
