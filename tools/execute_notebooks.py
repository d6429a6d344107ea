"""Re-execute notebooks in place with a real Jupyter kernel, the way their stored outputs are made.

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python tools/execute_notebooks.py nbs/00_data.ipynb nbs/tutorials/byod.ipynb
    nbdev-clean && python tools/check_outputs.py

Cells marked `#| eval: false` are skipped (nbclient's `skip-execution` tag, removed again afterwards); `#| slow`
cells run (their outputs are the ones the notebooks store). Each notebook runs in its own folder, as nbdev-test does.
"""
import sys, nbformat
from pathlib import Path
from nbclient import NotebookClient

def execute(path, timeout=3600):
    "Execute notebook `path` in place, skipping `#| eval: false` cells"
    path = Path(path); nb = nbformat.read(path, as_version=4)
    skipped = [c for c in nb.cells if c.cell_type == 'code'
               and any(l.replace(' ', '') == '#|eval:false' for l in c.source.splitlines())]
    for c in skipped: c.metadata.setdefault('tags', []).append('skip-execution')
    NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    for c in skipped:
        c.metadata['tags'].remove('skip-execution')
        if not c.metadata['tags']: del c.metadata['tags']
    nbformat.write(nb, path)

if __name__ == '__main__':
    for p in sys.argv[1:]: execute(p); print('executed', p)
