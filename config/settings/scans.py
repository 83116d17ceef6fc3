"""AI-security scanner (scans app): input caps, archive extraction limits, repository cloning."""

from typing import cast

from config.env import env
from config.settings.api import SPECTACULAR_SETTINGS

# POST scans/code with a snippet, scans/prompt and scans/pii: at most this many characters.
SCANS_CODE_MAX_CHARS = env.int("SCANS_CODE_MAX_CHARS", default=1_000_000)
SCANS_PROMPT_MAX_CHARS = env.int("SCANS_PROMPT_MAX_CHARS", default=100_000)
SCANS_PII_MAX_CHARS = env.int("SCANS_PII_MAX_CHARS", default=1_000_000)
# Uploaded archives (zip, tar.gz): compressed size, member count, total and per-file unpacked size.
# A member past the per-file size is skipped (reported), the total past its cap refuses the archive.
SCANS_ARCHIVE_MAX_BYTES = env.int("SCANS_ARCHIVE_MAX_BYTES", default=10 * 1024 * 1024)
SCANS_ARCHIVE_MAX_FILES = env.int("SCANS_ARCHIVE_MAX_FILES", default=5_000)
SCANS_ARCHIVE_MAX_UNPACKED_BYTES = env.int("SCANS_ARCHIVE_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
SCANS_MAX_FILE_BYTES = env.int("SCANS_MAX_FILE_BYTES", default=2 * 1024 * 1024)
# Repository scans: `git clone --depth 1` with this timeout, the SSRF guard on the URL.
SCANS_GIT_TIMEOUT_SECONDS = env.int("SCANS_GIT_TIMEOUT_SECONDS", default=120)
# file:// repositories are refused unless this is on (tests clone a local bare repository).
SCANS_GIT_ALLOW_FILE_URLS = env.bool("SCANS_GIT_ALLOW_FILE_URLS", default=False)
# Key of the salted hashes that identify a secret or a PII value without storing it.
# Empty: derived from SECRET_KEY.
SCANS_FINDING_HASH_KEY = env.str("SCANS_FINDING_HASH_KEY", default="")

_ENUMS = cast(dict[str, str], SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}))
_ENUMS.update(
    {
        "ScanStatusEnum": "scans.models.ScanStatus",
        "ScanTypeEnum": "scans.models.ScanType",
        "ScanRiskLevelEnum": "scans.models.RiskLevel",
        "ProjectRepoTypeEnum": "scans.models.RepoType",
        "FindingStatusEnum": "scans.models.FindingStatus",
        "ScanSourceEnum": "scans.models.ScanSource",
        "TriageResolutionEnum": "scans.models.TriageResolution",
        "FindingTriageVerdictEnum": "scans.triage_serializers.TRIAGE_VERDICTS",
        "PromptAllowMatchTypeEnum": "scans.models.AllowMatchType",
    }
)
