# Shared by tools/run, tools/test, tools/admin and the benchmarks: install what is missing, build.
# Everything here prints to standard error so that a server's stdout stays its own.

GRAPPE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GRAPPE_BUILD=${GRAPPE_BUILD:-$GRAPPE_ROOT/build}

# Debian packages needed to build and run the server.
GRAPPE_BUILD_DEPS=(g++ cmake ninja-build pkg-config librocksdb-dev libboost1.81-dev
  nlohmann-json3-dev googletest libgtest-dev libgmock-dev libssl-dev libcli11-dev libspdlog-dev
  prometheus-cpp-dev libbenchmark-dev libproj-dev libjemalloc-dev zlib1g-dev libcurl4-openssl-dev
  libsimdjson-dev libxlsxwriter-dev)
# Extra packages needed by the tests (browser tests, coverage, the Go log checker tlogcheck,
# the SMTP server of the notification tests, the XLSX reader of the export tests).
GRAPPE_TEST_DEPS=(chromium nodejs npm gcovr golang-go golang-golang-x-mod-dev
  python3-aiosmtpd python3-openpyxl)

log() { printf '%s\n' "$*" >&2; }

# Installs the given Debian packages that are not installed yet; does nothing (and never touches
# the network) when all are present.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    # npm ships inside the NodeSource nodejs package on some machines.
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q >&2 || true
  "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2
}

# Configures (once) and builds the given targets (all when none) into one build folder.
# Builds are serialised with a lock so that two scripts never compile at once on 2 cores.
# GRAPPE_CMAKE_ARGS (an array, optional) is added to the first configuration of the folder.
build_targets() {
  mkdir -p "$GRAPPE_BUILD"
  (
    flock 9
    if [ ! -f "$GRAPPE_BUILD/build.ninja" ]; then
      cmake -S "$GRAPPE_ROOT" -B "$GRAPPE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        ${GRAPPE_CMAKE_ARGS[@]+"${GRAPPE_CMAKE_ARGS[@]}"} >&2
    fi
    cmake --build "$GRAPPE_BUILD" ${1:+--target "$@"} >&2
  ) 9>"$GRAPPE_BUILD/.build.lock"
}
