"""Programs the benchmark groups run as child processes (``python -m
benchmarks.drivers.<name>``). Each prints its result as one ``BENCH {json}`` line."""
