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
# benchmark smoke runs measure nothing under a sanitizer). LeakSanitizer checks all of them
# but the widget tests: GTK 4.8 leaks inside its print and CSS code in ways a suppression
# cannot target without debug symbols (none are packaged here), and a suppression of every
# libgtk frame would hide our own widget leaks too. The widget tests catch those with
# g_assert_finalize_object; ASan and UBSan still check them for memory errors.
ASAN_SUITES ?= core store sync server cli
ASAN_NOLEAK_SUITES ?= app

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

SANITIZER_ENV = \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	QUDAO_SANITIZED=1
SANITIZER_TEST = ./tools/run-headless.sh meson test -C $(ASANDIR) --print-errorlogs \
	--wrapper $(CURDIR)/tools/sanitizer-retry.sh \
	--num-processes $(NPROC) --timeout-multiplier 3 --no-suite bench-smoke

check-asan: deps $(ASANDIR)/build.ninja
	meson compile -C $(ASANDIR)
	$(SANITIZER_ENV) ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1:abort_on_error=1 \
	  $(SANITIZER_TEST) --logbase asan-leaks $(addprefix --suite ,$(ASAN_SUITES))
	$(SANITIZER_ENV) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  $(SANITIZER_TEST) --logbase asan-noleak $(addprefix --suite ,$(ASAN_NOLEAK_SUITES))

demo: build
	./tools/demo.sh $(BUILDDIR)

bench: build
	meson compile -C $(BUILDDIR) bench-all
	./tools/run-bench.sh $(BUILDDIR)

screenshots: build
	./tools/run-headless.sh ./tools/screenshots.sh $(BUILDDIR)

clean:
	rm -rf $(BUILDDIR) $(ASANDIR)
