"""SatVach backend: a map-first hyperlocal social network's HTTP API."""
