#!/usr/bin/env bash
# Before deploying: tests, lint, types, infrastructure, secrets, settings, dependencies.
#   scripts/pre_deployment_check.sh [ENV_FILE]   (default .env.production)
set -uo pipefail
cd "$(dirname "$0")/.."
env_file="${1:-.env.production}"
failed=0
step() { printf '\n== %s\n' "$1"; }
fail() { printf 'FAIL: %s\n' "$1"; failed=1; }

step "tests, lint, types, infrastructure (make test)"
if [[ "${SKIP_TESTS:-0}" == 1 ]]; then
    echo "skipped (SKIP_TESTS=1)"
else
    make test >/tmp/folio-pre-deploy.log 2>&1 && echo "ok" || fail "make test (see /tmp/folio-pre-deploy.log)"
fi

step "no secrets committed"
git ls-files --error-unmatch .env .env.production >/dev/null 2>&1 && fail ".env files are tracked by git"
for name in .env .env.production; do
    git check-ignore -q --no-index "$name" || fail "$name is not git-ignored"
done
if git grep -nE '(gsk_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----)' -- ':!*.lock' >/dev/null; then
    fail "something that looks like a key is committed: git grep -nE 'gsk_|AKIA|PRIVATE KEY'"
else
    echo "ok"
fi

step "required settings in $env_file"
if [[ -f "$env_file" ]]; then
    for name in SITE_DOMAIN REDIS_PASSWORD FOLIO_API_KEYS FOLIO_ADMIN_KEY FOLIO_SESSION_SECRET FOLIO_ALLOWED_ORIGINS; do
        grep -qE "^${name}=.+" "$env_file" || fail "$name is missing or empty in $env_file"
    done
    [[ $failed -eq 0 ]] && echo "ok"
else
    echo "no $env_file: skipped (Lambda deployments keep secrets in SSM)"
fi

step "dependency audit (pip-audit, in a throwaway venv)"
audit_venv="$(mktemp -d)"
if python3 -m venv "$audit_venv" && "$audit_venv/bin/pip" install -q pip-audit >/dev/null 2>&1; then
    "$audit_venv/bin/pip-audit" -r requirements.lock --no-deps --progress-spinner off >/tmp/folio-audit.log 2>&1
    status=$?
    if grep -q "could not be audited" /tmp/folio-audit.log; then
        echo "NOT AUDITED: pip-audit cannot reach its vulnerability database from here (see /tmp/folio-audit.log)"
    elif [[ $status -ne 0 ]]; then
        cat /tmp/folio-audit.log
        fail "pip-audit reports vulnerable dependencies"
    else
        echo "ok: no known vulnerabilities"
    fi
else
    echo "NOT AUDITED: pip-audit is not installable here"
fi
rm -rf "$audit_venv"

if [[ $failed -ne 0 ]]; then
    printf '\nNOT READY to deploy\n'
    exit 1
fi
printf '\nready to deploy\n'
