package dev.txc.cuda.sim;

import java.util.Map;

/** Hand-written PTX kernels that exercise the simulator; each one also assembles with ptxas for sm_80. */
final class Kernels {
    private Kernels() {}

    static final String HEADER = ".version 8.0\n.target sm_80\n.address_size 64\n\n";

    /** y[i] = fma(a, x[i], y[i]) over a grid-stride loop, f32. */
    static final String SAXPY = HEADER + """
            .visible .entry saxpy(
                .param .u64 .ptr.global.align 16 x_ptr,
                .param .u64 .ptr.align 4 y_ptr,
                .param .u64 n,
                .param .f32 a
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<5>;
                .reg .f32 %f<5>;
                .reg .b64 %rd<10>;

                ld.param.u64 %rd1, [x_ptr];
                ld.param.u64 %rd2, [y_ptr];
                ld.param.u64 %rd3, [n];
                ld.param.f32 %f1, [a];
                cvta.to.global.u64 %rd1, %rd1;
                cvta.to.global.u64 %rd2, %rd2;
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                cvt.u64.u32 %rd4, %r4;
                mov.u32 %r1, %nctaid.x;
                mul.wide.u32 %rd5, %r1, %r2;
                setp.ge.u64 %p1, %rd4, %rd3;
                @%p1 bra DONE;
            LOOP:
                shl.b64 %rd6, %rd4, 2;
                add.s64 %rd7, %rd1, %rd6;
                add.s64 %rd8, %rd2, %rd6;
                ld.global.nc.f32 %f2, [%rd7];
                ld.global.f32 %f3, [%rd8];
                fma.rn.f32 %f4, %f1, %f2, %f3;
                st.global.f32 [%rd8], %f4;
                add.s64 %rd4, %rd4, %rd5;
                setp.lt.u64 %p1, %rd4, %rd3;
                @%p1 bra LOOP;
            DONE:
                ret;
            }
            """;

    /** out[row] = the sum of the row: strided partial sums per thread, then a shared-memory tree (128 threads). */
    static final String ROWSUM = HEADER + """
            .visible .entry rowsum(.param .u64 x, .param .u64 out, .param .u64 cols)
            {
                .reg .pred %p<4>;
                .reg .b32 %r<12>;
                .reg .f64 %fd<6>;
                .reg .b64 %rd<12>;
                .shared .align 8 .b8 sh[1024];

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [out];
                ld.param.u64 %rd3, [cols];
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                cvt.u64.u32 %rd4, %r2;
                mul.lo.s64 %rd5, %rd4, %rd3;
                shl.b64 %rd5, %rd5, 3;
                add.s64 %rd5, %rd1, %rd5;
                mov.f64 %fd1, 0d0000000000000000;
                cvt.u64.u32 %rd6, %r1;
                cvt.u64.u32 %rd7, %r3;
                setp.ge.u64 %p1, %rd6, %rd3;
                @%p1 bra STORE;
            ACC:
                shl.b64 %rd8, %rd6, 3;
                add.s64 %rd9, %rd5, %rd8;
                ld.global.f64 %fd2, [%rd9];
                add.rn.f64 %fd1, %fd1, %fd2;
                add.s64 %rd6, %rd6, %rd7;
                setp.lt.u64 %p1, %rd6, %rd3;
                @%p1 bra ACC;
            STORE:
                mov.u32 %r4, sh;
                shl.b32 %r5, %r1, 3;
                add.s32 %r6, %r4, %r5;
                st.shared.f64 [%r6], %fd1;
                bar.sync 0;
                shr.u32 %r7, %r3, 1;
            TREE:
                setp.eq.s32 %p2, %r7, 0;
                @%p2 bra WRITE;
                setp.ge.u32 %p3, %r1, %r7;
                @%p3 bra SKIP;
                shl.b32 %r8, %r7, 3;
                add.s32 %r9, %r6, %r8;
                ld.shared.f64 %fd3, [%r6];
                ld.shared.f64 %fd4, [%r9];
                add.rn.f64 %fd5, %fd3, %fd4;
                st.shared.f64 [%r6], %fd5;
            SKIP:
                barrier.sync.aligned 0;
                shr.u32 %r7, %r7, 1;
                bra.uni TREE;
            WRITE:
                setp.ne.s32 %p2, %r1, 0;
                @%p2 bra END;
                ld.shared.f64 %fd3, [sh];
                shl.b64 %rd10, %rd4, 3;
                add.s64 %rd11, %rd2, %rd10;
                st.global.f64 [%rd11], %fd3;
            END:
                ret;
            }
            """;

