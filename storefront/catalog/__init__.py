"""Catalog: categories, producers, products, search."""

from storefront.catalog import search as _search  # noqa: F401  (registers the events that keep the search index)
