"""OR-Library multidimensional knapsack instances, read and turned into project lists.

A 0-1 multidimensional knapsack problem  max p.x  s.t.  W x <= b,  x binary  is a portfolio
problem: item j is a project with reduction p_j per year, and knapsack row i is a budget year
(2001, 2002, ...) in which project j costs W[i, j] against the year's budget b_i. With the
objective "annual" and lifetime 1 the optimiser's objective is exactly the knapsack profit.

Data (see `orlib/README.md` for the source and its caveats):

- `petersen()`: Petersen's 7 R&D project-selection problems (OR-Library `mknap1`), proven optima.
- `chu_beasley("mknapcb1.txt")`: 30 Chu–Beasley problems per file (`CHU_BEASLEY_FILES`: all nine,
  270 problems), with the best value known in 1998 (a lower bound, not always optimal) and the
  LP-relaxation value (an upper bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "orlib"
#: Calendar year of knapsack row 0; row i is the budget year FIRST_YEAR + i.
FIRST_YEAR = 2001
SECTOR = "knapsack"
#: The nine Chu–Beasley files: m = 5, 10, 30 constraints by n = 100, 250, 500 items.
CHU_BEASLEY_FILES = tuple(f"mknapcb{k}.txt" for k in range(1, 10))


@dataclass(frozen=True, eq=False)
class KnapsackInstance:
    """One problem  max profits.x  s.t.  weights x <= capacities,  x in {0, 1}^n.

    `known_optimum` is a proven optimum (None when unknown), `best_known` the best value published
    (a lower bound on the optimum), `lp_bound` the LP-relaxation value (an upper bound).
    """

    name: str
    profits: np.ndarray
    weights: np.ndarray
    capacities: np.ndarray
    known_optimum: float | None
    best_known: float | None
    lp_bound: float | None

    def __post_init__(self) -> None:
        for array in (self.profits, self.weights, self.capacities):
            array.flags.writeable = False
        if self.profits.ndim != 1 or self.capacities.ndim != 1:
            raise ValueError(f"{self.name}: profits and capacities must be vectors")
        if self.weights.shape != (self.m, self.n):
            expected = (self.m, self.n)
            raise ValueError(f"{self.name}: weights have shape {self.weights.shape}, expected {expected}")

    @property
    def n(self) -> int:
        """Number of items (projects)."""
        return int(self.profits.shape[0])

    @property
    def m(self) -> int:
        """Number of knapsack constraints (budget years)."""
        return int(self.capacities.shape[0])

    @property
    def years(self) -> tuple[int, ...]:
        """The budget year of each knapsack row."""
        return tuple(range(FIRST_YEAR, FIRST_YEAR + self.m))

    @property
    def ids(self) -> np.ndarray:
        """Project id of each item: `x001`, `x002`, ... (at least three digits)."""
        width = max(3, len(str(self.n)))
        return np.char.add("x", np.char.zfill(np.arange(1, self.n + 1).astype(str), width)).astype(object)


# --------------------------------------------------------------------------------------------
# Parsing


def parse(text: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, float]]:
    """Problems of one OR-Library mknap file: (profits, weights (m, n), capacities, header_opt) each.

    The format is a stream of whitespace-separated numbers; line breaks carry no meaning:
    K, then per problem `n m opt`, the n profits, m rows of n weights, the m capacities.
    """
    tokens = np.array(text.split(), dtype=float)
    if tokens.size == 0:
        raise ValueError("empty OR-Library file")
    count = _as_count(tokens[0], "number of problems")
    problems: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = []
    pos = 1
    for k in range(count):  # one step per problem: offsets depend on each problem's n and m
        if pos + 3 > tokens.size:
            raise ValueError(f"problem {k + 1} of {count}: file ends inside the header")
        n = _as_count(tokens[pos], f"problem {k + 1}: n")
        m = _as_count(tokens[pos + 1], f"problem {k + 1}: m")
        opt = float(tokens[pos + 2])
        body = tokens[pos + 3 : pos + 3 + n + m * n + m]
        if body.size != n + m * n + m:
            raise ValueError(f"problem {k + 1} of {count}: file ends early "
                             f"({body.size} of {n + m * n + m} numbers)")
        profits = body[:n].copy()
        weights = body[n : n + m * n].reshape(m, n).copy()
        capacities = body[n + m * n :].copy()
        problems.append((profits, weights, capacities, opt))
        pos += 3 + body.size
    if pos != tokens.size:
        raise ValueError(f"{tokens.size - pos} numbers after the last of {count} problems")
    return problems


def _as_count(value: float, what: str) -> int:
    if not (value >= 1 and float(value).is_integer()):
        raise ValueError(f"{what} must be a positive integer, not {value!r}")
    return int(value)


def petersen(directory: Path | str | None = None) -> list[KnapsackInstance]:
    """Petersen's 7 problems `mknap1-1` .. `mknap1-7`, with their proven optima from `optima.csv`."""
    folder = Path(directory) if directory is not None else DATA_DIR
    problems = parse((folder / "mknap1.txt").read_text())
    optima = pd.read_csv(folder / "optima.csv").set_index("index")
    if len(optima) != len(problems):
        raise ValueError(f"optima.csv has {len(optima)} rows for {len(problems)} problems in mknap1.txt")
    instances = []
    for k, (profits, weights, capacities, header_opt) in enumerate(problems):
        row = optima.loc[k]
        if (int(row["n"]), int(row["m"])) != (profits.size, capacities.size):
            raise ValueError(f"optima.csv row {k}: n, m = {row['n']}, {row['m']} but the file has "
                             f"{profits.size}, {capacities.size}")
        optimum = float(row["optimum_from_file_header"])
        if header_opt and not np.isclose(header_opt, optimum, rtol=0, atol=1e-9):
            raise ValueError(f"mknap1 problem {k + 1}: header optimum {header_opt} != optima.csv {optimum}")
        instances.append(KnapsackInstance(f"mknap1-{k + 1}", profits, weights, capacities,
                                          known_optimum=optimum, best_known=optimum, lp_bound=None))
    return instances


