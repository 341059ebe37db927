"""Training: the strict TOML config, the PyTorch loop, cross-validation, the default model."""
