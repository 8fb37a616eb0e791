#!/usr/bin/env bash
# Before deploying: tests, lint, types, infrastructure, secrets, settings, dependencies.
#   scripts/pre_deployment_check.sh [ENV_FILE]   the compose stack (default .env.production)
#   scripts/pre_deployment_check.sh --lambda     AWS: the required SSM parameters exist instead
# It says "ready to deploy" only when every step ran and passed. A step that could not run
# (SKIP_TESTS=1 or SKIP_AUDIT=1, no env file, SSM unreachable, pip-audit not installable or its
# vulnerability database out of reach) ends it "NOT READY" too, naming what was not checked.
# MAKE and PIP_AUDIT name other make and pip-audit commands (default: make, and a pip-audit
# installed into a throwaway venv).
set -uo pipefail
cd "$(dirname "$0")/.."
target="${1:-.env.production}"
failed=()
unchecked=()
step() { printf '\n== %s\n' "$1"; }
fail() { printf 'FAIL: %s\n' "$1"; failed+=("$1"); }
unchecked() { printf 'NOT CHECKED: %s\n' "$1"; unchecked+=("$1"); }

step "tests, lint, types, infrastructure (make test)"
if [[ "${SKIP_TESTS:-0}" == 1 ]]; then
    unchecked "make test (SKIP_TESTS=1)"
elif ${MAKE:-make} test >/tmp/folio-pre-deploy.log 2>&1; then
    echo "ok"
else
    fail "make test (see /tmp/folio-pre-deploy.log)"
fi

step "no secrets committed"
before=${#failed[@]}
git ls-files --error-unmatch .env .env.production >/dev/null 2>&1 && fail ".env files are tracked by git"
for name in .env .env.production; do
    git check-ignore -q --no-index "$name" || fail "$name is not git-ignored"
done
if git grep -nE '(gsk_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----)' -- ':!*.lock' >/dev/null; then
    fail "something that looks like a key is committed: git grep -nE 'gsk_|AKIA|PRIVATE KEY'"
fi
[[ ${#failed[@]} -eq $before ]] && echo "ok"

if [[ "$target" == --lambda ]]; then
    step "required secrets in SSM (the template's default parameter names)"
    # Exit status: 0 all there, 1 some missing, 2 SSM could not be asked.
    .venv/bin/python - <<'EOF'
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from folio.secrets import OPTIONAL
from scripts.validate_infra import DEFAULT_TEMPLATE, load_template

template = load_template(DEFAULT_TEMPLATE)
variables = template["Globals"]["Function"]["Environment"]["Variables"]
parameters = template["Parameters"]
# A plain {"Ref": parameter} is always passed; an {"Fn::If": ...} one (the API keys: server-side
# mode only) is not needed by the default, public-mode deployment.
names = [
    parameters[value["Ref"]]["Default"]
    for variable, value in variables.items()
    if variable.startswith("FOLIO_SECRETS_")
    and isinstance(value, dict)
    and "Ref" in value
    and variable.removeprefix("FOLIO_SECRETS_").removesuffix("_PARAMETER").lower() not in OPTIONAL
]
try:
    found = boto3.client("ssm").get_parameters(Names=names, WithDecryption=False)
except (BotoCoreError, ClientError) as exc:
    print(f"SSM cannot be asked: {exc}")
    sys.exit(2)
missing = found.get("InvalidParameters", [])
for name in missing:
    print(f"missing: {name}")
sys.exit(1 if missing else 0)
EOF
    case $? in
        0) echo "ok" ;;
        1) fail "required SSM parameters are missing (README: Deployment)" ;;
        *) unchecked "required SSM parameters (SSM could not be asked)" ;;
    esac
else
    step "required settings in $target"
    if [[ -f "$target" ]]; then
        before=${#failed[@]}
        for name in SITE_DOMAIN REDIS_PASSWORD FOLIO_API_KEYS FOLIO_ADMIN_KEY FOLIO_SESSION_SECRET FOLIO_ALLOWED_ORIGINS; do
            grep -qE "^${name}=.+" "$target" || fail "$name is missing or empty in $target"
        done
        [[ ${#failed[@]} -eq $before ]] && echo "ok"
    else
        unchecked "required settings (no $target; for AWS run with --lambda)"
    fi
fi

step "dependency audit (pip-audit)"
audit_venv=""
audit="${PIP_AUDIT:-}"
if [[ -z "$audit" && "${SKIP_AUDIT:-0}" != 1 ]]; then
    audit_venv="$(mktemp -d)"
    if python3 -m venv "$audit_venv" && "$audit_venv/bin/pip" install -q pip-audit >/dev/null 2>&1; then
        audit="$audit_venv/bin/pip-audit"
    fi
fi
if [[ "${SKIP_AUDIT:-0}" == 1 ]]; then
    unchecked "dependency audit (SKIP_AUDIT=1)"
elif [[ -z "$audit" ]]; then
    unchecked "dependency audit (pip-audit is not installable here)"
else
    $audit -r requirements.lock --no-deps --progress-spinner off >/tmp/folio-audit.log 2>&1
    status=$?
    if grep -q "could not be audited" /tmp/folio-audit.log; then
        unchecked "dependency audit (pip-audit cannot reach its vulnerability database; see /tmp/folio-audit.log)"
    elif [[ $status -ne 0 ]]; then
        cat /tmp/folio-audit.log
        fail "pip-audit reports vulnerable dependencies"
    else
        echo "ok: no known vulnerabilities"
    fi
fi
[[ -n "$audit_venv" ]] && rm -rf "$audit_venv"

if [[ ${#failed[@]} -ne 0 || ${#unchecked[@]} -ne 0 ]]; then
    printf '\nNOT READY to deploy\n'
    for item in "${failed[@]}"; do printf '  failed: %s\n' "$item"; done
    for item in "${unchecked[@]}"; do printf '  not checked: %s\n' "$item"; done
    exit 1
fi
printf '\nready to deploy\n'
