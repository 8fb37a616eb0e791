"""Check the SAM template offline: parse it, run the SAM transform, lint the CloudFormation it becomes.

    python scripts/validate_infra.py [TEMPLATE] [--region R ...] [--allow-warnings]

Why the transform comes first: cfn-lint no longer expands SAM, so on the SAM file it cannot see what
SAM generates from `FunctionUrlConfig`, `Events` or `Policies` (an invalid `InvokeMode` or `AuthType`
passes). Here samtranslator (the code CloudFormation's own transform runs) turns the template into
plain CloudFormation, and cfn-lint validates that result against the resource schemas of each region.

Everything runs in-process and offline: no AWS credentials, no network. SAM's managed-policy lookup
gets a static loader (samtranslator's bundled name -> ARN map answers first; the loader never calls
IAM), the region comes from --region, and the AWS config files are hidden from boto3 meanwhile.
Image functions without `ImageUri` get a placeholder ECR URI, as `sam build`/`sam deploy` would give
them, after checking that their Dockerfile exists so `sam build` can build them.

Findings are mapped back to lines of the SAM file, also for resources SAM generated (`ChatFunctionUrl`
points at `ChatFunction`'s `FunctionUrlConfig`). Errors always fail. cfn-lint warnings fail too unless
--allow-warnings is given: the template is small, written by us and warning-free, and what cfn-lint
warns about (an unused parameter, a redundant DependsOn, a retention policy set on only one of
delete/replace) is a defect to fix, not noise; a new warning after a cfn-lint upgrade deserves a look
before it ships. Exit status: 0 clean, 1 findings, 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Neither library emits a DeprecationWarning at import today; the repository's pytest configuration
# turns warnings into errors, so a future one at import must not break the tests that import this.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import cfnlint.api
    import cfnlint.version
    from cfnlint.decode.decode import decode_str
    from samtranslator.model.exceptions import (
        ExceptionWithMessage,
        InvalidDocumentException,
    )
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.managed_policy_translator import (
        ManagedPolicyLoader,
    )
    from samtranslator.translator.transform import transform

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

# SAM records CloudWatch metrics for AWS's hosted transform and warns when nobody publishes them.
logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEMPLATE = ROOT / "infra" / "sam-template.yaml"
DEFAULT_REGIONS = ("us-east-1", "eu-north-1")
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
SAM_FUNCTION = "AWS::Serverless::Function"
PLACEHOLDER_ACCOUNT = "123456789012"
# What boto3 would read from the machine; hidden while SAM builds its boto3 session.
_AWS_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    stage: str  # "parse", "build", "sam" or "cfn-lint"
    message: str
    line: int | None = None
    rule: str = ""
    where: str = ""

    def render(self, filename: str) -> str:
        location = f"{filename}:{self.line}" if self.line else filename
        rule = f" {self.rule}" if self.rule else ""
        where = f" {self.where}:" if self.where else ""
        return f"{location}: {self.severity} [{self.stage}{rule}]{where} {self.message}"


@dataclass
class Report:
    template: Path
    regions: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    resources_in: int = 0
    resources_out: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def passed(self, *, allow_warnings: bool = False) -> bool:
        return not self.errors and (allow_warnings or not self.warnings)


class StaticManagedPolicyLoader(ManagedPolicyLoader):  # type: ignore[misc]
    """SAM's managed-policy loader without IAM: a fixed map, no client, no credentials.

    samtranslator consults its bundled map of every AWS managed policy first and calls this only for
    a name that map lacks; such a name then stays as written and cfn-lint reports it as no ARN.
    """

    def __init__(self, policies: dict[str, str] | None = None) -> None:  # no super(): it wants a boto3 client
        self._policy_map: dict[str, str] = dict(policies or {})

    def load(self) -> dict[str, str]:
        return self._policy_map


# --- loading -----------------------------------------------------------------------------------


def decode_template(text: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """Parse with cfn-lint's loader (short-form tags become {"Ref": ...}); nodes keep their lines."""
    template, matches = decode_str(text)
    findings = [Finding("error", "parse", str(m.message), line=int(m.linenumber), rule=str(m.rule.id)) for m in matches]
    if not findings and not isinstance(template, dict):
        findings.append(Finding("error", "parse", "the template is not a mapping"))
    return (template if not findings else None), findings


def load_template(path: Path) -> dict[str, Any]:
    """The template as plain dicts and lists (intrinsics in long form), for tests and tools."""
    source, findings = decode_template(path.read_text(encoding="utf-8"))
    if source is None:
        raise ValueError("; ".join(f.render(str(path)) for f in findings))
    return _plain(source)


