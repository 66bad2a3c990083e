# Produces golden.safetensors with the reference implementation (safetensors 0.8.0, torch 2.13.0+cpu).
# Run from this directory:  python make_golden.py
# SafeTensorsGoldenTest checks that Sluice reads these exact values and writes byte-identical bytes.
import torch
from safetensors.torch import save_file

tensors = {
    "weight": torch.tensor([[1.5, -2.25, 0.0], [3.0e-8, 1.0e30, -0.0]], dtype=torch.float32),
    "scale": torch.tensor(3.141592653589793, dtype=torch.float64),  # 0-d
    "index": torch.tensor([-2147483648, -1, 0, 7, 2147483647], dtype=torch.int32),
    "steps": torch.tensor([[-9223372036854775808, 42], [1 << 40, 9223372036854775807]], dtype=torch.int64),
    "mask": torch.tensor([True, False, True], dtype=torch.bool),
    "empty": torch.zeros((0, 3), dtype=torch.float32),
}
save_file(tensors, "golden.safetensors", metadata={"format": "pt"})
