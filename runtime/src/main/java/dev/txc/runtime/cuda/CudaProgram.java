package dev.txc.runtime.cuda;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import dev.txc.runtime.model.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model whose functions run on a GPU ({@link DeviceFunction}s): each call copies its arguments to the device and
 * its outputs back, while the shared variables stay in device memory across calls. A variable is uploaded when the
 * state's value is not the one last uploaded (the first call, or after {@code --load-state} or a {@code set}); an
 * update replaces the device copy only, and {@link #flush} copies updated variables back into the state. So a
 * {@code --repeat} training loop moves only arguments and outputs. Omitted defaults are functions too (named as
 * {@link FunctionSpec}'s default classes), computed on the device. Calls that update state hold its monitor.
 */
public final class CudaProgram implements Program {
    private final ModelSpec spec;
    private final CudaDevice device;
    private final Map<String, DeviceFunction> functions;
    private final Mirror[] mirrors;

    /** A shared variable's device copy, the host value it was made from, and whether an update made it newer. */
    private static final class Mirror {
        NDArray uploaded;
        DeviceArray value;
        boolean newer;
    }

    /**
     * @param functions the device code of each function of {@code spec} by its {@code className}, and of each parameter default by its {@code defaultClass}
     */
    public CudaProgram(ModelSpec spec, CudaDevice device, Map<String, DeviceFunction> functions) {
        this.spec = spec;
        this.device = device;
        this.functions = Map.copyOf(functions);
        this.mirrors = new Mirror[spec.shared().size()];
        for (int k = 0; k < mirrors.length; k++) mirrors[k] = new Mirror();
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public List<NDArray> call(String name, List<NDArray> args, ModelState state) {
        FunctionSpec f = spec.function(name);
        if (f == null) throw new IllegalArgumentException("no function " + name + " in the loaded module");
        synchronized (state) {
            return call(f, args, state);
        }
    }

    private List<NDArray> call(FunctionSpec f, List<NDArray> args, ModelState state) {
        DeviceArray[] shared = shared(state);
        NDArray[] in = withDefaults(f, args, shared);
        Signature.check(f, Arrays.asList(in));
        DeviceArray[] dIn = new DeviceArray[in.length];
        for (int k = 0; k < in.length; k++) dIn[k] = DeviceArray.fromHost(device, in[k]);
        DeviceArray[] out = run(f, functions.get(f.className()), dIn, shared);
        int nOut = f.outputs().size();
        var outs = new ArrayList<NDArray>(nOut);
        for (int k = 0; k < nOut; k++) outs.add(out[k].toHost());
        Set<DeviceArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int u = 0; u < f.updates().size(); u++) {
            Mirror m = mirrors[spec.sharedNames().indexOf(f.updates().get(u))];
            DeviceArray next = out[nOut + u];
            if (next != m.value) {
                m.value.free();
                m.value = next;
            }
            m.newer = true;
        }
        for (Mirror m : mirrors) kept.add(m.value);
        for (DeviceArray d : dIn) if (!kept.contains(d)) release(d, kept);
        for (int k = 0; k < nOut; k++) release(out[k], kept);
        return outs;
    }

    private static void release(DeviceArray d, Set<DeviceArray> kept) {
        if (kept.add(d)) d.free();
    }

    /** The device copies of the shared variables, uploaded where the state holds another value than the last uploaded. */
    private DeviceArray[] shared(ModelState state) {
        NDArray[] host = state.snapshot();
        DeviceArray[] d = new DeviceArray[host.length];
        for (int k = 0; k < host.length; k++) {
            Mirror m = mirrors[k];
            if (m.value == null || (m.uploaded != host[k] && !m.newer)) {
                if (m.value != null) m.value.free();
                m.value = DeviceArray.fromHost(device, host[k]);
                m.uploaded = host[k];
            }
            d[k] = m.value;
        }
        return d;
    }

    private NDArray[] withDefaults(FunctionSpec f, List<NDArray> args, DeviceArray[] shared) {
        if (args.size() != f.params().size())
            throw new IllegalArgumentException(f.name() + " takes " + f.params().size() + " arguments, got " + args.size());
        NDArray[] in = args.toArray(new NDArray[0]);
        for (int k = 0; k < in.length; k++) {
            if (in[k] != null) continue;
            if (!f.params().get(k).hasDefault()) throw new TxRuntimeException(f.name() + ": missing argument for parameter " + f.params().get(k).name());
            var prefix = new ArrayList<NDArray>();
            for (int j = 0; j < in.length; j++) prefix.add(j < k ? in[j] : null);
            Signature.check(f, prefix);
            DeviceArray[] dPrefix = new DeviceArray[k];
            for (int j = 0; j < k; j++) dPrefix[j] = DeviceArray.fromHost(device, in[j]);
            DeviceArray v = run(f, functions.get(f.params().get(k).defaultClass()), dPrefix, shared)[0];
            in[k] = v.toHost();
            for (DeviceArray d : dPrefix) d.free();
            if (!Arrays.asList(shared).contains(v)) v.free();
        }
        return in;
    }

    /** Runs a device function and waits for it; run-time errors get the function's name. */
    private DeviceArray[] run(FunctionSpec f, DeviceFunction fn, DeviceArray[] in, DeviceArray[] shared) {
        if (fn == null) throw new IllegalStateException("no device code for " + f.name());
        try {
            device.makeCurrent();
            DeviceArray[] out = fn.call(device, in, shared);
            device.synchronize();
            return out;
        } catch (TxRuntimeException ex) {
            String msg = ex.getMessage();
            throw new TxRuntimeException(msg.startsWith(f.name() + ":") ? msg : f.name() + ": " + msg, ex);
        }
    }

    /** Copies the variables that updates changed on the device back into {@code state}. */
    @Override
    public void flush(ModelState state) {
        synchronized (state) {
            var values = new java.util.LinkedHashMap<String, NDArray>();
            for (int k = 0; k < mirrors.length; k++) {
                Mirror m = mirrors[k];
                if (!m.newer) continue;
                NDArray h = m.value.toHost();
                values.put(spec.sharedNames().get(k), h);
                m.uploaded = h;
                m.newer = false;
            }
            if (!values.isEmpty()) state.setAll(values);
        }
    }
}
