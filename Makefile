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

.PHONY: all deps build run test test-% bench install format clean stress

all: build

deps:
	@scripts/deps.sh

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

test: deps
	@for p in $(PRESETS); do $(MAKE) --no-print-directory test-$$p || exit 1; done
	@echo "all test suites passed: $(PRESETS)"

stress: build-release
	build/release/tests/engine_test --gtest_repeat=20 --gtest_shuffle

bench: build-release
	@scripts/bench.sh build/release

install: build-release
	cmake --install build/release --prefix $(PREFIX)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
