# DRBD handlers for outdate-based fencing through ha-vzd (no dopd on Debian 12):
# included at the end of the top-level Makefile. Installed to $(LIBEXECDIR), the
# paths ha-vz render writes into the DRBD configuration (HAVZ_FENCE_PEER,
# HAVZ_UNFENCE_PEER and HAVZ_SPLIT_BRAIN in havz/render.h). The heartbeat resource
# scripts that haresources names for each container go to $(HARESDIR) (agent.mk):
# ha-vz-drbd for its DRBD resource and ha-vz-mount for its file system (in place of
# heartbeat's Filesystem).
.PHONY: install-drbd-handlers
install: install-drbd-handlers

install-drbd-handlers:
	install -d $(DESTDIR)$(LIBEXECDIR)
	sed 's|^HAVZ_BIN_DEFAULT=.*|HAVZ_BIN_DEFAULT=$(SBINDIR)/ha-vz|' \
	  drbd/handlers/drbd-fence-peer >$(DESTDIR)$(LIBEXECDIR)/drbd-fence-peer.tmp
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/drbd-fence-peer.tmp
	mv $(DESTDIR)$(LIBEXECDIR)/drbd-fence-peer.tmp $(DESTDIR)$(LIBEXECDIR)/drbd-fence-peer
	sed 's|^HAVZ_BIN_DEFAULT=.*|HAVZ_BIN_DEFAULT=$(SBINDIR)/ha-vz|' \
	  drbd/handlers/drbd-unfence-peer >$(DESTDIR)$(LIBEXECDIR)/drbd-unfence-peer.tmp
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/drbd-unfence-peer.tmp
	mv $(DESTDIR)$(LIBEXECDIR)/drbd-unfence-peer.tmp $(DESTDIR)$(LIBEXECDIR)/drbd-unfence-peer
	sed 's|^HAVZ_BIN_DEFAULT=.*|HAVZ_BIN_DEFAULT=$(SBINDIR)/ha-vz|' \
	  drbd/handlers/drbd-split-brain >$(DESTDIR)$(LIBEXECDIR)/drbd-split-brain.tmp
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/drbd-split-brain.tmp
	mv $(DESTDIR)$(LIBEXECDIR)/drbd-split-brain.tmp $(DESTDIR)$(LIBEXECDIR)/drbd-split-brain
	install -d $(DESTDIR)$(HARESDIR)
	install -m 755 drbd/ha-vz-drbd $(DESTDIR)$(HARESDIR)/ha-vz-drbd
	install -m 755 drbd/ha-vz-mount $(DESTDIR)$(HARESDIR)/ha-vz-mount
