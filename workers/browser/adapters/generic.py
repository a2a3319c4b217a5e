"""Any other careers site: its fields matched to the profile by label, accessible name,
placeholder, name and id; several pages with Next; a page that first asks for an e-mailed code
(workers.browser.adapters.base.verify_email)."""

from workers.browser.adapters.base import Adapter


class GenericAdapter(Adapter):
    name = "generic"
