# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands of the README, and a few for developers:
#   make demo        install what is missing, build, start a demo qudao-server, open the app
#   make check       install what is missing, build with -Werror, run every test headless,
#                    then the unit suites again under AddressSanitizer + UBSan
#   make bench       build and run the benchmarks, print a table of figures
#   make screenshots take the README / AppStream screenshots from the real app

BUILDDIR ?= build
ASANDIR  ?= build-asan
MESON_OPTS ?=
# Suites that run again under ASan/UBSan (the UI scenario tests are too slow there, and the
# benchmark smoke runs measure nothing under a sanitizer).
ASAN_SUITES ?= core store sync server cli app

NPROC := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build check check-build check-asan demo bench screenshots clean

all: build

deps:
	@./tools/install-deps.sh

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR) -Dwerror=true $(MESON_OPTS)

build: deps $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

check: build
	./tools/run-headless.sh meson test -C $(BUILDDIR) --print-errorlogs \
	  --num-processes $(NPROC) --no-suite bench
	$(MAKE) check-asan
	@python3 tools/test-summary.py $(BUILDDIR) $(ASANDIR)

$(ASANDIR)/build.ninja:
	meson setup $(ASANDIR) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	  --buildtype=debug $(MESON_OPTS)

check-asan: deps $(ASANDIR)/build.ninja
	meson compile -C $(ASANDIR)
	ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	QUDAO_SANITIZED=1 \
	  ./tools/run-headless.sh meson test -C $(ASANDIR) --print-errorlogs \
	  --num-processes $(NPROC) --timeout-multiplier 3 $(addprefix --suite ,$(ASAN_SUITES)) \
	  --no-suite bench-smoke

demo: build
	./tools/demo.sh $(BUILDDIR)

bench: build
	meson compile -C $(BUILDDIR) bench-all
	./tools/run-bench.sh $(BUILDDIR)

screenshots: build
	./tools/run-headless.sh ./tools/screenshots.sh $(BUILDDIR)

clean:
	rm -rf $(BUILDDIR) $(ASANDIR)
