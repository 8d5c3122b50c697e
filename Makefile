# SPDX-License-Identifier: GPL-2.0
#
# Build macvx.ko out of tree and run its checks. Every variable below can be
# overridden on the command line, for example:
#
#   make KDIR=/lib/modules/6.12.95+deb12-amd64/build
#
# The module is built from a copy of the sources in build/RELEASE/src, so
# builds for different kernels never share object files.

SHELL := /bin/bash

KDIR ?= /lib/modules/$(shell uname -r)/build
# Debian's header packages report another string in kernel.release than
# the release they are installed for (6.1.192 instead of 6.1.0-57-amd64),
# so the directory name under /lib/modules is preferred.
KRELEASE ?= $(if $(filter /lib/modules/%/build,$(KDIR:%/=%)),$(patsubst /lib/modules/%/build,%,$(KDIR:%/=%)),$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))
SRC ?= $(CURDIR)
BUILD ?= $(CURDIR)/build
OBJDIR ?= $(BUILD)/$(KRELEASE)/src
DESTDIR ?=
MODULE_DIR ?= $(DESTDIR)/lib/modules/$(KRELEASE)/updates

LINUX_SOURCE ?= /usr/src/linux-source-6.1.tar.xz
TOOLS := $(BUILD)/tools
CHECKPATCH := $(TOOLS)/scripts/checkpatch.pl
STYLE_FILES = $(wildcard $(SRC)/drivers/net/macvx/*.[ch]) \
	      $(SRC)/include/uapi/linux/macvx.h

DKMS_VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

.PHONY: all module clean style sparse ip check demo install dkms-install \
	tools help bench

all: module

module:
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR) does not exist;" \
		"install the kernel headers or pass KDIR=" >&2; exit 1; }
	@test -n "$(KRELEASE)" || { echo "cannot tell the release of" \
		"KDIR=$(KDIR); pass KRELEASE=" >&2; exit 1; }
	mkdir -p $(OBJDIR)
	cd $(SRC) && cp -a Kbuild drivers include $(OBJDIR)/
	$(MAKE) -C $(KDIR) M=$(OBJDIR) modules
	@echo "built $(OBJDIR)/macvx.ko"

# Sparse over every file (C=2), also when the objects are up to date. It
# fails on any sparse warning about the module's own files.
sparse:
	@set -o pipefail 2>/dev/null; \
	$(MAKE) --no-print-directory module C=2 2>&1 | tee $(BUILD)/sparse.log
	@if grep -E '$(OBJDIR)/.*(warning|error):' $(BUILD)/sparse.log; then \
		echo "sparse: warnings above (log: $(BUILD)/sparse.log)" >&2; \
		exit 1; fi

# One pass over the 6.1 source tarball: reading it takes seconds because
# the whole xz stream is decompressed.
$(TOOLS)/.extracted: $(LINUX_SOURCE)
	@test -f "$(LINUX_SOURCE)" || { echo "$(LINUX_SOURCE) not found;" \
		"install linux-source-6.1" >&2; exit 1; }
	rm -rf $(TOOLS)
	mkdir -p $(TOOLS)
	tar -xJf $(LINUX_SOURCE) -C $(TOOLS) --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	touch $@

tools: $(TOOLS)/.extracted

# checkpatch exits 0 on warnings and checks, so its summary decides.
# The counters keep their IEEE 802.1AE MIB names (InPktsLate and so on),
# as Linux's macsec does; that is the one checkpatch rule not applied.
style: tools
	@out=$$(perl $(CHECKPATCH) --strict --no-tree --no-summary \
		--ignore CAMELCASE --terse -f $(STYLE_FILES)); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi
	@echo "checkpatch: no errors, warnings or checks"

ip:
	@test -x iproute2-patch/build || { echo "iproute2-patch/build not" \
		"found; the patched ip cannot be built yet" >&2; exit 1; }
	iproute2-patch/build

check:
	selftests/check

# Benchmarks in guests; see Documentation/BENCHMARKS.md. Not part of check.
bench:
	selftests/bench/bench

demo:
	@test -x selftests/demo || { echo "selftests/demo not found" >&2; \
		exit 1; }
	selftests/demo

install: module
	install -D -m 644 $(OBJDIR)/macvx.ko $(MODULE_DIR)/macvx.ko
	$(if $(DESTDIR),,depmod -a $(KRELEASE))

# Registers the current tree with DKMS, which then rebuilds the module for
# every supported kernel that gets installed.
dkms-install:
	rm -rf /usr/src/macvx-$(DKMS_VERSION)
	mkdir -p /usr/src/macvx-$(DKMS_VERSION)
	cp -a dkms.conf Kbuild drivers include /usr/src/macvx-$(DKMS_VERSION)/
	dkms add -m macvx -v $(DKMS_VERSION)
	dkms build -m macvx -v $(DKMS_VERSION) -k $(KRELEASE)
	dkms install -m macvx -v $(DKMS_VERSION) -k $(KRELEASE)

clean:
	rm -rf $(BUILD)

help:
	@echo "targets: module (default) clean style sparse ip check demo" \
		"install dkms-install"
	@echo "variables: KDIR=$(KDIR) KRELEASE=$(KRELEASE)"
