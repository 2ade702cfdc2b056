# Alert hooks: included at the end of the top-level Makefile.
#   $(ALERTSDIR)/10-syslog, 50-mail    the stock hooks (root:root 755)
# The contract is in ha-vz-alerts(7).
ALERTSDIR    ?= $(SYSCONFDIR)/ha-vz/alerts.d
STOCK_ALERTS := $(wildcard conf/alerts.d/*)

.PHONY: install-alerts
install: install-alerts

install-alerts:
	install -d -m 755 $(DESTDIR)$(ALERTSDIR)
	for h in $(STOCK_ALERTS); do install -m 755 $$h $(DESTDIR)$(ALERTSDIR)/; done
