"""coso's benchmarks (`make bench`): figures are printed and written to bench-results/."""
