#!/usr/bin/env bash
# bench/run.sh — builds the benchmarks, runs the JMH benchmarks and whole-process `txc run` timings of dlogistic
# over 4000x4000 f64, and prints one markdown report (also saved under bench/target/).
#
# Usage: bench/run.sh [--quick | --full] [options] [-- JMH options, which replace the mode's JMH settings]
#   --quick          1 fork, 2 warm-up + 3 measured iterations of 1 s, 5 whole-process runs (default; ~8 min)
#   --full           the annotations' settings (2 forks, 3 + 5 iterations of 2 s), 10 whole-process runs (~20 min)
#   --no-build       use bench/target/benchmarks.jar as it is
#   --no-jmh         skip the JMH benchmarks
#   --no-kernels     skip KernelBench (single-thread loop bodies)
#   --no-gc          skip the -prof gc run (allocation per call)
#   --no-e2e         skip the whole-process timings
#   --cli bin|jar    whole-process timings through bin/txc (default) or `java -cp benchmarks.jar dev.txc.driver.Main`
#                    (the same CLI and classes, without bin/txc's staleness check)
#   --peers          also run shared/bench-peers' Java and C dlogistic loops on this machine (needs gcc for C)
#   --wait-idle S    before each block wait up to S seconds for the machine to be idle (default 300; 0: don't)
# Environment: BENCH_MVN_ARGS (e.g. -o), PEERS_DIR (default ../shared/bench-peers next to the repository),
#              BENCH_LABEL (what to call the measured txc in the report; default: the git commit).
set -uo pipefail

root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
mode=quick build=1 jmh=1 kernels=1 gc=1 e2e=1 peers=0 cli=bin wait_idle=300
jmh_extra=()
while (($#)); do
    case $1 in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --no-build) build=0 ;;
        --no-jmh) jmh=0 ;;
        --no-kernels) kernels=0 ;;
        --no-gc) gc=0 ;;
        --no-e2e) e2e=0 ;;
        --peers) peers=1 ;;
        --cli) cli=${2:?--cli needs bin or jar}; shift ;;
        --wait-idle) wait_idle=${2:?--wait-idle needs seconds}; shift ;;
        --) shift; jmh_extra=("$@"); break ;;
        -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# ---- JDK 25+, as bin/txc finds it