def chu_beasley_table(directory: Path | str | None = None) -> pd.DataFrame:
    """`best_known_values.csv`: one row per Chu–Beasley problem (all 270), indexed by name."""
    folder = Path(directory) if directory is not None else DATA_DIR
    return pd.read_csv(folder / "best_known_values.csv", dtype={"instance": str}).set_index("instance")


def chu_beasley(file: str, directory: Path | str | None = None) -> list[KnapsackInstance]:
    """The 30 problems of one Chu–Beasley file, e.g. `chu_beasley("mknapcb1.txt")`.

    Named `m.n-kk` as in the OR-Library tables (`5.100-00` ...); `best_known` is the 1998 GA value
    (a lower bound) and `lp_bound` the LP-relaxation value (an upper bound), both from
    `best_known_values.csv`. `directory` may point at another folder holding the files; the
    tables are always read from this package's copy.
    """
    file = file if file.endswith(".txt") else f"{file}.txt"
    folder = Path(directory) if directory is not None else DATA_DIR
    path = folder / file
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found ({DATA_DIR} holds mknapcb1.txt .. mknapcb9.txt)")
    table = chu_beasley_table()
    rows = table[table["file"] == file]
    problems = parse(path.read_text())
    if len(rows) != len(problems):
        raise ValueError(f"best_known_values.csv lists {len(rows)} problems of {file}, "
                         f"the file has {len(problems)}")
    instances = []
    for k, (profits, weights, capacities, _opt) in enumerate(problems):
        name = f"{capacities.size}.{profits.size}-{k:02d}"
        if name not in rows.index or int(rows.at[name, "index_in_file"]) != k:
            raise ValueError(f"{file} problem {k} ({name}) is not in best_known_values.csv as index {k}")
        instances.append(KnapsackInstance(name, profits, weights, capacities, known_optimum=None,
                                          best_known=float(rows.at[name, "best_known_chu_beasley_1998"]),
                                          lp_bound=float(rows.at[name, "lp_relaxation"])))
    return instances


