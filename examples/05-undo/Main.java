// Example 05: UNDO (unlearn, noise, distil) on modular arithmetic: retain = (a + b) mod 29, forget = (a · b) mod 29.
//   ./sluice example 05 [--short]
// Unlearning alone hides the forget task, but a short relearning attack brings it back; UNDO's noised and distilled
// copy answers like the unlearned model yet relearns more slowly. --short pretrains and attacks for fewer steps.
import dev.sluice.autograd.GradMode;
import dev.sluice.methods.undo.*;
import dev.sluice.nn.*;
import dev.sluice.nn.Module;                 // not java.lang.Module
import dev.sluice.optim.Adam;
import dev.sluice.tensor.*;

import java.util.Arrays;
import java.util.function.Supplier;

public class Main {
    static final int P = 29;
    static final Generator GEN = new Generator(0);

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--short");
        Tensor[] retain = pairs(false), forget = pairs(true);            // all 841 pairs of each: {inputs, targets}
        Tensor[] attacker = every4th(forget, 0), heldOut = every4th(forget, 2); // the attacker's quarter, another to score
        Tensor[] both = {Tensor.cat(0, retain[0], forget[0]), Tensor.cat(0, retain[1], forget[1])};

        MLP base = new MLP(new int[] {3 * (P + 2), 128, 128, P}, Activation.RELU, new Generator(1));
        train(base, quick ? 600 : 3000, () -> { Tensor[] b = sample(both); return Losses.crossEntropy(base.forward(b[0]), b[1]); });
        report("pretrained", base, retain, forget);

        // 1. Unlearn: MaxEnt pushes the forget predictions toward uniform while cross-entropy keeps the retain task
        MLP teacher = base.deepCopy();
        train(teacher, 200, () -> { Tensor[] f = sample(forget), r = sample(retain);
            return UnlearningLosses.maxEnt(teacher.forward(f[0]), null, teacher.forward(r[0]), r[1], 1.0); });
        report("unlearned", teacher, retain, forget);

        // 2. Noise: θ ← 0.2·θ + 0.8·0.1·N; 3. distil the teacher's outputs on retain and forget inputs alike,
        // until the student's retain loss is back near the teacher's
        MLP student = teacher.deepCopy();
        ShrinkPerturb.builder(0.8, 0.1, 42).build().apply(student);
        double teacherLoss = loss(teacher, retain);
        var distilled = OutputDistillation.run(student, teacher, step -> sample(both)[0], new Adam(student.parameters(), 3e-3),
                1500, new StopRule(50, () -> loss(student, retain) <= 1.05 * teacherLoss + 0.02));
        report("UNDO (" + distilled.steps() + " distillation steps)", student, retain, forget);

        // The relearning attack: AdamW (two learning rates) on the attacker's pairs, scored on pairs it never saw
        int steps = quick ? 40 : 200;
        var attack = new RelearningAttack.Config(new double[] {1e-3, 3e-3}, steps, new int[] {0, 10, 25, steps}, 0.9, 0.999, 0);
        for (MLP m : new MLP[] {teacher, student}) {
            var result = RelearningAttack.run(m, attack, (copy, step) -> Losses.crossEntropy(copy.forward(attacker[0]), attacker[1]),
                    copy -> accuracy(copy, heldOut));
            System.out.printf("attack on %-9s held-out forget accuracy after %s steps: %s%n", m == teacher ? "unlearned" : "UNDO",
                    Arrays.toString(attack.evalSteps()), Arrays.toString(Arrays.stream(result.best()).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
        }
    }

    /** The P² pairs (a, op, b) as one-hot inputs [P², 3·(P+2)] (tokens 0..P−1 are numbers, P is +, P+1 is ·) and targets. */
    static Tensor[] pairs(boolean multiply) {
        long[] tokens = new long[3 * P * P], targets = new long[P * P];
        for (int a = 0, i = 0; a < P; a++) {
            for (int b = 0; b < P; b++, i++) {
                tokens[3 * i] = a;
                tokens[3 * i + 1] = multiply ? P + 1 : P;
                tokens[3 * i + 2] = b;
                targets[i] = multiply ? a * b % P : (a + b) % P;
            }
        }
        return new Tensor[] {Tensor.of(tokens, P * P, 3).oneHot(P + 2).reshape(P * P, -1).to(DType.FLOAT32), Tensor.of(targets, P * P)};
    }

    static Tensor[] every4th(Tensor[] s, int first) {
        return new Tensor[] {s[0].slice(0, first, P * P, 4), s[1].slice(0, first, P * P, 4)};
    }

    static Tensor[] sample(Tensor[] s) {                                 // a batch of 256 rows, with replacement
        Tensor index = Tensor.randint(GEN, 0, s[1].size(0), 256);
        return new Tensor[] {s[0].indexSelect(0, index), s[1].indexSelect(0, index)};
    }

    static void train(Module model, int steps, Supplier<Tensor> loss) {
        Adam opt = new Adam(model.parameters(), 3e-3);
        for (int step = 0; step < steps; step++) {
            opt.zeroGrad();
            loss.get().backward();
            opt.step();
        }
    }

    static void report(String name, MLP m, Tensor[] retain, Tensor[] forget) {
        System.out.printf("%-34s retain accuracy %.3f  forget accuracy %.3f%n", name, accuracy(m, retain), accuracy(m, forget));
    }

    static double accuracy(Module m, Tensor[] s) {
        try (var noGrad = GradMode.noGrad()) { return m.forward(s[0]).argmax(1).eq(s[1]).to(DType.FLOAT64).mean().item(); }
    }

    static double loss(Module m, Tensor[] s) {
        try (var noGrad = GradMode.noGrad()) { return Losses.crossEntropy(m.forward(s[0]), s[1]).item(); }
    }
}
