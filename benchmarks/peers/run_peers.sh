#!/usr/bin/env bash
# Runs the same workloads in Secateur (`secateur bench --json`) and in PyTorch (torch_bench.py) on the same cores with
# the same thread counts, and prints one table of ratios.
#
#   benchmarks/peers/run_peers.sh [--threads "1 2"] [--epochs 3] [--quick] [--out DIR]
#
# Making the peer fair:
#  * Debian's python3-torch links the reference BLAS (about 6 GFLOPS). The script installs OpenBLAS (both the
#    pthread and the OpenMP builds) and loads the one it wants with LD_LIBRARY_PATH, per run: the pthread build for
#    1 thread, the OpenMP build for 2 (the pthread build's pool fights torch's OpenMP pool and runs about 4x slower).
#  * OpenBLAS 0.3.21 may not recognise the CPU (Zen 5 falls back to its Haswell kernels); the script times a GEMM under
#    each OPENBLAS_CORETYPE that might suit and keeps the fastest, so PyTorch runs at its best here.
#  * Which libblas each run loaded is read from /proc/self/maps and logged.
#  * Secateur's JVM gets a pre-touched heap with a fixed young generation (SECATEUR_JAVA_OPTS, overridable): on this
#    VM, touching fresh heap pages costs up to 10x a convolution while the default adaptive heap keeps growing, a
#    cost a C allocator that reuses its memory (PyTorch) never pays.
# Needs root (or sudo) only when something must be installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads_list="1 2"
epochs=3
quick=""
out="$root/benchmarks/peers/results"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads_list="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --quick) quick="--quick"; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
log() { echo "[peers] $*" >&2; }

py=/usr/bin/python3
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------- PyTorch and OpenBLAS
if ! "$py" -c 'import torch' 2>/dev/null; then
  log "installing python3-torch"
  as_root apt-get install -y -q python3-torch >&2
fi
libdir=/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
[[ -d "$libdir" ]] || libdir=/usr/lib/x86_64-linux-gnu
if [[ ! -e "$libdir/openblas-pthread/libblas.so.3" || ! -e "$libdir/openblas-openmp/libblas.so.3" ]]; then
  log "installing OpenBLAS (pthread and OpenMP builds)"
  as_root apt-get install -y -q libopenblas0-pthread libopenblas0-openmp >&2
fi

# The fastest OpenBLAS core type for this CPU, by a 1-thread 512^3 GEMM through torch.
pick_coretype() {
  local best="" bestg=0
  for ct in "" Haswell SkylakeX Cooperlake Zen; do
    local g
    g=$(LD_LIBRARY_PATH="$libdir/openblas-pthread" OPENBLAS_CORETYPE="$ct" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        "$py" - <<'PY' 2>/dev/null || echo 0
import time, torch
torch.set_num_threads(1)
a = torch.randn(512, 512); b = torch.randn(512, 512)
for _ in range(5): a @ b
best = 0
for _ in range(5):
    t = time.perf_counter()
    for _ in range(10): a @ b
    best = max(best, 2 * 512**3 * 10 / (time.perf_counter() - t) / 1e9)
print(f"{best:.1f}")
PY
)
    log "OPENBLAS_CORETYPE=${ct:-<auto>}: 512^3 SGEMM $g GFLOPS"
    if awk "BEGIN{exit !($g > $bestg)}"; then best="$ct"; bestg="$g"; fi
  done
  echo "$best"
}
coretype="$(pick_coretype)"
log "using OPENBLAS_CORETYPE=${coretype:-<auto>}"

# ---------------------------------------------------------------- runs
"$root/secateur" --version >/dev/null 2>&1 || true     # builds the CLI once if needed
epochs_arg=()
[[ "$epochs" -gt 0 ]] && epochs_arg=(--epochs "$epochs")
for t in $threads_list; do
  if [[ "$t" -eq 1 ]]; then build=openblas-pthread; else build=openblas-openmp; fi
  log "uptime before the $t-thread runs: $(uptime)"
  log "PyTorch, $t thread(s), $build"
  LD_LIBRARY_PATH="$libdir/$build" OPENBLAS_CORETYPE="$coretype" OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" \
    "$py" "$here/torch_bench.py" --threads "$t" $quick "${epochs_arg[@]}" > "$out/torch_t$t.json"
  log "  loaded: $("$py" -c "import json;print(json.load(open('$out/torch_t$t.json'))['blas'])")"
  log "Secateur, $t thread(s)"
  SECATEUR_JAVA_OPTS="${SECATEUR_JAVA_OPTS:--Xms3g -Xmn1g -XX:+AlwaysPreTouch}" \
    "$root/secateur" bench --json --threads "$t" $quick "${epochs_arg[@]}" 2>/dev/null > "$out/secateur_t$t.json"
  log "uptime after the $t-thread runs: $(uptime)"
done

# ---------------------------------------------------------------- the table
"$py" - "$out" $threads_list <<'PY'
import json, sys, os
out, threads = sys.argv[1], sys.argv[2:]
higher = ("_gflops", "_images_per_s")              # bigger is better; everything else is a time or a ratio of times
rows = {}
for t in threads:
    s = json.load(open(os.path.join(out, f"secateur_t{t}.json")))
    p = json.load(open(os.path.join(out, f"torch_t{t}.json")))
    for k, v in p.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool) and k in s and k != "threads":
            rows.setdefault(k, {})[t] = (s[k], v)
    rows.setdefault("_meta", {})[t] = (s, p)
print("Secateur vs PyTorch {} ({}), same machine, same thread counts".format(
    rows["_meta"][threads[0]][1]["engine"], rows["_meta"][threads[0]][1].get("blas", "?").split(";")[-1]))
print("speed-up = how many times faster Secateur is (PyTorch time / Secateur time, or Secateur rate / PyTorch rate)")
print()
head = "| measurement | " + " | ".join(f"Secateur {t}t | PyTorch {t}t | speed-up {t}t" for t in threads) + " |"
print(head)
print("|" + "---|" * (1 + 3 * len(threads)))
def fmt(x):
    return f"{x:.0f}" if abs(x) >= 1000 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.3f}"
for k in sorted(k for k in rows if k != "_meta"):
    cells = []
    for t in threads:
        if t not in rows[k]:
            cells += ["", "", ""]
            continue
        s, p = rows[k][t]
        if k.endswith("_ratio"):
            speed = ""          # a ratio of two times of the same engine: compare the values themselves
        else:
            speed = f"{(s / p if k.endswith(higher) else p / s):.2f}x" if s and p else ""
        cells += [fmt(s), fmt(p), speed]
    print(f"| {k} | " + " | ".join(cells) + " |")
for t in threads:
    s, p = rows["_meta"][t]
    print(f"\n{t} thread(s): Secateur peak {s.get('fma_peak_gflops', float('nan')):.0f} GFLOPS (1 thread "
          f"{s.get('fma_peak_gflops_1t', float('nan')):.0f}; {s.get('fma_peak_end_gflops', float('nan')):.0f} at the "
          f"end of the run); load average {s.get('load_average_before')} -> "
          f"{s.get('load_average_after')}; PyTorch BLAS {p.get('blas')} (OPENBLAS_CORETYPE={p.get('openblas_coretype') or 'auto'})")
    if "gemm_1024_independent_gflops" in s:
        print(f"  SGEMM 1024³ on {t} threads: {s['gemm_1024_gflops']:.0f} GFLOPS, {s['gemm_1024_scaling']:.2f}x its "
              f"1-thread figure in the same process; {t} independent 1-thread SGEMMs at once: "
              f"{s['gemm_1024_independent_gflops']:.0f} GFLOPS together")
PY
