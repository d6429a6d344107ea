"""Docs check for machines without Quarto: process every notebook as the docs build does (`nbdev-proc-nbs`),
render each processed notebook to HTML with nbconvert, and check that every public name of every module
appears on its page. Exits 1 on any failure. Pages land in `_html/` for a look (e.g. in headless Chromium).

Run: `python tools/check_docs.py`
"""
import importlib, json, shutil, subprocess, sys
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter
from nbdev.config import get_config

root = Path(__file__).resolve().parent.parent

def _module_of(nb):
    "The module a notebook exports to, from its `#| default_exp` directive"
    for c in nb.cells:
        if c.cell_type == 'code' and c.source.lstrip().startswith('#| default_exp'):
            return c.source.split()[2]

def render(proc, out):
    "HTML of one processed notebook (cell execution timings, which break nbformat's schema, removed)"
    nb = nbformat.read(proc, as_version=4)
    for c in nb.cells: c.metadata.pop('execution', None)
    html, _ = HTMLExporter(template_name='lab').from_notebook_node(nb)
    dest = out/proc.relative_to(root/'_proc').with_suffix('.html')
    dest.parent.mkdir(parents=True, exist_ok=True); dest.write_text(html)
    return nb, html

def mixed_import_cells(nb_path):
    "Cells that nbdev's docs processor would execute because they import, although they also run other code"
    import ast
    nb, res = nbformat.read(nb_path, as_version=4), []
    for i, c in enumerate(nb.cells):
        dirs = [l for l in c.source.splitlines() if l.startswith('#|')]
        if c.cell_type != 'code' or any('export' in d or 'eval: false' in d for d in dirs) or 'nbdev_export()' in c.source: continue
        try: tree = ast.parse('\n'.join(l for l in c.source.splitlines() if not l.startswith('#|')))
        except SyntaxError: continue
        imports = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
        if imports and any(not isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body): res.append(i)
    return res

def main():
    cfg = get_config()
    mixed = {p.name: c for p in sorted(cfg.nbs_path.rglob('*.ipynb')) if not any(q.startswith(('.', '_')) for q in p.parts)
             for c in [mixed_import_cells(p)] if c}
    if mixed: sys.exit(f"cells mixing imports with other code (the docs build would execute them; put imports in a cell of their own): {mixed}")
    shutil.rmtree(root/'_proc', ignore_errors=True)  # process every notebook afresh (`--force` would also rewrite the sidebar)
    r = subprocess.run(['nbdev-proc-nbs'], cwd=root, capture_output=True, text=True)
    errs = [l for l in (r.stdout + r.stderr).splitlines() if 'Error' in l and 'sudo' not in l]
    if r.returncode or errs: print(r.stdout[-3000:], r.stderr[-3000:]); sys.exit(f'nbdev-proc-nbs failed: {errs[:3]}')
    out, failed = root/'_html', []
    for proc in sorted((root/'_proc').rglob('*.ipynb')):
        try: nb, html = render(proc, out)
        except Exception as e: failed.append(f'{proc.name}: render failed: {e}'); continue
        mod = _module_of(nb)
        missing = []
        if mod:
            m = importlib.import_module(f'{cfg.lib_path.name}.{mod}')
            missing = [n for n in getattr(m, '__all__', []) if n not in html]
        if missing: failed.append(f'{proc.name}: public names missing from the page: {missing}')
        n_img = html.count('data:image/png')
        print(f'{proc.relative_to(root/"_proc")}: {len(html)//1024} KiB, {n_img} figures' + (f', module {mod}' if mod else ''))
    for f in (root/'_proc').rglob('*'):   # images that markdown cells link (e.g. nbs/images/), so that the pages show them
        if f.is_file() and f.suffix.lower() in ('.png', '.jpg', '.jpeg', '.svg', '.gif') and not any(q.startswith(('.', '_')) for q in f.relative_to(root/'_proc').parts):
            (out/f.relative_to(root/'_proc')).parent.mkdir(parents=True, exist_ok=True); shutil.copy(f, out/f.relative_to(root/'_proc'))
    if failed: print('\n'.join(failed)); sys.exit(1)
    print(f'docs check passed: pages in {out}')

if __name__ == '__main__': main()
