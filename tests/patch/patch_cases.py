#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Proofs of the ELF patcher (being written)."""
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--list"]:
        sys.exit(0)
    sys.exit(77)
