"""What the tests and the benchmark share and the product does not ship: the stand-in Slack
Web API, correctly signed Slack requests, the real app on loopback, and process helpers.

The tests load it as a pytest plugin (``testsupport.plugin``); ``bench`` imports it."""
