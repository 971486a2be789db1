"""Time decide-exchange-model's equal-gain model: run with the Python that has it installed.

    PYTHON decide_timing.py INPUT_FILE ROUNDS RUNS   -> prints CPU seconds per run

Uses the package's own classes (reader, model factory, round loop) without its observers,
so no files are written. Not imported by Kingmaker: decide-exchange-model is GPL and lives in
its own virtual environment (see benchmarks/README.md).
"""

import sys
import tempfile
import time

from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import equalgain
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop


def main() -> None:
    path, rounds, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    factory = ModelFactory(InputDataFile.open(path))
    start = time.process_time()
    for run in range(runs):
        model = factory(model_klass=equalgain.EqualGainModel, randomized_value=None)
        loop = ModelLoop(
            model, Observable(model_ref=model, output_directory=tempfile.gettempdir()), run
        )
        for _ in range(rounds):
            loop.loop()
    print((time.process_time() - start) / runs)


if __name__ == "__main__":
    main()
