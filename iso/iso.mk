# iso/iso.mk: the appliance ISO (included by the top-level Makefile).
#   make iso [ANSWER=FILE]   build iso/ha-vz-$(VERSION)-amd64.iso (root; cached debootstrap)
#   make iso-test            build it, install two nodes unattended in qemu, check the cluster
# Environment: HAVZ_ISO_CACHE (default /var/cache/ha-vz-iso), HAVZ_ISO_MIRROR; see iso/README.md.
ISO_FILE := iso/ha-vz-$(VERSION)-amd64.iso

.PHONY: iso iso-test
iso: deps
	VERSION=$(VERSION) OUT=$(abspath $(ISO_FILE)) $(if $(ANSWER),ANSWER=$(abspath $(ANSWER))) iso/build-iso

iso-test: deps
	VERSION=$(VERSION) iso/test-iso
