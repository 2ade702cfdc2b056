# tests/probe/probe.mk: the RPO/RTO probe (included by the top-level Makefile).
# Static, so that it runs inside a busybox container; build-image puts it in the lab image.
PROBE_BIN := $(B)/probe/havz-probe

.PHONY: probe
probe: $(PROBE_BIN)

$(PROBE_BIN): tests/probe/havz-probe.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -static -o $@ $<
