# zk2zk — the two commands of the README, and the rest.
MVN ?= mvn -B -ntp
.PHONY: all build demo test test-fast bench compat soak fmt clean dist

## all: build both daemons and leave ./all_sync and ./t_sync (with lib/) at the repository root
all: build
	mkdir -p lib
	cp all-sync/target/all-sync.jar t-sync/target/t-sync.jar lib/
	cp scripts/launcher.sh all_sync && chmod +x all_sync
	cp scripts/launcher.sh t_sync && chmod +x t_sync

build:
	$(MVN) -q package -DskipTests -DskipE2E=true -Dspotless.check.skip=true

## demo: build, then run a demo migration between two ZooKeeper servers started on loopback
demo: all
	$(MVN) -q -pl demo -am package -DskipTests -DskipE2E=true -Dspotless.check.skip=true
	java -jar demo/target/zk2zk-demo.jar --launchers .

## test: the whole test suite (unit, integration, end-to-end against real ZooKeeper processes)
test:
	$(MVN) verify

## test-fast: unit and in-process integration tests only (no server processes of other versions)
test-fast:
	$(MVN) verify -DskipE2E=true

## bench: every scenario of docs/performance.md with the packaged daemons between local ZooKeeper
## servers, each next to a plain copier's time (about 7 min); prints e2e-tests/target/bench/bench.txt
bench:
	$(MVN) verify -pl e2e-tests -am -Dspotless.check.skip=true -Dtest=NoSuchTest \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false '-Dit.test=*Bench'
	@cat e2e-tests/target/bench/bench.txt

## compat: the ZooKeeper version matrix (S 3.4 to 3.9 against T 3.9; T 3.4), both daemons
compat:
	$(MVN) verify -pl e2e-tests -am -Dspotless.check.skip=true -Dtest=NoSuchTest \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
	  -Dit.test=CompatibilityE2EIT -Dzk2zk.compat=all

## soak: randomized operations, process and network faults for DURATION seconds (default 600), then a full "in sync"
## check; SEED=<n> replays a run's choices
DURATION ?= 600
soak:
	$(MVN) verify -pl e2e-tests -am -Dspotless.check.skip=true -Dtest=NoSuchTest \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
	  -Dit.test=SoakE2EIT -Dzk2zk.soak.seconds=$(DURATION) -De2e.forkTimeout=$$(( $(DURATION) + 1200 )) \
	  $(if $(SEED),-Dzk2zk.soak.seed=$(SEED))

## dist: the release package dist/zk2zk-<version>.tar.gz (daemons, launchers, conf/logback.xml,
## systemd unit examples, README and docs); unpack it anywhere with Java 17+
dist:
	$(MVN) -q package -pl release -am -DskipTests -DskipE2E=true -Dspotless.check.skip=true
	mkdir -p dist
	cp release/target/zk2zk-*.tar.gz dist/
	@ls -l dist/zk2zk-*.tar.gz

## fmt: apply the code formatter
fmt:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean
	rm -rf lib all_sync t_sync dist
