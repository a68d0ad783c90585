"""Shared services every area uses: one home per concept (tables, limits, ...).

Nothing here imports an area; areas import from here.
"""
