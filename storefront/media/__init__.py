"""Pictures: uploads checked by content, resized to the widths the shop shows, stored under
``MEDIA_DIR`` as JPEG with WebP beside it (:mod:`storefront.media.processing`), and named so a
page knows every size from the stored path alone (:mod:`storefront.media.names`)."""
