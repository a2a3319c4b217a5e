"""A small job board of its own, run as its own process on its own port (`python -m demo_board`).

It mimics the application forms of Greenhouse (the current hosted form and the older embedded
one), Lever, Ashby and two generic forms (multi-step, and one behind an e-mailed code), so that
the browser driver and the end-to-end tests have real forms to fill. Applyline reaches it only
over HTTP, as it reaches any job site: nothing of Applyline imports it, and it has a database of
its own (SQLite)."""
