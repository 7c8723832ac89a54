import zipfile
from pathlib import Path

import pytest

from planfolio.output import MARKER, ZIP_DATE, OutputError, write_file, zip_folder

from conftest import plan_text, write_plans
from test_build import run_build


def site_folder(tmp_path):
    folder = tmp_path / "site"
    for name, data in {
        ".nojekyll": b"",
        "index.html": b"<p>home</p>",
        "plans/a.html": b"a",
        "b/c/d.txt": b"d",
    }.items():
        write_file(folder, name, data)
    return folder


def test_zip_holds_every_file_under_one_folder_sorted_with_fixed_dates(tmp_path):
    folder = site_folder(tmp_path)
    assert zip_folder(folder, tmp_path / "portfolio.zip") == 4
    with zipfile.ZipFile(tmp_path / "portfolio.zip") as archive:
        entries = archive.infolist()
        assert [entry.filename for entry in entries] == [
            "portfolio/.nojekyll",
            "portfolio/b/c/d.txt",
            "portfolio/index.html",
            "portfolio/plans/a.html",
        ]
        assert {entry.date_time for entry in entries} == {ZIP_DATE}
        assert archive.read("portfolio/index.html") == b"<p>home</p>"


def test_the_same_site_gives_the_same_zip(tmp_path):
    folder = site_folder(tmp_path)
    (tmp_path / "again").mkdir()
    zip_folder(folder, tmp_path / "site.zip")
    (folder / "index.html").touch()  # a newer file date changes nothing
    zip_folder(folder, tmp_path / "again/site.zip")
    assert (tmp_path / "site.zip").read_bytes() == (tmp_path / "again/site.zip").read_bytes()


def test_zip_inside_the_folder_it_archives_is_refused(tmp_path):
    folder = site_folder(tmp_path)
    with pytest.raises(OutputError, match="inside the folder it archives"):
        zip_folder(folder, folder / "site.zip")


def test_build_zip_unpacks_to_the_built_site_but_the_404_page(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    result = run_build(
        "build",
        "--source",
        source,
        "--output",
        tmp_path / "site",
        "--zip",
        tmp_path / "out/plans.zip",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith(f"files zipped into {tmp_path / 'out/plans.zip'}")
    with zipfile.ZipFile(tmp_path / "out/plans.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    built = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*") if p.is_file())
    built.remove(Path("404.html"))  # only a web server shows it
    built.remove(Path(MARKER))  # it marks the output folder as planfolio's, not the site
    unpacked = tmp_path / "unpacked/plans"
    assert sorted(p.relative_to(unpacked) for p in unpacked.rglob("*") if p.is_file()) == built
    for path in built:
        assert (unpacked / path).read_bytes() == (tmp_path / "site" / path).read_bytes()


def test_write_file_refuses_to_leave_the_output(tmp_path):
    with pytest.raises(OutputError, match="outside the output folder"):
        write_file(tmp_path / "site", "../escape.html", b"")


def build_with_zip(tmp_path, zip_path, *options):
    """Build one plan into tmp_path/site, with a zip; return the finished command."""
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    output = tmp_path / "site"
    return run_build(
        "build", *options, "--source", source, "--output", output, "--zip", zip_path, cwd=tmp_path
    )


def test_a_link_or_file_where_the_zip_is_written_first_is_left_as_it_was(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"my thesis")
    (tmp_path / ".plans.zip.partial").symlink_to(precious)
    zipped = tmp_path / "plans.zip"
    result = build_with_zip(tmp_path, zipped)
    assert result.returncode == 0, result.stderr
    assert precious.read_bytes() == b"my thesis"
    assert (tmp_path / ".plans.zip.partial").is_symlink()
    assert zipped.is_file() and not zipped.is_symlink() and zipfile.is_zipfile(zipped)
    assert zipped.stat().st_mode & 0o044 == 0o044  # readable by others, as a file a build makes
    made = {".planfolio-cache", "plans.zip", "site"}  # nothing beside them but what was there
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        made | {".plans.zip.partial", "plans", "precious.txt"}
    )


def test_a_zip_below_a_file_is_refused_before_building(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    result = build_with_zip(tmp_path, tmp_path / "afile/x.zip")
    assert result.returncode == 2
    assert "afile is a file, not a folder" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_quiet_build_with_a_zip_prints_nothing(tmp_path):
    result = build_with_zip(tmp_path, tmp_path / "s.zip", "--quiet")
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert zipfile.is_zipfile(tmp_path / "s.zip")
