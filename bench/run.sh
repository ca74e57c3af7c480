#!/usr/bin/env bash
# bench/run.sh — builds the benchmarks, runs the peers' dlogistic loops, the JMH benchmarks and whole-process
# `txc run` timings of dlogistic over 4000x4000 f64, and prints one markdown report (also saved under bench/target/).
#
# Usage: bench/run.sh [--quick | --full] [options] [-- JMH options, which replace the mode's JMH settings]
#   --quick          1 fork, 2 warm-up + 3 measured iterations of 1 s, 5 whole-process runs (default; ~10 min idle)
#   --full           the annotations' settings (2 forks, 3 + 5 iterations of 2 s), 10 whole-process runs (~20 min idle)
#   --no-build       use bench/target/benchmarks.jar as it is
#   --no-peers       compare with the figures of shared/bench-peers/README.md instead of running the peers'
#                    C, Java and (when python3 has numpy) NumPy dlogistic and STREAM triad here; their machine
#                    may be faster or slower than this one
#   --no-jmh         skip DLogisticBench
#   --no-kernels     skip KernelBench (single-thread loop bodies)
#   --no-gc          skip the -prof gc run (allocation per call)
#   --no-e2e         skip the whole-process timings
#   --cli bin|jar    whole-process timings through bin/txc (default) or `java -cp benchmarks.jar dev.txc.driver.Main`
#                    (the same CLI and classes, without bin/txc's staleness check)
#   --wait-idle S    wait up to S seconds for an idle machine before each measurement (default 180; 0: don't)
# Each measurement runs when the machine is idle and is repeated (3 tries at most) when other processes used
# more than 10% of the CPUs meanwhile; the least disturbed try is kept and the report says how disturbed it was.
# Environment: BENCH_MVN_ARGS (e.g. -o), PEERS_DIR (default ../shared/bench-peers next to the repository),
#              BENCH_LABEL (what to call the measured txc in the report; default: the git commit),
#              BENCH_PYTHON (a python with numpy for the NumPy peer; default python3).
set -uo pipefail

root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
mode=quick build=1 peers=1 jmh=1 kernels=1 gc=1 e2e=1 cli=bin wait_idle=180
jmh_extra=()
while (($#)); do
    case $1 in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --no-build) build=0 ;;
        --no-peers) peers=0 ;;
        --no-jmh) jmh=0 ;;
        --no-kernels) kernels=0 ;;
        --no-gc) gc=0 ;;
        --no-e2e) e2e=0 ;;
        --cli) cli=${2:?--cli needs bin or jar}; shift ;;
        --wait-idle) wait_idle=${2:?--wait-idle needs seconds}; shift ;;
        --) shift; jmh_extra=("$@"); break ;;
        -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# ---- JDK 25+, as bin/txc finds it
