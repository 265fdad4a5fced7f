"""The README's quick start must stay true: its demo-login table is the one `flask demo` creates."""

from pathlib import Path

from portal.demo import DEMO_LOGINS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_lists_every_demo_login():
    for label, username, password in DEMO_LOGINS:
        assert f"| {label} | {username} | {password} |" in README


def test_readme_quick_start_commands_exist_in_makefile():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "make run" in README and "make test" in README
    assert "\nrun:" in makefile and "\ntest:" in makefile
