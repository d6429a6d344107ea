"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev-readme` needs, is not always installed).

Markdown cells are copied, code cells become fenced Python, text outputs fenced text, Markdown outputs (e.g. a
table) Markdown; cells marked `#| hide` are left out and cells marked `#| echo: false` show only their outputs, as
nbdev's docs do. Image outputs are written to `images/readme/<cell id>-<n>.png` (only when their bytes change) and
linked; links to notebooks (`09_study.ipynb`) become links to their pages on the docs site.
`python tools/make_readme.py --check` exits 1 when README.md or one of its images is out of date.
"""
import base64, re, sys
from pathlib import Path
from nbdev.process import NBProcessor
from nbdev.config import get_config, nbpath2html

root = Path(__file__).resolve().parent.parent
img_dir = root/'images'/'readme'

def _directives(cell): return getattr(cell, 'directives_', None) or {}
def _hidden(cell): return 'hide' in _directives(cell)
def _echo_off(cell): return str(_directives(cell).get('echo', '')).strip("[]' ").lower() == 'false'

def _outputs(cell, images):
    "Markdown for each output of a code cell: fenced text, raw Markdown, or an image link (the image goes in `images`)"
    for i, o in enumerate(cell.get('outputs', [])):
        data = o.get('data') or {}
        if 'image/png' in data:
            name = f"{cell.get('id', 'cell')}-{i}.png"
            images[name] = base64.b64decode(''.join(data['image/png']))
            yield f"![](images/readme/{name})"
        elif 'text/markdown' in data: yield ''.join(data['text/markdown']).strip()
        elif txt := o.get('text') or data.get('text/plain'): yield f"```\n{''.join(txt).rstrip()}\n```"

def _doc_links(md, site):
    "Links to notebooks -> links to their pages on the docs site"
    return re.sub(r'\]\(((?:[\w-]+/)*[\w.-]+\.ipynb)(#[\w-]+)?\)', lambda m: f"]({site}/{nbpath2html(Path(m[1])).as_posix()}{m[2] or ''})", md)

def readme(nb_path=root/'nbs'/'index.ipynb'):
    "(README text, {image file name: bytes})"
    site = get_config().get('doc_host', '') + get_config().get('doc_baseurl', '')
    site = site.rstrip('/') or 'https://detaux-nb.github.io/detaux-nb'
    nb = NBProcessor(nb_path, rm_directives=False, process=True).nb
    parts, images = ['<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; do not edit -->'], {}
    for c in nb.cells:
        if _hidden(c): continue
        src = ''.join(l for l in c.source.splitlines(True) if not l.startswith('#|')).strip()
        if c.cell_type == 'markdown': parts.append(_doc_links(src, site))
        elif c.cell_type == 'code':
            if src and not _echo_off(c): parts.append(f"```python\n{src}\n```")
            parts += [_doc_links(t, site) for t in _outputs(c, images)]
    return '\n\n'.join(parts) + '\n', images

if __name__ == '__main__':
    (txt, images), dest = readme(), root/'README.md'
    stale = sorted(set(p.name for p in img_dir.glob('*.png')) - set(images)) if img_dir.exists() else []
    changed = [n for n, b in images.items() if not (img_dir/n).exists() or (img_dir/n).read_bytes() != b]
    if '--check' in sys.argv:
        if not dest.exists() or dest.read_text() != txt or changed or stale:
            sys.exit('README.md or its images are out of date: run `python tools/make_readme.py`')
        print('README.md is in sync with nbs/index.ipynb')
    else:
        img_dir.mkdir(parents=True, exist_ok=True)
        for n in changed: (img_dir/n).write_bytes(images[n])
        for n in stale: (img_dir/n).unlink()
        dest.write_text(txt); print(f'wrote {dest} and {len(images)} images in {img_dir.relative_to(root)}')
