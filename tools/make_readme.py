"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev-readme` needs, is not always installed).

Markdown cells are copied, code cells become fenced Python, text outputs fenced text; cells marked
`#| hide` are left out, as nbdev's docs do. Images are left out (the README links to the docs).
`python tools/make_readme.py --check` exits 1 when README.md is out of date.
"""
import sys
from pathlib import Path
from nbdev.process import NBProcessor

root = Path(__file__).resolve().parent.parent

def _hidden(cell): return 'hide' in (getattr(cell, 'directives_', None) or {})

def _text_outputs(cell):
    for o in cell.get('outputs', []):
        txt = o.get('text') or (o.get('data') or {}).get('text/plain')
        if txt and 'image/png' not in (o.get('data') or {}): yield ''.join(txt).rstrip()

def readme(nb_path=root/'nbs'/'index.ipynb'):
    nb = NBProcessor(nb_path, rm_directives=False, process=True).nb
    parts = ['<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; do not edit -->']
    for c in nb.cells:
        if _hidden(c): continue
        src = ''.join(l for l in c.source.splitlines(True) if not l.startswith('#|')).strip()
        if c.cell_type == 'markdown': parts.append(src)
        elif c.cell_type == 'code' and src:
            parts.append(f"```python\n{src}\n```")
            parts += [f"```\n{t}\n```" for t in _text_outputs(c)]
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    txt, dest = readme(), root/'README.md'
    if '--check' in sys.argv:
        if not dest.exists() or dest.read_text() != txt:
            sys.exit('README.md is out of date: run `python tools/make_readme.py`')
        print('README.md is in sync with nbs/index.ipynb')
    else: dest.write_text(txt); print(f'wrote {dest}')
