# The container agent: included at the end of the top-level Makefile.
#   build/ha-vz-ocf-container   the OCF agent's logic (C)
#   resource-agents/container   its thin OCF entry point -> $(OCFDIR)/container
#   resource-agents/ha-vz-container  heartbeat haresources wrapper -> /etc/ha.d/resource.d/
#   resource-agents/mount       the file system agent under Pacemaker (runs ha-vz-mount) -> $(OCFDIR)/mount
#   resource-agents/drbd        the promotable DRBD agent under Pacemaker -> $(OCFDIR)/drbd
AGENT_SRCS  := $(wildcard ha-vz/src/agent/*.c)
AGENT_OBJS  := $(AGENT_SRCS:ha-vz/src/%.c=$(B)/src/%.o)
AGENT_BIN   := $(B)/ha-vz-ocf-container
HARESDIR    ?= $(SYSCONFDIR)/ha.d/resource.d

.PHONY: install-agent
all: $(AGENT_BIN)
install: install-agent

$(AGENT_BIN): $(AGENT_OBJS) $(COMMON_OBJS) $(B)/libhavz.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

install-agent: $(AGENT_BIN)
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(OCFDIR) $(DESTDIR)$(HARESDIR)
	install -m 755 $(AGENT_BIN) $(DESTDIR)$(LIBEXECDIR)/ocf-container
	sed 's|^HAVZ_OCF_BIN_DEFAULT=.*|HAVZ_OCF_BIN_DEFAULT=$(LIBEXECDIR)/ocf-container|' \
	  resource-agents/container >$(DESTDIR)$(OCFDIR)/container.tmp
	chmod 755 $(DESTDIR)$(OCFDIR)/container.tmp
	mv $(DESTDIR)$(OCFDIR)/container.tmp $(DESTDIR)$(OCFDIR)/container
	sed 's|^HAVZ_MOUNT_SCRIPT_DEFAULT=.*|HAVZ_MOUNT_SCRIPT_DEFAULT=$(HARESDIR)/ha-vz-mount|' \
	  resource-agents/mount >$(DESTDIR)$(OCFDIR)/mount.tmp
	chmod 755 $(DESTDIR)$(OCFDIR)/mount.tmp
	mv $(DESTDIR)$(OCFDIR)/mount.tmp $(DESTDIR)$(OCFDIR)/mount
	install -m 755 resource-agents/drbd $(DESTDIR)$(OCFDIR)/drbd
	sed 's|^HAVZ_OCF_AGENT_DEFAULT=.*|HAVZ_OCF_AGENT_DEFAULT=$(OCFDIR)/container|' \
	  resource-agents/ha-vz-container >$(DESTDIR)$(HARESDIR)/ha-vz-container.tmp
	chmod 755 $(DESTDIR)$(HARESDIR)/ha-vz-container.tmp
	mv $(DESTDIR)$(HARESDIR)/ha-vz-container.tmp $(DESTDIR)$(HARESDIR)/ha-vz-container
