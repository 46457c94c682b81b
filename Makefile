# HyV top-level build.  `make help` lists the targets.
#
# The two commands of the README:
#   make demo   boot the lab and show a guest using the host's RDMA device
#   make check  install, build, lint, unit and end-to-end tests
#
# Every target installs what it needs from Debian's packages first
# (tools/install-deps, idempotent), so a fresh Debian 12 machine needs
# nothing else.

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
CMAKE_BUILD_TYPE ?= RelWithDebInfo

# Compiler cache for the userspace builds, beside the other caches (README):
# a fresh clone rebuilds hyvd and the fuzz build from it in seconds.  Paths
# are hashed relative to the tree, so clones in other folders share it.
HYV_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/hyv
export CCACHE_DIR ?= $(HYV_CACHE)/ccache
export CCACHE_BASEDIR ?= $(TOP)
export CCACHE_NOHASHDIR ?= 1
export CCACHE_MAXSIZE ?= 2G
CMAKE_CCACHE := -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

.PHONY: all deps modules modules-product userspace fuzz fuzz-build qemu siw lint unit e2e bench check demo clean help

all: modules userspace qemu siw

help:
	@echo 'make [all]    build kernel modules (6.1, lab: with test hooks), hyvd/hyvctl, patched QEMU, siw.ko'
	@echo 'make modules-product  the modules (6.1) as a package ships them: no test hooks'
	@echo 'make check    everything below, ending in "N passed, N failed"'
	@echo 'make demo     boot the lab and show a guest using the host RDMA device'
	@echo 'make lint     checkpatch/W=1/sparse on 6.1 and 6.12, QEMU series checks, shellcheck'
	@echo 'make unit     hyvd/hyvctl unit tests'
	@echo 'make fuzz     clang build: unit tests under ASan, bounded fuzzer runs'
	@echo 'make e2e      end-to-end tests in the lab'
	@echo 'make bench    guest vs native rxe0 numbers (build/bench/results.md)'
	@echo 'make deps     install build dependencies (root)'

deps:
	tools/install-deps

# The lab's modules (build/kernel/6.1) carry virtio_hyv's test hooks; the
# product's (build/kernel/6.1-product) do not.
modules: deps
	tools/build-kmod 6.1

modules-product: deps
	tools/build-kmod --product 6.1

userspace: deps
	cmake -S userspace -B $(BUILD)/userspace -G Ninja $(CMAKE_CCACHE) \
		-DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE)
	ninja -C $(BUILD)/userspace

# clang, ASan and libFuzzer; its ctest runs the unit tests and each fuzzer.
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S userspace -B $(BUILD)/userspace-fuzz -G Ninja $(CMAKE_CCACHE) \
		-DHYV_FUZZ=ON -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE)
	ninja -C $(BUILD)/userspace-fuzz

fuzz: fuzz-build
	ctest --test-dir $(BUILD)/userspace-fuzz --output-on-failure

qemu: deps
	tools/build-qemu

siw: deps
	tools/build-siw

lint: deps
	tools/lint-kernel
	tools/lint-qemu-patches
	tools/lint-shell

unit: userspace
	ctest --test-dir $(BUILD)/userspace --output-on-failure

e2e: all
	tests/e2e/run-all

# Not part of check: it measures, it does not judge.
bench: all
	tests/bench/run

check:
	tests/run

demo: all
	tools/hyv-lab demo

clean:
	rm -rf $(BUILD)
