#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after another (one process, so it shares the
# machine), and prints the executions and crashes of each.
#
#   fuzz/run.sh [seconds-per-target] [target ...]      (default: 60 s, every target)
#
# Corpora are seeded from testdata (seed.py) into fuzz/corpus/<target>/ and grow there;
# crashes, leaks, timeouts and out-of-memory inputs land in fuzz/artifacts/<target>/.
set -uo pipefail
cd "$(dirname "$0")"

seconds=${1:-60}
shift || true
all_targets=(
  verify
  verify_signed_cwt
  base45
  inflate
  cose
  cwt
  health_link
  payload
  dsc
  trust_list_unsigned_json
  trust_list_de
  trust_list_de_signed
  trust_list_at
  trust_list_at_signed
  trust_list_pem
  trust_store
  instant
  trust_list_who
)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# cargo-fuzz passes unstable flags (-Zsanitizer=address): use the nightly toolchain when it is
# installed, otherwise stable with RUSTC_BOOTSTRAP=1 (the usual way to allow them on stable).
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  cargo=(cargo +nightly)
else
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

python3 seed.py
"${cargo[@]}" fuzz build -O || exit 2

# Longest input per target: past the limits the library enforces, so refusing them is fuzzed too.
max_len() {
  case $1 in
    verify | base45) echo 16384 ;;        # MAX_QR_TEXT_BYTES is 8192
    inflate) echo 8192 ;;                 # the most a QR code's base45 can hold is ~5.5 KB
    # Trust lists: 64 KiB holds a dozen real German entries (5 KB each, most of it a CMS
    # signature verifiers skip) or 40 without it, 50 real DSCs in Austrian CBOR or in PEM: every
    # structure the importers read, at a cost per input that leaves time for many inputs. The
    # real German list (4 MB) would make each input hash and parse megabytes; its framing is
    # seeded as prefixes, its entries as smaller lists (seed.py). MAX_TRUST_LIST_BYTES (16 MiB)
    # is tested in tests/, not here.
    trust_list_* | trust_store) echo 65536 ;;
    instant) echo 64 ;;
    *) echo 70000 ;;                      # MAX_INFLATED_BYTES is 65536
  esac
}

mkdir -p logs
printf '%-26s %8s %12s %8s\n' target seconds executions crashes > logs/summary.txt
total_runs=0
total_crashes=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  before=$(find "artifacts/$target" -type f | wc -l)
  # -timeout: one input taking 5 s is a hang; -rss_limit_mb: 1 GiB is bloat (also the largest
  # single allocation allowed).
  "${cargo[@]}" fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=5 -rss_limit_mb=1024 \
    -print_final_stats=1 >"logs/$target.log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "logs/$target.log" | grep -o '[0-9]*$' | tail -1)
  runs=${runs:-0}
  crashes=$(( $(find "artifacts/$target" -type f | wc -l) - before ))
  [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1  # a failure that left no artifact
  printf '%-26s %8s %12s %8s\n' "$target" "$seconds" "$runs" "$crashes" | tee -a logs/summary.txt
  total_runs=$((total_runs + runs))
  total_crashes=$((total_crashes + crashes))
done
printf '%-26s %8s %12s %8s\n' total "$((seconds * ${#targets[@]}))" "$total_runs" "$total_crashes" \
  | tee -a logs/summary.txt
[ "$total_crashes" -eq 0 ]
