#!/usr/bin/env python3
"""Samples a live regmigrate /metrics every INTERVAL seconds until killed.

Usage: metrics_sampler.py URL OUT [INTERVAL]
Writes "SECONDS INFLIGHT LIMIT" lines to OUT (seconds since the sampler started;
regmigrate_inflight_transfers and regmigrate_transfer_limit), one per scrape that answered.
"""
import sys
import time
import urllib.request

WANTED = ("regmigrate_inflight_transfers", "regmigrate_transfer_limit")


def main():
    url, out = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    start = time.monotonic()
    with open(out, "w", encoding="ascii") as samples:
        while True:
            try:
                body = urllib.request.urlopen(url, timeout=1).read().decode()
            except OSError:
                time.sleep(interval / 2)
                continue
            values = {}
            for line in body.splitlines():
                name, _, value = line.partition(" ")
                if name in WANTED:
                    values[name] = float(value)
            if len(values) == len(WANTED):
                samples.write("%.2f %d %d\n" % (time.monotonic() - start,
                                                values[WANTED[0]], values[WANTED[1]]))
                samples.flush()
            time.sleep(interval)


if __name__ == "__main__":
    main()
