"""The board's pages, one module per kind of form (each module's docstring is the markup
contract the browser adapters are written against), plus the pages every style shares
(common) and the operator's JSON API (operator)."""
