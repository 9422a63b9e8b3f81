"""`make bench`: figures for latency, throughput, memory, training time and NLU accuracy."""
