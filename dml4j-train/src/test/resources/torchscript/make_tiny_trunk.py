#!/usr/bin/python3
"""Writes tiny_trunk.pt, the TorchScript test fixture of dml4j-train (run once with Debian's python3-torch: /usr/bin/python3 make_tiny_trunk.py).

A trunk for grey 8x8 images: conv 3x3 (1 -> 4 channels) + batch norm + ReLU + global average pooling,
returning features [B, 4]. Scripted (so train/eval mode stays switchable) with a fixed seed; made with Debian's python3-torch (1.13).
"""
import torch


class TinyTrunk(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return x.mean(dim=(2, 3))


torch.manual_seed(0)
scripted = torch.jit.script(TinyTrunk())
scripted.save("tiny_trunk.pt")
