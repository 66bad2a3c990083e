package dev.sluice.cli;

import dev.sluice.backend.cpu.kernels.KernelDispatch;
import dev.sluice.bench.BenchMarkdown;
import dev.sluice.bench.BenchReport;
import dev.sluice.bench.DistributedBench;
import dev.sluice.bench.GemmBench;
import dev.sluice.bench.LmBench;
import dev.sluice.bench.Isa;
import dev.sluice.bench.LadderBench;
import dev.sluice.bench.ladder.Gemm01Naive;
import dev.sluice.bench.ladder.GemmLadder;
import dev.sluice.bench.ladder.GemmRung;
import dev.sluice.bench.MemoryBench;
import dev.sluice.bench.OpenBlas;
import dev.sluice.bench.TorchPeer;
import dev.sluice.bench.TrainingSteps;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sluice bench cpu}: Sluice's CPU kernels and their peers, measured side by side in one run; {@code sluice bench
 * ladder}: the GEMM kernel ladder, rung by rung.
 */
@Command(name = "bench", description = "Benchmark Sluice's kernels against peers measured in the same run.")
final class BenchCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "TARGET",
            description = "cpu (everything below), gemm (vs OpenBLAS), memory (vs copy bandwidth), steps (training steps vs PyTorch); "
                    + "lm (a SmolLM-135M-shaped model: KV-cache generation and an AdamW step vs PyTorch; not part of cpu); "
                    + "gpu (cuda:0: kernels vs copy bandwidth, GEMM via cuBLAS and the own kernel, GPT step); "
                    + "ladder (the GEMM kernel ladder, naive loop to production kernel, vs OpenBLAS; not part of cpu); "
                    + "distributed (data-parallel steps and all-reduce vs workers and model size, in-process and "
                    + "loopback-TCP ring; not part of cpu).")
    String target;

    @Option(names = "--threads", split = ",", description = "Thread counts to measure, each 1 to 1024 (default: 1,2; "
            + "distributed: one count, the kernel threads all ranks share, default 1).")
    List<Integer> threads = List.of(1, 2);

    @Option(names = "--workers", split = ",", paramLabel = "N",
            description = "distributed only: rank counts, each 1 to 64 (default: 1,2,4).")
    List<Integer> workers;

    @Option(names = "--params", split = ",", paramLabel = "SIZE",
            description = "distributed only: model sizes in parameters, e.g. 1M,10M,50M (the default; 1M with --quick), "
                    + "250k or a count: an MLP 256-w-w-10 with w chosen to match.")
    List<String> params;

    @Option(names = "--transport", split = ",", paramLabel = "T",
            description = "distributed only: local (threads, shared memory), ring (TCP over loopback); default both.")
    List<String> transports;

    @Option(names = "--batch", paramLabel = "B",
            description = "distributed only: examples per rank per step, 1 to 4096 (default: 32; 4 with --quick).")
    Integer batch;

    @Option(names = "--size", paramLabel = "N",
            description = "ladder only: the square matrix size, 16 to 8192 (default: 1024; 256 with --quick). The naive "
                    + "rung runs at min(N, " + LadderBench.NAIVE_MAX_SIZE + ").")
    Integer size;

    @Option(names = "--quick", description = "Small shapes and few steps (a smoke run, not for reporting).")
    boolean quick;

    @Option(names = "--min-seconds", description = "Minimum measured time per contender and case, >= 0 (default: ${DEFAULT-VALUE}).")
    double minSeconds = 0.5;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write every measurement as JSON to FILE (atomically).")
    Path out;

    @Option(names = "--heap-dump", paramLabel = "FILE",
            description = "lm only, one thread count: also write a live heap dump (HPROF) taken when the heap is measured after the step.")
    Path heapDump;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the tables as Markdown to FILE (e.g. bench/RESULTS.md).")
    Path markdown;

    @Option(names = "--isa", split = ",", paramLabel = "LEVEL",
            description = "Instruction sets to measure under, each in its own JVM (default: native): native, avx512 "
                    + "(-XX:UseAVX=3), avx2 (-XX:UseAVX=2: 256-bit vectors, 16 registers), avx-128 (-XX:UseAVX=1 "
                    + "-XX:MaxVectorSize=16: the width of ARM NEON). The peers are held to the same level "
                    + "(OPENBLAS_CORETYPE, ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS, DNNL_MAX_CPU_ISA). A level the "
                    + "CPU lacks is reported as unavailable, not measured.")
    List<String> isa = List.of("native");

    private final List<Isa> levels = new ArrayList<>();

    @Override
    void validate() {
        if (!List.of("cpu", "gemm", "memory", "steps", "lm", "gpu", "ladder", "distributed").contains(target)) {
            throw new UserError("unknown target '" + target + "'; available: cpu, gemm, memory, steps, lm, gpu, ladder, "
                    + "distributed");
        }
        validateDistributed();
        if (size != null && !target.equals("ladder")) throw new UserError("--size applies only to bench ladder");
        if (size != null) Check.inRange("--size", size, 16, 8192);
        if (markdown != null && target.equals("ladder")) {
            throw new UserError("--markdown renders the cpu, gemm, memory and steps tables; bench ladder prints its own "
                    + "table (use --out for JSON)");
        }
        if (threads.isEmpty()) throw new UserError("--threads needs at least one thread count");
        for (int t : threads) Check.inRange("--threads", t, 1, 1024);
        Check.finiteNonNegative("--min-seconds", minSeconds);
        if (heapDump != null) {
            if (!target.equals("lm")) throw new UserError("--heap-dump applies to bench lm only");
            if (threads.size() != 1 || isa.size() != 1) throw new UserError("--heap-dump needs one thread count and one --isa level, got --threads "
                    + threads + " and --isa " + isa);
            Check.writableOut("--heap-dump", heapDump);
        }
        if (target.equals("gpu") && !isa.equals(List.of("native"))) {
            throw new UserError("--isa selects CPU instruction sets and does not apply to the GPU benchmark; use it with "
                    + "cpu, gemm, memory or steps");
        }
        levels.clear();
        try {
            for (String level : isa) levels.add(Isa.parse(level));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (target.equals("gpu")) {
            String why = GpuBench.unavailableReason(false);
            if (why != null) throw new UserError(why);
        }
        Check.writableOut("--out", out);
        Check.writableOut("--markdown", markdown);
    }

    private final List<DistributedBench.ModelSize> sizes = new ArrayList<>();
    private final List<DistributedBench.Transport> transportList = new ArrayList<>();

    private void validateDistributed() {
        boolean dist = target.equals("distributed");
        if (!dist) {
            if (workers != null) throw new UserError("--workers applies only to bench distributed");
            if (params != null) throw new UserError("--params applies only to bench distributed");
            if (transports != null) throw new UserError("--transport applies only to bench distributed");
            if (batch != null) throw new UserError("--batch applies only to bench distributed");
            return;
        }
        if (!isa.equals(List.of("native"))) throw new UserError("--isa does not apply to bench distributed");
        if (spec.commandLine().getParseResult().hasMatchedOption("--threads")) {
            if (threads.size() != 1) throw new UserError("bench distributed takes one --threads count (the kernel "
                    + "threads all ranks share), got " + threads);
        } else {
            threads = List.of(1);
        }
        if (workers == null) workers = List.of(1, 2, 4);
        if (workers.isEmpty()) throw new UserError("--workers needs at least one rank count");
        for (int w : workers) Check.inRange("--workers", w, 1, 64);
        if (batch == null) batch = quick ? 4 : 32;
        Check.inRange("--batch", batch, 1, 4096);
        sizes.clear();
        transportList.clear();
        try {
            for (String p : params == null ? (quick ? List.of("1M") : List.of("1M", "10M", "50M")) : params) {
                sizes.add(DistributedBench.ModelSize.parse(p));
            }
            for (String t : transports == null ? List.of("local", "ring") : transports) {
                transportList.add(DistributedBench.Transport.parse(t));
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    @Override
    int execute() throws IOException {
        var o = out();
        if (target.equals("gpu")) {
            Map<String, Object> gpu = GpuBench.run(quick, minSeconds);
            if (gpu == null) throw new UserError("GPU unavailable");
            if (out != null) {
                AtomicFiles.writeString(out, Json.writePretty(gpu) + "\n");
                o.println("wrote " + out);
            }
            return 0;
        }
        Map<String, Object> json;
        if (levels.equals(List.of(Isa.NATIVE))) {
            json = sections();
        } else {
            json = new LinkedHashMap<>(BenchReport.header(KernelDispatch.float32().name(), KernelDispatch.float32().details()));
            List<Object> runs = new ArrayList<>();
            for (Isa level : levels) runs.add(runUnder(level));
            json.put("isa_runs", runs);
        }
        if (out != null) {
            AtomicFiles.writeString(out, Json.writePretty(json) + "\n");
            o.println("wrote " + out);
        }
        if (markdown != null) {
            String command = "./sluice " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            AtomicFiles.writeString(markdown, BenchMarkdown.render(json, command));
            o.println("wrote " + markdown);
        }
        return 0;
    }

    /** The chosen sections (gemm, memory, steps) in this JVM, with the header that says where they ran. */
    private Map<String, Object> sections() {
        boolean all = target.equals("cpu");
        Map<String, Object> json = new LinkedHashMap<>(BenchReport.header(KernelDispatch.float32().name(),
                KernelDispatch.float32().details()));
        if (all || target.equals("gemm")) json.put("gemm", gemm());
        if (all || target.equals("memory")) json.put("memory", memory());
        if (all || target.equals("steps")) json.put("steps", steps());
        if (target.equals("lm")) json.put("lm", lm());
        if (target.equals("ladder")) json.put("ladder", ladder());
        if (target.equals("distributed")) json.put("distributed", distributed());
        return json;
    }

    /**
     * The sections under one instruction set: here for {@link Isa#NATIVE}, else in a child JVM started with the
     * level's flags and the peers' settings (its JSON comes back through a temporary file).
     */
    private Map<String, Object> runUnder(Isa level) throws IOException {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("isa", level.label());
        run.put("jvm_flags", level.describeFlags());
        run.put("peer_environment", new java.util.TreeMap<>(level.peerEnvironment()));
        String why = level.unavailableReason(dev.sluice.backend.cpu.CpuFeatures.get());
        out().println("== " + level.label() + " (" + level.describeFlags() + ")" + (why == null ? "" : ": unavailable, " + why));
        if (why != null) {
            run.put("unavailable", why);
            return run;
        }
        if (level == Isa.NATIVE) {
            run.putAll(sections());
            return run;
        }
        Path tmp = java.nio.file.Files.createTempFile("sluice-bench-" + level.label(), ".json");
        try {
            List<String> args = new ArrayList<>(List.of("bench", target, "--isa", "native", "--out", tmp.toString(),
                    "--min-seconds", String.valueOf(minSeconds), "--threads",
                    String.join(",", threads.stream().map(String::valueOf).toList())));
            if (quick) args.add("--quick");
            if (size != null) args.addAll(List.of("--size", String.valueOf(size)));
            int code = ChildJvm.run(level.jvmFlags(), args, level.peerEnvironment());
            if (code != 0) {
                run.put("unavailable", "the benchmark under " + level.describeFlags() + " exited with status " + code);
                return run;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> child = (Map<String, Object>) Json.parse(java.nio.file.Files.readString(tmp));
            run.putAll(child);
            return run;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the benchmark under " + level.label() + " ran", e);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    private Object gemm() {
        StringBuilder whyNot = new StringBuilder();
        Optional<OpenBlas> blas = OpenBlas.load(whyNot);
        out().println("SGEMM: sluice kernels " + KernelDispatch.float32().name() + " (" + KernelDispatch.float32().details()
                + ") vs " + blas.map(OpenBlas::config).orElse("no peer — " + whyNot));
        Map<Integer, Double> roofs = new LinkedHashMap<>();
        for (int t : threads) {
            roofs.put(t, GemmBench.fmaRoofGflops(t, quick ? 0.3 : 1.0));
            out().printf(Locale.ROOT, "FMA roof, %d thread%s: %.1f GFLOP/s (independent vector fmas, no memory)%n", t,
                    t == 1 ? "" : "s", roofs.get(t));
        }
        out().printf(Locale.ROOT, "%-18s %-3s %5s %5s %5s %4s | %3s | %9s %5s %9s %6s | %s%n",
                "case", "lay", "m", "n", "k", "bat", "thr", "sluice", "%roof", "openblas", "ratio", "max rel diff");
        List<GemmBench.Row> rows = new ArrayList<>();
        for (GemmBench.Case c : GemmBench.standardCases(quick)) {
            for (int t : threads) {
                GemmBench.Row r = GemmBench.measure(c, t, blas.orElse(null), minSeconds);
                rows.add(r);
                out().printf(Locale.ROOT, "%-18s %-3s %5d %5d %5d %4d | %3d | %9.1f %5.0f %9s %6s | %s%n",
                        c.name(), c.layout(), c.m(), c.n(), c.k(), c.batch(), t, r.sluiceGflops(),
                        100 * r.sluiceGflops() / roofs.get(t),
                        blas.isPresent() ? String.format(Locale.ROOT, "%.1f", r.peerGflops()) : "n/a",
                        blas.isPresent() ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "n/a",
                        blas.isPresent() ? String.format(Locale.ROOT, "%.1e", r.maxRelDiff()) : "n/a");
            }
        }
        out().println("GFLOP/s; %roof = share of the FMA roof above; ratio = sluice speed / openblas speed (target ≥ 0.9)\n");
        return BenchReport.gemm(blas.map(OpenBlas::config).orElse(whyNot.toString()), roofs, rows);
    }

    /**
     * The GEMM ladder: every rung at one thread, then the threaded rungs at each further thread count, OpenBLAS last in
     * each block. The FMA roof is measured before and after the rows (the larger counts: other jobs on a shared
     * machine can only lower it), so the table is printed at the end; progress goes to stderr meanwhile.
     */
    private Object ladder() {
        int n = size != null ? size : quick ? 256 : 1024, naiveN = Math.min(n, LadderBench.NAIVE_MAX_SIZE);
        StringBuilder whyNot = new StringBuilder();
        Optional<OpenBlas> blas = OpenBlas.load(whyNot);
        double roofSeconds = quick ? 0.3 : 1.0;
        Map<Integer, Double> roofs = new LinkedHashMap<>();
        for (int t : threads) roofs.put(t, GemmBench.fmaRoofGflops(t, roofSeconds));
        LadderBench.Budget budget = quick ? LadderBench.Budget.quick(minSeconds) : LadderBench.Budget.standard(minSeconds);
        LadderBench.Operands full = new LadderBench.Operands(n), small = naiveN < n ? new LadderBench.Operands(naiveN) : full;
        List<LadderBench.Row> rows = new ArrayList<>();
        for (int t : threads) {
            for (GemmRung rung : GemmLadder.rungs()) {
                if (t > 1 && !rung.threaded()) continue;
                rows.add(progress(LadderBench.measure(rung, rung instanceof Gemm01Naive ? small : full, t, budget)));
            }
            if (blas.isPresent()) rows.add(progress(LadderBench.measurePeer(blas.get(), full, t, budget)));
        }
        for (int t : threads) roofs.merge(t, GemmBench.fmaRoofGflops(t, roofSeconds), Math::max);

        var cpu = dev.sluice.backend.cpu.CpuFeatures.get();
        out().printf(Locale.ROOT, "GEMM ladder: C = A·B, float32, row-major, %d×%d×%d (rung 01 at %d); CPU %s; %d-bit "
                + "vectors; production kernels %s (%s); peer %s%n", n, n, n, naiveN, cpu.model(), GemmLadder.vectorBits(),
                KernelDispatch.float32().name(), KernelDispatch.float32().details(),
                blas.map(OpenBlas::config).orElse("none — " + whyNot));
        for (int t : threads) {
            out().printf(Locale.ROOT, "FMA roof, %d thread%s: %.1f GFLOP/s (the larger of two measurements, before and "
                    + "after the rows)%n", t, t == 1 ? "" : "s", roofs.get(t));
        }
        Map<String, Double> oneThread = new LinkedHashMap<>();
        for (int t : threads) {
            out().printf(Locale.ROOT, "%n%d thread%s, %d-bit vectors%n%-17s %5s %3s | %8s %8s %8s %6s | %9s | %s%n", t,
                    t == 1 ? "" : "s", GemmLadder.vectorBits(), "rung", "size", "thr", "median", "best",
                    t == 1 ? "×prev" : "×1thr", "%roof", "err/bound", "warm-up");
            double previous = Double.NaN;
            for (LadderBench.Row r : rows) {
                if (r.threads() != t) continue;
                boolean peer = r.name().startsWith("OpenBLAS");
                double base = t > 1 ? oneThread.getOrDefault(r.name(), Double.NaN) : peer ? Double.NaN : previous;
                ladderRow(r, base, roofs.get(t));
                if (t == 1) oneThread.put(r.name(), r.bestGflops());
                if (!peer) previous = r.bestGflops();
            }
        }
        out().printf(Locale.ROOT, "%nGFLOP/s = 2·N³ / time of the median and of the fastest call (the least disturbed "
                + "on a shared machine); ×prev = speed-up of the fastest over the rung above's (rung 01 ran at N=%d, the "
                + "rest at N=%d); ×1thr = over the same row at 1 thread; %%roof = fastest call's share of the FMA roof; "
                + "err/bound = largest error of %d sampled entries in units of float32's bound (≤ 1 is correct); "
                + "warm-up = time and calls until three calls agreed within 5%% (* = had not settled)%n%n", naiveN, n,
                LadderBench.SAMPLED_ENTRIES);
        return BenchReport.ladder(n, naiveN, GemmLadder.vectorBits(),
                blas.map(OpenBlas::config).orElse(whyNot.toString()), roofs, rows);
    }

    /** One line on stderr per timed row, so that a long run shows where it is. */
    private LadderBench.Row progress(LadderBench.Row r) {
        err().printf(Locale.ROOT, "  %s, %d thread%s: %.1f GFLOP/s%n", r.name(), r.threads(), r.threads() == 1 ? "" : "s",
                r.bestGflops());
        return r;
    }

    private void ladderRow(LadderBench.Row r, double base, double roof) {
        out().printf(Locale.ROOT, "%-17s %5d %3d | %8.2f %8.2f %8s %6.1f | %9.2f | %.1f s, %d calls%s%n", r.name(),
                r.size(), r.threads(), r.gflops(), r.bestGflops(),
                Double.isNaN(base) ? "—" : String.format(Locale.ROOT, "%.2f", r.bestGflops() / base),
                100 * r.bestGflops() / roof, r.errorInBounds(), r.warmupSeconds(), r.warmupCalls(),
                r.warmupStable() ? "" : " *");
    }

    /**
     * Data-parallel scaling: for each model size, transport and rank count, a row as soon as it is measured (progress
     * and table at once), then the notes that say how to read it.
     */
    private Object distributed() {
        var cpu = dev.sluice.backend.cpu.CpuFeatures.get();
        int kernelThreads = threads.get(0);
        DistributedBench.Settings settings = quick
                ? new DistributedBench.Settings(batch, 1, 0.0, 3, 3, minSeconds)
                : new DistributedBench.Settings(batch, 3, 2.0, 5, 5, minSeconds);
        out().printf(Locale.ROOT, "Data-parallel scaling: MLP %d-w-w-%d (ReLU, cross-entropy, AdamW), %d examples per rank "
                + "per step; ranks are threads of this JVM sharing %d kernel thread%s; CPU %s, %d CPUs; max heap %.1f GiB%n",
                DistributedBench.INPUTS, DistributedBench.CLASSES, batch, kernelThreads, kernelThreads == 1 ? "" : "s",
                cpu.model(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1073741824.0);
        out().printf(Locale.ROOT, "%-5s %3s %11s | %9s %9s | %9s %8s %8s | %10s %10s %10s %7s %7s%n", "trans", "N",
                "params", "step ms", "in-AR ms", "AR ms", "alg GB/s", "bus GB/s", "MB/rank", "max MB", "2(N-1)/N",
                "mean/th", "max/th");
        List<DistributedBench.Row> rows = new ArrayList<>();
        try (var limit = dev.sluice.backend.cpu.Parallel.limitThreads(kernelThreads)) {
            for (DistributedBench.ModelSize size : sizes) {
                for (DistributedBench.Transport t : transportList) {
                    for (int n : workers) {
                        DistributedBench.Row r = DistributedBench.measure(t, n, size, settings);
                        rows.add(r);
                        distributedRow(r);
                    }
                }
            }
        }
        out().printf(Locale.ROOT, "%nstep ms: median wall time of one DistributedTrainer step (forward, backward, "
                + "all-reduce, AdamW), ranks in lockstep; in-AR ms: of that, the median time a rank spends inside the "
                + "step's all-reduce (mean over ranks; includes waiting for slower ranks); AR ms: the all-reduce alone on "
                + "a buffer of the step's length (gradients + %d flags + 2), ranks otherwise idle; alg GB/s = 4·length / "
                + "AR time; bus GB/s = 2(N-1)/N·4·length / AR time (NCCL's convention: the link speed a textbook ring "
                + "would need); MB/rank, max MB: bytes each rank sent per step as the ring counts them (headers "
                + "included; mean over ranks and the busiest rank), against the textbook ring's 2(N-1)/N·4·length. "
                + "The ring sums in rank order, so ranks 0..N-3 send 2·4·length and the last two 4·length: the mean "
                + "matches the textbook, the busiest rank sends N/(N-1) times it. local: no bytes are sent (shared "
                + "memory). With more ranks than the %d CPUs the ranks' compute shares the cores, so step times at "
                + "N > %d are inflated by oversubscription, not by communication; timings on a shared machine are noisy.%n%n",
                6, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
        return BenchReport.distributed(kernelThreads, settings, DistributedBench.HEAP_BYTES_PER_PARAMETER_AND_RANK,
                Runtime.getRuntime().maxMemory(), rows);
    }

    private void distributedRow(DistributedBench.Row r) {
        String head = String.format(Locale.ROOT, "%-5s %3d %11s", r.transport().label(), r.workers(),
                String.format(Locale.ROOT, "%,d", r.size().parameters()));
        if (r.skipped() != null) {
            out().println(head + " | skipped: " + r.skipped());
            return;
        }
        boolean ring = r.stepBytes() != null;
        double th = r.theoreticalBytes();
        out().printf(Locale.ROOT, "%s | %9.1f %9.1f | %9.2f %8s %8s | %10s %10s %10.3f %7s %7s%n", head,
                1e3 * r.stepSeconds(), 1e3 * r.inStepAllReduceSeconds(), 1e3 * r.allReduceSeconds(),
                r.workers() > 1 ? String.format(Locale.ROOT, "%.2f", r.algorithmGBps()) : "—",
                Double.isNaN(r.busGBps()) ? "—" : String.format(Locale.ROOT, "%.2f", r.busGBps()),
                ring ? String.format(Locale.ROOT, "%.3f", r.meanStepBytes() / 1e6) : "—",
                ring ? String.format(Locale.ROOT, "%.3f", r.maxStepBytes() / 1e6) : "—", th / 1e6,
                ring && th > 0 ? String.format(Locale.ROOT, "%.4f", r.meanStepBytes() / th) : "—",
                ring && th > 0 ? String.format(Locale.ROOT, "%.3f", r.maxStepBytes() / th) : "—");
    }

    private Object memory() {
        int n = quick ? 1 << 20 : 1 << 24, cols = 1024;
        out().printf(Locale.ROOT, "%-22s | %3s | %8s | %8s | %10s | %s%n", "memory-bound kernel", "thr", "GB/s",
                "vs copy", "torch GB/s", "sluice/torch");
        List<MemoryBench.Row> rows = new ArrayList<>();
        String peer = null;
        for (int t : threads) {
            List<MemoryBench.Row> sluice = MemoryBench.run(n, cols, t, minSeconds);
            TorchPeer.MemoryResult torch = TorchPeer.memory(n, cols, t, minSeconds);
            peer = torch.ok() ? torch.version() : torch.whyNot();
            for (MemoryBench.Row r : sluice) {
                MemoryBench.Row withPeer = r.withPeer(torch.gbps().getOrDefault(r.kernel(), Double.NaN));
                rows.add(withPeer);
                out().printf(Locale.ROOT, "%-22s | %3d | %8.1f | %8.2f | %10s | %s%n", r.kernel(), t, r.gbps(),
                        r.ratioToCopy(), Double.isNaN(withPeer.peerGbps()) ? "n/a" : String.format(Locale.ROOT, "%.1f", withPeer.peerGbps()),
                        Double.isNaN(withPeer.peerGbps()) ? "n/a" : String.format(Locale.ROOT, "%.2f", withPeer.ratioToPeer()));
            }
            out().println("peer: " + peer);
        }
        out().printf(Locale.ROOT, "%,d floats in rows of %d; GB/s counts each compulsory read and write once "
                + "(target ≥ 0.80 of copy, or of the compute bound; and faster than PyTorch: sluice/torch > 1)%n%n", n, cols);
        return BenchReport.memory(peer, rows);
    }

    private Object lm() {
        int promptTokens = 32, newTokens = quick ? 8 : 32, batch = 1, seq = quick ? 32 : 128, steps = quick ? 1 : 3;
        out().printf(Locale.ROOT, "SmolLM-135M shape (random float32 weights): greedy decoding after a %d-token prompt, "
                + "%d new tokens; AdamW step on [%d, %d]%n", promptTokens, newTokens, batch, seq);
        out().printf(Locale.ROOT, "%3s | %-20s | %10s %10s %6s%n", "thr", "measure", "sluice", "torch", "ratio");
        List<Object> rows = new ArrayList<>();
        for (int t : threads) {
            LmBench.Measurement m = LmBench.measure(t, promptTokens, newTokens, batch, seq, steps, heapDump);
            TorchPeer.LmResult torch = TorchPeer.lm(t, promptTokens, newTokens, batch, seq, steps);
            Map<String, Double> p = torch.numbers();
            lmRow(t, "prefill ms", m.prefillMillis(), p.get("prefill_ms"));
            lmRow(t, "decode tokens/s", m.decodeTokensPerSecond(), p.get("decode_tokens_per_second"));
            lmRow(t, "AdamW step ms", m.stepMillis(), p.get("step_ms"));
            out().printf(Locale.ROOT, "%3d | %-20s | %10.0f %10s |  sluice: live heap after the step (after a GC) = "
                    + "%.0f weights, gradients and AdamW moments (16 B/parameter) + %.0f recycled buffers kept for the next "
                    + "step + %.0f other, under a max heap of %.0f; torch: the process's peak RSS%n", t, "memory MiB",
                    m.heapAfterStepMiB(), p.get("peak_rss_mib") == null ? "n/a" : String.format(Locale.ROOT, "%.0f",
                            p.get("peak_rss_mib")), m.stateMiB(), m.pooledMiB(),
                    m.heapAfterStepMiB() - m.stateMiB() - m.pooledMiB(), m.maxHeapMiB());
            out().println("peer: " + (torch.ok() ? torch.version() : torch.whyNot()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("threads", t);
            row.put("parameters", m.parameters());
            row.put("sluice_prefill_ms", m.prefillMillis());
            row.put("sluice_decode_tokens_per_second", m.decodeTokensPerSecond());
            row.put("sluice_step_ms", m.stepMillis());
            row.put("sluice_heap_after_step_mib", m.heapAfterStepMiB());
            row.put("sluice_state_mib", m.stateMiB());
            row.put("sluice_pooled_buffers_mib", m.pooledMiB());
            row.put("sluice_max_heap_mib", m.maxHeapMiB());
            row.put("peer", torch.ok() ? torch.version() : torch.whyNot());
            row.put("peer_numbers", p);
            rows.add(row);
        }
        out().println("ratio = sluice / torch (for tokens/s higher is better; for ms lower is better)\n");
        return rows;
    }

    private void lmRow(int threads, String what, double sluice, Double torch) {
        out().printf(Locale.ROOT, "%3d | %-20s | %10.1f %10s %6s%n", threads, what, sluice,
                torch == null ? "n/a" : String.format(Locale.ROOT, "%.1f", torch),
                torch == null ? "n/a" : String.format(Locale.ROOT, "%.2f", sluice / torch));
    }

    private Object steps() {
        int warmup = quick ? 1 : 5, steps = quick ? 3 : 20;
        out().printf(Locale.ROOT, "%-6s | %3s | %10s %10s %6s | %s%n", "step", "thr", "sluice ms", "torch ms", "ratio",
                "sluice MB allocated/step");
        List<Object> rows = new ArrayList<>();
        for (int t : threads) {
            Map<String, TrainingSteps.Measurement> sluice = TrainingSteps.measure(TrainingSteps.MODELS, t, warmup, steps);
            TorchPeer.Result torch = TorchPeer.run(TrainingSteps.MODELS, t, warmup, steps);
            for (String m : TrainingSteps.MODELS) {
                Double peer = torch.millis().get(m);
                double ms = sluice.get(m).millis();
                out().printf(Locale.ROOT, "%-6s | %3d | %10.1f %10s %6s | %.1f%n", m, t, ms,
                        peer == null ? "n/a" : String.format(Locale.ROOT, "%.1f", peer),
                        peer == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ms / peer), sluice.get(m).allocatedMegabytes());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", m);
                row.put("threads", t);
                row.put("sluice_ms", ms);
                row.put("sluice_allocated_mb_per_step", sluice.get(m).allocatedMegabytes());
                row.put("peer", torch.ok() ? torch.version() : torch.whyNot());
                row.put("peer_ms", peer);
                row.put("time_ratio", peer == null ? null : ms / peer);
                rows.add(row);
            }
            if (!torch.ok()) out().println("peer: " + torch.whyNot());
            else out().println("peer: " + torch.version());
        }
        out().println("median ms per training step; ratio = sluice time / torch time (target ≤ 1.0)\n");
        return rows;
    }
}
