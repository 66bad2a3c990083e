package dev.sluice.cli;

import dev.sluice.backend.cpu.kernels.KernelDispatch;
import dev.sluice.bench.BenchMarkdown;
import dev.sluice.bench.BenchReport;
import dev.sluice.bench.GemmBench;
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
import java.util.concurrent.Callable;

/** {@code sluice bench cpu}: Sluice's CPU kernels and their peers, measured side by side in one run. */
@Command(name = "bench", description = "Benchmark Sluice's kernels against peers measured in the same run.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET",
            description = "cpu (everything below), gemm (vs OpenBLAS), memory (vs copy bandwidth), steps (training steps vs PyTorch); "
                    + "gpu (cuda:0: kernels vs copy bandwidth, GEMM via cuBLAS and the own kernel, GPT step).")
    String target;

    @Option(names = "--threads", split = ",", description = "Thread counts to measure (default: 1,2).")
    List<Integer> threads = List.of(1, 2);

    @Option(names = "--quick", description = "Small shapes and few steps (a smoke run, not for reporting).")
    boolean quick;

    @Option(names = "--min-seconds", description = "Minimum measured time per contender and case (default: ${DEFAULT-VALUE}).")
    double minSeconds = 0.5;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write every measurement as JSON to FILE (atomically).")
    Path out;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the tables as Markdown to FILE (e.g. bench/RESULTS.md).")
    Path markdown;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!List.of("cpu", "gemm", "memory", "steps", "gpu").contains(target)) {
            System.err.println("sluice bench: unknown target '" + target + "'; available: cpu, gemm, memory, steps, gpu");
            return 2;
        }
        if (target.equals("gpu")) {
            Map<String, Object> gpu = GpuBench.run(quick, minSeconds);
            if (gpu == null) return GpuBench.UNAVAILABLE;
            if (out != null) {
                AtomicFiles.writeString(out, Json.writePretty(gpu) + "\n");
                System.out.println("wrote " + out);
            }
            return 0;
        }
        boolean all = target.equals("cpu");
        Map<String, Object> json = new LinkedHashMap<>(BenchReport.header(KernelDispatch.float32().name()));
        if (all || target.equals("gemm")) json.put("gemm", gemm());
        if (all || target.equals("memory")) json.put("memory", memory());
        if (all || target.equals("steps")) json.put("steps", steps());
        if (out != null) {
            AtomicFiles.writeString(out, Json.writePretty(json) + "\n");
            System.out.println("wrote " + out);
        }
        if (markdown != null) {
            String command = "./sluice " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            AtomicFiles.writeString(markdown, BenchMarkdown.render(json, command));
            System.out.println("wrote " + markdown);
        }
        return 0;
    }

    private Object gemm() {
        StringBuilder whyNot = new StringBuilder();
        Optional<OpenBlas> blas = OpenBlas.load(whyNot);
        System.out.println("SGEMM: sluice kernels " + KernelDispatch.float32().name() + " vs "
                + blas.map(OpenBlas::config).orElse("no peer — " + whyNot));
        System.out.printf(Locale.ROOT, "%-18s %-3s %5s %5s %5s %4s | %3s | %9s %9s %6s | %s%n",
                "case", "lay", "m", "n", "k", "bat", "thr", "sluice", "openblas", "ratio", "max rel diff");
        List<GemmBench.Row> rows = new ArrayList<>();
        for (GemmBench.Case c : GemmBench.standardCases(quick)) {
            for (int t : threads) {
                GemmBench.Row r = GemmBench.measure(c, t, blas.orElse(null), minSeconds);
                rows.add(r);
                System.out.printf(Locale.ROOT, "%-18s %-3s %5d %5d %5d %4d | %3d | %9.1f %9s %6s | %s%n",
                        c.name(), c.layout(), c.m(), c.n(), c.k(), c.batch(), t, r.sluiceGflops(),
                        blas.isPresent() ? String.format(Locale.ROOT, "%.1f", r.peerGflops()) : "n/a",
                        blas.isPresent() ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "n/a",
                        blas.isPresent() ? String.format(Locale.ROOT, "%.1e", r.maxRelDiff()) : "n/a");
            }
        }
        System.out.println("GFLOP/s; ratio = sluice speed / openblas speed (target ≥ 0.75)\n");
        return BenchReport.gemm(blas.map(OpenBlas::config).orElse(whyNot.toString()), rows);
    }

    private Object memory() {
        int n = quick ? 1 << 20 : 1 << 24, cols = 1024;
        System.out.printf(Locale.ROOT, "%-20s | %3s | %8s | %9s%n", "memory-bound kernel", "thr", "GB/s", "vs copy");
        List<MemoryBench.Row> rows = new ArrayList<>();
        for (int t : threads) {
            for (MemoryBench.Row r : MemoryBench.run(n, cols, t, minSeconds)) {
                rows.add(r);
                System.out.printf(Locale.ROOT, "%-20s | %3d | %8.1f | %9.2f%n", r.kernel(), t, r.gbps(), r.ratioToCopy());
            }
        }
        System.out.printf(Locale.ROOT, "%,d floats in rows of %d; GB/s counts each compulsory read and write once "
                + "(target ≥ 0.80 of copy)%n%n", n, cols);
        return BenchReport.memory(rows);
    }

    private Object steps() {
        int warmup = quick ? 1 : 5, steps = quick ? 3 : 20;
        System.out.printf(Locale.ROOT, "%-6s | %3s | %10s %10s %6s | %s%n", "step", "thr", "sluice ms", "torch ms", "ratio",
                "sluice MB allocated/step");
        List<Object> rows = new ArrayList<>();
        for (int t : threads) {
            Map<String, TrainingSteps.Measurement> sluice = TrainingSteps.measure(TrainingSteps.MODELS, t, warmup, steps);
            TorchPeer.Result torch = TorchPeer.run(TrainingSteps.MODELS, t, warmup, steps);
            for (String m : TrainingSteps.MODELS) {
                Double peer = torch.millis().get(m);
                double ms = sluice.get(m).millis();
                System.out.printf(Locale.ROOT, "%-6s | %3d | %10.1f %10s %6s | %.1f%n", m, t, ms,
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
            if (!torch.ok()) System.out.println("peer: " + torch.whyNot());
            else System.out.println("peer: " + torch.version());
        }
        System.out.println("median ms per training step; ratio = sluice time / torch time (target ≤ 1.0)\n");
        return rows;
    }
}
