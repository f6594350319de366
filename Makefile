# zkbench: the two commands of the README, and the targets developers use.
#   make         build build/zkbench
#   make demo    install Debian packages, build, run zkbench's main job on the bundled example
#   make test    install, build, run every test (normal build, then AddressSanitizer+UBSan build)
#   make check   build and run the tests of the normal build only (the quick loop)
#   make bench   run the benchmarks in bench/ (prints figures and ratios against the peers)
#   make install install the binary, its modules, the man page and completions (PREFIX=/usr/local, DESTDIR)
#   make package build the Debian package with CPack (build/zkbench_<version>_<arch>.deb)
#   make fuzz    build the libFuzzer targets with clang (build-fuzz/) and run each briefly

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 10
JOBS        ?= $(shell nproc)
WERROR      ?= ON
PREFIX      ?= /usr/local
CMAKE_FLAGS ?=

# ccache: make cache hits work across checkouts of the same tree.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: all deps configure demo test check test-asan fuzz bench install package clean

all: $(BUILD)/build.ninja
	cmake --build $(BUILD) --target zkbench -j $(JOBS)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DZKBENCH_WERROR=$(WERROR) $(CMAKE_FLAGS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DZKBENCH_SANITIZE=ON \
	  -DZKBENCH_WERROR=$(WERROR) $(CMAKE_FLAGS)

# The fuzz build: clang, every source instrumented (fuzzer-no-link, ASan, UBSan); only the fuzzers are
# built. Warnings are not errors here: clang warns about things gcc does not, in code it did not write.
$(FUZZ_BUILD)/build.ninja:
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZKBENCH_FUZZ=ON \
	  -DZKBENCH_TESTS=OFF -DZKBENCH_WERROR=OFF $(CMAKE_FLAGS)

fuzz: $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) --target fuzzers -j $(JOBS)
	scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	scripts/demo.sh $(BUILD)/zkbench

check: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# Every test of the normal build, after a brief run of each fuzzer (clang build). ctest's summary comes last.
# The AddressSanitizer+UBSan build of the tests (make test-asan) runs in .ci/run.
test: deps
	$(MAKE) fuzz
	$(MAKE) check

# bench/run.sh exits 1 when a check fails: the start-up figures come first so that they are printed anyway.
# BENCH_OTHER=path/to/zkbench measures a second build in the same rounds (before/after).
bench: deps all
	cmake --build $(BUILD) --target touch_memory -j $(JOBS)
	bench/startup/run.sh $(BUILD)/zkbench
	bench/run.sh $(BUILD)/zkbench $(BENCH_OTHER)

# cmake --install honours DESTDIR from the environment (make install DESTDIR=/tmp/stage PREFIX=/usr).
install: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD) --prefix $(PREFIX)

package: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