    /**
     * Warp collectives over x (f32, one per thread; threads past n read 0): down[w] = shfl.down tree sum of warp w,
     * bfly[i] = the butterfly all-reduce, scan[i] = inclusive prefix sum of (int) x by shfl.up, bcast[i] = lane 5's x
     * by shfl.idx, ballot[w] = the ballot of x > 0, anyall[w] = any | all << 1.
     */
    static final String WARP = HEADER + """
            .visible .entry warpops(.param .u64 x, .param .u64 n, .param .u64 down, .param .u64 bfly,
                                    .param .u64 scan, .param .u64 bcast, .param .u64 ballot, .param .u64 anyall)
            {
                .reg .pred %p<6>;
                .reg .b32 %r<30>;
                .reg .f32 %f<10>;
                .reg .b64 %rd<20>;

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [n];
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                cvt.u64.u32 %rd3, %r4;
                mov.f32 %f1, 0f00000000;
                setp.lt.u64 %p1, %rd3, %rd2;
                shl.b64 %rd4, %rd3, 2;
                add.s64 %rd5, %rd1, %rd4;
                @%p1 ld.global.f32 %f1, [%rd5];
                mov.u32 %r5, %laneid;
                shr.u32 %r6, %r4, 5;
                cvt.u64.u32 %rd6, %r6;

                // down-tree reduction
                mov.f32 %f2, %f1;
                mov.u32 %r7, 16;
            DOWN:
                mov.b32 %r8, %f2;
                shfl.sync.down.b32 %r9, %r8, %r7, 31, -1;
                mov.b32 %f3, %r9;
                add.rn.f32 %f2, %f2, %f3;
                shr.u32 %r7, %r7, 1;
                setp.ne.u32 %p2, %r7, 0;
                @%p2 bra.uni DOWN;
                setp.ne.u32 %p3, %r5, 0;
                @%p3 bra SKIPDOWN;
                ld.param.u64 %rd7, [down];
                shl.b64 %rd8, %rd6, 2;
                add.s64 %rd9, %rd7, %rd8;
                st.global.f32 [%rd9], %f2;
            SKIPDOWN:
                // butterfly all-reduce
                mov.f32 %f4, %f1;
                mov.b32 %r10, %f4;
                shfl.sync.bfly.b32 %r11, %r10, 1, 0x1f, 0xffffffff;
                mov.b32 %f5, %r11;
                add.rn.f32 %f4, %f4, %f5;
                mov.b32 %r10, %f4;
                shfl.sync.bfly.b32 %r11, %r10, 2, 0x1f, 0xffffffff;
                mov.b32 %f5, %r11;
                add.rn.f32 %f4, %f4, %f5;
                mov.b32 %r10, %f4;
                shfl.sync.bfly.b32 %r11, %r10, 4, 0x1f, 0xffffffff;
                mov.b32 %f5, %r11;
                add.rn.f32 %f4, %f4, %f5;
                mov.b32 %r10, %f4;
                shfl.sync.bfly.b32 %r11, %r10, 8, 0x1f, 0xffffffff;
                mov.b32 %f5, %r11;
                add.rn.f32 %f4, %f4, %f5;
                mov.b32 %r10, %f4;
                shfl.sync.bfly.b32 %r11, %r10, 16, 0x1f, 0xffffffff;
                mov.b32 %f5, %r11;
                add.rn.f32 %f4, %f4, %f5;
                ld.param.u64 %rd10, [bfly];
                add.s64 %rd11, %rd10, %rd4;
                st.global.f32 [%rd11], %f4;

                // inclusive scan of (int) x with shfl.up and its predicate
                cvt.rzi.s32.f32 %r12, %f1;
                mov.u32 %r13, 1;
            SCAN:
                shfl.sync.up.b32 %r14|%p4, %r12, %r13, 0, -1;
                @%p4 add.s32 %r12, %r12, %r14;
                shl.b32 %r13, %r13, 1;
                setp.lt.u32 %p2, %r13, 32;
                @%p2 bra.uni SCAN;
                ld.param.u64 %rd12, [scan];
                add.s64 %rd13, %rd12, %rd4;
                st.global.s32 [%rd13], %r12;

                // broadcast lane 5
                mov.b32 %r15, %f1;
                shfl.sync.idx.b32 %r16, %r15, 5, 31, -1;
                ld.param.u64 %rd14, [bcast];
                add.s64 %rd15, %rd14, %rd4;
                st.global.b32 [%rd15], %r16;

                // votes
                setp.gt.f32 %p5, %f1, 0f00000000;
                vote.sync.ballot.b32 %r17, %p5, -1;
                vote.sync.any.pred %p2, %p5, -1;
                vote.sync.all.pred %p3, %p5, -1;
                selp.u32 %r18, 1, 0, %p2;
                selp.u32 %r19, 2, 0, %p3;
                or.b32 %r18, %r18, %r19;
                setp.ne.u32 %p3, %r5, 0;
                @%p3 bra END;
                shl.b64 %rd8, %rd6, 2;
                ld.param.u64 %rd16, [ballot];
                add.s64 %rd17, %rd16, %rd8;
                st.global.u32 [%rd17], %r17;
                ld.param.u64 %rd16, [anyall];
                add.s64 %rd17, %rd16, %rd8;
                st.global.u32 [%rd17], %r18;
            END:
                ret;
            }
            """;

