# tests/lab/lab.mk: the two-VM lab (included by the top-level Makefile).
#   make lab-image   build (or reuse) the cached guest image
#   make demo        boot the lab, run the node-loss failover scenario, print a report
#   make lab-check   the lab tests alone
LAB_DIR := tests/lab
LAB_CTL := $(B)/lab/lab-ctl

.PHONY: lab-image demo lab-check lab-down

$(LAB_CTL): $(LAB_DIR)/lab-ctl.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

lab-image:
	$(LAB_DIR)/build-image

# Like check, demo installs what it needs first (README: one command on a fresh machine).
demo: deps
	$(MAKE) all $(LAB_CTL)
	$(LAB_DIR)/demo

lab-check: all $(LAB_CTL)
	tests/run lab

lab-down:
	$(LAB_DIR)/lab down
