"""Where a code scan's files come from: a snippet, an uploaded archive, or a shallow git clone.

Archives are checked before anything is written (member count, declared sizes, absolute paths,
`..`, links, devices) and again while writing (bytes actually inflated), so a zip slip or a zip
bomb is refused without touching the disk outside the scan's own temporary directory.
"""

from __future__ import annotations

import io
import os
import re
import subprocess  # nosec B404  (git is run without a shell, with a fixed argument list)
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from realtime.ssrf import UnsafeWebhookURL, vet_webhook_url

SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")
CHUNK = 64 * 1024


class SourceError(ValueError):
    """The input cannot be scanned; the message says why (shown as the scan's failure reason)."""


def snippet_filename(filename: str, language: str) -> str:
    """A safe single path component for a snippet (no directories, no traversal)."""
    name = SAFE_FILENAME.sub("_", PurePosixPath(filename or "").name).lstrip(".")
    if not name:
        name = {"python": "snippet.py", "javascript": "snippet.js", "typescript": "snippet.ts", "go": "snippet.go",
                "java": "Snippet.java", "php": "snippet.php", "ruby": "snippet.rb"}.get(language, "snippet.txt")  # fmt: skip
    return name[:120]


def write_snippet(target: Path, *, code: str, filename: str, language: str) -> Path:
    path = target / snippet_filename(filename, language)
    path.write_text(code, encoding="utf-8")
    return path


def _safe_member_path(target: Path, name: str) -> Path:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise SourceError(f"The archive member {name!r} would be written outside the extraction directory.")
    destination = (target / pure).resolve()
    if not destination.is_relative_to(target.resolve()):
        raise SourceError(f"The archive member {name!r} would be written outside the extraction directory.")
    return destination


class _Budget:
    def __init__(self):
        self.total = 0
        self.files = 0

    def count_file(self) -> None:
        self.files += 1
        if self.files > settings.SCANS_ARCHIVE_MAX_FILES:
            raise SourceError(f"The archive holds more than {settings.SCANS_ARCHIVE_MAX_FILES} files.")

    def add(self, amount: int) -> None:
        self.total += amount
        if self.total > settings.SCANS_ARCHIVE_MAX_UNPACKED_BYTES:
            raise SourceError(
                f"The archive unpacks to more than {settings.SCANS_ARCHIVE_MAX_UNPACKED_BYTES} bytes (a zip bomb?)."
            )


def _copy_capped(source, destination: Path, budget: _Budget) -> bool:
    """Copies one member; False when it passes the per-file cap (the partial file is removed)."""
    written = 0
    with destination.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            budget.add(len(chunk))
            if written > settings.SCANS_MAX_FILE_BYTES:
                break
            out.write(chunk)
    if written > settings.SCANS_MAX_FILE_BYTES:
        destination.unlink()
        return False
    return True


def extract_archive(data: bytes, target: Path) -> list[str]:
    """Unpacks a zip or tar(.gz) into `target`; returns the members skipped for size."""
    if len(data) > settings.SCANS_ARCHIVE_MAX_BYTES:
        raise SourceError(f"The archive is larger than {settings.SCANS_ARCHIVE_MAX_BYTES} bytes.")
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _extract_zip(data, target)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            return _extract_tar(archive, target)
    except tarfile.TarError as exc:
        raise SourceError("The upload is neither a zip nor a tar(.gz) archive.") from exc


