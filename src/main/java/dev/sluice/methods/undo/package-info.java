/**
 * UNDO — Unlearn, Noise, Distill on Outputs (Lee et al., 2025, "Distillation Robustifies Unlearning"): unlearning
 * objectives ({@link dev.sluice.methods.undo.UnlearningLosses}, {@link dev.sluice.methods.undo.Rmu}), shrink-and-perturb
 * noise on a copy ({@link dev.sluice.methods.undo.ShrinkPerturb}), distillation of the unlearned model's outputs
 * (the losses live in {@link dev.sluice.nn.Losses}: forward/reverse KL, soft-target CE, MSE on logits), a stop rule
 * checked every k steps, and a relearning-attack harness ({@link dev.sluice.methods.undo.RelearningAttack}).
 */
package dev.sluice.methods.undo;
