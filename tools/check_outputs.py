"""Check the stored outputs of every notebook: no machine paths, no warnings, no progress bars, no broken image links, at most 600 KB.

    python tools/check_outputs.py              # every notebook under nbs/
    python tools/check_outputs.py nbs/00_data.ipynb nbs/tutorials/byod.ipynb
    python tools/check_outputs.py --quiet      # one line per notebook

Prints each offending output (notebook, cell id, what was found, the text around it) and exits 1 when there is
any. Offences:
- path: a home or temporary folder (`/root`, `/home/`, `/tmp/`, `/var/folders`) in any text output;
- warning: `Warning` (Python's warning categories, as `grep Warning` finds them), in any text output;
- bar: a console bar's redraw characters (a carriage return, the fill character `█`) or a notebook bar's
  `<progress` element. Notebooks call `detaux_nb.core.setup_output(notebook=True)` in their first cell to keep
  these out of what they store.
- size: the notebook file is over 600 KB (shrink its figures with `tools/shrink_pngs.py`);
- image: a stored Markdown or HTML output (a report shown with `Markdown(...)`, say) links an image by a relative
  path that is no file next to the notebook, so the page shows a broken image; the excerpt also says whether any
  code cell of the notebook or any module of the library still names that file (if none does, the stored report
  is older than the code). Embed such images, or show them with `Image(filename=...)`.
Images (image/png etc.) are not searched.
"""
import argparse, json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
CHECKS = dict(path=re.compile(r'/root\b|/home/|/tmp/|/var/folders'), warning=re.compile(r'Warning'),
              bar=re.compile(r'\r|█|<progress'))
MAX_KB = 600  # a notebook's size on disk, outputs included
IMG_LINK = re.compile(r'!\[[^\]]*\]\(([^)\s]+\.(?:png|jpe?g|svg|gif))\)|<img[^>]+src=["\']([^"\']+\.(?:png|jpe?g|svg|gif))["\']', re.I)

def _lib_text():
    "The library's source, read once (where a report's image names are written)"
    if not hasattr(_lib_text, 'txt'): _lib_text.txt = '\n'.join(p.read_text() for p in sorted((root/'detaux_nb').glob('*.py')))
    return _lib_text.txt

def image_offences(nb, nb_path):
    "(cell id, 'image', excerpt) for every relative image link of a stored Markdown/HTML output that is no file next to the notebook"
    code = '\n'.join(''.join(c.get('source', '')) for c in nb.get('cells', []) if c.get('cell_type') == 'code')
    res = []
    for i, cell in enumerate(nb.get('cells', [])):
        for out in cell.get('outputs', []):
            for mime in ('text/markdown', 'text/html'):
                v = (out.get('data') or {}).get(mime)
                if v is None: continue
                for m in IMG_LINK.finditer(v if isinstance(v, str) else ''.join(v)):
                    link = m[1] or m[2]
                    if link.startswith(('data:', 'http:', 'https:', '/')) or (Path(nb_path).parent/link).exists(): continue
                    name = Path(link).name
                    named = 'named' if name in code or name in _lib_text() else 'named by no code of the notebook or the library'
                    res.append((cell.get('id', f'#{i}'), 'image', f"{link}: no such file next to the notebook (a broken image); {name} is {named}"))
    return res

def _texts(out):
    "The text of one stored output: stream text, error traceback, and every text/* or JSON representation"
    if 'text' in out: yield ''.join(out['text'])
    if 'traceback' in out: yield '\n'.join(out['traceback'])
    for mime, v in (out.get('data') or {}).items():
        if mime.startswith('text/') or mime.endswith('json'): yield v if isinstance(v, str) else ''.join(v) if isinstance(v, list) else json.dumps(v)

def offences(nb_path):
    "(cell id, kind, excerpt) for every offence in the stored outputs of one notebook"
    nb = json.loads(Path(nb_path).read_text())
    res = []
    for i, cell in enumerate(nb.get('cells', [])):
        for out in cell.get('outputs', []):
            for txt in _texts(out):
                for kind, pat in CHECKS.items():
                    for m in pat.finditer(txt):
                        a, b = max(0, m.start() - 50), min(len(txt), m.end() + 50)
                        res.append((cell.get('id', f'#{i}'), kind, txt[a:b].replace('\r', '\\r').replace('\n', ' ')))
    res += image_offences(nb, nb_path)
    kb = Path(nb_path).stat().st_size // 1024
    if kb > MAX_KB: res.append(('-', 'size', f"{kb} KB > {MAX_KB} KB"))
    return res

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help='notebooks to check (default: every .ipynb under nbs/)')
    p.add_argument('--quiet', action='store_true', help='one summary line per notebook with offences')
    a = p.parse_args(argv)
    nbs = [Path(n) for n in a.notebooks] or sorted(p for p in (root/'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)
    bad = 0
    for nb in nbs:
        found = offences(nb)
        if not found: continue
        bad += 1
        counts = {k: sum(1 for f in found if f[1] == k) for k in [*CHECKS, 'size', 'image']}
        name = nb.relative_to(root) if nb.is_absolute() and nb.is_relative_to(root) else nb
        print(f"{name}: " + ', '.join(f"{v} {k}" for k, v in counts.items() if v))
        if not a.quiet:
            for cid, kind, excerpt in found: print(f"  cell {cid} [{kind}] ...{excerpt}...")
    print(f"{bad} of {len(nbs)} notebooks have stored outputs with machine paths, warnings, bars or broken image links, or are too large" if bad
          else f"{len(nbs)} notebooks: stored outputs clean")
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
