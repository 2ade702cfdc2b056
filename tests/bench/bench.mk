# The switchover benchmark (not part of `make check`): tests/bench/switchover in the lab.
#   make bench     boots its own lab (HAVZ_LAB_RUN=/run/ha-vz-lab-sw) and prints the table
.PHONY: bench
bench: all $(B)/bench/havz-dirtier
	tests/bench/switchover

# Freestanding and static: a few KiB to push into the VM.
$(B)/bench/havz-dirtier: tests/bench/dirtier.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -static -nostdlib -fno-stack-protector -fno-builtin -s \
	  -o $@ $<
