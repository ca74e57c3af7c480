package dev.txc.runtime.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.runtime.cuda.plan.HostPlan.Alloc;
import dev.txc.runtime.cuda.plan.HostPlan.CeilDiv;
import dev.txc.runtime.cuda.plan.HostPlan.Contiguous;
import dev.txc.runtime.cuda.plan.HostPlan.DimOf;
import dev.txc.runtime.cuda.plan.HostPlan.Element;
import dev.txc.runtime.cuda.plan.HostPlan.Int;
import dev.txc.runtime.cuda.plan.HostPlan.Launch;
import dev.txc.runtime.cuda.plan.HostPlan.Lit;
import dev.txc.runtime.cuda.plan.HostPlan.OffsetOf;
import dev.txc.runtime.cuda.plan.HostPlan.Ptr;
import dev.txc.runtime.cuda.plan.HostPlan.SizeOf;
import dev.txc.runtime.cuda.plan.HostPlan.StrideOf;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The host-plan executor over the fake driver, with Java stand-ins for the kernels: views, slices, reshapes,
 * expressions, parameter types, the copying of results that the caller may not own, and the error word.
 */
class PlanExecutorTest {
    static final String MODULE = """
            .version 8.0
            .target sm_80
            .address_size 64
            .visible .global .align 4 .u32 txc_error;
            .visible .entry twice(.param .u64 out, .param .u64 in, .param .u64 n, .param .u64 d0, .param .u64 d1, .param .s64 s0, .param .s64 s1, .param .u32 flat) { ret; }
            .visible .entry fail(.param .u64 n) { ret; }
            """;

    private final FakeCudaApi api = new FakeCudaApi();
    private final CudaDevice device = CudaDevice.open(api, 0);

    PlanExecutorTest() {
        // out[i] = 2 * in[(i / d1) * s0 + (i % d1) * s1], over a 2-D strided input
        api.kernels.put("twice", (fake, l) -> {
            Object[] p = l.params();
            long n = (Long) p[2], d1 = (Long) p[4], s0 = (Long) p[5], s1 = (Long) p[6];
            var out = fake.memory((Long) p[0], 8 * n);
            for (long i = 0; i < n; i++) {
                long at = (i / d1) * s0 + (i % d1) * s1;
                out.setAtIndex(JAVA_DOUBLE, i, 2 * fake.memory((Long) p[1] + 8 * at, 8).get(JAVA_DOUBLE, 0));
            }
        });
        api.kernels.put("fail", (fake, l) -> fake.memory(fake.globals.get("txc_error"), 4).set(JAVA_INT, 0, 1));
    }

    private static HostPlan plan(List<String> dtypes, int params, int shared, List<HostPlan.Step> steps, List<Integer> outputs, List<HostPlan.Update> updates) {
        return new HostPlan("f", MODULE, params, shared, dtypes, steps, outputs, updates);
    }

    @Test
    void viewsSlicesAndLaunchArguments() {
        // y = 2 * x.T[1:], returned with the view x.T[1:] itself
        var steps = List.<HostPlan.Step>of(
                new HostPlan.View(1, 0, List.of(new DimOf(0, 1), new DimOf(0, 0)), List.of(new StrideOf(0, 1), new StrideOf(0, 0)), new OffsetOf(0)),
                new HostPlan.Slice(2, 1, List.of(1), List.of(Integer.MAX_VALUE), List.of(Integer.MIN_VALUE)),
                new Alloc(3, List.of(new DimOf(2, 0), new DimOf(2, 1))),
                new Launch("twice", List.of(new CeilDiv(new SizeOf(3), new Lit(256))), 256, 0, List.of(new Ptr(3), new Ptr(2), new Int(new SizeOf(3)),
                        new Int(new DimOf(2, 0)), new Int(new DimOf(2, 1)), new Int(new StrideOf(2, 0)), new Int(new StrideOf(2, 1)),
                        new Int(new Contiguous(List.of(2), List.of(new DimOf(2, 0), new DimOf(2, 1)))))));
        var exec = new PlanExecutor(plan(List.of("f64", "f64", "f64", "f64"), 1, 0, steps, List.of(3, 2), List.of()));
        DeviceArray x = DeviceArray.fromHost(device, NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        DeviceArray[] out = exec.call(device, new DeviceArray[] {x}, new DeviceArray[0]);
        assertEquals(NDArray.ofDoubles(new double[] {4, 10, 6, 12}, 2, 2), out[0].toHost());
        assertEquals(NDArray.ofDoubles(new double[] {2, 5, 3, 6}, 2, 2), out[1].toHost());
        assertNotSame(x, out[1]);
        Object[] p = api.launches.getFirst().params();
        assertEquals(x.pointer() + 8, p[1]); // x.T[1:] starts at element 1 of x
        assertEquals(List.of(4L, 2L, 2L, 1L, 3L, 0), List.of(p[2], p[3], p[4], p[5], p[6], p[7])); // u64/s64 as Long, the u32 flag as Integer
        assertEquals(new CudaApi.Dim3(1, 1, 1), api.launches.getFirst().grid());
        // what the call allocated and did not return is freed: left are x, the two results and the module's error word
        assertEquals(4, api.allocations.size());
    }

    @Test
    void constantsAreUploadedOnceAndCopiedWhenTheyBecomeState() {
        // fn g(v: f64[4]) { s := [[1.5, 2], [3, 4]]; return reshape(v, shape) }, shape an i64 constant [2, 2]
        long[] c = {Double.doubleToRawLongBits(1.5), Double.doubleToRawLongBits(2), Double.doubleToRawLongBits(3), Double.doubleToRawLongBits(4)};
        var steps = List.<HostPlan.Step>of(new HostPlan.Upload(2, List.of(2), new long[] {2, 2}), new HostPlan.Reshape(3, 0, 2),
                new HostPlan.Upload(4, List.of(2, 2), c), new Alloc(5, List.of(new Element(2, 0), new Element(2, 1), new Lit(0))));
        var exec = new PlanExecutor(plan(List.of("f64", "f64", "i64", "f64", "f64", "f32"), 1, 1, steps, List.of(3), List.of(new HostPlan.Update(0, 4))));
        DeviceArray v = DeviceArray.fromHost(device, NDArray.ofDoubles(new double[] {1, 2, 3, 4}));
        DeviceArray s = device.zeros(DType.F64, 2, 2);
        for (int k = 0; k < 2; k++) {
            DeviceArray[] out = exec.call(device, new DeviceArray[] {v}, new DeviceArray[] {s});
            // a reshape of a whole argument is a copy in the reshaped shape (a DeviceArray has one shape)
            assertArrayEquals(new int[] {2, 2}, out[0].shape());
            assertEquals(NDArray.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2), out[0].toHost());
            assertEquals(NDArray.ofDoubles(new double[] {1.5, 2, 3, 4}, 2, 2), out[1].toHost());
            out[1].free(); // the caller owns the update: freeing it leaves the constant intact
        }
        assertEquals(2, api.calls.stream().filter(x -> x.equals("HtoD 32")).count()); // v, and the f64 constant once
    }

