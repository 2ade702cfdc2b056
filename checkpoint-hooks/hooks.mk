# Checkpoint hooks: included at the end of the top-level Makefile.
#   $(HOOKSDIR)/{pre-dump,post-dump,pre-restore,post-restore}.d   (root:root 755)
#   post-restore.d/50-gratuitous-arp                              the stock hook
# The contract is in checkpoint-hooks/README and ha-vz-hooks(7).
HOOKSDIR    ?= $(SYSCONFDIR)/ha-vz/hooks
HOOK_PHASES := pre-dump post-dump pre-restore post-restore
STOCK_HOOKS := $(wildcard checkpoint-hooks/*.d/*)

.PHONY: install-hooks
install: install-hooks

install-hooks:
	for p in $(HOOK_PHASES); do install -d -m 755 $(DESTDIR)$(HOOKSDIR)/$$p.d; done
	for h in $(STOCK_HOOKS); do \
	  d=$${h%/*}; install -m 755 $$h $(DESTDIR)$(HOOKSDIR)/$${d##*/}/; done
