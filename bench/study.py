"Run the 09_study map from the command line (nohup-friendly): `python bench/study.py one_axis` then `python bench/study.py factorial ...`"
import sys, os, json, time
from pathlib import Path
from detaux_nb.study import *

def main(phase, *args):
    csv = Path(__file__).resolve().parents[1]/'nbs'/'09_study_runs.csv'
    if phase == 'one_axis':
        cells = one_axis_cells()
        cap = [c for c in cells if c['backbone'] != 'small']
        cells = [c for c in cells if c['backbone'] == 'small'] + sorted(cap, key=lambda c: c['backbone'] != 'wide')  # the costly trunks last
    elif phase == 'cells':   # a JSON list of cells
        cells = [check_cell(c) for c in json.loads(args[0])]
    else: raise SystemExit(f"unknown phase {phase}")
    t0 = time.time()
    run_study(cells, csv, log=lambda m: print(time.strftime('%H:%M:%S'), m, flush=True))
    print(f"phase {phase} done in {time.time() - t0:.0f} s", flush=True)

if __name__ == '__main__': main(*sys.argv[1:])