    /**
     * Atomics: bins[x & 15] counted in shared memory (atom.shared.add) and added to global bins (red.global.add);
     * maxv = max of (s32) x (atom.global.max.s32); fsum = sum of (float) x by a CAS loop (atom.global.cas.b32);
     * last = atom.global.exch.b32 of any thread's index (so some index < n); ticket: atom.global.inc.u32.
     */
    static final String ATOMICS = HEADER + """
            .visible .entry atomics(.param .u64 x, .param .u64 n, .param .u64 bins, .param .u64 maxv,
                                    .param .u64 fsum, .param .u64 last, .param .u64 ticket)
            {
                .reg .pred %p<4>;
                .reg .b32 %r<24>;
                .reg .f32 %f<4>;
                .reg .b64 %rd<20>;
                .shared .align 4 .b8 sbins[64];

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [n];
                mov.u32 %r1, %tid.x;
                setp.lt.u32 %p1, %r1, 16;
                shl.b32 %r2, %r1, 2;
                mov.u32 %r3, sbins;
                add.s32 %r4, %r3, %r2;
                @%p1 st.shared.u32 [%r4], 0;
                bar.sync 0;

                mov.u32 %r5, %ctaid.x;
                mov.u32 %r6, %ntid.x;
                mad.lo.s32 %r7, %r5, %r6, %r1;
                cvt.u64.u32 %rd3, %r7;
                mov.u32 %r8, %nctaid.x;
                mul.wide.u32 %rd4, %r8, %r6;
                ld.param.u64 %rd10, [maxv];
                ld.param.u64 %rd11, [fsum];
                ld.param.u64 %rd12, [last];
                ld.param.u64 %rd13, [ticket];
                setp.ge.u64 %p2, %rd3, %rd2;
                @%p2 bra REDUCE;
            LOOP:
                shl.b64 %rd5, %rd3, 2;
                add.s64 %rd6, %rd1, %rd5;
                ld.global.u32 %r9, [%rd6];
                and.b32 %r10, %r9, 15;
                shl.b32 %r10, %r10, 2;
                add.s32 %r11, %r3, %r10;
                atom.shared.add.u32 %r12, [%r11], 1;
                atom.global.max.s32 %r13, [%rd10], %r9;
                cvt.rn.f32.u32 %f1, %r9;
            CAS:
                ld.volatile.global.b32 %r14, [%rd11];
                mov.b32 %f2, %r14;
                add.rn.f32 %f3, %f2, %f1;
                mov.b32 %r15, %f3;
                atom.global.cas.b32 %r16, [%rd11], %r14, %r15;
                setp.ne.b32 %p3, %r16, %r14;
                @%p3 bra CAS;
                cvt.u32.u64 %r17, %rd3;
                atom.global.exch.b32 %r18, [%rd12], %r17;
                atom.global.inc.u32 %r19, [%rd13], 1000000;
                add.s64 %rd3, %rd3, %rd4;
                setp.lt.u64 %p2, %rd3, %rd2;
                @%p2 bra LOOP;
            REDUCE:
                bar.sync 0;
                @!%p1 bra END;
                ld.shared.u32 %r20, [%r4];
                ld.param.u64 %rd14, [bins];
                cvt.u64.u32 %rd15, %r2;
                add.s64 %rd16, %rd14, %rd15;
                red.global.add.u32 [%rd16], %r20;
            END:
                exit;
            }
            """;

    /**
     * Comparisons and branches over f64 x against t: code[i] collects the results of setp with every comparison
     * (bit k for CMP_ORDER[k]), testp, and setp.and/or with a predicate; pw[i] = a piecewise function chosen by
     * branches: x < 0 (ordered) -> -x, x < 1 -> x*x, x NaN -> 7, else sqrt(x); sel[i] = slct on (s32) x.
     */
    static final String BRANCHES = HEADER + """
            .visible .entry branches(.param .u64 x, .param .u64 n, .param .f64 t, .param .u64 code, .param .u64 pw,
                                     .param .u64 sel)
            {
                .reg .pred %p<8>;
                .reg .b32 %r<8>;
                .reg .f64 %fd<8>;
                .reg .b64 %rd<40>;

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [n];
                ld.param.f64 %fd1, [t];
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                cvt.u64.u32 %rd3, %r4;
                setp.ge.u64 %p1, %rd3, %rd2;
                @%p1 exit;
                shl.b64 %rd4, %rd3, 3;
                add.s64 %rd5, %rd1, %rd4;
                ld.global.f64 %fd2, [%rd5];
                mov.u64 %rd6, 0;
                setp.eq.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 1, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.ne.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 2, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.lt.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 4, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.le.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 8, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.gt.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 16, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.ge.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 32, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.equ.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 64, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.neu.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 128, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.ltu.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 256, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.leu.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 512, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.gtu.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 1024, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.geu.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 2048, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.num.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 4096, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                setp.nan.f64 %p2, %fd2, %fd1;
                selp.u64 %rd7, 8192, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                testp.infinite.f64 %p2, %fd2;
                selp.u64 %rd7, 16384, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                testp.finite.f64 %p2, %fd2;
                selp.u64 %rd7, 32768, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                testp.subnormal.f64 %p2, %fd2;
                selp.u64 %rd7, 65536, 0, %p2;
                or.b64 %rd6, %rd6, %rd7;
                // (x > 0 and x < t) into bit 17, its complement (x <= 0 and x < t) into bit 18
                setp.lt.f64 %p3, %fd2, %fd1;
                setp.gt.and.f64 %p4|%p5, %fd2, 0d0000000000000000, %p3;
                selp.u64 %rd7, 131072, 0, %p4;
                or.b64 %rd6, %rd6, %rd7;
                selp.u64 %rd7, 262144, 0, %p5;
                or.b64 %rd6, %rd6, %rd7;
                // (x < t or !(x == x)) into bit 19
                setp.eq.f64 %p6, %fd2, %fd2;
                setp.lt.or.f64 %p4, %fd2, %fd1, !%p6;
                selp.u64 %rd7, 524288, 0, %p4;
                or.b64 %rd6, %rd6, %rd7;
                ld.param.u64 %rd8, [code];
                add.s64 %rd9, %rd8, %rd4;
                st.global.u64 [%rd9], %rd6;

                // piecewise by branches
                setp.lt.f64 %p2, %fd2, 0d0000000000000000;
                @!%p2 bra NOTNEG;
                neg.f64 %fd3, %fd2;
                bra.uni STOREPW;
            NOTNEG:
                setp.lt.f64 %p2, %fd2, 0d3FF0000000000000;
                @%p2 bra SMALL;
                setp.nan.f64 %p2, %fd2, %fd2;
                @%p2 bra ISNAN;
                sqrt.rn.f64 %fd3, %fd2;
                bra.uni STOREPW;
            SMALL:
                mul.rn.f64 %fd3, %fd2, %fd2;
                bra.uni STOREPW;
            ISNAN:
                mov.f64 %fd3, 0d401C000000000000;
            STOREPW:
                ld.param.u64 %rd10, [pw];
                add.s64 %rd11, %rd10, %rd4;
                st.global.f64 [%rd11], %fd3;

                // slct on the truncated integer: x >= 0 ? x : t
                cvt.rzi.s32.f64 %r5, %fd2;
                slct.f64.s32 %fd4, %fd2, %fd1, %r5;
                ld.param.u64 %rd12, [sel];
                add.s64 %rd13, %rd12, %rd4;
                st.global.f64 [%rd13], %fd4;
                ret;
            }
            """;

