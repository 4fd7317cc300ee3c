"""Demo data: a few real counties' shops, with their producers, products and pictures."""

from storefront.demo.seed import seed_demo

__all__ = ["seed_demo"]
