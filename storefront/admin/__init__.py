"""The admin pages under ``/admin``: one router, one guard (see :mod:`storefront.admin.router`)."""
