"""Admin producers (``/admin/producers``): the county's farmers and co-operatives, each with a slug,
a kind, a name, a village and a story in Chinese and English; list, new and edit pages. Another
county's producer is a 404 and changes nothing."""

from __future__ import annotations

from storefront.catalog.admin_forms import ProducerForm
from storefront.catalog.admin_pages import Editor

producer_editor = Editor.of(ProducerForm, "producers", "producer")

ProducerAdminController = producer_editor.controller()