    /** Bit k of the code of BRANCHES: the comparison CMP_ORDER[k] of x with t. */
    static final String[] CMP_ORDER = {"eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu", "gtu", "geu",
        "num", "nan"};

    /**
     * Conversions of f64 x: out[i*16 + k] for k = rni/rzi/rmi/rpi to s32, rzi to u32 (saturating), rni to s64,
     * rn/rz/rm/rp to f32 (as f32 bits), rni/rzi/rmi/rpi f64 to f64, sat f32, f32 back to f64, u8 by rzi.
     */
    static final String CVT = HEADER + """
            .visible .entry cvts(.param .u64 x, .param .u64 n, .param .u64 out)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<20>;
                .reg .f32 %f<10>;
                .reg .f64 %fd<12>;
                .reg .b64 %rd<30>;
                .reg .b16 %rs<2>;

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [n];
                ld.param.u64 %rd3, [out];
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                cvt.u64.u32 %rd4, %r4;
                setp.ge.u64 %p1, %rd4, %rd2;
                @%p1 bra END;
                shl.b64 %rd5, %rd4, 3;
                add.s64 %rd6, %rd1, %rd5;
                ld.global.f64 %fd1, [%rd6];
                shl.b64 %rd7, %rd4, 7;
                add.s64 %rd8, %rd3, %rd7;
                cvt.rni.s32.f64 %r5, %fd1;
                cvt.s64.s32 %rd10, %r5;
                st.global.u64 [%rd8], %rd10;
                cvt.rzi.s32.f64 %r5, %fd1;
                cvt.s64.s32 %rd10, %r5;
                st.global.u64 [%rd8+8], %rd10;
                cvt.rmi.s32.f64 %r5, %fd1;
                cvt.s64.s32 %rd10, %r5;
                st.global.u64 [%rd8+16], %rd10;
                cvt.rpi.s32.f64 %r5, %fd1;
                cvt.s64.s32 %rd10, %r5;
                st.global.u64 [%rd8+24], %rd10;
                cvt.rzi.u32.f64 %r6, %fd1;
                cvt.u64.u32 %rd10, %r6;
                st.global.u64 [%rd8+32], %rd10;
                cvt.rni.s64.f64 %rd10, %fd1;
                st.global.u64 [%rd8+40], %rd10;
                cvt.rn.f32.f64 %f1, %fd1;
                mov.b32 %r7, %f1;
                cvt.u64.u32 %rd10, %r7;
                st.global.u64 [%rd8+48], %rd10;
                cvt.rz.f32.f64 %f1, %fd1;
                mov.b32 %r7, %f1;
                cvt.u64.u32 %rd10, %r7;
                st.global.u64 [%rd8+56], %rd10;
                cvt.rm.f32.f64 %f1, %fd1;
                mov.b32 %r7, %f1;
                cvt.u64.u32 %rd10, %r7;
                st.global.u64 [%rd8+64], %rd10;
                cvt.rp.f32.f64 %f1, %fd1;
                mov.b32 %r7, %f1;
                cvt.u64.u32 %rd10, %r7;
                st.global.u64 [%rd8+72], %rd10;
                cvt.rni.f64.f64 %fd2, %fd1;
                st.global.f64 [%rd8+80], %fd2;
                cvt.rzi.f64.f64 %fd2, %fd1;
                st.global.f64 [%rd8+88], %fd2;
                cvt.rmi.f64.f64 %fd2, %fd1;
                st.global.f64 [%rd8+96], %fd2;
                cvt.rpi.f64.f64 %fd2, %fd1;
                st.global.f64 [%rd8+104], %fd2;
                cvt.rn.sat.f32.f64 %f2, %fd1;
                cvt.f64.f32 %fd3, %f2;
                st.global.f64 [%rd8+112], %fd3;
                cvt.rzi.u8.f64 %rs1, %fd1;
                cvt.u64.u16 %rd10, %rs1;
                st.global.u64 [%rd8+120], %rd10;
            END:
                ret;
            }
            """;

