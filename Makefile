# The two commands: `make run` and `make test`. Both set up what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
DATA_DIR ?= data

.PHONY: all setup build web run run-cluster test unit-test integration-test bench format tidy clean

all: build

setup:
	@scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: setup $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@scripts/build-web.sh

# The web client alone (web/out); `make build` does this too, only when web/ changed.
web: setup
	@scripts/build-web.sh

# Both services on one data dir: the chat server on :8080, the video service on :4000.
run: build
	@BUILD_DIR=$(BUILD_DIR) DATA_DIR=$(DATA_DIR) scripts/run.sh

# The scale-out shape on loopback: PostgreSQL, Redis, three chat servers, the video service and
# HAProxy on :8080 (GC_CLUSTER_PORT). Throwaway data; Ctrl-C stops everything.
run-cluster: build
	@BUILD_DIR=$(BUILD_DIR) scripts/cluster.sh run

test: build
	@scripts/test.sh

bench: build
	@bench/run.sh

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: $(BUILD_DIR)/build.ninja
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR)
