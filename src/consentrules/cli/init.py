"""``consentrules init``: a commented project configuration, a sample snapshot for the user's
platform and a CI snippet (GitHub, GitLab or Jenkins), so that a team starts from files that
work. Existing files are never overwritten without ``--force``."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from consentrules.model.errors import ExitCode
from consentrules.model.errors import UsageError

CONFIG = """\
# consentrules project configuration (written by `consentrules init`).
# Keys are the long command-line options without dashes; paths are relative to this file;
# options given on the command line win. `consentrules schema config` prints the JSON Schema.

# What `consentrules check` checks when it is given no paths:
snapshots: [snapshots/]

# Fail the run (exit 1) on a violation at or above this severity:
# info, low, medium, high, critical, or never.
fail-on: low

# The rules: the bundled packs by default. Select packs, or add your own rule files:
# pack: [gdpr, uk-gdpr, ai-training]
# rules: [rules/]

# Accepted risks, each with an owner and an expiry (at most a year ahead):
# waivers: compliance/waivers.yaml
# Known findings that should not fail the run (`consentrules baseline create -o ...`):
# baseline: compliance/baseline.json

# Also fail when a rule cannot be evaluated for lack of data:
# strict: true
"""

SNAPSHOT = """\
# A snapshot of {platform}'s data-use settings and disclosures (written by `consentrules init`).
# Replace the example below with your own; `consentrules snapshot validate` checks the file, and
# the README's "The snapshot format" section explains every field.
consentrules: snapshot/v1
platform: {platform}
taken_at: {today}
settings:
  - id: personalised-feed
    title: Personalise the feed from what members view and like
    purposes: [personalization]
    data_categories: [usage]
    recipients: [first_party]
    default: false                 # opt-in: users are not enrolled until they choose
    regions:
      include: [ALL]
    activated_at: {today}
disclosures:
  - id: privacy-policy
    kind: privacy_policy
    versions:
      - version: "1"
        published_at: {today}
        purposes: [personalization]
        describes_opt_out: true
"""

CI = {
    "github": (
        ".github/workflows/consentrules.yml",
        """\
# consentrules on every push and pull request (written by `consentrules init --ci github`).
name: consentrules
on: [push, pull_request]
permissions:
  contents: read
  security-events: write   # the SARIF upload to code scanning
  actions: read            # ... which also needs this on private repositories
jobs:
  consentrules:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install "{install}"
      - run: >-
          consentrules check --format github
          -o sarif=consentrules.sarif -o markdown="$GITHUB_STEP_SUMMARY" -o html=consentrules.html
      - uses: github/codeql-action/upload-sarif@v4
        if: always()
        continue-on-error: true   # code scanning may not be enabled
        with:
          sarif_file: consentrules.sarif
          category: consentrules
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: consentrules-reports
          path: |
            consentrules.sarif
            consentrules.html
""",
    ),
    "gitlab": (
        "consentrules.gitlab-ci.yml",
        """\
# consentrules in GitLab CI (written by `consentrules init --ci gitlab`).
# Include it from .gitlab-ci.yml:  include: [{{local: consentrules.gitlab-ci.yml}}]
consentrules:
  image: python:3.12-slim
  stage: test
  script:
    - apt-get update -qq && apt-get install -y -qq git >/dev/null
    - python -m pip install --quiet "{install}"
    - consentrules check -o junit=consentrules-junit.xml -o html=consentrules.html
  artifacts:
    when: always
    paths: [consentrules.html]
    reports:
      junit: consentrules-junit.xml
""",
    ),
    "jenkins": (
        "Jenkinsfile.consentrules",
        """\
// consentrules in Jenkins (written by `consentrules init --ci jenkins`): a stage to copy into
// your Jenkinsfile, or a pipeline of its own.
pipeline {{
  agent {{ docker {{ image 'python:3.12-slim' }} }}
  stages {{
    stage('consentrules') {{
      steps {{
        sh 'python -m pip install --quiet "{install}"'
        sh 'consentrules check -o junit=consentrules-junit.xml -o html=consentrules.html'
      }}
      post {{
        always {{
          junit 'consentrules-junit.xml'
          archiveArtifacts artifacts: 'consentrules.html', allowEmptyArchive: true
        }}
      }}
    }}
  }}
}}
""",
    ),
}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "platform"


def cmd_init(config: Any, options: dict[str, Any]) -> int:
    import datetime as dt

    from consentrules.__about__ import __version__

    folder = Path(options.get("init_directory") or ".")
    platform = options.get("platform") or "My platform"
    if "\n" in platform or '"' in platform:
        raise UsageError("--platform: give a name on one line, without double quotes")
    today = dt.date.today().isoformat()
    files = {
        ".consentrules.yaml": CONFIG,
        f"snapshots/{slug(platform)}.yaml": SNAPSHOT.format(platform=f'"{platform}"', today=today),
    }
    ci = options.get("ci")
    install, source = "", ""
    if ci:
        install, source = install_spec(options.get("install"), __version__)
        name, text = CI[ci]
        files[name] = text.format(install=install)
    existing = [name for name in files if (folder / name).exists()]
    if existing and not options.get("force"):
        raise UsageError(
            f"{', '.join(existing)} already exist(s) in {folder}: nothing written "
            "(--force overwrites)"
        )
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
    sys.stdout.write(
        "next: edit the snapshot, then run `consentrules check` (it reads .consentrules.yaml)\n"
    )
    if ci:
        sys.stdout.write(
            f"the CI snippet installs {install!r} ({source}); to install it from elsewhere, "
            "run init again with --install SPEC --force, or edit the pip line\n"
        )
    return ExitCode.OK


def install_spec(given: str | None, version: str) -> tuple[str, str]:
    """What the CI snippet installs, and why: ``--install SPEC`` as given; else where this
    consentrules came from (PEP 610's ``direct_url.json``): a git repository at the installed
    commit, or, installed from a package index, this version from it.

    :raises UsageError: when this copy came from a local folder or file, which CI cannot reach.
    """
    import json
    from importlib import metadata

    if given:
        if '"' in given or "\n" in given:
            raise UsageError("--install: give a pip requirement on one line, without quotes")
        return given, "as given with --install"
    try:
        direct = metadata.distribution("consentrules").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    if not direct:
        return f"consentrules=={version}", "this version, from your package index"
    info = json.loads(direct)
    url, vcs = str(info.get("url", "")), info.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and not url.startswith("file:"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision") or f"v{version}"
        return f"consentrules @ git+{url}@{commit}", "the repository this copy was installed from"
    raise UsageError(
        f"this consentrules was installed from {url or 'a local copy'}, which CI cannot reach: "
        "say where CI gets it with --install SPEC (a pip requirement: consentrules==VERSION "
        "from your package index, consentrules @ git+https://github.com/ORG/consentrules@TAG, "
        "or a wheel committed to the repository)"
    )
