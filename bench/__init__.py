"""`make bench`: the performance figures of DESIGN.md §6 (see docs/performance.md)."""
