"""Command line: ``isinghop demo`` (also ``python -m isinghop``)."""

from __future__ import annotations

import argparse
import sys

from isinghop.demo import plot_demo, recall_demo


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="isinghop", description="Hopfield networks as Ising Hamiltonians.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="store random patterns, corrupt one, recall it, plot")
    demo.add_argument("--side", type=int, default=32, help="image side; N = side² sites (default 32)")
    demo.add_argument("--patterns", type=int, default=40, help="number of stored patterns P (default 40)")
    demo.add_argument("--noise", type=float, default=0.25, help="fraction of sites flipped in the cue (default 0.25)")
    demo.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    demo.add_argument("--out", default="isinghop-demo.png", help="PNG to write (default isinghop-demo.png)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        result = recall_demo(side=args.side, n_patterns=args.patterns, noise=args.noise, rng=args.seed)
    except (TypeError, ValueError) as error:
        parser.exit(2, f"isinghop: error: {error}\n")
    n_patterns, n_sites = result.patterns.shape
    print(f"stored P = {n_patterns} random patterns on N = {n_sites} sites (alpha = {n_patterns / n_sites:.3f})")
    print(f"cue: pattern 1 with {args.noise:.0%} of its sites flipped")
    print(f"{'sweep':>5}  {'m_1':>7}  {'max |m_mu|, mu>1':>16}")
    for sweep, row in enumerate(result.overlaps):
        print(f"{sweep:>5}  {row[0]:>7.4f}  {abs(row[1:]).max(initial=0):>16.4f}")
    print("recall reached a fixed point" if result.converged else "recall did not settle within the sweep limit")
    path = plot_demo(result, args.out)
    print(f"figure written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
