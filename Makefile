# ha-vz: two-node HA for LXC containers on DRBD.
# make | make check | make lint | make install PREFIX= DESTDIR= | make deb | make clean | make deps
# | make demo

VERSION     := 0.1.0
PREFIX      ?= /usr
SYSCONFDIR  ?= /etc
SBINDIR     ?= $(PREFIX)/sbin
LIBEXECDIR  ?= $(PREFIX)/lib/ha-vz
MANDIR      ?= $(PREFIX)/share/man
OCFDIR      ?= $(PREFIX)/lib/ocf/resource.d/ha-vz
DESTDIR     ?=

CC          ?= cc
PKGS        := libqb openssl lxc
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN        := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Werror
HARDEN      := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS      ?= -O2 -g
ALL_CFLAGS  := -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) -Iha-vz/include \
               -DHAVZ_VERSION='"$(VERSION)"' -DHAVZ_SYSCONFDIR='"$(SYSCONFDIR)"' \
               -DHAVZ_LIBEXECDIR='"$(LIBEXECDIR)"' -DHAVZ_SBINDIR='"$(SBINDIR)"' $(PKG_CFLAGS)
LDLIBS      := $(PKG_LIBS)

B           := build
LIB_SRCS    := $(wildcard ha-vz/lib/*.c)
LIB_OBJS    := $(LIB_SRCS:ha-vz/lib/%.c=$(B)/lib/%.o)
CLI_SRCS    := $(wildcard ha-vz/src/cli/*.c)
CLI_OBJS    := $(CLI_SRCS:ha-vz/src/%.c=$(B)/src/%.o)
COMMON_SRCS := $(wildcard ha-vz/src/common/*.c)
COMMON_OBJS := $(COMMON_SRCS:ha-vz/src/%.c=$(B)/src/%.o)
DAEMON_SRCS := $(wildcard ha-vz/src/daemon/*.c)
DAEMON_OBJS := $(DAEMON_SRCS:ha-vz/src/%.c=$(B)/src/%.o)
BINS        := $(B)/ha-vz $(if $(DAEMON_SRCS),$(B)/ha-vzd)

.PHONY: all check lint lint-cppcheck lint-shell lint-format install deb clean deps demo unit
all: $(BINS)

$(B)/lib/%.o: ha-vz/lib/%.c $(wildcard ha-vz/include/havz/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/src/%.o: ha-vz/src/%.c $(wildcard ha-vz/include/havz/*.h) $(wildcard ha-vz/src/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Iha-vz/src -c -o $@ $<

$(B)/libhavz.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/ha-vz: $(CLI_OBJS) $(COMMON_OBJS) $(B)/libhavz.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/ha-vzd: $(DAEMON_OBJS) $(COMMON_OBJS) $(B)/libhavz.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests: the library and the test programs built again with ASan+UBSan.
SAN_FLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(B)/asan/%)
$(B)/asan/lib/%.o: ha-vz/lib/%.c $(wildcard ha-vz/include/havz/*.h)
	@mkdir -p $(@D)
	$(CC) $(filter-out -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) -O1 $(SAN_FLAGS) -c -o $@ $<
$(B)/asan/%: tests/unit/%.c $(LIB_SRCS:ha-vz/lib/%.c=$(B)/asan/lib/%.o) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(filter-out -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) -O1 $(SAN_FLAGS) -Itests/unit -o $@ $< \
	  $(LIB_SRCS:ha-vz/lib/%.c=$(B)/asan/lib/%.o) $(LDLIBS) -lcmocka
unit: $(UNIT_BINS)

# Every tier that exists; tests/run prints the closing "N passed, N failed" line.
# check installs what it needs first, then builds in a fresh make that sees it.
check: deps
	$(MAKE) all unit probe
	tests/run $(CHECK_TIERS)

lint: lint-cppcheck lint-shell lint-format
lint-cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --std=c11 --inline-suppr -D__GNUC__ -Iha-vz/include -Iha-vz/src ha-vz tests
lint-shell:
	shellcheck -x $(SHELL_SCRIPTS)
	shellcheck -s bash $(BATS_FILES)
lint-format:
	clang-format --dry-run --Werror $(C_FILES)

C_FILES       = $(shell find ha-vz tests -name '*.[ch]' -not -path '$(B)/*')
SHELL_SCRIPTS = $(shell grep -rlIE --exclude='*.bats' '^\#!/bin/(ba)?sh|^\#!/usr/bin/env (ba)?sh' \
                  tests resource-agents drbd checkpoint-hooks iso .ci conf 2>/dev/null)
BATS_FILES    = $(shell find tests -name '*.bats')

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/ha-vz $(DESTDIR)$(MANDIR)/man8 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(LIBEXECDIR)
	install -m 755 $(B)/ha-vz $(DESTDIR)$(SBINDIR)/ha-vz
	if [ -x $(B)/ha-vzd ]; then install -m 755 $(B)/ha-vzd $(DESTDIR)$(SBINDIR)/ha-vzd; fi
	install -m 644 conf/ha-vz.conf $(DESTDIR)$(SYSCONFDIR)/ha-vz/ha-vz.conf.example
	for m in ha-vz/man/*.[0-9]; do \
	  s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

# The Debian package, built by dpkg-buildpackage in a copy of this tree (its clean step
# would remove $(B), and its results land in the parent directory): $(DEB_DIR)/*.deb.
DEB_DIR     := $(B)/deb
deb:
	@v=$$(dpkg-parsechangelog -SVersion) && [ "$$v" = "$(VERSION)" ] || { \
	  echo "make deb: debian/changelog is at $$v, the Makefile at $(VERSION):" \
	    "add a changelog entry (dch -v $(VERSION))" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar -c --exclude=./$(B) --exclude=./.git --exclude='./iso/*.iso' . | tar -x -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc $(DEB_BUILD_FLAGS)
	rm -rf $(DEB_DIR)/src
	@ls -l $(DEB_DIR)/*.deb

clean:
	rm -rf $(B)

deps:
	tests/install-deps

# Fragments owned by other parts of the tree (agent, lab, iso) add their targets here.
-include $(wildcard resource-agents/*.mk drbd/*.mk checkpoint-hooks/*.mk conf/*.mk tests/lab/*.mk tests/probe/*.mk tests/bench/*.mk iso/*.mk)