    /**
     * Integer to float conversions of s64 v: out[i*8 + k] = v as f32 bits under rn/rz/rm/rp, as f64 under rn/rz/rm/rp;
     * integer narrowing and saturation: out2[i*4 + k] = cvt.u32.s64, cvt.sat.s32.s64, cvt.sat.u16.s64, cvt.s8.s64.
     */
    static final String CVT_INT = HEADER + """
            .visible .entry cvti(.param .u64 v, .param .u64 n, .param .u64 out, .param .u64 out2)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<20>;
                .reg .f32 %f<10>;
                .reg .f64 %fd<12>;
                .reg .b64 %rd<30>;
                .reg .b16 %rs<4>;

                ld.param.u64 %rd1, [v];
                ld.param.u64 %rd2, [n];
                ld.param.u64 %rd3, [out];
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                cvt.u64.u32 %rd4, %r4;
                setp.ge.u64 %p1, %rd4, %rd2;
                @%p1 bra END;
                shl.b64 %rd5, %rd4, 3;
                add.s64 %rd6, %rd1, %rd5;
                ld.global.s64 %rd9, [%rd6];
                shl.b64 %rd7, %rd4, 6;
                add.s64 %rd8, %rd3, %rd7;
                cvt.rn.f32.s64 %f1, %rd9;
                st.global.f32 [%rd8], %f1;
                cvt.rz.f32.s64 %f1, %rd9;
                st.global.f32 [%rd8+8], %f1;
                cvt.rm.f32.s64 %f1, %rd9;
                st.global.f32 [%rd8+16], %f1;
                cvt.rp.f32.s64 %f1, %rd9;
                st.global.f32 [%rd8+24], %f1;
                cvt.rn.f64.s64 %fd1, %rd9;
                st.global.f64 [%rd8+32], %fd1;
                cvt.rz.f64.s64 %fd1, %rd9;
                st.global.f64 [%rd8+40], %fd1;
                cvt.rm.f64.s64 %fd1, %rd9;
                st.global.f64 [%rd8+48], %fd1;
                cvt.rp.f64.s64 %fd1, %rd9;
                st.global.f64 [%rd8+56], %fd1;
                ld.param.u64 %rd10, [out2];
                shl.b64 %rd11, %rd4, 5;
                add.s64 %rd12, %rd10, %rd11;
                cvt.u32.s64 %r5, %rd9;
                cvt.u64.u32 %rd13, %r5;
                st.global.u64 [%rd12], %rd13;
                cvt.sat.s32.s64 %r6, %rd9;
                cvt.s64.s32 %rd13, %r6;
                st.global.u64 [%rd12+8], %rd13;
                cvt.sat.u16.s64 %rs1, %rd9;
                cvt.u64.u16 %rd13, %rs1;
                st.global.u64 [%rd12+16], %rd13;
                cvt.s8.s64 %rs2, %rd9;
                cvt.s64.s8 %rd13, %rs2;
                st.global.u64 [%rd12+24], %rd13;
            END:
                ret;
            }
            """;

