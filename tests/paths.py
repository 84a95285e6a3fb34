"""Where tests find their files: everything they read is inside the repository."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
ASC_FIXTURES = DATA / "asc"
ARTIFACTS = REPO / "artifacts"
