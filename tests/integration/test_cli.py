"""The command line: in-process ``main([...])`` runs plus a few real subprocesses.

HTTP goes to a loopback server on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from briefterm import paths
from briefterm.brief.editions import parse_day, parse_since
from briefterm.cli import main
from briefterm.config import Config, load_config
from briefterm.store import Store
from briefterm.timefmt import iso_utc
from tests import support
from tests.support.loopback import LoopbackServer, Reply

REPO = support.REPO
FIXTURES = support.DATA / "opml"


# Items are published a few hours before the test runs: a brief holds the
# last day (by publication time), and these must be in it.
HOUR0 = int(time.time() // 3600) * 3600 - 6 * 3600


def pub_date(i: int) -> str:
    return formatdate(HOUR0 + i * 3600, usegmt=True)


def rss(title: str, items: list[tuple[str, str]]) -> bytes:
    """A small RSS 2.0 document with (guid, title) items, one hour apart."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{item_title}</title>"
        f"<link>https://example.com/{guid}</link>"
        f"<pubDate>{pub_date(i)}</pubDate>"
        f"<author>desk@example.com (Ada Writer)</author>"
        f"<description>About {item_title}</description></item>"
        for i, (guid, item_title) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.com/</link>{body}</channel></rss>"
    ).encode()


