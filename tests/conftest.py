"""The fixtures live in the test-support package, shared with the benchmark."""

pytest_plugins = ["testsupport.plugin"]
