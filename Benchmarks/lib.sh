# Shell functions the benchmark scripts share; sourced, never run. Each script keeps its own
# SERVER_PID (the master, started with setsid so its process group holds its workers), HOST
# and log function.

# Stop the running server: TERM to its main process, then KILL to its whole process group.
stop_server() {
    local pid=$SERVER_PID
    [[ -n $pid ]] || return 0
    SERVER_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Workers that outlived their master (same process group): give them a moment, then insist.
    deadline=$((SECONDS + 5))
    while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do
        kill -KILL -- "-$pid" 2>/dev/null || true
        sleep 0.1
    done
}

# port_in_use PORT: whether something on $HOST accepts connections there.
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# install_packages PACKAGE...: apt-get install of the given Debian packages, if any.
install_packages() {
    (($#)) || return 0
    local sudo=""
    ((EUID == 0)) || sudo=sudo
    log "installing $* with apt-get"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
}

# median_of NUMBER...: the median, the mean of the middle two for an even count.
median_of() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
