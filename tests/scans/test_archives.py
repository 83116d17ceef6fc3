"""Archive extraction refuses zip slip, zip bombs, links and oversize archives before writing."""

import io
import tarfile
import zipfile

import pytest

from scans.sources import SourceError, extract_archive, snippet_filename, vet_repository_url


def zip_of(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tar_of(members: list[tarfile.TarInfo], contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for info in members:
            data = contents.get(info.name)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def test_a_normal_zip_is_extracted(tmp_path):
    extract_archive(zip_of({"src/app.py": b"print('hi')\n", "README.md": b"# hi\n"}), tmp_path)
    assert (tmp_path / "src" / "app.py").read_text() == "print('hi')\n"


@pytest.mark.parametrize(
    "name", ["../evil.py", "src/../../evil.py", "/etc/cron.d/evil", "C:/windows/evil.py"]
)
def test_zip_slip_is_refused_and_nothing_is_written(tmp_path, name):
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(SourceError, match="outside the extraction directory"):
        extract_archive(zip_of({"ok.py": b"x = 1\n", name: b"pwned"}), target)
    assert not (tmp_path / "evil.py").exists()
    assert list(target.iterdir()) == []


def test_zip_bomb_is_refused(tmp_path, settings):
    settings.SCANS_ARCHIVE_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    bomb = zip_of({"zeros.txt": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(SourceError, match="zip bomb"):
        extract_archive(bomb, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_zip_that_lies_about_its_sizes_is_stopped_while_inflating(tmp_path, settings):
    settings.SCANS_ARCHIVE_MAX_UNPACKED_BYTES = 1024 * 1024
    settings.SCANS_MAX_FILE_BYTES = 10 * 1024 * 1024
    raw = bytearray(zip_of({"a.txt": b"A" * (3 * 1024 * 1024)}))
    # Forge the declared uncompressed size (local header and central directory) down to 10 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = raw.find(signature)
        raw[position + offset : position + offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(SourceError):
        extract_archive(bytes(raw), tmp_path)


def test_too_many_files_is_refused(tmp_path, settings):
    settings.SCANS_ARCHIVE_MAX_FILES = 3
    with pytest.raises(SourceError, match="more than 3 files"):
        extract_archive(zip_of({f"f{n}.py": b"x=1\n" for n in range(4)}), tmp_path)


def test_tar_traversal_and_links_are_refused(tmp_path):
    evil = tarfile.TarInfo("../../evil.sh")
    evil.size = 5
    with pytest.raises(SourceError, match="outside"):
        extract_archive(tar_of([evil], {"../../evil.sh": b"pwned"}), tmp_path)
    link = tarfile.TarInfo("passwd")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    with pytest.raises(SourceError, match="link"):
        extract_archive(tar_of([link], {}), tmp_path)


def test_a_tar_gz_is_extracted_and_oversize_members_are_skipped(tmp_path, settings):
    settings.SCANS_MAX_FILE_BYTES = 100
    small = tarfile.TarInfo("small.py")
    small.size = 6
    big = tarfile.TarInfo("big.min.js")
    big.size = 1000
    skipped = extract_archive(
        tar_of([small, big], {"small.py": b"x = 1\n", "big.min.js": b"a" * 1000}), tmp_path
    )
    assert skipped == ["big.min.js"]
    assert (tmp_path / "small.py").exists()
    assert not (tmp_path / "big.min.js").exists()


def test_garbage_is_not_an_archive(tmp_path):
    with pytest.raises(SourceError, match="neither a zip nor a tar"):
        extract_archive(b"this is not an archive", tmp_path)


def test_snippet_file_names_cannot_traverse():
    assert snippet_filename("../../etc/passwd", "python") == "passwd"
    assert snippet_filename("", "go") == "snippet.go"
    assert snippet_filename("..", "python") == "snippet.py"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/repo.git",
        "https://169.254.169.254/latest/meta-data",
        "ssh://git@github.com/a/b",
        "file:///etc",
        "https://10.0.0.5/x.git",
    ],
)
def test_repository_urls_pass_the_ssrf_guard(url):
    with pytest.raises(SourceError):
        vet_repository_url(url)
