.PHONY: demo test bench load

# Demo server with demo data on http://127.0.0.1:8069 (admin / admin)
demo:
	bash scripts/demo

# The whole test suite, lint included (the same as CI)
test:
	bash .ci/run

# Benchmarks against Odoo core, in a fresh database (prints ratios)
bench:
	bash scripts/bench

# Load test: 2 workers, 20 JSON-RPC clients, 60 seconds, loopback only
load:
	bash scripts/load