def read_mkcbres(directory: Path | str | None = None) -> pd.DataFrame:
    """The original OR-Library `mkcbres` tables: columns `best_feasible`, `lp_relaxation`, by name.

    Kept as a cross-check of `best_known_values.csv`, which holds the same numbers.
    """
    folder = Path(directory) if directory is not None else DATA_DIR
    text = (folder / "mkcbres_chu_beasley.txt").read_text()
    _intro, best_part, lp_part = text.split("Problem Name")
    best = _name_value_pairs(best_part.partition("Best Feasible Solution Value")[2])
    lp = _name_value_pairs(lp_part.partition("LP optimal")[2])
    return pd.DataFrame({"best_feasible": best, "lp_relaxation": lp})


def _name_value_pairs(text: str) -> pd.Series:
    tokens = np.array(text.split(), dtype=object)
    if tokens.size % 2:
        raise ValueError("mkcbres: odd number of tokens in a table")
    pairs = tokens.reshape(-1, 2)
    return pd.Series(pairs[:, 1].astype(float), index=pairs[:, 0].astype(str))


# --------------------------------------------------------------------------------------------
# As a project list and a scenario


def to_project_table(instance: KnapsackInstance) -> pd.DataFrame:
    """The instance as a project list: one project per item, one `cost_sek_<year>` column per row.

    Item j becomes project `x{j:03d}` with `abatement_t_per_year` = profit, `lifetime_years` = 1
    and cost W[i, j] in year FIRST_YEAR + i (cells may be 0). A project must cost something, so an
    item whose weights are all 0 is refused with a ValueError (such an item is in every optimal
    solution and would be added by hand); none of the shipped instances has one.
    """
    free = np.flatnonzero(~(instance.weights > 0).any(axis=0))
    if free.size:
        listed = ", ".join(instance.ids[free][:10])
        raise ValueError(f"{instance.name}: {free.size} item(s) weigh 0 in every row and cannot be a "
                         f"project with a positive cost: {listed}")
    if (instance.weights < 0).any() or (instance.profits < 0).any():
        raise ValueError(f"{instance.name}: negative profits or weights are not a knapsack problem")
    names = np.char.add(f"{instance.name} item ", np.arange(1, instance.n + 1).astype(str)).astype(object)
    table = pd.DataFrame({
        "id": instance.ids,
        "name": names,
        "sector": SECTOR,
        "abatement_t_per_year": instance.profits.astype(float),
        "lifetime_years": 1,
    })
    costs = pd.DataFrame(instance.weights.T.astype(float),
                         columns=[f"cost_sek_{year}" for year in instance.years])
    return pd.concat([table, costs], axis=1)


def to_scenario(instance: KnapsackInstance, *, mip_gap: float = 0.0) -> dict[str, object]:
    """A scenario with one budget per knapsack row and the annual objective (= knapsack profit)."""
    return {
        "budget_sek": {
            str(year): float(cap) for year, cap in zip(instance.years, instance.capacities, strict=True)
        },
        "objective": "annual",
        "mip_gap": mip_gap,
    }


def selection_vector(instance: KnapsackInstance, ids: list[str] | tuple[str, ...]) -> np.ndarray:
    """The 0/1 vector x of the items whose project ids are given (unknown ids raise KeyError)."""
    position = pd.Index(instance.ids)
    index = position.get_indexer(list(ids))
    if (index < 0).any():
        raise KeyError(f"not items of {instance.name}: {[i for i, p in zip(ids, index) if p < 0]}")
    x = np.zeros(instance.n)
    x[index] = 1.0
    return x