def _plain(node: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(json.dumps(node, default=str))
    return plain


# --- line numbers in the SAM file ----------------------------------------------------------------


def _line(node: object) -> int | None:
    mark = getattr(node, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def _key_line(mapping: dict[Any, Any], key: object) -> int | None:
    for candidate in mapping:
        if candidate == key:
            return _line(candidate)
    return None


def _find_key(node: object, key: str) -> int | None:
    """Line of the first `key:` anywhere under node (depth first)."""
    if isinstance(node, dict):
        if key in node:
            return _key_line(node, key)
        children: list[Any] = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_key(child, key)
        if found:
            return found
    return None


def _origin(source: dict[str, Any], logical_id: str) -> str | None:
    """The SAM file's resource behind a logical id: itself, or the one SAM generated it from."""
    resources = source.get("Resources")
    if not isinstance(resources, dict):
        return None
    if logical_id in resources:
        return logical_id
    prefixes = [name for name in resources if logical_id.startswith(str(name))]
    return max(prefixes, key=len) if prefixes else None


def _source_line(source: dict[str, Any], path: Sequence[object]) -> tuple[int | None, str]:
    """Follow path through the SAM file as far as it goes; then look for its last key below."""
    path = list(path)
    note = ""
    if len(path) >= 2 and path[0] == "Resources":
        origin = _origin(source, str(path[1]))
        if origin is not None and origin != path[1]:
            note = f" (generated by SAM from {origin})"
            path[1] = origin
    node: Any = source
    line: int | None = None
    walked = 0
    for step in path:
        if isinstance(node, dict) and step in node:
            line = _key_line(node, step) or line
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            line = _line(node) or line
        else:
            break
        walked += 1
    leaf = next((str(step) for step in reversed(path) if isinstance(step, str)), None)
    if walked < len(path) and leaf is not None:
        line = _find_key(node, leaf) or line
    return line, note


# --- the three stages ----------------------------------------------------------------------------


def _image_functions(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    resources = template.get("Resources")
    for logical_id, resource in resources.items() if isinstance(resources, dict) else []:
        if not isinstance(resource, dict) or resource.get("Type") != SAM_FUNCTION:
            continue
        properties = resource.get("Properties")
        if isinstance(properties, dict) and properties.get("PackageType") == "Image":
            metadata = resource.get("Metadata")
            yield str(logical_id), properties, (metadata if isinstance(metadata, dict) else {})


def prepare_images(template: dict[str, Any], template_dir: Path, region: str) -> list[Finding]:
    """Check each image function can be built, and give it the ImageUri `sam build` would give it."""
    findings: list[Finding] = []
    for logical_id, properties, metadata in _image_functions(template):
        if "ImageUri" in properties:
            continue
        context, dockerfile = metadata.get("DockerContext"), metadata.get("Dockerfile")
        if not isinstance(context, str) or not isinstance(dockerfile, str):
            findings.append(
                Finding(
                    "error",
                    "build",
                    "an Image function without ImageUri needs Metadata.DockerContext and Metadata.Dockerfile"
                    " for `sam build`",
                    where=logical_id,
                )
            )
            continue
        path = (template_dir / context / dockerfile).resolve()
        if not path.is_file():
            findings.append(
                Finding(
                    "error",
                    "build",
                    f"Metadata.Dockerfile {path} does not exist, so `sam build` cannot build this image",
                    where=logical_id,
                )
            )
        tag = str(metadata.get("DockerTag", "latest"))
        properties["ImageUri"] = (
            f"{PLACEHOLDER_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/folio:{logical_id.lower()}-{tag}"
        )
    return findings


@contextlib.contextmanager
def _offline_aws(region: str) -> Iterator[None]:
    """Pin SAM's region and partition; keep boto3 away from the machine's profiles and credentials."""
    saved = {name: os.environ.get(name) for name in (*_AWS_ENV, "AWS_DEFAULT_REGION")}
    saved_region = ArnGenerator.BOTO_SESSION_REGION_NAME
    try:
        for name in _AWS_ENV:
            os.environ.pop(name, None)
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        os.environ["AWS_DEFAULT_REGION"] = region
        ArnGenerator.BOTO_SESSION_REGION_NAME = region
        yield
    finally:
        ArnGenerator.BOTO_SESSION_REGION_NAME = saved_region
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def sam_transform(template: dict[str, Any], region: str) -> tuple[dict[str, Any] | None, list[str]]:
    """SAM -> CloudFormation, or the transform's own error messages."""
    try:
        with _offline_aws(region):
            result: dict[str, Any] = transform(template, {}, StaticManagedPolicyLoader())
    except InvalidDocumentException as exc:
        return None, [str(cause.message) for cause in exc.causes] or [str(exc.message)]
    except ExceptionWithMessage as exc:
        return None, [str(exc.message)]
    except Exception as exc:  # samtranslator crashes on some malformed input; report it, not a traceback
        return None, [f"the SAM transform failed: {type(exc).__name__}: {exc}"]
    return result, []


def lint(template: dict[str, Any], regions: Sequence[str]) -> list[Any]:
    """cfn-lint's default rules (errors and warnings) on plain CloudFormation, for every region."""
    matches: list[Any] = cfnlint.api.lint(json.dumps(template, indent=1), regions=list(regions))
    return matches


def _sam_finding(source: dict[str, Any], message: str) -> Finding:
    """SAM names the resource ("Resource with id [ChatFunction] ...") or the section ("'Globals' section
    is invalid. 'PackageType' ..."): point at the first property it mentions there."""
    found = re.search(r"\[([A-Za-z0-9]+)\]", message)
    if found:
        path: list[object] = ["Resources", found.group(1)]
        rest = message[found.end() :]
    elif message.startswith("'Globals'"):
        path, rest = ["Globals"], message[len("'Globals'") :]
    else:
        return Finding("error", "sam", message)
    line, _ = _source_line(source, path)
    node: Any = source
    for step in path:
        node = node.get(step) if isinstance(node, dict) else None
    for word in re.findall(r"\b[A-Z][A-Za-z]+\b", rest):
        key_line = _find_key(node, word)
        if key_line:
            return Finding("error", "sam", message, line=key_line)
    return Finding("error", "sam", message, line=line)


def _lint_finding(source: dict[str, Any], match: Any) -> Finding:
    rule = str(match.rule.id)
    path = [step for step in getattr(match, "path", None) or [] if isinstance(step, (str, int))]
    line, note = _source_line(source, path) if path else (None, "")
    severity = "error" if rule.startswith("E") else "warning"
    where = "/".join(str(step) for step in path) + note
    return Finding(severity, "cfn-lint", str(match.message), line=line, rule=rule, where=where)


def validate(template_path: Path = DEFAULT_TEMPLATE, regions: Sequence[str] = DEFAULT_REGIONS) -> Report:
    """Every finding for the template; nothing is raised for a bad template."""
    started = time.perf_counter()
    report = Report(template_path, tuple(regions) or DEFAULT_REGIONS)
    _check(report)
    report.findings.sort(key=lambda f: (f.severity != "error", f.line or 0))
    report.seconds = time.perf_counter() - started
    return report


def _check(report: Report) -> None:
    try:
        text = report.template.read_text(encoding="utf-8")
    except OSError as exc:
        report.findings.append(Finding("error", "parse", f"cannot read the template: {exc}"))
        return
    source, report.findings = decode_template(text)
    if source is None:
        return
    resources = source.get("Resources")
    report.resources_in = len(resources) if isinstance(resources, dict) else 0
    if SAM_TRANSFORM not in _transforms(source):
        report.findings.append(Finding("error", "parse", f"not a SAM template: Transform must include {SAM_TRANSFORM}"))
        return

    plain = _plain(source)
    region = report.regions[0]
    report.findings += [
        replace(finding, line=_source_line(source, ["Resources", finding.where, "Metadata"])[0])
        for finding in prepare_images(plain, report.template.parent, region)
    ]
    cloudformation, problems = sam_transform(plain, region)
    report.findings += [_sam_finding(source, problem) for problem in problems]
    if cloudformation is not None:
        report.resources_out = len(cloudformation.get("Resources", {}))
        report.findings += [_lint_finding(source, match) for match in lint(cloudformation, report.regions)]


def _transforms(template: dict[str, Any]) -> list[str]:
    declared = template.get("Transform", [])
    return [str(t) for t in (declared if isinstance(declared, list) else [declared])]


# --- command line --------------------------------------------------------------------------------


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("template", nargs="?", type=Path, default=DEFAULT_TEMPLATE)
    parser.add_argument(
        "--region",
        dest="regions",
        action="append",
        metavar="REGION",
        help=f"lint for this region (repeatable; default: {', '.join(DEFAULT_REGIONS)})",
    )
    parser.add_argument("--allow-warnings", action="store_true", help="print cfn-lint warnings without failing")
    args = parser.parse_args(argv)
    regions = tuple(args.regions or DEFAULT_REGIONS)

    report = validate(args.template, regions)
    name = _display(args.template)
    for finding in report.findings:
        sys.stderr.write(finding.render(name) + "\n")
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    if not report.passed(allow_warnings=args.allow_warnings):
        sys.stderr.write(f"FAILED {name}: {counts}\n")
        return 1
    sys.stdout.write(
        f"OK {name}: SAM transform ({report.resources_in} -> {report.resources_out} resources) and"
        f" cfn-lint {cfnlint.version.__version__} ({', '.join(regions)}): {counts}, {report.seconds:.1f} s\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
