"""Benchmarks: each script prints its figures and has a `main(argv)` returning them as a dict."""
