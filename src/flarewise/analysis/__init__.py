"""Pure numerics: the daily grid, AR(1) models, n-of-1 effects, trigger screening with FDR
control, and flare detection (analysis-methods.md)."""
