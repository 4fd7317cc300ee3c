"""Demo data: a few real counties' shops, with their producers, products and pictures.

A development tool beside the runtime package ``storefront``, not in it, and left out of the Docker
image: ``storefront seed-demo`` loads it from a source checkout.
"""

from demo.seed import seed_demo

__all__ = ["seed_demo"]
