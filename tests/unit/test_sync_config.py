"""``[sync]`` in config.toml: validation sentences, the password command, the client's URL."""

from __future__ import annotations

import asyncio
import shlex
import sys
from pathlib import Path

import pytest

from briefterm.config import load_config
from briefterm.config.sync import SyncConfig
from briefterm.errors import ConfigError, SyncError
from briefterm.sync import account

GOOD = 'service = "ttrss"\nurl = "https://rss.example.com/"\nusername = "me"\n'


def load(tmp_path: Path, body: str) -> SyncConfig | None:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return load_config(path).sync


def test_a_full_table_loads(tmp_path: Path) -> None:
    found = load(tmp_path, "[sync]\n" + GOOD + 'password = "s3cret"\ninterval = 0\n')
    assert found == SyncConfig("ttrss", "https://rss.example.com/", "me", "s3cret", (), 0)
    assert "s3cret" not in repr(found)
    assert load(tmp_path, "") is None


def test_inoreader_app_keys_load_and_reach_only_the_greader_client(tmp_path: Path) -> None:
    body = (
        '[sync]\nservice = "greader"\nurl = "https://www.inoreader.com"\nusername = "me"\n'
        'password = "pw"\napp_id = "1000001234"\napp_key = "abcDEF123"\n'
    )
    found = load(tmp_path, body)
    assert found is not None and (found.app_id, found.app_key) == ("1000001234", "abcDEF123")
    assert "abcDEF123" not in repr(found)
    client = account.open_service(found)
    assert client._app == {"AppId": "1000001234", "AppKey": "abcDEF123"}  # type: ignore[attr-defined]
    assert client._headers("a")["AppKey"] == "abcDEF123"  # type: ignore[attr-defined]
    asyncio.run(client.aclose())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('sync = "ttrss"', "sync must be a table"),
        (
            '[sync]\nservice = "freshrss"',
            'sync.service must be "ttrss" or "greader" (got "freshrss")',
        ),
        (
            '[sync]\nservice = "ttrss"\nurl = "file:///etc"',
            "sync.url must be the server's http(s) URL",
        ),
        ('[sync]\nservice = "ttrss"\nurl = "https://a.test"', "sync.username must be a non-empty"),
        ("[sync]\n" + GOOD, "sync needs password"),
        ("[sync]\n" + GOOD + 'password = "x"\npassword_command = "pass rss"', "keep one of them"),
        ("[sync]\n" + GOOD + 'password_command = "pass \'rss"', "not a valid command line"),
        ("[sync]\n" + GOOD + 'password_command = ""', "password_command is empty"),
        (
            "[sync]\n" + GOOD + 'password = "x"\ninterval = -1',
            "sync.interval must be a whole number",
        ),
        ("[sync]\n" + GOOD + 'password = "x"\ninterval = 1.5', "minutes from 0 to"),
        (
            "[sync]\n" + GOOD + 'password = "x"\napp_id = "1"\napp_key = "k"',
            "sync.app_id and sync.app_key are for Inoreader",
        ),
        (
            '[sync]\nservice = "greader"\nurl = "https://a.test"\nusername = "me"\n'
            'password = "x"\napp_id = "1000001234"',
            "sync.app_key is missing: Inoreader needs both",
        ),
        (
            '[sync]\nservice = "greader"\nurl = "https://a.test"\nusername = "me"\n'
            'password = "x"\napp_id = "10 00"\napp_key = "k"',
            "sync.app_id must be the text Inoreader gave you",
        ),
        (
            '[sync]\nservice = "greader"\nurl = "https://a.test"\nusername = "me"\n'
            'password = "x"\napp_id = "1"\napp_key = "k\\r\\nX-Evil: 1"',
            "sync.app_key must be the text Inoreader gave you",
        ),
        (
            "[sync]\n" + GOOD + 'pasword = "x"',
            "unknown key sync.pasword (did you mean sync.password?)",
        ),
    ],
)
def test_problems_are_one_sentence_naming_the_key(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, body)
    text = str(caught.value)
    assert message in text and text.startswith(str(tmp_path / "config.toml"))
    assert "\n" not in text


def command(tmp_path: Path, script: str) -> SyncConfig:
    path = tmp_path / "secret.py"
    path.write_text(script, encoding="utf-8")
    argv = f"{shlex.quote(sys.executable)} {shlex.quote(str(path))} 'an arg'"
    found = load(
        tmp_path, "[sync]\n" + GOOD + f"password_command = {argv!r}\n".replace("'", '"', 0)
    )
    assert found is not None
    return found


def test_password_command_runs_without_a_shell_and_gives_its_first_line(tmp_path: Path) -> None:
    config = command(
        tmp_path,
        "import sys\nassert sys.argv[1] == 'an arg'\nprint('pa ss $HOME;')\nprint('second')\n",
    )
    assert config.password_command[-1] == "an arg"
    assert account.password(config, interactive=False) == "pa ss $HOME;"


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            "import sys\nsys.stderr.write('gpg: decryption failed\\n')\nsys.exit(2)\n",
            "failed (exit 2): gpg: decryption failed.",
        ),
        ("pass\n", "printed no password."),
    ],
)
def test_a_failing_password_command_is_one_sentence(
    tmp_path: Path, script: str, message: str
) -> None:
    config = command(tmp_path, script)
    with pytest.raises(SyncError) as caught:
        account.password(config, interactive=False)
    assert caught.value.reason == "login" and str(caught.value).endswith(message)


def test_a_missing_password_program_is_named(tmp_path: Path) -> None:
    config = load(tmp_path, "[sync]\n" + GOOD + 'password_command = "no-such-pass-tool show rss"\n')
    assert config is not None
    with pytest.raises(SyncError, match="there is no program 'no-such-pass-tool'"):
        account.password(config, interactive=False)


@pytest.mark.parametrize(
    ("service", "url", "expected"),
    [
        ("ttrss", "https://rss.example.com", "https://rss.example.com/"),
        ("ttrss", "https://rss.example.com/tt-rss/api/", "https://rss.example.com/tt-rss/"),
        (
            "greader",
            "https://rss.example.com/api/greader.php/",
            "https://rss.example.com/api/greader.php",
        ),
    ],
)
def test_the_client_gets_the_base_url(service: str, url: str, expected: str) -> None:
    config = SyncConfig(service, url, "me", "pw")  # type: ignore[arg-type]
    assert account.server_url(config) == expected
    assert account.describe(config).endswith("at rss.example.com")