java_major() { sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
jdk=""
if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java && $(java_major "$JAVA_HOME") -ge 25 ]] 2>/dev/null; then jdk=$JAVA_HOME; fi
if [[ -z $jdk ]]; then
    for d in /usr/lib/jvm/*25*; do [[ -x $d/bin/java ]] && jdk=$d && break; done
fi
[[ -n $jdk ]] || { echo "run.sh: needs JDK 25 or newer (set JAVA_HOME)" >&2; exit 2; }
java="$jdk/bin/java"
jar="$root/bench/target/benchmarks.jar"
work="$root/bench/target/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$work"
report="$work/report.md"

log() { printf '[run.sh] %s\n' "$*" >&2; }

# ---- wait for an idle machine: busy share of all cores over 2 s, from /proc/stat
busy_pct() {
    local a b
    read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat
    sleep 2
    read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat
    a=$((a1 + a2 + a3 + a6 + a7 + a8)); b=$((b1 + b2 + b3 + b6 + b7 + b8))
    local ta=$((a + a4 + a5)) tb=$((b + b4 + b5))
    echo $(((b - a) * 100 / ((tb - ta) > 0 ? (tb - ta) : 1)))
}
quiet() { # block name
    local waited=0 pct
    pct=$(busy_pct)
    while ((pct > 25 && waited < wait_idle)); do
        ((waited == 0)) && log "machine busy (${pct}% of $(nproc) cores); waiting up to ${wait_idle}s before $1"
        sleep 10; waited=$((waited + 12)); pct=$(busy_pct)
    done
    log "$1: machine ${pct}% busy before the block (load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "- $1: started at $(date +%H:%M:%S), other load ${pct}% of all cores, loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/conditions.md"
}

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
report_java() { "$java" --enable-native-access=ALL-UNNAMED -Dreport.out="$1" -cp "$jar" dev.txc.bench.Report "${@:2}"; }

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

if ((jmh)); then
    quiet "JMH DLogisticBench"
    report_java "$work/jmh.md" DLogisticBench "${jmh_opts[@]}" "${jmh_extra[@]}" | tee "$work/jmh.log" >&2
    { echo "## JMH: time per call (ms), median over all measured iterations"; echo; cat "$work/jmh.md"; echo; } >>"$report"
fi

if ((kernels)); then
    quiet "JMH KernelBench"
    report_java "$work/kernels.md" KernelBench "${jmh_opts[@]}" "${jmh_extra[@]}" | tee "$work/kernels.log" >&2
    { echo "## JMH: loop bodies on one thread, preallocated output (ms per 16M elements)"; echo
      cat "$work/kernels.md"; echo; } >>"$report"
fi

if ((gc)); then
    quiet "JMH -prof gc"
    report_java "$work/gc.md" 'DLogisticBench.txc$' -p optLevel=0,1,2 -prof gc -f 1 -wi 1 -i 2 -w 1 -r 1 | tee "$work/gc.log" >&2
    { echo "## Allocation per call (-prof gc, gc.alloc.rate.norm; one 4000x4000 f64 array is 128 MB)"; echo
      sed -n '/^| benchmark/,/^$/p' "$work/gc.md"; echo; } >>"$report"
fi

if ((e2e)); then
    if [[ $cli == bin ]]; then
        txc=("$root/bin/txc")
        "${txc[@]}" --help >/dev/null 2>&1 # builds the CLI now if it is stale, not inside a timed run
    else
        txc=("$java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.txc.driver.Main)
    fi
    ex="$root/examples/tutorial.tx"
    names=() cmds=()
    add() { names+=("$1"); cmds+=("${txc[*]} run $ex --fn dlogistic $2"); }
    # Names without commas: they become CSV fields.
    add "startup (2x2 input)" "--arg x=randn:2x2"
    for l in 0 1 2; do
        add "opt-level $l 4000x4000 x1" "--arg x=randn:4000x4000 --opt-level $l"
        add "opt-level $l 4000x4000 x11" "--arg x=randn:4000x4000 --opt-level $l --repeat 11"
    done
    quiet "whole-process timings"
    csv="$work/e2e.csv"
    if command -v hyperfine >/dev/null 2>&1; then
        args=()
        for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
        hyperfine -N --warmup 1 --runs "$runs" --export-csv "$csv" --output=null "${args[@]}" >&2 || log "hyperfine failed"
        tool="hyperfine $(hyperfine --version | cut -d' ' -f2), $runs runs + 1 warm-up"
    else
        echo "command,mean,stddev,median,user,system,min,max" >"$csv"
        for i in "${!names[@]}"; do
            ts=()
            # shellcheck disable=SC2086 # the command is a list of words
            ${cmds[$i]} >/dev/null 2>&1 # warm-up
            for ((r = 0; r < runs; r++)); do
                t0=$(date +%s%N)
                # shellcheck disable=SC2086
                ${cmds[$i]} >/dev/null 2>&1
                ts+=("$((($(date +%s%N) - t0) / 1000))")
            done
            mapfile -t sorted < <(printf '%s\n' "${ts[@]}" | sort -n)
            echo "${names[$i]},0,0,$(awk "BEGIN{print ${sorted[$((runs / 2))]}/1e6}"),0,0,$(awk "BEGIN{print ${sorted[0]}/1e6}"),$(awk "BEGIN{print ${sorted[$((runs - 1))]}/1e6}")" >>"$csv"
        done
        tool="a bash loop, $runs runs + 1 warm-up (no hyperfine)"
    fi
    {
        echo "## Whole process: \`txc run examples/tutorial.tx --fn dlogistic\` ($tool, through $cli)"
        echo
        echo "Each run generates its randn input, compiles, calls and prints a summary. x1/x11: one call or \`--repeat 11\`; per-call cost = (x11 - x1) / 10."
        echo
        echo "| case | median s | min-max s |"
        echo "|---|---:|---:|"
        # hyperfine's CSV: command,mean,stddev,median,user,system,min,max[,parameters]
        awk -F, 'NR > 1 {printf "| %s | %.3f | %.3f-%.3f |\n", $1, $4, $7, $8}' "$csv"
        echo
        echo "| pipeline | whole process, 1 call (s) | per extra call (ms) | vs C fast-math 13.9 ms | vs NumPy 170 ms | vs torch 123 ms |"
        echo "|---|---:|---:|---:|---:|---:|"
        for l in 0 1 2; do
            awk -F, -v l="$l" '
                $1 == "opt-level " l " 4000x4000 x1" {one = $4}
                $1 == "opt-level " l " 4000x4000 x11" {eleven = $4}
                END {per = (eleven - one) / 10 * 1000
                     printf "| txc --opt-level %s | %.2f | %.0f | %.1fx | %.2fx | %.2fx |\n", l, one, per, per / 13.9, per / 170, per / 123}' "$csv"
        done
        echo
    } >>"$report"
fi

if ((peers)); then
    pdir=${PEERS_DIR:-$root/../shared/bench-peers}
    if [[ -f $pdir/DLogistic.java ]]; then
        quiet "peer loops"
        mkdir -p "$work/peers"
        {
            echo "## Peers run on this machine now (shared/bench-peers sources, median of 11)"
            echo
            echo '```'
            "$java" -Xms2g -Xmx2g "$pdir/DLogistic.java" 11 2>&1
            "$java" --add-modules jdk.incubator.vector -Xms2g -Xmx2g "$pdir/DLogisticVec.java" 11 2>&1 | grep -v 'incubator modules'
            if command -v gcc >/dev/null 2>&1; then
                gcc -O3 -march=native -fopenmp -DVARIANT='"strict"' "$pdir/dlogistic.c" -o "$work/peers/strict" -lm &&
                    OMP_NUM_THREADS=$(nproc) "$work/peers/strict" 11
                gcc -O3 -march=native -ffast-math -fopenmp -DVARIANT='"fast"' "$pdir/dlogistic.c" -o "$work/peers/fast" -lm &&
                    OMP_NUM_THREADS=$(nproc) "$work/peers/fast" 11
            fi
            echo '```'
            echo
        } >>"$report" 2>&1
    else
        log "no peers at $pdir (set PEERS_DIR)"
    fi
fi

{ echo "## Conditions"; echo; cat "$work/conditions.md" 2>/dev/null; } >>"$report"
cat "$report"
log "report saved to $report"
