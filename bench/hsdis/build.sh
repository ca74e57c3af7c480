#!/usr/bin/env bash
# Builds a HotSpot disassembler plugin for JDK 25 from Debian's libhsdis0-fcml, so that -XX:+PrintAssembly and
# -XX:CompileCommand=print,CLASS::METHOD show the machine code C2 made (to check a kernel's loop for spills, bounds
# checks or Vector API calls that were not intrinsified).
#
#   bench/hsdis/build.sh            # writes bench/hsdis/target/hsdis-amd64.so (needs apt-get download and gcc)
#   LD_LIBRARY_PATH=bench/hsdis/target java -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,UK::k58 ...
#
# Debian's plugin exports only the old entry point, decode_instructions; JDK 25 looks up decode_instructions_virtual,
# so a shim of a few lines forwards one to the other. FCML stops ("Disassembling failed") at some AVX2 instructions
# C2 emits; what comes before them is printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/target
mkdir -p "$out/deb"
cd "$out/deb"
apt-get download libhsdis0-fcml libfcml0 >/dev/null
for d in *.deb; do dpkg-deb -x "$d" "$out/root"; done
lib=$out/root/usr/lib/x86_64-linux-gnu
cat > "$out/shim.c" <<'C'
#include <stdint.h>
typedef void* (*event_cb)(void*, const char*, void*);
typedef int (*printf_cb)(void*, const char*, ...);
extern void* decode_instructions(void* start, void* end, event_cb e, void* es, printf_cb p, void* ps, const char* options);
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
                                  event_cb e, void* es, printf_cb p, void* ps, const char* options, int newline) {
  (void) start_va; (void) end_va; (void) newline;
  return decode_instructions((void*) buffer, (void*) (buffer + length), e, es, p, ps, options);
}
C
gcc -shared -fPIC -o "$out/hsdis-amd64.so" "$out/shim.c" -L"$lib" -l:libhsdis.so.0 -Wl,--disable-new-dtags,-rpath,"$lib"
echo "built $out/hsdis-amd64.so; use LD_LIBRARY_PATH=$out"
