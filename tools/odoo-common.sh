# Shared by the tools/ scripts: finds Odoo, writes the Odoo configuration,
# and wraps odoo-bin with it. Source it; do not run it.
# Settings (environment or make variables): ODOO_HOME, ODOO_PYTHON, DB_USER (odoo),
# DB_HOST (empty: the local socket), DB_PORT, BUILD_DIR (.build).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$repo/.build}
db_user=${DB_USER:-odoo}
db_host=${DB_HOST:-}
db_port=${DB_PORT:-5432}
mkdir -p "$build_dir/logs"

odoo_found() {
    local env
    env=$("$repo/tools/odoo-env") || return 1
    eval "$env"
    export ODOO_PYTHON ODOO_ADDONS
    [ -n "$ODOO_PYTHONPATH" ] && export PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}"
    odoo_conf="$build_dir/odoo.conf"
    # written aside and renamed: scripts running in parallel (tools/test) never read half a file
    cat > "$odoo_conf.$$" <<CONF
[options]
addons_path = $ODOO_ADDONS
data_dir = $build_dir/data
db_user = $db_user
db_host = $db_host
db_port = $db_port
db_password = False
without_demo = False
CONF
    mv -f "$odoo_conf.$$" "$odoo_conf"
    return 0
}

psql_ok() {
    psql -X -q -U "$db_user" ${db_host:+-h "$db_host"} -p "$db_port" -d postgres -c 'select 1' >/dev/null 2>&1
}

require_postgres() {
    psql_ok && return 0
    echo "PostgreSQL does not answer for role '$db_user' (host '${db_host:-socket}', port $db_port)." >&2
    echo "Create the role (e.g. 'createuser --createdb $db_user' as the postgres user) or set DB_USER/DB_HOST." >&2
    return 1
}

odoo_bin() {
    "$ODOO_PYTHON" -m odoo -c "$odoo_conf" "$@"
}

drop_db() {
    dropdb --if-exists -U "$db_user" ${db_host:+-h "$db_host"} -p "$db_port" "$1"
    rm -rf "$build_dir/data/filestore/$1"
}

# Runs odoo-bin with the given arguments, logs to $1, and fails when the log has
# any WARNING, ERROR or CRITICAL line (the add-on's install and upgrade must be clean).
odoo_clean_run() {
    local log=$1
    shift
    rm -f "$log"  # odoo-bin appends to its log file
    if ! odoo_bin "$@" --stop-after-init --log-level=info --logfile="$log"; then
        echo "FAILED: odoo-bin $* (log: $log)" >&2
        grep -E -A5 ' (ERROR|CRITICAL) ' "$log" | head -40 >&2
        return 1
    fi
    if grep -E -q '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log"; then
        echo "FAILED: warnings or errors in $log:" >&2
        grep -E -A3 '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" | head -40 >&2
        return 1
    fi
    echo "clean: $(basename "$log")"
}