FEED_A = rss(
    "Alpha News",
    [
        ("a1", "Chip export rules tighten"),
        ("a2", "[red]Markup[/] stays literal"),
        ("a3", "芯片 news"),
    ],
)
FEED_B = rss("Beta Wire", [("b1", "Quarterly results are in")])


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.route("/a.xml", Reply(body=FEED_A))
        srv.route("/b.xml", Reply(body=FEED_B))
        srv.route("/broken.xml", Reply(status=500, body=b"oops", content_type="text/plain"))
        srv.route(
            "/page.html",
            Reply(
                body=b'<html><head><link rel="alternate" type="application/rss+xml" '
                b'href="/a.xml"></head><body>hi</body></html>',
                content_type="text/html; charset=utf-8",
            ),
        )
        srv.route(
            "/nofeed.html",
            Reply(body=b"<html><body>nothing</body></html>", content_type="text/html"),
        )
        yield srv


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def list_json(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    code, out, _ = run(capsys, "list", "--json", *extra)
    assert code == 0
    return json.loads(out)


# -- help, errors, exit codes --------------------------------------------------------


def test_module_help_in_a_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "briefterm", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    for command in ("poll", "add", "feeds", "import-opml", "brief", "export", "config"):
        assert command in proc.stdout


def test_bad_config_in_a_subprocess_is_one_line_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[poll]\ntimeout = "fast"\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "briefterm", "--config", str(cfg), "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # `list` does not need the config; `feeds` does.
    assert proc.returncode == 0
    proc = subprocess.run(
        [sys.executable, "-m", "briefterm", "feeds", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr == (
        f"briefterm: {cfg}: poll.timeout must be a positive number of seconds up to 3600 "
        '(got "fast")\n'
    )


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "mark", "1")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("briefterm: one of the arguments --read --unread --star --unstar")
    code, _, err = run(capsys, "mark", "1", "--read", "--star")
    assert code == 2 and "not allowed with argument" in err
    code, _, err = run(capsys, "mark", "abc", "--read")
    assert code == 2 and "'abc' is not an entry id" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and err.startswith("briefterm: argument COMMAND: invalid choice")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("briefterm ")


def test_ctrl_c_exits_130_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("briefterm.cli.entries.cmd_list", interrupted)
    assert run(capsys, "list") == (130, "", "")


def test_unexpected_errors_have_no_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise ValueError("boom")

    monkeypatch.setattr("briefterm.cli.entries.cmd_list", broken)
    code, _, err = run(capsys, "list")
    assert code == 1
    assert err.startswith("briefterm: internal error (ValueError: boom)")
    assert err.count("\n") == 1
    monkeypatch.setenv("BRIEFTERM_DEBUG", "1")
    with pytest.raises(ValueError, match="boom"):
        main(["list"])


def test_os_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "import-opml", str(tmp_path / "missing.opml"))
    assert code == 1
    assert err == f"briefterm: {tmp_path / 'missing.opml'}: No such file or directory\n"


# -- config subcommands --------------------------------------------------------------------


def test_config_path_init_check(capsys: pytest.CaptureFixture[str], isolated_dirs: Path) -> None:
    code, out, _ = run(capsys, "config", "path")
    assert code == 0
    assert f"config         {paths.config_path()}  (not created yet" in out
    assert str(paths.database_path()) in out and str(paths.cache_dir()) in out
    assert str(isolated_dirs) in out

    code, out, _ = run(capsys, "config", "check")
    assert (code, out) == (0, "ok: 0 feeds, 0 sections (no config file, defaults in use)\n")

    code, out, _ = run(capsys, "config", "init")
    assert code == 0 and "wrote" in out
    assert paths.config_path().read_text(encoding="utf-8") == (
        REPO / "config.example.toml"
    ).read_text(encoding="utf-8")
    code, _, err = run(capsys, "config", "init")
    assert code == 2 and "already exists" in err and "--force" in err
    assert run(capsys, "config", "init", "--force")[0] == 0

    # The template does nothing until edited.
    code, out, _ = run(capsys, "config", "check")
    assert code == 0
    assert out.startswith("ok: 0 feeds, 0 sections (")


def test_config_option_after_subcommand(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[[feeds]]\nurl = "https://example.com/f"\n', encoding="utf-8")
    assert run(capsys, "config", "check", "--config", str(cfg))[1].startswith("ok: 1 feed,")
    assert run(capsys, "--config", str(cfg), "config", "check")[1].startswith("ok: 1 feed,")
    code, _, err = run(capsys, "--config", str(tmp_path / "none.toml"), "config", "check")
    assert code == 2 and "no such config file" in err


# -- add / poll / list / mark / search / feeds / remove ---------------------------------


def test_add_poll_list_mark_flow(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    url_a = server.url("/a.xml")
    code, out, err = run(capsys, "add", url_a, "--section", "Policy")
    assert code == 0, err
    assert f"subscribed: Alpha News ({url_a})" in out
    assert "3 entries fetched" in out
    assert load_config().feed(url_a).section == "Policy"
    assert run(capsys, "add", url_a)[1] == f"already subscribed: {url_a}\n"

    entries = list_json(capsys)
    assert [e["title"] for e in entries] == [
        "芯片 news",
        "[red]Markup[/] stays literal",
        "Chip export rules tighten",
    ]
    first = entries[0]
    assert set(first) >= {"id", "title", "link", "feed", "read", "starred", "published", "author"}
    assert first["feed"] == "Alpha News" and first["read"] is False
    assert first["published"] == iso_utc(HOUR0 + 2 * 3600)

    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert len(lines) == 3
    assert "[red]Markup[/] stays literal" in lines[1]  # printed as is, never as markup
    assert lines[0].split()[0] == str(first["id"]) and " N " in lines[0]

    ids = [str(e["id"]) for e in entries]
    code, out, err = run(capsys, "mark", ids[0], ids[1], "--read")
    assert (code, out, err) == (0, "marked read: 2 of 2 entries\n", "")
    code, out, err = run(capsys, "mark", ids[0], "--read")
    assert (code, out, err) == (0, "marked read: 0 of 1 entry (1 already read)\n", "")
    assert [e["id"] for e in list_json(capsys, "--unread")] == [entries[2]["id"]]
    code, out, err = run(capsys, "mark", ids[2], "999999", "--star")
    assert code == 1
    assert out == "starred: 1 of 1 entry\n"
    assert err == "briefterm: no entry with id 999999\n"
    # Only unknown ids: the error alone, no "0 of 0" line first.
    assert run(capsys, "mark", "999999", "--read") == (
        1,
        "",
        "briefterm: no entry with id 999999\n",
    )
    starred = list_json(capsys, "--starred")
    assert [e["id"] for e in starred] == [entries[2]["id"]] and starred[0]["starred"]
    assert len(list_json(capsys, "--limit", "1")) == 1
    assert len(list_json(capsys, "--feed", url_a)) == 3
    code, _, err = run(capsys, "list", "--feed", "https://nope.example/")
    assert code == 2 and "no feed https://nope.example/ in the cache" in err

    code, out, _ = run(capsys, "search", "芯片", "--json")
    assert [e["title"] for e in json.loads(out)] == ["芯片 news"]
    code, out, _ = run(capsys, "search", "export rules")
    assert "Chip export rules tighten" in out and out.count("\n") == 1


def test_add_discovers_feed_on_html_page(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    code, out, err = run(capsys, "add", server.url("/page.html"), "--no-poll", "--name", "Mine")
    assert code == 0, err
    assert f"found feed {server.url('/a.xml')} on {server.url('/page.html')}" in out
    assert "subscribed: Mine" in out
    assert [f.url for f in load_config().feeds] == [server.url("/a.xml")]
    assert load_config().feeds[0].name == "Mine"
    assert list_json(capsys) == []  # --no-poll
    with Store(paths.database_path()) as store:
        assert store.get_feed(server.url("/a.xml")).title == "Mine"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/nofeed.html", "is a web page that does not link to a feed"),
        ("/broken.xml", "cannot subscribe to"),
    ],
)
def test_add_refuses_non_feeds(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer, path: str, message: str
) -> None:
    code, _, err = run(capsys, "add", server.url(path))
    assert code == 1
    assert message in err and err.count("\n") == 1
    assert load_config().feeds == ()
    assert not paths.subscriptions_path(paths.config_path()).exists()


def test_add_rejects_non_http(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "add", "file:///etc/passwd")
    assert code == 2 and err == "briefterm: 'file:///etc/passwd' is not an http(s) URL\n"


def test_poll_summary_and_feeds_status(
    capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    code, _, err = run(capsys, "poll")
    assert code == 0 and "no feeds yet" in err
    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        f'[[feeds]]\nurl = "{server.url("/a.xml")}"\nname = "Alpha"\nsection = "Tech"\n'
        f'[[feeds]]\nurl = "{server.url("/broken.xml")}"\nname = "Broken"\n'
        f'[[feeds]]\nurl = "{server.url("/b.xml")}"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "poll")
    assert code == 0  # failing feeds do not fail the poll
    assert len(err.splitlines()) == 3 and err.startswith("[1/3] ")  # plain progress (no TTY)
    assert "3 feeds polled" in out and "4 new, 0 updated, 1 error\n" in out
    assert "Broken" in out and "HTTP 500" in out

    code, out, _ = run(capsys, "feeds", "--json")
    rows = {row["url"]: row for row in json.loads(out)}
    alpha, broken, beta = (rows[server.url(p)] for p in ("/a.xml", "/broken.xml", "/b.xml"))
    assert alpha["status"] == "ok" and alpha["entries"] == 3 and alpha["unread"] == 3
    assert alpha["name"] == "Alpha" and alpha["section"] == "Tech"
    assert broken["status"] == "error" and broken["last_status"] == 500 and broken["last_error"]
    assert beta["name"] == "Beta Wire" and beta["entries"] == 1
    assert alpha["last_success"].endswith("Z") and alpha["next_due"]

    code, out, _ = run(capsys, "feeds")
    assert code == 0
    assert "Broken" in out and "error" in out and "500" in out and "Beta Wire" in out

    # Nothing is due right after a poll; --all forces every feed.
    code, out, err = run(capsys, "poll")
    assert err == ""
    assert re.fullmatch(
        r"0 feeds polled in [\d.]+ s \(3 not due\): 0 new, 0 updated, 0 errors\n", out
    )
    code, out, err = run(capsys, "poll", "--all", "--feed", server.url("/b.xml"))
    assert err.startswith("[1/1] not modified") or err.startswith("[1/1] ok")
    assert server.hits("/b.xml") == 2
    code, _, err = run(capsys, "poll", "--feed", "https://unknown.example/")
    assert code == 2 and "not subscribed" in err


def test_remove(capsys: pytest.CaptureFixture[str], server: LoopbackServer) -> None:
    url_a, url_b = server.url("/a.xml"), server.url("/b.xml")
    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'# mine\n[[feeds]]\nurl = "{url_b}"\n', encoding="utf-8")
    assert run(capsys, "add", url_a)[0] == 0
    assert len(list_json(capsys)) == 3
    assert run(capsys, "remove", url_a) == (0, f"removed {url_a}\n", "")
    assert list_json(capsys) == []
    assert [f.url for f in load_config().feeds] == [url_b]
    code, _, err = run(capsys, "remove", url_a)
    assert code == 1 and "not subscribed" in err
    code, _, err = run(capsys, "remove", url_b)
    assert code == 2 and "remove its [[feeds]] block there" in err
    assert cfg.read_text(encoding="utf-8").startswith("# mine\n")


# -- OPML ------------------------------------------------------------------------------------


def test_import_and_export_opml(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "import-opml", str(FIXTURES / "hostile_schemes.opml"))
    assert code == 0
    assert out.startswith("2 feeds added, 8 skipped\n")
    assert "  skipped file:///etc/passwd: local file URL" in out
    code, out, _ = run(capsys, "import-opml", str(FIXTURES / "simple.opml"))
    assert out.startswith("4 feeds added, 0 skipped")
    code, out, _ = run(capsys, "import-opml", str(FIXTURES / "simple.opml"))
    assert out.startswith("0 feeds added, 4 skipped")
    assert "already subscribed" in out
    config = load_config()
    assert len(config.feeds) == 6
    assert config.feed("https://hardware.example.org/rss").section == "Tech"

    code, out, _ = run(capsys, "export-opml")
    assert code == 0 and out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'xmlUrl="https://hardware.example.org/rss"' in out
    target = tmp_path / "out.opml"
    code, _, err = run(capsys, "export-opml", str(target))
    assert code == 0 and err == f"wrote 6 feeds to {target}\n"
    # The same document; dateCreated is stamped to the second, so the two
    # runs may straddle a tick on a loaded machine.
    undated = re.compile(r"<dateCreated>[^<]*</dateCreated>")
    assert undated.sub("", target.read_text(encoding="utf-8")) == undated.sub("", out)

    # The export imports cleanly into a fresh setup with the same feeds and sections.
    from briefterm.opml import parse_opml

    again = parse_opml(target.read_bytes())
    assert [(f.url, f.section) for f in again.feeds] == [(f.url, f.section) for f in config.feeds]

    code, _, err = run(capsys, "import-opml", str(FIXTURES / "entity_bomb.opml"))
    assert code == 1 and "declares XML entities" in err


# -- reader, brief, export -------------------------------------------------------------------


def test_reader_gets_config_and_store(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def run_app(config: Config, store: Store) -> int:
        seen["config"], seen["store"] = config, store
        return 0

    fake = types.ModuleType("briefterm.tui.app")
    fake.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "briefterm.tui.app", fake)
    # Under pytest stdout is captured, not a terminal: the reader refuses.
    code, out, err = run(capsys, "--config", str(REPO / "config.example.toml"))
    assert (code, out) == (1, "")
    assert err == (
        "briefterm: the reader needs a terminal; in scripts use `briefterm list`, "
        "`briefterm brief` or `briefterm poll`\n"
    )
    assert seen == {}
    monkeypatch.setattr("briefterm.cli.reader.require_terminal", lambda hint: None)
    assert run(capsys, "--config", str(REPO / "config.example.toml")) == (0, "", "")
    assert isinstance(seen["config"], Config) and seen["config"].path is not None
    assert isinstance(seen["store"], Store)


def test_since_and_date_parsing() -> None:
    now = 1_800_000_000.0
    assert parse_since("12h", now) == now - 12 * 3600
    assert parse_since("3d", now) == now - 3 * 86400
    assert parse_since("2026-11-21T08:00+00:00") == 1795248000.0
    with pytest.raises(Exception, match="is not a time"):
        parse_since("soon")
    from datetime import date

    assert parse_day("yesterday", date(2026, 11, 22)) == date(2026, 11, 21)
    assert parse_day("2026-11-20") == date(2026, 11, 20)
    with pytest.raises(Exception, match="is not a day"):
        parse_day("20/11/2026")


def test_brief_and_export(
    capsys: pytest.CaptureFixture[str],
    server: LoopbackServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[[sections]]\nname = "Policy"\nkeywords = ["export rules"]\n', encoding="utf-8")
    assert run(capsys, "add", server.url("/a.xml"))[0] == 0
    code, out, err = run(capsys, "brief", "--format", "json", "--since", "30d")
    assert code == 0, err
    data = json.loads(out)
    assert "Chip export rules tighten" in json.dumps(data, ensure_ascii=False)
    code, out, err = run(capsys, "brief", "--format", "md")  # since the last brief
    assert code == 0 and "Chip export rules tighten" in out and "芯片 news" in out
    code, out, err = run(capsys, "brief", "--format", "text", "--section", "policy")
    assert code == 0, err
    assert "Chip export rules tighten" in out and "芯片 news" not in out
    code, _, err = run(capsys, "brief", "--section", "Sport")
    assert code == 2 and "no section 'Sport'" in err and "Policy" in err
    code, out, _ = run(capsys, "brief", "--date", "2001-01-01", "--format", "json")
    assert code == 0 and "Chip export" not in out
    code, _, err = run(capsys, "brief", "--date", "2001-01-01", "--since", "3d")
    assert code == 2 and "not allowed with argument" in err

    ids = [str(e["id"]) for e in list_json(capsys)]
    code, out, err = run(capsys, "export", "--ids", ids[0], "--format", "links")
    assert code == 0, err
    assert "https://example.com/a3" in out and "https://example.com/a1" not in out
    target = tmp_path / "brief.md"
    code, _, err = run(capsys, "export", "--unread", "--format", "md", "-o", str(target))
    assert code == 0 and err == f"wrote {target}\n"
    assert "Chip export rules tighten" in target.read_text(encoding="utf-8")
    code, _, err = run(capsys, "export", "--ids", "999999")
    assert code == 1 and "no entry with id 999999" in err
    code, out, _ = run(capsys, "export", "--starred", "--format", "json")
    assert code == 0 and "Chip export" not in out

    copied: list[tuple[str, str]] = []

    def fake_copy(text: str, mode: str = "auto") -> object:
        copied.append((text, mode))
        return types.SimpleNamespace(ok=True, message="Copied 10 characters with OSC 52.")

    monkeypatch.setattr("briefterm.clipboard.copy", fake_copy)
    code, out, err = run(capsys, "export", "--section", "Policy", "--format", "text", "--clipboard")
    assert (code, out, err) == (0, "", "Copied 10 characters with OSC 52.\n")
    assert copied[0][1] == "auto" and "Chip export rules tighten" in copied[0][0]


def test_demo_without_app(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--no-app")
    assert code == 0, err
    assert "entries" in out
    assert not paths.database_path().exists()  # the demo never touches the real cache
