# tools/test --sanitize: the C++ tests built with sanitizers, each mode in its own build folder.
# Sourced after common.sh.

# The runtime options of every instrumented process, the tests and the servers and admin tools
# they spawn (children inherit the environment). A report stops the process (ASan, UBSan) or
# makes its exit status non-zero (TSan goes on to report every race of the run, then exits 66);
# tests/sanitized.h and tests/server/support.cpp turn either into a failed test.
sanitizer_environment() {
  local supp="$GRAPPE_ROOT/tools/sanitizers"
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:check_initialization_order=1:strict_init_order=1:\
detect_stack_use_after_return=0:print_summary=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp\
${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  # ignore_noninstrumented_modules: accesses made inside uninstrumented shared libraries (RocksDB,
  # libstdc++) are not checked; see CMakeLists.txt.
  export TSAN_OPTIONS="halt_on_error=0:exitcode=66:second_deadlock_stack=1:\
ignore_noninstrumented_modules=1:\
suppressions=$supp/tsan.supp:print_suppressions=0${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
}

# run_sanitized MODE [ctest arguments…]
run_sanitized() {
  local mode=$1 folder labels targets
  shift
  case "$mode" in
    address,undefined | undefined,address | address)
      folder=build-asan
      # Every C++ test (a test binary missing from this list shows as "Not Run" and fails); the
      # browser tests (label e2e) are not run.
      targets=(domain_tests reference_tests eventstore_tests tlog_tests projections_tests
        server_tests admin_tests fuzz_regression_tests)
      labels=(-LE '^e2e$') ;;
    thread)
      folder=build-tsan
      targets=(eventstore_tests projections_tests server_tests)
      labels=(-L '^(eventstore|projections|server)$') ;;
    *)
      log "tools/test: --sanitize takes address,undefined or thread, not '$mode'"
      return 2 ;;
  esac
  ensure_packages "${GRAPPE_BUILD_DEPS[@]}"
  GRAPPE_BUILD="$GRAPPE_ROOT/$folder"
  GRAPPE_CMAKE_ARGS=(-DCMAKE_BUILD_TYPE=Debug "-DGRAPPE_SANITIZE=$mode")
  sanitizer_environment
  local start=$SECONDS
  build_targets "${targets[@]}"
  log "tools/test: $folder built in $((SECONDS - start)) s"
  start=$SECONDS
  cd "$GRAPPE_BUILD"
  local status=0
  ctest --output-on-failure --timeout 900 -j2 "${labels[@]}" "$@" || status=$?
  log "tools/test: $folder tests ran in $((SECONDS - start)) s"
  return "$status"
}
