#!/usr/bin/env python3
"""Parse an OpenMetrics 1.0 exposition from stdin with prometheus_client's reference parser.

Prints "N families, M samples" and then one "name type samples" line per family, and exits 0.
Exits 1 with the parser's error on stderr when the text is not valid OpenMetrics (a missing
"# EOF" included), and 2 when prometheus_client is not installed (`make deps` installs it).
"""

import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError as error:
    print(f"prometheus_client is not importable ({error}); run `make deps`", file=sys.stderr)
    sys.exit(2)


def main() -> int:
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        # The parser is a generator: errors surface only while iterating.
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError, and others on odd input
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    samples = sum(len(family.samples) for family in families)
    print(f"{len(families)} families, {samples} samples")
    for family in families:
        print(f"{family.name} {family.type} {len(family.samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
