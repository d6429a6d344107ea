"""Re-encode the PNG outputs stored in notebooks: a 256-colour palette, and images wider than `--max-width` pixels
scaled down to it. Figures keep their content; a notebook of plots shrinks to a third or less.

    python tools/shrink_pngs.py nbs/05_ablations.ipynb nbs/01b_twin.ipynb [--max-width 1000]

Run it after re-executing a notebook with large figures (`tools/execute_notebooks.py`), then `nbdev-clean`.
`tools/check_outputs.py` fails a notebook over 600 KB.
"""
import base64, io, json, sys
from pathlib import Path
from PIL import Image

def shrink_png(b64:str, max_width:int=1000)->str:
    "The PNG `b64` (base64) as a palette PNG at most `max_width` wide, if that is smaller; else `b64` unchanged"
    im = Image.open(io.BytesIO(base64.b64decode(b64)))
    if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
    if im.mode not in ('RGB', 'L'): im = im.convert('RGB')   # alpha: figures are drawn on white
    buf = io.BytesIO(); im.quantize(256, dither=Image.Dither.NONE).save(buf, 'PNG', optimize=True)
    new = base64.b64encode(buf.getvalue()).decode()
    return new if len(new) < len(b64) else b64

def shrink_notebook(path, max_width:int=1000):
    "Shrink every stored PNG of the notebook at `path` in place; returns (bytes before, bytes after)"
    path = Path(path); before = path.stat().st_size
    nb = json.loads(path.read_text())
    for c in nb['cells']:
        for o in c.get('outputs', []):
            d = o.get('data', {})
            if 'image/png' in d:
                png = d['image/png'] if isinstance(d['image/png'], str) else ''.join(d['image/png'])
                d['image/png'] = shrink_png(png.replace('\n', ''), max_width)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return before, path.stat().st_size

if __name__ == '__main__':
    args, width = sys.argv[1:], 1000
    if '--max-width' in args: i = args.index('--max-width'); width = int(args[i + 1]); del args[i:i + 2]
    for p in args:
        b, a = shrink_notebook(p, width)
        print(f"{p}: {b // 1024} KB -> {a // 1024} KB")
