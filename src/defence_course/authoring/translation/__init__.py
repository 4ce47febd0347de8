"""The French edition: English text sources plus gettext catalogs give the French notebooks.

A translator edits `text/locale/fr/**/*.po` (any PO editor), never a notebook. The messages are the
English text's blocks (markdown.py), its code cells' comments and prose strings (code.py), and the text
fields of quiz banks and exercise specs (structured.py). `catalogs.py` reads and updates the catalogs
(a changed English paragraph makes its French fuzzy), `build.py` writes the French files, `align.py`
turns a whole translated file into catalog entries, and `audit.py` lists what a test must refuse:
stale or missing translations, French numbers the English lacks, a glossary term translated two ways.
"""
