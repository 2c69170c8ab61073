"""Apache ECharts is vendored with its version, licence and source recorded (issue 12, item 4:
no CDN at run time), and no template loads a script or stylesheet from another site."""

from __future__ import annotations

import re

from conftest import REPO_ROOT
from template_files import our_templates

ECHARTS = REPO_ROOT / "static" / "vendor" / "echarts"
REMOTE_ASSET = re.compile(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.I)


def test_echarts_is_vendored_with_its_version_licence_and_source() -> None:
    version = (ECHARTS / "VERSION").read_text().strip()
    readme = (ECHARTS / "README.md").read_text()

    assert version == "5.6.0"
    assert f't.version="{version}"' in (ECHARTS / "echarts.min.js").read_text()
    assert "Apache License" in (ECHARTS / "LICENSE").read_text()
    assert "The Apache Software Foundation" in (ECHARTS / "NOTICE").read_text()
    assert (ECHARTS / "LICENSE-d3").exists()
    assert f"npm pack echarts@{version}" in readme and "sha256" in readme


def test_no_template_loads_an_asset_from_another_site() -> None:
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in our_templates()
        if REMOTE_ASSET.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
    assert REMOTE_ASSET.search('<script src="https://cdn.example/echarts.js">')
    assert REMOTE_ASSET.search('<link rel="stylesheet" href="//cdn.example/x.css">')