    @Test
    void theErrorWordBecomesAnErrorAndIsCleared() {
        var failing = new PlanExecutor(plan(List.of("f64"), 1, 0, List.of(new Launch("fail", List.of(new Lit(1)), 32, 0, List.of(new Int(new Lit(1))))), List.of(0), List.of()));
        DeviceArray x = DeviceArray.fromHost(device, NDArray.scalar(2.0));
        assertThrows(TxRuntimeException.class, () -> failing.call(device, new DeviceArray[] {x}, new DeviceArray[0]));
        int before = api.allocations.size();
        var e = assertThrows(TxRuntimeException.class, () -> failing.call(device, new DeviceArray[] {x}, new DeviceArray[0]));
        assertEquals("integers to negative integer powers are not allowed", e.getMessage());
        assertEquals(0, api.memory(api.globals.get("txc_error"), 4).get(JAVA_INT, 0));
        assertEquals(before, api.allocations.size());
    }

    @Test
    void anEmptyGridLaunchesNothingAndSizesThatDoNotBroadcastAreAnError() {
        var empty = new PlanExecutor(plan(List.of("f64"), 1, 0, List.of(new Launch("fail", List.of(new SizeOf(0)), 32, 0, List.of(new Int(new Lit(1))))), List.of(0), List.of()));
        empty.call(device, new DeviceArray[] {device.zeros(DType.F64, 0)}, new DeviceArray[0]);
        assertEquals(0, api.launches.size());
        var mismatch = new PlanExecutor(plan(List.of("f64", "f64", "f64"), 2, 0,
                List.of(new Alloc(2, List.of(new HostPlan.Broadcast(List.of(new DimOf(0, 0), new DimOf(1, 0)), "operands of an elementwise kernel")))), List.of(2), List.of()));
        var e = assertThrows(TxRuntimeException.class, () -> mismatch.call(device,
                new DeviceArray[] {device.zeros(DType.F64, 3), device.zeros(DType.F64, 4)}, new DeviceArray[0]));
        assertEquals("shapes do not broadcast (operands of an elementwise kernel): sizes 3 and 4", e.getMessage());
    }

    @Test
    void elementsOfValuesOfAnyRankAreReadBackInCOrder() {
        // sizes from an i64 argument of rank 0 and of rank 2 (not shape vectors the plan made, so read from the device)
        var exec = new PlanExecutor(plan(List.of("i64", "i64", "f32"), 2, 0,
                List.of(new Alloc(2, List.of(new Element(0, 0), new Element(1, 3), new Element(1, 1)))), List.of(2), List.of()));
        DeviceArray[] out = exec.call(device, new DeviceArray[] {DeviceArray.fromHost(device, NDArray.scalar(2L)),
                DeviceArray.fromHost(device, NDArray.ofLongs(new long[] {9, 1, 9, 3}, 2, 2))}, new DeviceArray[0]);
        assertEquals(List.of(2, 3, 1), java.util.Arrays.stream(out[0].shape()).boxed().toList());
    }

    @Test
    void parameterTypesAreReadFromTheModule() {
        assertEquals(List.of(".u64", ".u64", ".u64", ".u64", ".u64", ".s64", ".s64", ".u32"), PlanExecutor.paramTypes(MODULE).get("twice"));
        assertEquals(List.of(".u64"), PlanExecutor.paramTypes(MODULE).get("fail"));
    }
}