    /**
     * Calls: y[i] = hypot2(x[i], c) + scale(x[i], k) + horner(x[i]), where hypot2 is a .func with .reg parameters (the
     * txc math-routine convention), scale one with .param parameters and return value (the nvcc convention), and horner
     * evaluates a .const coefficient table through a .local array.
     */
    static final String CALLS = HEADER + """
            .const .align 8 .f64 coef[4] = {0d3FF0000000000000, 0d4000000000000000, 0d4008000000000000, 0d4010000000000000};

            .func (.reg .f64 %r) hypot2 (.reg .f64 %a, .reg .f64 %b)
            {
                .reg .f64 %t<2>;
                mul.rn.f64 %t0, %a, %a;
                fma.rn.f64 %r, %b, %b, %t0;
                ret;
            }

            .func (.param .b64 func_retval0) scale (.param .b64 scale_p0, .param .b32 scale_p1)
            {
                .reg .f64 %fd<3>;
                .reg .b32 %r<2>;
                ld.param.f64 %fd1, [scale_p0];
                ld.param.u32 %r1, [scale_p1];
                cvt.rn.f64.u32 %fd2, %r1;
                mul.rn.f64 %fd1, %fd1, %fd2;
                st.param.f64 [func_retval0], %fd1;
                ret;
            }

            .func (.reg .f64 %y) horner (.reg .f64 %x)
            {
                .local .align 8 .b8 depot[32];
                .reg .b64 %rd<6>;
                .reg .f64 %c<2>;
                .reg .b32 %i;
                .reg .pred %p;
                mov.u64 %rd1, depot;
                mov.u64 %rd2, coef;
                mov.u32 %i, 0;
            COPY:
                mul.wide.u32 %rd3, %i, 8;
                add.s64 %rd4, %rd2, %rd3;
                ld.const.f64 %c0, [%rd4];
                add.s64 %rd5, %rd1, %rd3;
                st.local.f64 [%rd5], %c0;
                add.u32 %i, %i, 1;
                setp.lt.u32 %p, %i, 4;
                @%p bra COPY;
                ld.local.f64 %y, [depot+24];
                mov.u32 %i, 3;
            EVAL:
                sub.u32 %i, %i, 1;
                mul.wide.u32 %rd3, %i, 8;
                add.s64 %rd5, %rd1, %rd3;
                ld.local.f64 %c1, [%rd5];
                fma.rn.f64 %y, %y, %x, %c1;
                setp.ne.u32 %p, %i, 0;
                @%p bra EVAL;
                ret;
            }

            .visible .entry calls(.param .u64 x, .param .u64 y, .param .u64 n, .param .f64 c, .param .u32 k)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .f64 %fd<8>;
                .reg .b64 %rd<8>;

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [y];
                ld.param.u64 %rd3, [n];
                ld.param.f64 %fd1, [c];
                ld.param.u32 %r1, [k];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                cvt.u64.u32 %rd4, %r5;
                setp.ge.u64 %p1, %rd4, %rd3;
                @%p1 bra END;
                shl.b64 %rd5, %rd4, 3;
                add.s64 %rd6, %rd1, %rd5;
                ld.global.f64 %fd2, [%rd6];
                call.uni (%fd3), hypot2, (%fd2, %fd1);
                {
                    .param .b64 param0;
                    st.param.f64 [param0], %fd2;
                    .param .b32 param1;
                    st.param.b32 [param1], %r1;
                    .param .b64 retval0;
                    call.uni (retval0), scale, (param0, param1);
                    ld.param.f64 %fd4, [retval0];
                }
                call (%fd5), horner, (%fd2);
                add.rn.f64 %fd6, %fd3, %fd4;
                add.rn.f64 %fd6, %fd6, %fd5;
                add.s64 %rd7, %rd2, %rd5;
                st.global.f64 [%rd7], %fd6;
            END:
                ret;
            }
            """;

