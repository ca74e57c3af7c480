#!/usr/bin/env bash
# bench/startup.sh — wall-clock medians of whole `bin/txc run examples/logistic.tx --fn train` processes (with the
# AOT cache, and with TXC_AOT=0) beside `python3 -c "import numpy"`, interleaved round by round so that the load
# of the machine falls on all alike. Makes the build and the cache first (untimed).
#
# Usage: bench/startup.sh [ROUNDS]  (default 9)      Extra commands to time: STARTUP_BEFORE='some command'
set -uo pipefail
root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root" || exit 2
rounds=${1:-9}
names=(txc txc-TXC_AOT=0 numpy)
[[ -n ${STARTUP_BEFORE:-} ]] && names=(before "${names[@]}")
run() {
    case $1 in
        before) bash -c "$STARTUP_BEFORE" ;;
        txc) bin/txc run examples/logistic.tx --fn train ;;
        txc-TXC_AOT=0) TXC_AOT=0 bin/txc run examples/logistic.tx --fn train ;;
        numpy) python3 -c 'import numpy' ;;
    esac >/dev/null 2>&1
}
bin/txc run examples/logistic.tx --fn train >/dev/null || exit 1
python3 -c 'import numpy' 2>/dev/null || { echo "numpy is not installed: its row is skipped" >&2; names=("${names[@]/numpy}"); }
declare -A ms
for ((i = 0; i < rounds; i++)); do
    for v in "${names[@]}"; do
        [[ -z $v ]] && continue
        s=$EPOCHREALTIME; run "$v"; e=$EPOCHREALTIME
        ms[$v]+="$(( (10#${e/./} - 10#${s/./}) / 1000 )) "
    done
done
printf '%s, %s rounds, load average %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${names[@]}"; do
    [[ -z $v ]] && continue
    med=$(tr ' ' '\n' <<<"${ms[$v]}" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    printf '%-16s median %6d ms   (%s)\n' "$v" "$med" "${ms[$v]% }"
done
