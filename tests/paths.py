"""Where tests find files outside the repository: CI clones the repo with `shared/` beside it."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ASC_FIXTURES = SHARED / "fixtures" / "asc"
ARTIFACTS = REPO / "artifacts"