java_major() { sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
jdk=""
if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && (($(java_major "$JAVA_HOME") >= 25)) 2>/dev/null; then jdk=$JAVA_HOME; fi
if [[ -z $jdk ]]; then
    for d in /usr/lib/jvm/*25*; do [[ -x $d/bin/java ]] && jdk=$d && break; done
fi
[[ -n $jdk ]] || { echo "run.sh: needs JDK 25 or newer (set JAVA_HOME)" >&2; exit 2; }
java="$jdk/bin/java"
jar="$root/bench/target/benchmarks.jar"
work="$root/bench/target/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$work"
report="$work/report.md"
conditions="$work/conditions.md"

log() { printf '[run.sh] %s\n' "$*" >&2; }

# ---- quiet machine: busy and total jiffies of all CPUs from /proc/stat
jiffies() { # -> "busy total"
    local _ u n s i w q sq st
    read -r _ u n s i w q sq st _ </proc/stat
    echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))"
}
busy_pct() { # busy share of all CPUs over 1 s
    local b0 t0 b1 t1
    read -r b0 t0 < <(jiffies); sleep 1; read -r b1 t1 < <(jiffies)
    echo $(((b1 - b0) * 100 / ((t1 - t0) > 0 ? (t1 - t0) : 1)))
}
wait_quiet() { # 3 consecutive idle seconds (< 10% busy), or wait_idle seconds
    local start=$SECONDS ok=0
    while ((ok < 3 && SECONDS - start < wait_idle)); do
        if (($(busy_pct) < 10)); then ok=$((ok + 1)); else ok=0; fi
    done
}
children_jiffies() { # CPU time of this shell's finished children, in jiffies (the `times` builtin's second line)
    times >"$work/.times" # in this shell: inside $(...) or a pipe it would describe a subshell
    sed -n 2p "$work/.times" | awk -v hz="$(getconf CLK_TCK)" '{
        t = 0
        for (k = 1; k <= 2; k++) { split($k, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
        printf "%d\n", t * hz }'
}
# quiet_run LABEL OUTFILE CMD...: runs CMD (stdout+stderr to OUTFILE) on an idle machine, up to 3 times while
# other processes use more than 10% of the CPUs during the run; keeps the least disturbed output.
quiet_run() {
    local label=$1 out=$2 best=101 try b0 t0 c0 b1 t1 c1 other
    shift 2
    for try in 1 2 3; do
        wait_quiet
        read -r b0 t0 < <(jiffies); children_jiffies >"$work/.c0"
        "$@" >"$out.try" 2>&1
        read -r b1 t1 < <(jiffies); children_jiffies >"$work/.c1"
        c0=$(<"$work/.c0") c1=$(<"$work/.c1")
        other=$((((b1 - b0) - (c1 - c0)) * 100 / ((t1 - t0) > 0 ? (t1 - t0) : 1)))
        ((other < 0)) && other=0
        if ((other < best)); then best=$other; mv -f "$out.try" "$out"; else rm -f "$out.try"; fi
        ((best <= 10)) && break
        log "$label: other processes used ${other}% of the CPUs; measuring again"
    done
    log "$label: done (other processes ${best}%, try $try)"
    echo "| $label | $(date +%H:%M:%S) | $best% | $try |" >>"$conditions"
}
echo "| measurement | ended | CPU used by other processes | try |" >"$conditions"
echo "|---|---|---:|---:|" >>"$conditions"

# ---- build
if ((build)); then
    log "building bench/ and what it needs (mvn package)"
    # shellcheck disable=SC2086 # BENCH_MVN_ARGS is a list of words
    (cd "$root" && JAVA_HOME="$jdk" PATH="$jdk/bin:$PATH" MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" \
        mvn -q -B package -Dmaven.test.skip=true -pl bench -am ${BENCH_MVN_ARGS:-}) || { log "build failed"; exit 3; }
fi
[[ -f $jar ]] || { log "no $jar: build first (drop --no-build)"; exit 3; }

if [[ $mode == quick ]]; then jmh_opts=(-f 1 -wi 2 -i 3 -w 1 -r 1); runs=5; else jmh_opts=(); runs=10; fi
((${#jmh_extra[@]})) && jmh_opts=() # extra JMH options replace the mode's iteration settings

{
    echo "# dlogistic 4000x4000 f64: txc against hand-written loops and peers"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), mode: $mode"
    echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM"
    echo "- JDK: $("$java" -version 2>&1 | head -1)"
    if [[ -n ${BENCH_LABEL:-} ]]; then echo "- txc: $BENCH_LABEL"
    else echo "- txc: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"; fi
    echo
} >"$report"

# ---- peers on this machine: STREAM triad (memory floor), the C loops, the Java loops
peer_list="" # name:ms,... for Report; empty means the README figures
if ((peers)); then
    pdir=${PEERS_DIR:-$root/../shared/bench-peers}
    if [[ -f $pdir/dlogistic.c && -f $pdir/stream.c ]] && command -v gcc >/dev/null 2>&1; then
        p="$work/peers"
        mkdir -p "$p"
        gcc -O3 -march=native -fopenmp "$pdir/stream.c" -o "$p/stream" &&
            gcc -O3 -march=native -fopenmp -DVARIANT='"strict"' "$pdir/dlogistic.c" -o "$p/strict" -lm &&
            gcc -O3 -march=native -ffast-math -fopenmp -DVARIANT='"fast"' "$pdir/dlogistic.c" -o "$p/fast" -lm ||
            { log "cannot build the C peers"; exit 3; }
        quiet_run "peer: STREAM, $(nproc) threads" "$p/stream.txt" env OMP_NUM_THREADS="$(nproc)" "$p/stream" 20
        quiet_run "peer: C loop, strict" "$p/strict.txt" "$p/strict" 11
        quiet_run "peer: C loop, -ffast-math" "$p/fast.txt" "$p/fast" 11
        quiet_run "peer: Java loop" "$p/java.txt" "$java" -Xms2g -Xmx2g "$pdir/DLogistic.java" 11
        quiet_run "peer: Java Vector API loop" "$p/vector.txt" "$java" --add-modules jdk.incubator.vector -Xms2g -Xmx2g "$pdir/DLogisticVec.java" 11
        numpy=""
        py=${BENCH_PYTHON:-python3}
        if [[ -f $pdir/bench_py.py ]] && "$py" -c 'import numpy' 2>/dev/null; then
            mkdir -p "$p/py" && cp "$pdir/bench_py.py" "$pdir/quiet.py" "$pdir/probe.c" "$p/py/"
            # run.sh watches for contention itself; the script's own speed probe expects the peers' faster machine
            quiet_run "peer: NumPy" "$p/numpy.txt" env BENCH_PROBE_REF=1 "$py" "$p/py/bench_py.py" --no-torch dlogistic
            numpy=$(awk '/naive s=1/ && /float64/ {for (k = 2; k <= NF; k++) if ($k == "ms") {print $(k - 1); exit}}' "$p/numpy.txt")
        fi
        # median ms of the f64 row with the given thread count (column 4 of the C and Java tables)
        med() { awk -v t="$2" '$2 == "float64" && $3 == t {print $4; exit} $3 == "float64" && $4 == t {print $5; exit}
                               $4 == "float64" && $5 == t {print $6; exit}' "$1"; }
        triad=$(awk '/^triad a=b\+s\*c/ {print $5}' "$p/stream.txt")
        nt=$(nproc)
        floor=$(awk -v g="$triad" 'BEGIN { if (g > 0) printf "%.1f", 256e6 / (g * 1e9) * 1e3 }')
        peer_list="memory floor:$floor,C fast-math:$(med "$p/fast.txt" "$nt"),Vector API:$(med "$p/vector.txt" "$nt"),C 1 thread:$(med "$p/fast.txt" 1),plain Java:$(med "$p/java.txt" "$nt")${numpy:+,NumPy:$numpy}"
        {
            echo "## Peers on this machine (shared/bench-peers sources, f64, median of 11)"
            echo
            echo "STREAM triad $triad GB/s with $nt threads: memory floor for 16 B/element = 256 MB / triad = $floor ms."
            echo
            echo "| peer | $nt threads ms | 1 thread ms | figure in bench-peers/README.md |"
            echo "|---|---:|---:|---:|"
            echo "| C -O3 -march=native -ffast-math (libmvec exp) | $(med "$p/fast.txt" "$nt") | $(med "$p/fast.txt" 1) | 13.9 / 27.4 |"
            echo "| C -O3 -march=native (scalar glibc exp) | $(med "$p/strict.txt" "$nt") | $(med "$p/strict.txt" 1) | - |"
            echo "| Java Vector API (SVML exp) | $(med "$p/vector.txt" "$nt") | $(med "$p/vector.txt" 1) | 20.1 |"
            echo "| plain Java (Math.exp) | $(med "$p/java.txt" "$nt") | $(med "$p/java.txt" 1) | 65 |"
            [[ -n $numpy ]] && echo "| NumPy naive s=1/(1+exp(-x)); s*(1-s) (one thread) | | $numpy | 170-186 |"
            echo "| memory floor (16 B/element at triad bandwidth) | $floor | | 9.8 |"
            echo
        } >>"$report"
        [[ $peer_list == *::* || $peer_list == *:, || $peer_list == *: ]] && { log "could not parse every peer result; using README figures"; peer_list=""; }
    else
        log "no peer sources at $pdir or no gcc: comparing with the README figures (set PEERS_DIR)"
    fi
fi

report_java() { # OUTFILE ARGS...: runs Report (JMH + markdown table) with the peer figures
    "$java" --enable-native-access=ALL-UNNAMED -Dreport.out="$1" -Dreport.peers="$peer_list" -cp "$jar" dev.txc.bench.Report "${@:2}"
}
# jmh_block TITLE NAME PATTERN...: one quiet JMH run per pattern, rows merged into one table
jmh_block() {
    local title=$1 name=$2 k=0 pat
    shift 2
    for pat in "$@"; do
        k=$((k + 1))
        # shellcheck disable=SC2086 # a pattern carries its -p options
        quiet_run "JMH $pat" "$work/$name.$k.log" report_java "$work/$name.$k.md" $pat "${jmh_opts[@]}" "${jmh_extra[@]}"
    done
    {
        echo "## $title"
        echo
        sed -n '/^| benchmark/,/^|---/p' "$work/$name.1.md"
        cat "$work/$name".*.md | grep -E '^\| [A-Za-z]+Bench\.'
        echo
        grep -h -m1 '^Ratios' "$work/$name.1.md"
        echo
    } >>"$report"
}

if ((jmh)); then
    jmh_block "JMH DLogisticBench: ms per call, median over all measured iterations" dlogistic \
        "DLogisticBench.txc$ -p optLevel=0" "DLogisticBench.txc$ -p optLevel=1" "DLogisticBench.txc$ -p optLevel=2" \
        "DLogisticBench.javaNaive1T$" "DLogisticBench.javaNaivePar$" "DLogisticBench.javaTwoSigmoidsPar$" \
        "DLogisticBench.javaExpOncePar$" "DLogisticBench.vectorExpOncePar$" "DLogisticBench.vectorExpOnceParInto$"
    { echo "## Bytes moved per element (counted from the lowered IR)"; echo
      "$java" -cp "$jar" dev.txc.bench.Report --traffic; echo; } >>"$report"
fi

if ((kernels)); then
    jmh_block "JMH KernelBench: loop bodies on one thread into a preallocated array (ms per 16M elements)" kernels \
        "KernelBench.copy$" "KernelBench.naive$" "KernelBench.twoSigmoids$" "KernelBench.twoSigmoidsSelect$" \
        "KernelBench.expOnce$" "KernelBench.expOnceVector$"
fi

if ((gc)); then
    quiet_run "JMH -prof gc" "$work/gc.log" report_java "$work/gc.md" 'DLogisticBench.txc$' -p optLevel=0,1,2 -prof gc -f 1 -wi 1 -i 2 -w 1 -r 1
    { echo "## Allocation per call (JMH -prof gc, gc.alloc.rate.norm; one 4000x4000 f64 array is 128 MB)"; echo
      echo "| benchmark | alloc MB/call |"; echo "|---|---:|"
      grep -E '^\| DLogisticBench' "$work/gc.md" | awk -F'|' '{printf "|%s|%s|\n", $2, $(NF-1)}'; echo; } >>"$report"
fi

if ((e2e)); then
    if [[ $cli == bin ]]; then
        txc=("$root/bin/txc")
        "${txc[@]}" --help >/dev/null 2>&1 # builds the CLI now if it is stale, not inside a timed run
    else
        txc=("$java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.txc.driver.Main)
    fi
    ex="$root/examples/tutorial.tx"
    csv="$work/e2e.csv"
    echo "command,mean,stddev,median,user,system,min,max" >"$csv"
    # e2e NAME ARGS: one case, timed with hyperfine when present, else a shell loop; appends a CSV row
    e2e_case() {
        local name=$1 cmd="${txc[*]} run $ex --fn dlogistic $2"
        if command -v hyperfine >/dev/null 2>&1; then
            quiet_run "txc run: $name" "$work/e2e.log" hyperfine -N --warmup 1 --runs "$runs" --output=null \
                --export-csv "$work/e2e.part.csv" -n "$name" "$cmd"
            tail -n +2 "$work/e2e.part.csv" | cut -d, -f1-8 >>"$csv"
        else
            quiet_run "txc run: $name" "$work/e2e.part" bash -c '
                cmd=$1 runs=$2; $cmd >/dev/null 2>&1; for ((r = 0; r < runs; r++)); do
                t0=$(date +%s%N); $cmd >/dev/null 2>&1; echo $((($(date +%s%N) - t0) / 1000)); done | sort -n' _ "$cmd" "$runs"
            awk -v n="$name" '{t[NR] = $1 / 1e6} END {printf "%s,0,0,%f,0,0,%f,%f\n", n, t[int((NR + 1) / 2)], t[1], t[NR]}' "$work/e2e.part" >>"$csv"
        fi
    }
    e2e_case "startup (2x2 input)" "--arg x=randn:2x2"
    for l in 0 1 2; do
        e2e_case "opt-level $l 4000x4000 x1" "--arg x=randn:4000x4000 --opt-level $l"
        e2e_case "opt-level $l 4000x4000 x11" "--arg x=randn:4000x4000 --opt-level $l --repeat 11"
    done
    tool=$(command -v hyperfine >/dev/null 2>&1 && echo "hyperfine $(hyperfine --version | cut -d' ' -f2)" || echo "a shell loop")
    c_fast=$(sed -n 's/.*C fast-math:\([0-9.]*\).*/\1/p' <<<"$peer_list"); c_fast=${c_fast:-13.9}
    np_ms=$(sed -n 's/.*NumPy:\([0-9.]*\).*/\1/p' <<<"$peer_list"); np_where="this machine"
    [[ -z $np_ms ]] && np_ms=170 np_where="README"
    {
        echo "## Whole process: \`txc run examples/tutorial.tx --fn dlogistic\` ($tool, $runs runs + 1 warm-up, through $cli)"
        echo
        echo "Each run generates its randn input, compiles, calls and prints a summary. x1/x11: one call or"
        echo "\`--repeat 11\`; the cost of one more call in a real process = (x11 - x1) / 10."
        echo
        echo "| case | median s | min-max s |"
        echo "|---|---:|---:|"
        awk -F, 'NR > 1 {printf "| %s | %.3f | %.3f-%.3f |\n", $1, $4, $7, $8}' "$csv"
        echo
        echo "| pipeline | whole process, 1 call (s) | per extra call (ms) | / C fast-math $c_fast ms | / NumPy $np_ms ms ($np_where) | / torch 123 ms (README) |"
        echo "|---|---:|---:|---:|---:|---:|"
        for l in 0 1 2; do
            awk -F, -v l="$l" -v c="$c_fast" -v np="$np_ms" '
                $1 == "opt-level " l " 4000x4000 x1" {one = $4}
                $1 == "opt-level " l " 4000x4000 x11" {eleven = $4}
                END {per = (eleven - one) / 10 * 1000
                     printf "| txc --opt-level %s | %.2f | %.0f | %.1f | %.2f | %.2f |\n", l, one, per, per / c, per / np, per / 123}' "$csv"
        done
        echo
    } >>"$report"
fi

{ echo "## Conditions (each measurement waited for an idle machine)"; echo; cat "$conditions"; } >>"$report"
cat "$report"
log "report saved to $report"
