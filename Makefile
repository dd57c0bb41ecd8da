.PHONY: demo test

# Demo server with demo data on http://127.0.0.1:8069 (admin / admin)
demo:
	bash scripts/demo

# The whole test suite, lint included (the same as CI)
test:
	bash .ci/run
