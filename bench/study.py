"Run the 09_study map from the command line (nohup-friendly): `python bench/study.py one_axis` or `python bench/study.py cells '<JSON list of cells>'`"
import json, time
from pathlib import Path
from fastcore.script import call_parse
from detaux_nb.core import setup_output
setup_output()   # before fastai is imported: its import warning filtered, one line per epoch in a log
from detaux_nb.study import *

@call_parse
def main(phase:str, # 'one_axis' (the map's cells, the costly trunks last) or 'cells' (the cells given next)
         *args:str): # with 'cells': a JSON list of cells
    "Run the cells of one phase of the study; finished runs in nbs/09_study_runs.csv are reused"
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
