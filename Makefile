# The two commands of the README. Both install what they need first (Debian packages via apt).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
# Let ccache share objects between clones at different paths (CI builds a fresh clone each time).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: run test test-sanitize build deps configure bench fuzz format clean

# Serves `localhost` on http://127.0.0.1:8008 (config and database in ./var, made on first use).
run: build
	scripts/run-server.sh $(BUILD_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $$(nproc)

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build dir.
test-sanitize:
	$(MAKE) test BUILD_DIR=build-asan CMAKE_FLAGS="-DMYELIN_SANITIZE=ON -DMYELIN_BENCH=OFF"

build: configure
	cmake --build $(BUILD_DIR)

configure: deps
	@[ -f $(BUILD_DIR)/build.ninja ] || cmake -S . -B $(BUILD_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

deps:
	@scripts/install-deps.sh

bench: build
	scripts/run-benchmarks.sh $(BUILD_DIR)

fuzz: deps
	scripts/run-fuzzers.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
