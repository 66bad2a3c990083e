package dev.sluice.cli;

import dev.sluice.backend.cpu.kernels.KernelDispatch;
import dev.sluice.bench.BenchReport;
import dev.sluice.bench.GemmBench;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import dev.sluice.bench.MemoryBench;
import dev.sluice.bench.OpenBlas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code sluice bench cpu}: Sluice's CPU kernels and their peers, measured side by side in one run. */
@Command(name = "bench", description = "Benchmark Sluice's kernels against peers measured in the same run.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "What to benchmark; available: cpu.")
    String target;

    @Option(names = "--threads", split = ",", description = "Thread counts to measure (default: 1,2).")
    List<Integer> threads = List.of(1, 2);

    @Option(names = "--quick", description = "Small shapes only (a smoke run, not for reporting).")
    boolean quick;

    @Option(names = "--min-seconds", description = "Minimum measured time per contender and case (default: ${DEFAULT-VALUE}).")
    double minSeconds = 0.5;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write every measurement as JSON to FILE (atomically).")
    java.nio.file.Path out;

    @Override
    public Integer call() throws java.io.IOException {
        if (!target.equals("cpu")) {
            System.err.println("sluice bench: unknown target '" + target + "'; available: cpu");
            return 2;
        }
        StringBuilder whyNot = new StringBuilder();
        Optional<OpenBlas> blas = OpenBlas.load(whyNot);
        System.out.println("sluice kernels: " + KernelDispatch.float32().name());
        System.out.println("peer: " + blas.map(OpenBlas::config).orElse("none — " + whyNot));
        System.out.printf(Locale.ROOT, "%-18s %-3s %5s %5s %5s %4s | %3s | %9s %9s %6s | %s%n",
                "SGEMM case", "lay", "m", "n", "k", "bat", "thr", "sluice", "openblas", "ratio", "max rel diff");
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
        System.out.println("GFLOP/s; ratio = sluice speed / openblas speed (≥ 0.75 is the target)");
        System.out.println();

        int n = quick ? 1 << 20 : 1 << 24, cols = 1024;
        System.out.printf(Locale.ROOT, "%-20s | %3s | %8s | %9s%n", "memory-bound kernel", "thr", "GB/s", "vs copy");
        List<MemoryBench.Row> memRows = new ArrayList<>();
        for (int t : threads) {
            for (MemoryBench.Row r : MemoryBench.run(n, cols, t, minSeconds)) {
                memRows.add(r);
                System.out.printf(Locale.ROOT, "%-20s | %3d | %8.1f | %9.2f%n", r.kernel(), t, r.gbps(), r.ratioToCopy());
            }
        }
        System.out.printf(Locale.ROOT, "%,d floats in rows of %d; GB/s counts each compulsory read and write once; "
                + "target ≥ 0.80 of copy%n", n, cols);
        if (out != null) {
            AtomicFiles.writeString(out, Json.writePretty(BenchReport.toJson(
                    KernelDispatch.float32().name(), blas.map(OpenBlas::config).orElse(whyNot.toString()), rows, memRows)) + "\n");
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
