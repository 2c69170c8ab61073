"""The deployment files say what the application does (docs/deploy/README.md): nginx accepts the
largest body the application accepts and leaves HSTS to it, every systemd unit starts a
command and module that exist with the limits ``scripts/run-embedded`` uses, the environment
example names every variable production refuses to start without, and every figure the sizing
section quotes is in the results file it names."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from django.conf import settings

DEPLOY = REPO_ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX = (DEPLOY / "nginx" / "lgsc.conf").read_text()
INSTALL_ROOT = "/srv/lgsc/app/"  # where the units expect the repository
SIZES = {"k": 1024, "m": 1024**2, "g": 1024**3}


def nginx_directives(name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", NGINX, flags=re.MULTILINE)


def exec_start(unit: Path) -> list[str]:
    text = unit.read_text().replace("\\\n", " ")
    (line,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.MULTILINE)
    return shlex.split(line)


def options(args: list[str], prefix: str) -> dict[str, str]:
    return {arg: args[i + 1] for i, arg in enumerate(args) if arg.startswith(prefix)}


def test_nginx_accepts_exactly_the_largest_body_the_application_accepts() -> None:
    (size,) = nginx_directives("client_max_body_size")
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", size.strip().lower()).groups()  # type: ignore[union-attr]
    nginx_bytes = int(number) * SIZES.get(unit, 1)
    largest = max(
        settings.REQUEST_BODY_MAX_BYTES,
        settings.REQUEST_BODY_UPLOAD_MAX_BYTES,
        settings.API_BODY_MAX_BYTES,
    )

    assert nginx_bytes >= largest  # else nginx refuses what the application would take
    assert nginx_bytes - largest < SIZES["m"]  # and no slow megabytes beyond it reach a worker


def test_nginx_leaves_hsts_to_the_application_and_sets_the_proxy_header_it_trusts() -> None:
    production = (REPO_ROOT / "config" / "settings" / "production.py").read_text()

    assert "Strict-Transport-Security" not in "".join(nginx_directives("add_header"))
    assert 'SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)' in (
        production
    )
    assert "X-Forwarded-Proto $scheme" in nginx_directives("proxy_set_header")
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in production


def test_nginx_serves_static_files_from_where_collectstatic_puts_them() -> None:
    (alias,) = nginx_directives("alias")
    env = (DEPLOY / "systemd" / "lgsc.env.example").read_text()
    (var_dir,) = re.findall(r"^LGSC_VAR_DIR=(.+)$", env, flags=re.MULTILINE)

    # base.py: STATIC_ROOT = VAR_DIR / "static", STATIC_URL = "static/"
    assert alias.strip() == f"{var_dir}/static/"
    assert settings.STATIC_URL.strip("/") == "static"
    assert "location /static/" in NGINX


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_each_unit_starts_a_command_and_module_that_exist(unit: Path) -> None:
    args = exec_start(unit)
    program = args[0]
    assert program.startswith(INSTALL_ROOT)
    local = REPO_ROOT / program.removeprefix(INSTALL_ROOT)
    if local.parts[-3:-1] == (".venv", "bin"):
        assert (Path(sys.executable).parent / local.name).exists(), local.name
    else:
        assert local.is_file(), local
        assert local.stat().st_mode & 0o111, f"{local} is not executable"
    if local.name == "gunicorn":
        module, _, attribute = args[1].partition(":")
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None
        assert f"\n{attribute} = " in Path(spec.origin).read_text()
    if local.name == "celery":
        assert args[1:3] == ["-A", "config"]
        assert importlib.util.find_spec("config.celery") is not None
        assert args[3] in {"worker", "beat"}
    environment = re.findall(r"^EnvironmentFile=(.+)$", unit.read_text(), flags=re.MULTILINE)
    assert environment == ["/etc/lgsc/lgsc.env"]


def test_the_web_unit_keeps_the_request_limits_of_the_embedded_run() -> None:
    embedded = shlex.split(
        (REPO_ROOT / "scripts" / "run-embedded").read_text().replace("\\\n", " "), comments=True
    )
    web = exec_start(DEPLOY / "systemd" / "lgsc-web.service")

    assert options(web, "--limit-") == options(embedded, "--limit-")
    assert len(options(web, "--limit-")) == 3
    assert options(web, "--timeout") == options(embedded, "--timeout") == {"--timeout": "30"}


def required_production_variables() -> set[str]:
    """Every variable config/settings/production.py reads without a default."""
    text = (REPO_ROOT / "config" / "settings" / "production.py").read_text()
    return {
        name
        for name, rest in re.findall(r'env\.\w+\("([A-Z_]+)"([^)]*)\)', text)
        if "default" not in rest
    }


def test_the_environment_example_names_every_variable_production_requires() -> None:
    example = (DEPLOY / "systemd" / "lgsc.env.example").read_text()
    named = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    units = "".join(unit.read_text() for unit in UNITS)

    required = required_production_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "PERSONAL_DATA_KEYS", "CACHE_URL"} <= required
    assert required <= named
    assert "LGSC_BEHIND_PROXY" in named  # nginx in front
    # Every ${VARIABLE} a unit uses is in the example.
    assert set(re.findall(r"\$\{([A-Z_]+)\}", units)) <= named


def sizing_section() -> str:
    text = (REPO_ROOT / "docs" / "deploy" / "README.md").read_text()
    return text.split("\n## Sizing\n", 1)[1].split("\n## ", 1)[0]


FIGURE = re.compile(r"`(\d[\d.]*) ?(ms|/s|messages/s|MB)`")


def test_every_figure_the_sizing_quotes_is_in_the_results_file_it_names() -> None:
    section = sizing_section()
    rows = re.findall(r"^\| `([^`]+)` \| `(bench/results/[^`]+)` \|", section, flags=re.MULTILINE)
    assert len(rows) >= 8
    for figure, name in rows:
        number = FIGURE.fullmatch(f"`{figure}`").group(1)  # type: ignore[union-attr]
        results = json.loads((REPO_ROOT / name).read_text())
        quoted = " ".join(str(row.get("result", "")) for row in results["rows"])
        assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", quoted), (figure, name)
    # The prose quotes only figures of the table (≈ marks arithmetic on them).
    tabled = {figure for figure, _name in rows}
    quoted_in_prose = {f"{number} {unit}" for number, unit in FIGURE.findall(section)}
    assert quoted_in_prose <= tabled
