"""Browser check of the explorer's widgets (nbs/07_explorer.ipynb): a real Jupyter kernel behind a Voilà server,
driven by headless Chromium through Playwright, as a user would see them.

It writes a two-cell notebook that builds the widgets of 07's own tests (an untrained `Disentangler`, no training,
no cache; the twin at 32 px; an `AuxClassBrowser` over 600 twin images labelled by shape), serves it with Voilà
(the kernel imports this checkout's `detaux_nb`), opens it in Chromium at 1280 px width and checks:

- the widgets are in the page: 4 sliders labelled z0..z3, two image pickers, a class drop-down with 4 classes,
  4 images of the expected pixel sizes (128x128 for the swap views, 480x96 for a page of 5 images of one class);
- the images are not blank in the screenshot (pixel standard deviation of each image's box > 10 of 255);
- the widgets are live (the browser talks to the kernel and back): slider z0 sent to 1 with the End key brings a
  new decoded image from the kernel and reads 1.00; class 3 chosen in the drop-down brings new class images; image
  479999 typed into the first picker brings a new image 1, whose mean colour on screen is that of the twin's image
  479999 (within 3 of 255), while image 2 stays as it was;
- it saves a screenshot of the widgets' area after these actions (default `_widgets/explorer.png`; the one on the
  explorer's page is `--out nbs/images/explorer_widgets.png`) and exits 1 with the failed checks, 0 otherwise.

Needs the `dev` extra (`pip install -e ".[dev]"`: voila, playwright) and Debian's chromium (`apt-get install chromium`;
`--chromium PATH` for another build; Playwright's own browser download is not used). CI runs it (`.ci/run`).

    python tools/check_widgets.py                   # server and kernel start, imports, one page: 16 to 25 s measured
    python tools/check_widgets.py --out shot.png --keep   # keep the generated notebook and the server log
"""
import argparse, io, os, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path

root = Path(__file__).resolve().parent.parent

SETUP = """\
from detaux_nb.core import setup_output
setup_output(notebook=True)   # as every notebook starts: fastai's import warning filtered
import os, numpy as np, torch
torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
from IPython.display import display
from detaux_nb.disentangler import Disentangler
from detaux_nb.data import Shapes3DTwin
from detaux_nb.explorer import SwapExplorer, AuxClassBrowser
torch.manual_seed(0)
tiny = Disentangler('conv32', K=4, d=3, width=8, hidden=32)   # untrained: every subspace moves the image
twin = Shapes3DTwin(size=32)
ex = SwapExplorer(tiny, twin, 0, 40_000)
pos = np.sort(np.random.default_rng(0).choice(len(twin), 600, replace=False))
sub = twin.subset(pos)
br = AuxClassBrowser(sub, sub.factors[:, twin.factor_index('shape')], n=5, seed=1)
"""
SHOW = "display(ex.widget()); display(br.widget())"

def _notebook(path):
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(SHOW)])
    nb.metadata['kernelspec'] = dict(name='python3', display_name='Python 3', language='python')
    nbformat.write(nb, path)

