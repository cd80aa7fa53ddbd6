"""The benchmarks: classifier speed, the sightings API, gossip; outside the shipped packages.

Each runs as `python -m bench.<name>` (`make bench-<name>`), prints a table and
then one JSON line, and has a `--quick` mode of seconds that `make test` runs, so
a benchmark that breaks fails CI. The figures are in docs/benchmarks.md.
"""
