"""Writes the CloudFormation that a deployment would get from each given SAM template, offline.

Usage (with the project's pinned SAM CLI, from the project root):

    .venv/bin/python scripts/expand-sam-template.py --out-dir DIR TEMPLATE...

For each TEMPLATE it expands AWS::LanguageExtensions (Fn::ForEach and the like, with the parameters'
defaults and SAM CLI's stand-in pseudo parameters: account 123456789012, region us-east-1), applies the
AWS::Serverless transform as CloudFormation would, and writes the result as JSON to
DIR/<TEMPLATE's path, its directories joined by "__", without its extension>.json, for example
DIR/pipelines__storage-backup__template.json. It needs no AWS credentials and no network: an AWS managed
policy given by name in a function's Policies is resolved from the map bundled with the translator, and
one missing from it, which the transform would look up in IAM, is kept as written. On a template that
does not translate it names the template and the reason on stderr and exits with 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

# Before samcli is imported: no telemetry, no update check, no region lookup from a profile.
os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
os.environ.setdefault("SAM_CLI_DISABLE_UPDATE_CHECK", "1")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samcli.commands.validate.lib.exceptions import InvalidSamDocumentException  # noqa: E402
from samcli.lib.translate.sam_template_validator import SamTemplateValidator  # noqa: E402
from samcli.yamlhelper import yaml_parse  # noqa: E402

REGION = "us-east-1"


class NoManagedPolicies:
    """The IAM lookup of AWS managed policy names the translator's bundled map lacks: offline, none."""

    def load(self) -> dict[str, str]:
        return {}


def output_name(template: Path) -> str:
    """`pipelines/storage-backup/template.yaml` (relative to the working directory) -> `pipelines__storage-backup__template.json`."""
    absolute = template.resolve()
    try:
        relative = absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        relative = Path(*absolute.parts[1:])
    return "__".join(relative.with_suffix("").parts) + ".json"


def expand(template: Path) -> dict:
    sam_template = yaml_parse(template.read_text(encoding="utf-8"))
    parameter_defaults = {
        name: parameter["Default"]
        for name, parameter in (sam_template.get("Parameters") or {}).items()
        if isinstance(parameter, dict) and "Default" in parameter
    }
    validator = SamTemplateValidator(
        sam_template,
        NoManagedPolicies(),
        region=REGION,
        parameter_overrides=parameter_defaults,
        language_extensions_enabled=True,
    )
    return yaml_parse(validator.get_translated_template_if_valid())


def reason(error: InvalidSamDocumentException) -> str:
    """The translator's own messages ("Resource with id [X] is invalid. ..."), else the exception's text."""
    causes = getattr(error.__cause__, "causes", None) or []
    messages = [getattr(cause, "message", None) or str(cause) for cause in causes]
    return "; ".join(messages) or str(error)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="expand-sam-template.py",
        description="Writes the CloudFormation a deployment would get from each SAM template (language "
        "extensions expanded, the SAM transform applied), offline, as DIR/<path>.json.",
    )
    parser.add_argument("--out-dir", required=True, type=Path, help="where to write the JSON templates")
    parser.add_argument("templates", nargs="+", type=Path, metavar="TEMPLATE")
    args = parser.parse_args(argv)

    # The translator warns about feature toggles it has no configuration for, and SAM CLI logs the errors
    # this script reports itself: only what neither says goes to stderr.
    logging.basicConfig(level=logging.CRITICAL, format="%(name)s: %(message)s")

    args.out_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    for template in args.templates:
        try:
            expanded = expand(template)
        except InvalidSamDocumentException as error:
            print(f"expand-sam-template: {template} does not translate: {reason(error)}", file=sys.stderr)
            failed = True
            continue
        except Exception as error:  # a missing file, YAML that does not parse, a bug in the translator
            print(f"expand-sam-template: {template} could not be expanded: {type(error).__name__}: {error}", file=sys.stderr)
            failed = True
            continue
        out = args.out_dir / output_name(template)
        out.write_text(json.dumps(expanded, indent=1, default=str) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
