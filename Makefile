# aiopp — top-level entry points. See README.md.
#   make run      install deps, build, scan a real tree with treescan (summary + GNU find time)
#   make test     install deps, build and run every test suite: plain, ASan+UBSan, TSan, Perl
#   make bench    build release and run the benchmarks (figures for docs/PERFORMANCE.md)
#   make install  install the library, headers, CMake package, pkg-config file and treescan
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
RUN_TREE ?= /usr
PRESETS ?= release asan tsan

.PHONY: all deps build run test test-% test-perl bench install install-perl format clean stress

all: build

deps:
	@scripts/deps.sh

# Precious: make must not delete the configured cache as an intermediate file.
.PRECIOUS: build/%/CMakeCache.txt
build/%/CMakeCache.txt: | deps
	cmake --preset $* -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

build-%: build/%/CMakeCache.txt
	cmake --build build/$* -j$(JOBS)

build: build-release

run: build-release
	@scripts/run.sh build/release $(RUN_TREE)

test-%: build-%
	ctest --preset $* -j$(JOBS) --output-on-failure --no-tests=error \
	  || { echo "test suite '$*' failed"; exit 1; }

# The Perl front end (perl/) links the release build's static library.
test-perl: build-release
	scripts/perl-test.sh build/release || { echo "test suite 'perl' failed"; exit 1; }

test: deps
	@for p in $(PRESETS) perl; do $(MAKE) --no-print-directory test-$$p || exit 1; done
	@echo "all test suites passed: $(PRESETS) perl"

stress: build-release
	build/release/tests/engine_test --gtest_repeat=20 --gtest_shuffle
	build/release/tests/uring_test --gtest_filter='RingDriver.*:RingQueue.*:RingCancel.*' --gtest_repeat=50 --gtest_shuffle

bench: build-release
	@scripts/bench.sh build/release

install: build-release install-perl
	cmake --install build/release --prefix $(PREFIX)

# IO::AIO on aiopp into perl's site directories (ahead of Debian's IO::AIO in @INC).
install-perl: build-release
	cd perl && perl Makefile.PL AIOPP_BUILD=$(CURDIR)/build/release >/dev/null && $(MAKE) >/dev/null && $(MAKE) install

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