    /** Integer and float arithmetic corner cases on s32/u32/s64 a, b and f32 p, q: see ArithTest for the layout. */
    static final String ARITH = HEADER + """
            .visible .entry arith(.param .u64 ia, .param .u64 fa, .param .u64 n, .param .u64 out)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<40>;
                .reg .f32 %f<20>;
                .reg .b64 %rd<40>;

                ld.param.u64 %rd1, [ia];
                ld.param.u64 %rd2, [fa];
                ld.param.u64 %rd3, [n];
                ld.param.u64 %rd4, [out];
                mov.u32 %r1, %tid.x;
                cvt.u64.u32 %rd5, %r1;
                setp.ge.u64 %p1, %rd5, %rd3;
                @%p1 bra END;
                shl.b64 %rd6, %rd5, 3;
                add.s64 %rd7, %rd1, %rd6;
                ld.global.v2.u32 {%r2, %r3}, [%rd7];
                add.s64 %rd8, %rd2, %rd6;
                ld.global.v2.f32 {%f1, %f2}, [%rd8];
                shl.b64 %rd9, %rd5, 8;
                add.s64 %rd10, %rd4, %rd9;
                mul.hi.s32 %r4, %r2, %r3;
                mul.hi.u32 %r5, %r2, %r3;
                st.global.v2.u32 [%rd10], {%r4, %r5};
                mul.wide.s32 %rd11, %r2, %r3;
                st.global.u64 [%rd10+8], %rd11;
                mul.wide.u32 %rd11, %r2, %r3;
                st.global.u64 [%rd10+16], %rd11;
                add.sat.s32 %r6, %r2, %r3;
                sub.sat.s32 %r7, %r2, %r3;
                st.global.v2.u32 [%rd10+24], {%r6, %r7};
                min.s32 %r6, %r2, %r3;
                min.u32 %r7, %r2, %r3;
                st.global.v2.u32 [%rd10+32], {%r6, %r7};
                max.s32 %r6, %r2, %r3;
                max.u32 %r7, %r2, %r3;
                st.global.v2.u32 [%rd10+40], {%r6, %r7};
                shr.s32 %r6, %r2, %r3;
                shr.u32 %r7, %r2, %r3;
                st.global.v2.u32 [%rd10+48], {%r6, %r7};
                shl.b32 %r6, %r2, %r3;
                popc.b32 %r7, %r2;
                st.global.v2.u32 [%rd10+56], {%r6, %r7};
                clz.b32 %r6, %r2;
                brev.b32 %r7, %r2;
                st.global.v2.u32 [%rd10+64], {%r6, %r7};
                bfe.u32 %r6, %r2, 4, 8;
                bfe.s32 %r7, %r2, 4, 8;
                st.global.v2.u32 [%rd10+72], {%r6, %r7};
                bfi.b32 %r6, %r3, %r2, 8, 4;
                not.b32 %r7, %r2;
                st.global.v2.u32 [%rd10+80], {%r6, %r7};
                abs.s32 %r6, %r2;
                neg.s32 %r7, %r2;
                st.global.v2.u32 [%rd10+88], {%r6, %r7};
                mad.lo.s32 %r6, %r2, %r3, 7;
                mad.hi.u32 %r7, %r2, %r3, 7;
                st.global.v2.u32 [%rd10+96], {%r6, %r7};
                xor.b32 %r6, %r2, %r3;
                cnot.b32 %r7, %r2;
                st.global.v2.u32 [%rd10+104], {%r6, %r7};
                // floats
                add.rn.f32 %f3, %f1, %f2;
                sub.rn.f32 %f4, %f1, %f2;
                st.global.v2.f32 [%rd10+112], {%f3, %f4};
                mul.rn.f32 %f3, %f1, %f2;
                div.rn.f32 %f4, %f1, %f2;
                st.global.v2.f32 [%rd10+120], {%f3, %f4};
                fma.rn.f32 %f3, %f1, %f2, %f1;
                sqrt.rn.f32 %f4, %f1;
                st.global.v2.f32 [%rd10+128], {%f3, %f4};
                min.f32 %f3, %f1, %f2;
                max.f32 %f4, %f1, %f2;
                st.global.v2.f32 [%rd10+136], {%f3, %f4};
                min.NaN.f32 %f3, %f1, %f2;
                max.NaN.f32 %f4, %f1, %f2;
                st.global.v2.f32 [%rd10+144], {%f3, %f4};
                rcp.rn.f32 %f3, %f1;
                copysign.f32 %f4, %f2, %f1;
                st.global.v2.f32 [%rd10+152], {%f3, %f4};
                abs.f32 %f3, %f1;
                neg.f32 %f4, %f1;
                st.global.v2.f32 [%rd10+160], {%f3, %f4};
                add.rn.sat.f32 %f3, %f1, %f2;
                mul.rn.ftz.f32 %f4, %f1, %f2;
                st.global.v2.f32 [%rd10+168], {%f3, %f4};
                ex2.approx.f32 %f3, %f1;
                lg2.approx.f32 %f4, %f1;
                st.global.v2.f32 [%rd10+176], {%f3, %f4};
                sin.approx.f32 %f3, %f1;
                cos.approx.f32 %f4, %f1;
                st.global.v2.f32 [%rd10+184], {%f3, %f4};
                rsqrt.approx.f32 %f3, %f1;
                tanh.approx.f32 %f4, %f1;
                st.global.v2.f32 [%rd10+192], {%f3, %f4};
                div.s32 %r6, %r2, 7;
                rem.s32 %r7, %r2, 7;
                st.global.v2.u32 [%rd10+200], {%r6, %r7};
                div.u32 %r6, %r2, 7;
                rem.u32 %r7, %r2, 7;
                st.global.v2.u32 [%rd10+208], {%r6, %r7};
            END:
                ret;
            }
            """;

