"""Screenshots of rendered documentation pages in headless Chromium (Playwright driving Debian's chromium), to look
at them as a reader would: one full page per notebook and one picture per figure as shown on the page.

Render the pages first with `python tools/check_docs.py` (they land in `_html/`), then:

    python tools/shoot_pages.py index 01b_twin 05_ablations tutorials/byod    # page names under _html/, no .html
    python tools/shoot_pages.py --width 1280 --out _shots index

Writes `<out>/<page>.png` (the whole page) and `<out>/<page>_fig<i>.png` (each image output at its displayed size)
and prints, per figure, its pixel size in the file and on the page: text in a figure drawn at 100 dpi with 8 pt
fonts is 11 px tall in the file and shrinks by the ratio displayed / file width.
"""
import argparse, shutil
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def shoot(pages, out:Path, width:int=1280, chromium:str='/usr/bin/chromium'):
    from playwright.sync_api import sync_playwright
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=['--no-sandbox', '--disable-gpu', '--disable-background-networking',
                                                              '--disable-component-update', '--disable-sync', '--no-first-run'])
        page = b.new_page(viewport=dict(width=width, height=900))
        for name in pages:
            page.goto((root/'_html'/f'{name}.html').as_uri(), wait_until='load')
            stem = name.replace('/', '_')
            page.screenshot(path=str(out/f'{stem}.png'), full_page=True)
            imgs = page.locator('.jp-OutputArea-output img, .jp-RenderedImage img')
            for i in range(imgs.count()):
                im = imgs.nth(i)
                nat = im.evaluate('e => [e.naturalWidth, e.naturalHeight]'); box = im.bounding_box()
                if not box or box['width'] < 2: continue
                im.screenshot(path=str(out/f'{stem}_fig{i}.png'))
                print(f"{name} fig{i}: file {nat[0]}x{nat[1]} px, shown {box['width']:.0f}x{box['height']:.0f} px "
                      f"(x{box['width'] / nat[0]:.2f})")
        b.close()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('pages', nargs='+'); ap.add_argument('--out', default=str(root/'_shots'))
    ap.add_argument('--width', type=int, default=1280); ap.add_argument('--chromium', default=shutil.which('chromium') or '/usr/bin/chromium')
    a = ap.parse_args()
    shoot(a.pages, Path(a.out), a.width, a.chromium)