def _extract_zip(data: bytes, target: Path) -> list[str]:
    skipped: list[str] = []
    budget = _Budget()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SourceError("The zip archive is corrupt.") from exc
    with archive:
        members = archive.infolist()
        declared = 0
        for info in members:
            _safe_member_path(target, info.filename)
            mode = info.external_attr >> 16
            if mode and (mode & 0o170000) == 0o120000:
                raise SourceError(f"The archive member {info.filename!r} is a symbolic link.")
            declared += info.file_size
            if (
                info.compress_size
                and info.file_size / info.compress_size > 1000
                and info.file_size > 1_000_000
            ):
                raise SourceError(
                    f"The archive member {info.filename!r} has a compression ratio of a zip bomb."
                )
        if len([info for info in members if not info.is_dir()]) > settings.SCANS_ARCHIVE_MAX_FILES:
            raise SourceError(f"The archive holds more than {settings.SCANS_ARCHIVE_MAX_FILES} files.")
        if declared > settings.SCANS_ARCHIVE_MAX_UNPACKED_BYTES:
            raise SourceError(
                f"The archive unpacks to more than {settings.SCANS_ARCHIVE_MAX_UNPACKED_BYTES} bytes (a zip bomb?)."
            )
        for info in members:
            destination = _safe_member_path(target, info.filename)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            budget.count_file()
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source:
                    if not _copy_capped(source, destination, budget):
                        skipped.append(info.filename)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
                raise SourceError(f"The archive member {info.filename!r} cannot be read ({exc}).") from exc
    return skipped


def _extract_tar(archive: tarfile.TarFile, target: Path) -> list[str]:
    skipped: list[str] = []
    budget = _Budget()
    members = archive.getmembers()
    for member in members:
        _safe_member_path(target, member.name)
        if member.issym() or member.islnk():
            raise SourceError(f"The archive member {member.name!r} is a link.")
        if not (member.isfile() or member.isdir()):
            raise SourceError(f"The archive member {member.name!r} is not a regular file.")
    if len([member for member in members if member.isfile()]) > settings.SCANS_ARCHIVE_MAX_FILES:
        raise SourceError(f"The archive holds more than {settings.SCANS_ARCHIVE_MAX_FILES} files.")
    for member in members:
        destination = _safe_member_path(target, member.name)
        if member.isdir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        budget.count_file()
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(member)
        if source is None:
            continue
        with source:
            if not _copy_capped(source, destination, budget):
                skipped.append(member.name)
    return skipped


def vet_repository_url(url: str) -> str:
    """The URL git may clone: https (or ssh-less http) to a public host, file:// only when allowed."""
    parts = urlsplit(url.strip())
    if parts.scheme == "file":
        if not settings.SCANS_GIT_ALLOW_FILE_URLS:
            raise SourceError("file:// repositories are not allowed.")
        return url.strip()
    if parts.scheme not in ("https", "http"):
        raise SourceError("The repository URL must use https.")
    try:
        vet_webhook_url(urlunsplit(parts._replace(netloc=parts.hostname or "", query="", fragment="")))
    except UnsafeWebhookURL as exc:
        raise SourceError(
            str(exc).replace("webhooks go to public hosts", "repositories must be public hosts")
        ) from exc
    return url.strip()


def clone_repository(url: str, target: Path, *, token: str = "") -> None:
    """`git clone --depth 1` of a vetted URL into `target`, without hooks, prompts or submodules."""
    url = vet_repository_url(url)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(target.parent),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_ALLOW_PROTOCOL": "file" if url.startswith("file://") else "https:http",
    }
    command = [
        "git",
        "-c", "protocol.file.allow=" + ("always" if url.startswith("file://") else "never"),
        "-c", "core.hooksPath=/dev/null",
        "-c", "http.followRedirects=false",
        "clone", "--depth", "1", "--single-branch", "--no-tags", "--quiet",
    ]  # fmt: skip
    if token:
        command[1:1] = ["-c", f"http.extraHeader=Authorization: Bearer {token}"]
    command += ["--", url, str(target)]
    try:
        completed = subprocess.run(  # noqa: S603  # nosec B603  (fixed argv, vetted URL, no shell)
            command, env=env, capture_output=True, timeout=settings.SCANS_GIT_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"git clone timed out after {settings.SCANS_GIT_TIMEOUT_SECONDS} s.") from exc
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {completed.returncode}"
        if token:
            detail = detail.replace(token, "****")
        raise SourceError(f"git clone failed: {detail}")
