"""The trainer's optimiser and gradient clipping, from a TrainConfig.

Apart from ``trainer.py`` (the step loop) because these are the update rule's settings alone:
what a step does with the gradient once it has it, the same whether or not the step is
recorded.

Gradient clipping (Pascanu et al. 2013), with g the gradient of all trained parameters:
    norm:  g <- mu * g / ||g||   if ||g|| > mu
    value: g_i <- clamp(g_i, -mu, mu)
"""

from __future__ import annotations

import torch

from rnnviz.engine.train_config import TrainConfig


def make_optimizer(config: TrainConfig, params: list[torch.nn.Parameter]) -> torch.optim.Optimizer:
    """The optimiser ``config.optimizer`` names, at ``config.lr``."""
    c = config
    if c.optimizer == "sgd":
        return torch.optim.SGD(params, lr=c.lr, foreach=True)
    if c.optimizer == "momentum":
        return torch.optim.SGD(params, lr=c.lr, momentum=c.momentum, foreach=True)
    if c.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=c.lr, foreach=True)
    return torch.optim.Adam(params, lr=c.lr, foreach=True)


def clip_gradients(
    config: TrainConfig, grads: list[torch.Tensor], grad_norm: float
) -> tuple[bool, float]:
    """Clip ``grads`` in place (``config.clip_mode`` at ``config.clip_threshold`` = mu, see
    the module docstring); ``grad_norm``: ||g|| before. Returns (whether clipping fired,
    ||g|| after)."""
    c = config
    if c.clip_mode == "norm" and grad_norm > c.clip_threshold:
        scale = c.clip_threshold / grad_norm
        for g in grads:
            g.mul_(scale)
        return True, c.clip_threshold
    if c.clip_mode == "value":
        fired = any(bool((g.abs() > c.clip_threshold).any()) for g in grads)
        if fired:
            for g in grads:
                g.clamp_(-c.clip_threshold, c.clip_threshold)
            norms = torch.stack([torch.linalg.vector_norm(g) for g in grads])
            return True, float(torch.linalg.vector_norm(norms))
    return False, grad_norm