def _free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _wait_port(port, proc, timeout):
    "Wait until the server accepts connections on `port`"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None: raise RuntimeError(f'voila exited with {proc.returncode}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1): return
        except OSError: time.sleep(0.3)
    raise TimeoutError(f'voila did not listen on port {port} within {timeout} s')

# JS run in the page: what a user sees of the widgets (text with non-breaking spaces made plain)
STATE = """() => ({
  sliders: [...document.querySelectorAll('.widget-slider')].map(s => s.querySelector('.widget-label').textContent),
  readouts: [...document.querySelectorAll('.widget-slider .widget-readout')].map(r => r.textContent.trim()),
  pickers: document.querySelectorAll('.widget-text input[type=number]').length,
  options: [...document.querySelectorAll('.widget-dropdown select option')].map(o => o.textContent.replace(/\\u00a0/g, ' ')),
  buttons: [...document.querySelectorAll('button.jupyter-button')].map(b => b.textContent.trim()),
  images: [...document.querySelectorAll('img.widget-image')].map(i => ({w: i.naturalWidth, h: i.naturalHeight, src: i.src})),
})"""
PICK = 479_999   # the twin's last image: every factor at its last value, unlike image 0
SIZES = [(128, 128)] * 3 + [(480, 96)]   # image 1, decoded, image 2 (32 px x scale 4); 5 images of 32 px x scale 3

def _boxes(page):
    return [page.locator('img.widget-image').nth(i).bounding_box() for i in range(4)]

def _crop(png_bytes, box):
    "The screenshot's pixels (0..255, float) inside an element's bounding box"
    import numpy as np
    from PIL import Image
    im = Image.open(io.BytesIO(png_bytes)).convert('RGB')
    x, y, w, h = (int(round(box[k])) for k in ('x', 'y', 'width', 'height'))
    return np.asarray(im.crop((x, y, x + w, y + h)), np.float32)

def check_page(page, timeout:float=120)->tuple:
    "Checks of the rendered widgets in `page` (already at the Voila URL): (failures, final screenshot, measurements)"
    failed, m = [], {}
    # the kernel runs the cells, then the widget manager renders them: wait for all four images to be decoded
    page.wait_for_function("() => [...document.querySelectorAll('img.widget-image')].filter(i => i.naturalWidth > 0).length >= 4"
                           " && document.querySelectorAll('.widget-slider').length >= 4", timeout=timeout * 1000)
    s0 = page.evaluate(STATE)
    if s0['sliders'] != ['z0', 'z1', 'z2', 'z3']: failed.append(f"slider labels {s0['sliders']}, expected z0..z3")
    if s0['readouts'] != ['0.00'] * 4: failed.append(f"slider readouts {s0['readouts']}, expected 0.00 each")
    if s0['pickers'] != 2: failed.append(f"{s0['pickers']} image pickers, expected 2")
    if len(s0['options']) != 4 or not all(o.startswith(f'class {c} (') for c, o in enumerate(s0['options'])):
        failed.append(f"drop-down options {s0['options']}, expected class 0..3")
    for b in ('all sliders to 0', 'more images'):
        if b not in s0['buttons']: failed.append(f"no button {b!r} among {s0['buttons']}")
    sizes = [(i['w'], i['h']) for i in s0['images']]
    if sizes != SIZES: failed.append(f'image sizes {sizes}, expected {SIZES}')
    shot0 = page.screenshot(full_page=True)
    before = [_crop(shot0, b) for b in _boxes(page)]
    m['std'] = [round(float(c.std()), 1) for c in before]
    if min(m['std'][0], m['std'][2], m['std'][3]) <= 10: failed.append(f"image pixel std {m['std']}: a blank image (need > 10)")
    # live: each action goes to the kernel, which sends back a new PNG (a new blob URL; an unchanged PNG sends nothing)
    src = lambda: [i['src'] for i in page.evaluate(STATE)['images']]
    def act(what, do, view):
        old = src(); do()
        try: page.wait_for_function("([old, v]) => { const i = document.querySelectorAll('img.widget-image')[v];"
                                    " return i.src !== old && i.complete && i.naturalWidth > 0; }", arg=[old[view], view], timeout=30_000)
        except Exception: failed.append(f'{what}: the kernel sent no new image within 30 s')
    # slider z0 to its end with the keyboard: a new decoded image (no visible change: the model is untrained and decodes
    # almost the same image whatever the codes; 07's tests check the values), the readout says 1.00
    act('slider z0 to 1', lambda: page.locator('.widget-slider .noUi-handle').first.press('End'), 1)
    act('class 3 in the drop-down', lambda: page.locator('.widget-dropdown select').select_option(index=3), 3)
    act(f'image 1 := {PICK} in its picker', lambda: (page.locator('.widget-text input[type=number]').first.fill(str(PICK)),
                                                  page.keyboard.press('Enter')), 0)
    page.wait_for_timeout(300)   # the new images painted
    s1, shot = page.evaluate(STATE), page.screenshot(full_page=True)
    # the saved picture: the widgets' area only (the page below them is empty)
    r = page.evaluate("""() => { const b = [...document.querySelectorAll('.jupyter-widgets:not(.widget-container)')].map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0); return [Math.min(...b.map(r => r.left)), Math.min(...b.map(r => r.top)),
        Math.max(...b.map(r => r.right)), Math.max(...b.map(r => r.bottom))]; }""")
    m['picture'] = page.screenshot(full_page=True, clip=dict(x=max(r[0] - 8, 0), y=max(r[1] - 8, 0), width=r[2] - r[0] + 16, height=r[3] - r[1] + 16))
    if s1['readouts'] != ['1.00', '0.00', '0.00', '0.00']: failed.append(f"slider readouts {s1['readouts']} after z0 -> End, expected 1.00 then 0.00")
    if not page.evaluate("() => document.querySelector('.widget-dropdown select').selectedOptions[0].textContent").replace('\xa0', ' ').startswith('class 3 ('):
        failed.append('the drop-down does not show class 3')
    after = [_crop(shot, b) for b in _boxes(page)]
    m['changed'] = [round(float(abs(a - b).mean()), 2) if a.shape == b.shape else None for a, b in zip(before, after)]
    if not all(c is not None and c > 5 for c in (m['changed'][0], m['changed'][3])):
        failed.append(f"mean pixel change per image {m['changed']}: image 1 or the class images (> 5 expected) did not change on screen")
    if m['changed'][2] != 0: failed.append(f"image 2 changed on screen: {m['changed']}")
    # the picked image is the one shown: mean colour on screen = mean colour of the twin's image (scaling keeps it)
    sys.path.insert(0, str(root))
    from detaux_nb.data import Shapes3DTwin
    want = Shapes3DTwin(size=32).batch([PICK])[0][0].reshape(-1, 3).mean(0)
    m['image 1 colour'] = [round(float(v), 1) for v in after[0].reshape(-1, 3).mean(0)], [round(float(v), 1) for v in want]
    if abs(after[0].reshape(-1, 3).mean(0) - want).max() > 3: failed.append(f"image 1's mean colour on screen and of image {PICK}: {m['image 1 colour']}")
    from PIL import Image
    m['size'] = Image.open(io.BytesIO(shot)).size
    return failed, shot, m

def check(out:Path, chromium:str, timeout:float=120, keep:bool=False)->list:
    "Serve the check notebook with Voila, open it in headless Chromium, run `check_page`, save the screenshot to `out`"
    from playwright.sync_api import sync_playwright
    tmp = Path(tempfile.mkdtemp(prefix='detaux_widgets_'))
    nb = tmp/'explorer_check.ipynb'; _notebook(nb)
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root)] + [p for p in [os.environ.get('PYTHONPATH')] if p]),
               OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS', '1'), MPLBACKEND='Agg')
    t0, failed = time.time(), []
    with open(tmp/'voila.log', 'w') as log:
        server = subprocess.Popen([sys.executable, '-m', 'voila', str(nb), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1',
                                   '--show_tracebacks=True', '--Voila.port_retries=0'], cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_port(port, server, 60)
            with sync_playwright() as p:
                # Chromium's own background connections are switched off: the check needs only localhost
                browser = p.chromium.launch(executable_path=chromium, args=[
                    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                    '--disable-component-update', '--disable-sync'])
                page = browser.new_page(viewport=dict(width=1280, height=800))
                errors = []; page.on('pageerror', lambda e: errors.append(str(e)))
                page.goto(f'http://127.0.0.1:{port}/', timeout=timeout * 1000)
                failed, shot, m = check_page(page, timeout)
                text = page.inner_text('body')
                for bad in ('Traceback', 'Error', 'Warning'):
                    if bad in text: failed.append(f'the page shows {bad!r}: {text[max(0, text.index(bad) - 200):][:400]}')
                if errors: failed.append(f'page errors: {errors[:3]}')
                browser.close()
            out.parent.mkdir(parents=True, exist_ok=True); out.write_bytes(m.pop('picture'))
            print(f"widgets rendered and live in {time.time() - t0:.1f} s; page {m['size'][0]}x{m['size'][1]} px, its widgets saved in {out}; "
                  f"pixel std of (image 1, decoded, image 2, class images) {m['std']}; mean change after z0 -> 1, class 3, image 1 := {PICK} {m['changed']}; image 1's mean RGB on screen and in the data {m['image 1 colour']}")
        except Exception as e: failed.append(f'{type(e).__name__}: {e}'.splitlines()[0])
        finally:
            server.terminate()
            try: server.wait(10)
            except subprocess.TimeoutExpired: server.kill()
    if failed and (tmp/'voila.log').exists(): print('voila log (last lines):', *(tmp/'voila.log').read_text().splitlines()[-15:], sep='\n')
    if keep: print(f'notebook and server log kept in {tmp}')
    else: shutil.rmtree(tmp, ignore_errors=True)
    return failed

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(root/'_widgets'/'explorer.png'), help='where to save the screenshot')
    ap.add_argument('--chromium', default=shutil.which('chromium') or '/usr/bin/chromium', help='Chromium executable')
    ap.add_argument('--timeout', type=float, default=120, help='seconds to wait for the page and its widgets')
    ap.add_argument('--keep', action='store_true', help='keep the generated notebook and the server log')
    a = ap.parse_args()
    failed = check(Path(a.out), a.chromium, a.timeout, a.keep)
    if failed: print('widget check failed:', *failed, sep='\n'); sys.exit(1)
    print('widget check passed')

if __name__ == '__main__': main()
