.PHONY: demo test bench load load-ci scale

# Demo server with demo data on http://127.0.0.1:8069 (admin / admin)
demo:
	bash scripts/demo

# The whole test suite, lint included (the same as CI)
test:
	bash .ci/run

# Benchmarks against Odoo core, in a fresh database (prints ratios)
bench:
	bash scripts/bench

# Load test with faults on its own PostgreSQL: 4 workers, 40 JSON-RPC clients,
# 120 seconds, a worker killed and PostgreSQL restarted; loopback only
load:
	bash scripts/load

# The small load test CI runs: 10 clients, 20 seconds, the same faults
load-ci:
	bash scripts/load --clients 10 --duration 20

# Scale: ten branches grown to 10,000 and 100,000 dossiers (about 15 minutes)
scale:
	bash scripts/scale
