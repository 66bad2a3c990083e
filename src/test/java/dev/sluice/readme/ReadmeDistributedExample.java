package dev.sluice.readme;

import dev.sluice.data.Batch;
import dev.sluice.distributed.AllReduce;
import dev.sluice.distributed.DistributedTrainer;
import dev.sluice.distributed.LocalAllReduce;
import dev.sluice.distributed.ShardLoss;
import dev.sluice.distributed.ShardRange;
import dev.sluice.distributed.ShardSource;
import dev.sluice.distributed.StepLoss;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Losses;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** README.md's data-parallel example, verbatim between the markers (checked by {@link ReadmeExampleTest}). */
final class ReadmeDistributedExample {
    static List<Linear> run() throws Exception {
        // DISTRIBUTED-BEGIN
        int ranks = 2, globalBatch = 64;
        List<LocalAllReduce> comms = LocalAllReduce.create(ranks);   // or RingAllReduce.connect(...) per process
        ShardSource<Batch> data = (step, rank, worldSize) -> {       // step s's global batch, then this rank's slice
            Generator gen = new Generator(step);
            Tensor x = Tensor.randn(gen, DType.FLOAT32, globalBatch, 4);
            Tensor y = x.matmul(Tensor.of(new float[] {2, -1, 0.5f, 1}, 4, 1));
            ShardRange r = ShardRange.of(globalBatch, rank, worldSize);
            return new Batch(x.narrow(0, r.from(), r.size()), y.narrow(0, r.from(), r.size()));
        };
        StepLoss<Linear, Batch> loss = (model, shard) ->              // a mean over the shard's examples
                ShardLoss.mean(Losses.mse(model.forward(shard.inputs()), shard.targets()), shard.size());
        Path checkpoint = Files.createTempDirectory("sluice-dp").resolve("checkpoint.safetensors");
        List<Linear> models = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(ranks)) {  // one thread per rank here
            List<Future<Linear>> running = new ArrayList<>();
            for (AllReduce comm : comms) {
                running.add(pool.submit(() -> {
                    DistributedTrainer<Linear, Batch> trainer = DistributedTrainer
                            .builder(new Linear(4, 1, new Generator(comm.rank())), comm, loss)
                            .optimizer(params -> new AdamW(params, 0.05))
                            .checkpoint(checkpoint, 50)   // rank 0 writes every 50 steps; a rerun resumes there
                            .build();                     // same setup on every rank? then rank 0's weights for all
                    trainer.train(data, 300);
                    return trainer.model();
                }));
            }
            for (Future<Linear> f : running) models.add(f.get());
        }
        // both ranks now hold the same bits: weight ≈ [2, -1, 0.5, 1], bias ≈ 0
        // DISTRIBUTED-END
        return models;
    }
}