    /**
     * Less common features, one block of 64 threads, tid = t, x = in[t] (u32): dynamic shared memory reached through
     * generic addresses (cvta.shared), v2 shared loads, shfl.sync.idx within 16-lane segments, redux.sync, bar.warp.sync,
     * atom.shared.cas and red.shared.add, mov pack/unpack, setp.xor, slct.f32, testp.normal, and a generic store and load
     * of local memory. out[t*16 + k]: see PtxSimKernelTest.
     */
    static final String MISC = HEADER + """
            .extern .shared .align 16 .b8 dyn[];

            .visible .entry misc(.param .u64 in, .param .u64 out)
            {
                .local .align 8 .b8 scratch[8];
                .reg .pred %p<4>;
                .reg .b32 %r<40>;
                .reg .f32 %f<4>;
                .reg .b64 %rd<20>;
                .reg .b16 %rs<3>;

                ld.param.u64 %rd1, [in];
                ld.param.u64 %rd2, [out];
                mov.u32 %r1, %tid.x;
                mul.wide.u32 %rd3, %r1, 4;
                add.s64 %rd4, %rd1, %rd3;
                ld.global.u32 %r2, [%rd4];
                mul.wide.u32 %rd5, %r1, 64;
                add.s64 %rd6, %rd2, %rd5;

                // dyn[t] = x through a generic pointer; then out0 = dyn[t ^ 1] + dyn[t] by a v2 load of the aligned pair
                mov.u64 %rd7, dyn;
                cvta.shared.u64 %rd8, %rd7;
                add.s64 %rd9, %rd8, %rd3;
                st.u32 [%rd9], %r2;
                bar.sync 0;
                and.b32 %r3, %r1, -2;
                mov.u32 %r4, dyn;
                shl.b32 %r5, %r3, 2;
                add.s32 %r6, %r4, %r5;
                ld.shared.v2.u32 {%r7, %r8}, [%r6];
                add.s32 %r9, %r7, %r8;
                st.global.u32 [%rd6], %r9;

                // out1 = x of lane 3 of the thread's 16-lane segment
                shfl.sync.idx.b32 %r10, %r2, 3, 0x101f, -1;
                st.global.u32 [%rd6+4], %r10;

                // out2 = warp max of x, out3 = warp sum (redux), after a bar.warp.sync
                bar.warp.sync -1;
                redux.sync.max.u32 %r11, %r2, -1;
                redux.sync.add.u32 %r12, %r2, -1;
                st.global.v2.u32 [%rd6+8], {%r11, %r12};

                // dyn[64 + 0] counts threads by a CAS loop, dyn[64 + 1] by red.shared.add
                setp.eq.u32 %p1, %r1, 0;
                @%p1 st.shared.u32 [dyn+256], 0;
                @%p1 st.shared.u32 [dyn+260], 0;
                bar.sync 0;
            CAS:
                ld.volatile.shared.u32 %r13, [dyn+256];
                add.u32 %r14, %r13, 1;
                atom.shared.cas.b32 %r15, [dyn+256], %r13, %r14;
                setp.ne.u32 %p2, %r15, %r13;
                @%p2 bra CAS;
                red.shared.add.u32 [dyn+260], 1;
                bar.sync 0;
                ld.shared.u32 %r16, [dyn+256];
                ld.shared.u32 %r17, [dyn+260];
                st.global.v2.u32 [%rd6+16], {%r16, %r17};

                // out5 = the halves of x * 65537 swapped by unpack and pack
                mul.lo.u32 %r18, %r2, 65537;
                mov.b32 {%rs1, %rs2}, %r18;
                mov.b32 %r19, {%rs2, %rs1};
                // out6 = (x > 5) xor (t odd), 1 or 0; out7 = slct.f32 and testp.normal of (f32) x - 3
                and.b32 %r20, %r1, 1;
                setp.ne.u32 %p3, %r20, 0;
                setp.gt.xor.u32 %p1, %r2, 5, %p3;
                selp.u32 %r21, 1, 0, %p1;
                st.global.v2.u32 [%rd6+24], {%r19, %r21};
                cvt.rn.f32.u32 %f1, %r2;
                sub.rn.f32 %f2, %f1, 0f40400000;
                testp.normal.f32 %p1, %f2;
                selp.u32 %r22, 100, 0, %p1;
                slct.u32.f32 %r23, 10, 20, %f2;
                add.u32 %r24, %r22, %r23;
                // through local memory by a generic address
                mov.u64 %rd10, scratch;
                cvta.local.u64 %rd11, %rd10;
                st.u32 [%rd11+4], %r24;
                ld.local.u32 %r25, [scratch+4];
                st.global.u32 [%rd6+32], %r25;
                ret;
            }
            """;

    /**
     * Bitwise and arithmetic atomics on global words, one thread per x (u32): w[0] |= 1 << (x & 31), w[1] &= ~(1 << (x &
     * 31)), w[2] ^= x, w[3] = min (s32) of x - 500, w[4] = atom.dec with limit 1000 (from 50: wraps to 1000 at 0), and
     * the sums of x as f64 (red.global.add.f64) and u64 (atom.global.add.u64) in d[0], d[1].
     */
    static final String ATOMIC_BITS = HEADER + """
            .visible .entry atombits(.param .u64 x, .param .u64 n, .param .u64 w, .param .u64 d)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<20>;
                .reg .f64 %fd<2>;
                .reg .b64 %rd<12>;

                ld.param.u64 %rd1, [x];
                ld.param.u64 %rd2, [n];
                ld.param.u64 %rd3, [w];
                ld.param.u64 %rd4, [d];
                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                cvt.u64.u32 %rd5, %r4;
                setp.ge.u64 %p1, %rd5, %rd2;
                @%p1 bra END;
                shl.b64 %rd6, %rd5, 2;
                add.s64 %rd7, %rd1, %rd6;
                ld.global.u32 %r5, [%rd7];
                and.b32 %r6, %r5, 31;
                shl.b32 %r7, 1, %r6;
                atom.global.or.b32 %r8, [%rd3], %r7;
                not.b32 %r9, %r7;
                atom.global.and.b32 %r10, [%rd3+4], %r9;
                red.global.xor.b32 [%rd3+8], %r5;
                sub.s32 %r11, %r5, 500;
                atom.global.min.s32 %r12, [%rd3+12], %r11;
                atom.global.dec.u32 %r13, [%rd3+16], 1000;
                cvt.rn.f64.u32 %fd1, %r5;
                red.global.add.f64 [%rd4], %fd1;
                cvt.u64.u32 %rd8, %r5;
                atom.global.add.u64 %rd9, [%rd4+8], %rd8;
            END:
                ret;
            }
            """;

    /** Every kernel above, by name. */
    static Map<String, String> all() {
        return Map.ofEntries(Map.entry("saxpy", SAXPY), Map.entry("rowsum", ROWSUM), Map.entry("warpops", WARP),
                Map.entry("atomics", ATOMICS), Map.entry("branches", BRANCHES), Map.entry("cvts", CVT), Map.entry("cvti", CVT_INT),
                Map.entry("calls", CALLS), Map.entry("arith", ARITH), Map.entry("misc", MISC), Map.entry("atombits", ATOMIC_BITS));
    }
}
