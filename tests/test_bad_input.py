"""Bad scenario files: ``sim validate`` exits 2 with one clear line per problem.

Each case writes a broken file into ``tmp_path`` (mostly ``scenarios/standalone.yaml``
with one thing broken), runs the real CLI through typer's ``CliRunner`` and checks
the exit code, that no traceback leaks, and that the message names the file, the
line (where known), the field path (where there is one) and what is wrong.
"""

from __future__ import annotations

import os
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from cli.app import app

# A frozen copy of the baseline, so the line numbers below do not move when the
# bundled scenarios are edited.
BASE = (Path(__file__).parent / "fixtures" / "baseline.yaml").read_text(encoding="utf-8")
BAD = "standalone_bad.yaml"

runner = CliRunner()


def sub(old: str, new: str) -> Callable[[str], str]:
    """A change to the base text: ``old`` (which must occur exactly once) -> ``new``."""

    def change(text: str) -> str:
        assert text.count(old) == 1, f"the base no longer has exactly one {old!r}"
        return text.replace(old, new)

    return change


def broken(change: Callable[[str], str]) -> Callable[[Path], Path]:
    """Write the base with ``change`` applied, as ``standalone_bad.yaml``."""

    def make(tmp: Path) -> Path:
        file = tmp / BAD
        file.write_text(change(BASE), encoding="utf-8")
        return file

    return make


def raw(name: str, data: bytes | str) -> Callable[[Path], Path]:
    """Write ``data`` as-is to ``name``."""

    def make(tmp: Path) -> Path:
        file = tmp / name
        if isinstance(data, str):
            file.write_text(data, encoding="utf-8")
        else:
            file.write_bytes(data)
        return file

    return make


STANDALONE = (ROOT / "scenarios" / "standalone.yaml").read_text(encoding="utf-8")


def bundled(change: Callable[[str], str]) -> Callable[[Path], Path]:
    """Write the bundled standalone.yaml with ``change`` applied, as ``standalone_bad.yaml``
    (for checks that run after the facts are checked, which the frozen base fails)."""

    def make(tmp: Path) -> Path:
        file = tmp / BAD
        file.write_text(change(STANDALONE), encoding="utf-8")
        return file

    return make


def line_of(text: str, needle: str) -> int:
    """The line of ``needle`` (which must occur once) in ``text``."""
    assert text.count(needle) == 1, needle
    return text[:text.index(needle)].count("\n") + 1


def option_correlating_its_fixed_input(tmp: Path) -> Path:
    """An option that fixes operations.burn and correlates it in its own list."""
    (tmp / "standalone.yaml").write_text(STANDALONE, encoding="utf-8")
    file = tmp / "option.yaml"
    file.write_text("extends: standalone.yaml\nname: option\ntitle: An option\n"
                    "operations:\n  burn: {fixed: -700, unit: JPY bn/yr, assumption: flat}\n"
                    "correlations:\n  - inputs: [operations.recovery_start, operations.burn]\n"
                    "    rho: -0.5\n    assumption: test input\n", encoding="utf-8")
    return file


NMAC_DURATION = ("    duration: {fixed: 24, unit: months, basis: judgement, assumption: "
                 "capital released by a shrinking portfolio runs out in about two years}\n")
CASH_RATE = "    fixed: 0.01\n    unit: fraction\n    basis: judgement\n    assumption: cash held"
DISCOUNT = "    pert: {min: 0.09, mode: 0.10, max: 0.12}\n"
RECOVERY = "    triangular: {min: 2025-10, mode: 2026-04, max: 2027-01}\n"   # recovery_start
CORRELATED = "  - inputs: [operations.burn, operations.recovery_start]\n"


def option(extends: str, name: str = "option.yaml", more: str = "") -> Callable[[Path], Path]:
    """An option that extends ``extends`` (and says ``more`` from line 4), with a copy of
    standalone.yaml beside it."""

    def make(tmp: Path) -> Path:
        (tmp / "standalone.yaml").write_text(BASE, encoding="utf-8")
        file = tmp / name
        file.write_text(f"extends: {extends}\nname: option\ntitle: An option\n{more}",
                        encoding="utf-8")
        return file

    return make


FOXCONN = (ROOT / "scenarios" / "foxconn.yaml").read_text(encoding="utf-8")
FOXCONN_CLOSE = "    triangular: {min: 2025-07, mode: 2025-12, max: 2026-06}\n"


def foxconn(change: Callable[[str], str]) -> Callable[[Path], Path]:
    """The bundled foxconn.yaml with ``change`` applied, as ``foxconn_bad.yaml``, beside a
    copy of the bundled standalone.yaml it extends."""

    def make(tmp: Path) -> Path:
        (tmp / "standalone.yaml").write_text(STANDALONE, encoding="utf-8")
        file = tmp / "foxconn_bad.yaml"
        file.write_text(change(FOXCONN), encoding="utf-8")
        return file

    return make


def option_beside(make_base: Callable[[Path], object], extends: str) -> Callable[[Path], Path]:
    """An option that extends ``extends``, after ``make_base(tmp)`` made what it names."""

    def make(tmp: Path) -> Path:
        make_base(tmp)
        return option(extends)(tmp)

    return make


def cycle(tmp: Path) -> Path:
    (tmp / "a.yaml").write_text("extends: b.yaml\nname: a\n", encoding="utf-8")
    (tmp / "b.yaml").write_text("extends: a.yaml\nname: b\n", encoding="utf-8")
    return tmp / "a.yaml"


def missing(tmp: Path) -> Path:
    return tmp / "no_such_scenario.yaml"


def folder(tmp: Path) -> Path:
    path = tmp / "a_folder.yaml"
    path.mkdir()
    return path


def alias_bomb() -> str:
    """Billion laughs: 9 levels of 9-fold lists of the level below."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], Path]
    phrase: str  # a short phrase of the expected message (case-insensitive)
    path: str | None = None  # the dotted field path the message must name
    line: int | None = None  # the line the message must name as ``file:line:``
    name: str = BAD  # the file name the message must name
    match: str | None = None  # a regex the message must match
    poor: str | None = None  # why today's message falls short (the test is xfail)

    def __repr__(self) -> str:
        return self.id


BURN = "    pert: {min: -3.5, mode: -2.6, max: -1.5}\n"  # line 37
CASH = "    pert: {min: 11.0, mode: 13.0, max: 15.0}\n"  # line 20
END = len(BASE.splitlines())  # 302: appended sections start on line END + 1


def appended(text: str) -> Callable[[str], str]:
    """A change to the base text: ``text`` added at its end (from line END + 1)."""
    return lambda base: base + text


def fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "fifo.yaml")
    return tmp / "fifo.yaml"


def symlink_loop(tmp: Path) -> Path:
    (tmp / "loop_a.yaml").symlink_to(tmp / "loop_b.yaml")
    (tmp / "loop_b.yaml").symlink_to(tmp / "loop_a.yaml")
    return tmp / "loop_a.yaml"


SOURCE = "unit: {unit}, assumption: test input}}"
def phases(**shares: float) -> str:
    """A development section with the phase shares given (fixed fractions)."""
    return ("development:\n  cycle: {fixed: 30, unit: months, assumption: test input}\n"
            "  phases:\n" + "".join(f"    {p}: {{fixed: {v}, {SOURCE.format(unit='fraction')}\n"
                                    for p, v in shares.items()))

CASES = [
    Case("yaml_syntax", broken(sub("title: Standalone restructuring", "title: Standalone: "
                                   "restructuring")),
         "YAML syntax error", line=5),
    Case("yaml_unclosed_bracket", broken(sub("  months: 60 ", "  months: [60 ")),
         "YAML syntax error", match=r"standalone_bad\.yaml:11:|line 11\b"),
    Case("tab_indent", broken(sub(BURN, "\t" + BURN.lstrip())),
         "tab is used for indentation", line=37),
    Case("duplicate_key",
         broken(sub("    fact: core_cash_burn_usd_bn\n",
                    "    fact: core_cash_burn_usd_bn\n    unit: USD bn/yr\n")),
         "duplicate key 'unit' (first at line 38)", path="operations.burn", line=40),
    Case("unknown_key_suggests", broken(sub("  opening_cash:\n", "  opening_csh:\n")),
         "did you mean 'opening_cash'", path="balance.opening_csh", line=19),
    Case("unknown_key_in_distribution", broken(sub(BURN, BURN.replace("pert:", "pret:"))),
         "did you mean 'pert'", path="operations.burn.pret", line=37),
    Case("text_for_number", broken(sub(BURN, BURN.replace("mode: -2.6", "mode: lots"))),
         "expected a number, got 'lots'", path="operations.burn", line=36),
    Case("text_for_integer", broken(sub("  months: 60 ", "  months: sixty ")),
         "expected a whole number, got 'sixty'", path="timeline.months", line=11),
    # one line in the scenario's words (was two contradictory lines, or pydantic's names)
    Case("fixed_a_list", broken(sub("  fixed: 5.0\n", "  fixed: [600]\n")),
         "expected a number (or a date like '2026-04' where the unit is date), got a list",
         path="floor.fixed", line=14),
    Case("fixed_a_mapping", broken(sub("  fixed: 5.0\n", "  fixed: {a: 1}\n")),
         "expected a number (or a date like '2026-04' where the unit is date), got a mapping",
         path="floor.fixed", line=14, match=r"^(?!.*floor\.fixed\.(float|str))"),
    Case("ci90_one_value", broken(sub(CASH, "    ci90: [11.0]\n")),   # was 'required field'
         "expected two values [low, high] (the 5th and 95th percentiles); got 1: [11.0]",
         path="balance.opening_cash.ci90", line=20),
    Case("ci90_three_values", broken(sub(CASH, "    ci90: [11, 13, 15]\n")),
         "expected two values [low, high] (the 5th and 95th percentiles); got 3",
         path="balance.opening_cash.ci90", line=20),
    Case("correlation_of_one_input", broken(appended(
        "correlations:\n  - {inputs: [operations.burn], rho: 0.5, assumption: one}\n")),
         "expected two values [input, input]", path="correlations[0].inputs", line=END + 2),
    Case("date_for_an_amount",   # was "got '2025-03'"
         broken(sub("  fixed: 5.0\n", "  fixed: 2025-03-31\n")),
         "fixed: got the date 2025-03-31, but a quantity in USD bn takes a number, not a date",
         path="floor", line=13),
    Case("number_for_a_section", option("standalone.yaml", more="operations: 5\n"),
         "expected a mapping of keys to values (a section), got 5", path="operations", line=4,
         name="option.yaml", match=r"^(?!.*(instance of|Operations))"),
    Case("list_for_a_section", option("standalone.yaml", more="balance: [1, 2]\n"),
         "expected a mapping of keys to values (a section), got a list", path="balance",
         line=4, name="option.yaml"),
    Case("nan", broken(sub("  fixed: 5.0\n", "  fixed: .nan\n")),
         "finite number", path="floor.fixed", line=14),
    Case("negative_floor", broken(sub("  fixed: 5.0\n", "  fixed: -5.0\n")),
         "the liquidity floor (the cash to keep; 0: cash runs out) must be at least 0 USD "
         "bn; got -5", path="floor", line=13),
    Case("integer_of_5000_digits", broken(sub("  fixed: 5.0\n", "  fixed: " + "9" * 5000
                                              + "\n")),
         "bad value: Exceeds the limit (4300 digits)", path="floor.fixed", line=14),
    Case("lone_surrogate", broken(sub("title: Standalone restructuring (no partner)",
                                      'title: "\\ud800"')),
         "not valid Unicode text (a lone surrogate", path="title", line=5),
    Case("unknown_tag_one_line", broken(sub("  fixed: 5.0\n", "  fixed: !weird 5.0\n")),
         "bad value: could not determine a constructor for the tag '!weird'",
         path="floor.fixed", line=14),
    Case("infinity", broken(sub(BURN, BURN.replace("min: -3.5", "min: -.inf"))),
         "finite number", path="operations.burn.pert.min", line=37),
    Case("nan_in_float_field", broken(sub(BURN, "    normal: {mean: -2.6, sd: .nan}\n")),
         "finite number", path="operations.burn.normal.sd", line=37),
    Case("pert_min_above_mode", broken(sub(BURN, BURN.replace("min: -3.5", "min: -2.0"))),
         "mode (-2.6) must lie within min (-2) and max (-1.5)", path="operations.burn",
         line=36),
    Case("pert_mode_above_max", broken(sub(BURN, BURN.replace("mode: -2.6", "mode: -1.0"))),
         "mode (-1) must lie within min (-3.5) and max (-1.5)", path="operations.burn",
         line=36),
    Case("uniform_min_above_max",
         broken(sub(CASH, "    uniform: {min: 15.0, max: 11.0}\n")),
         "min (15) must be below max (11)", path="balance.opening_cash", line=19),
    Case("probability_above_one", broken(sub("      fixed: 0.8\n", "      fixed: 1.5\n")),
         "probability must stay within [0, 1]", path="financing.asset_sales.probability",
         line=105),
    Case("bernoulli_p_above_one",
         broken(sub("    pert: {min: 0.3, mode: 0.6, max: 1.0}\n",
                    "    bernoulli: {p: 1.5, impact: 0.6}\n")),
         "bernoulli.p must be a probability in [0, 1], got 1.5", path="capex.base", line=88),
    Case("pert_lamb_1e308",   # was accepted, and ran to NaN
         broken(sub(CASH, CASH.replace("max: 15.0}", "max: 15.0, lamb: 1.0e+308}"))),
         "pert.lamb (its shape; 4 is the classic) must be above 0 and at most 1000; got "
         "1e+308", path="balance.opening_cash", line=19),
    Case("pert_lamb_zero", broken(sub(CASH, CASH.replace("max: 15.0}", "max: 15.0, lamb: 0}"))),
         "must be above 0 and at most 1000; got 0", path="balance.opening_cash", line=19),
    Case("triangular_with_lamb",   # was silently ignored
         broken(sub(CASH, "    triangular: {min: 11.0, mode: 13.0, max: 15.0, lamb: 2}\n")),
         "triangular takes no 'lamb'", path="balance.opening_cash", line=19),
    Case("normal_negative_sd", broken(sub(BURN, "    normal: {mean: -2.6, sd: -0.5}\n")),
         "normal.sd must be positive", path="operations.burn", line=36),
    # a boolean or a quoted number where a number is expected (was read as 1, or 600)
    Case("fixed_true", broken(sub("  fixed: 5.0\n", "  fixed: true\n")),
         "expected a number, got true", path="floor.fixed", line=14),
    Case("fixed_quoted_number", broken(sub("  fixed: 5.0\n", '  fixed: "600"\n')),
         "expected a number, got the text '600'; write it without quotes",
         path="floor.fixed", line=14),
    Case("pert_bound_quoted", broken(sub(BURN, BURN.replace("max: -1.5", "max: '-1.5'"))),
         "expected a number, got the text '-1.5'", path="operations.burn.pert.max", line=37),
    Case("normal_sd_quoted", broken(sub(BURN, "    normal: {mean: -2.6, sd: '0.5'}\n")),
         "expected a number, got the text '0.5'", path="operations.burn.normal.sd", line=37),
    Case("bernoulli_p_boolean",
         broken(sub("    pert: {min: 0.3, mode: 0.6, max: 1.0}\n",
                    "    bernoulli: {p: true, impact: 0.6}\n")),
         "expected a number, got true", path="capex.base.bernoulli.p", line=89),
    Case("discrete_prob_boolean",
         broken(sub(CASH, "    discrete: {values: [11, 15], probs: [true, 0.0]}\n")),
         "expected a number, got true", path="balance.opening_cash.discrete.probs[0]",
         line=20),
    Case("months_true", broken(sub("  months: 60 ", "  months: true ")),   # was 1 month
         "expected a whole number, got true", path="timeline.months", line=11),
    Case("months_quoted", broken(sub("  months: 60 ", '  months: "60" ')),
         "expected a whole number, got the text '60'", path="timeline.months", line=11),
    Case("capacity_true", broken(appended("resources:\n  line:\n    capacity: true\n"
                                          "    assumption: test input\n")),
         "expected a whole number, got true", path="resources.line.capacity", line=END + 3),
    Case("capacity_quoted", broken(appended("resources:\n  line:\n    capacity: '2'\n"
                                            "    assumption: test input\n")),
         "expected a whole number, got the text '2'", path="resources.line.capacity",
         line=END + 3),
    Case("retry_attempts_true", bundled(sub("      attempts: 1\n", "      attempts: true\n")),
         "expected a whole number, got true", path="debt.new_bond_2025.retry.attempts",
         line=line_of(STANDALONE, "      attempts: 1\n")),
    Case("flag_one",   # pydantic read 1 (and "yes") as true
         broken(sub("  bonds:\n    kind: debt\n", "  bonds:\n    kind: debt\n    on_deal: 1\n")),
         "expected true or false, got 1", path="financing.bonds.on_deal", line=111),
    Case("flag_text", broken(sub("  bonds:\n    kind: debt\n",
                                 "  bonds:\n    kind: debt\n    on_deal: 'yes'\n")),
         "expected true or false, got 'yes'", path="financing.bonds.on_deal", line=111),
    Case("correlation_rho_quoted", broken(appended(
        "correlations:\n"
        "  - {inputs: [operations.burn, operations.steady], rho: '0.5', assumption: one}\n")),
         "expected a number, got the text '0.5'", path="correlations[0].rho", line=END + 2),
    Case("unknown_fact_suggests",
         broken(sub("fact: core_cash_burn_usd_bn\n", "fact: core_cash_burn_usd\n")),
         "unknown fact id 'core_cash_burn_usd'; did you mean 'core_cash_burn_usd_bn'",
         path="operations.burn", line=39),   # its fact: line (was the quantity's, 36)
    Case("unknown_fact_in_a_list",
         broken(sub("fact: core_cash_burn_usd_bn\n",
                    "fact:\n      - core_cash_burn_usd_bn\n      - no_such_fact\n")),
         "unknown fact id 'no_such_fact'", path="operations.burn", line=41),
    Case("fact_and_assumption",
         broken(sub("    fact: core_cash_burn_usd_bn\n",
                    "    fact: core_cash_burn_usd_bn\n    assumption: a guess\n")),
         "give a source: 'basis: fact'", path="operations.burn", line=36),
    Case("neither_fact_nor_assumption",
         broken(sub("    fact: core_cash_burn_usd_bn\n", "")),
         "give a source: 'basis: fact'", path="operations.burn", line=36),
    Case("wrong_unit",
         broken(sub(CASH + "    unit: USD bn\n", CASH + "    unit: months\n")),
         "unit 'months' does not fit here; expected 'USD bn'", path="balance.opening_cash",
         line=19),
    Case("missing_required_field", broken(sub("  months: 60 ", "  # months: 60 ")),
         "required field is missing", path="timeline.months", line=9),
    Case("missing_base", option("no_such_base.yaml"),
         "base scenario 'no_such_base.yaml' not found", path="extends", line=1,
         name="option.yaml"),
    Case("option_quantity_missing_its_unit",   # was at the base's line of floor.unit
         option("standalone.yaml", more="floor:\n  fixed: 700\n"),
         "required field is missing", path="floor.unit", line=4, name="option.yaml"),
    Case("option_removes_a_required_key",
         option("standalone.yaml", more="timeline:\n  months: null\n"),
         "required field is missing", path="timeline.months", line=5, name="option.yaml"),
    Case("cyclic_extends", cycle, "the bases make a cycle: a.yaml -> b.yaml -> a.yaml",
         path="extends", name="b.yaml", line=1),
    Case("empty_file", raw(BAD, ""), "empty scenario file"),
    Case("only_comments", raw(BAD, "# nothing here\n   # or here\n\n"), "empty scenario file"),
    Case("binary_file", raw(BAD, b"name: x\x00\x01\x02\n"), "binary content"),
    Case("latin1_file",
         raw(BAD, sub("(no partner)", "(sans partenaire, café)")(BASE).encode("latin-1")),
         "not UTF-8", line=5),
    Case("alias_bomb", raw(BAD, alias_bomb()), "alias bomb"),
    Case("deep_nesting", raw(BAD, "name: " + "[" * 200 + "]" * 200 + "\n"),
         "nesting deeper than", line=1),
    Case("top_level_list", raw(BAD, "- name: standalone\n- title: x\n"),
         "the top level is a list", line=1),
    Case("missing_file", missing, "no such scenario file", name="no_such_scenario.yaml"),
    Case("folder_not_file", folder, "found a folder", name="a_folder.yaml"),
    Case("bad_iso_month",
         broken(sub("      fixed: 2025-04\n", "      fixed: 2025-13\n")),
         "expected an ISO year-month like '2026-04', got '2025-13'",
         path="savings.cost_programme.start", line=62),
    Case("bad_timeline_month", broken(sub("  start: 2025-04 ", "  start: 2025-13 ")),
         "2025-13", path="timeline.start", line=10),
    Case("discrete_probs_not_one",
         broken(sub(CASH, "    discrete: {values: [11, 13, 15], probs: [0.2, 0.3, 0.3]}\n")),
         "probabilities summing to 1, got sum 0.8", path="balance.opening_cash", line=19),
    Case("discrete_prob_outside_0_1",   # they sum to 1: say which one is not a probability
         broken(sub(CASH, "    discrete: {values: [11, 15], probs: [1.5, -0.5]}\n")),
         "discrete.probs: each probability must be between 0 and 1; got 1.5 (probs[0]), "
         "-0.5 (probs[1])", path="balance.opening_cash", line=19),
    Case("debt_without_coupon",
         broken(sub("    coupon:\n      pert: {min: 0.055, mode: 0.068, max: 0.085}\n"
                    "      unit: fraction\n"
                    "      assumption: high-yield coupons for a carmaker cut to junk\n", "")),
         "debt needs a 'coupon'", path="financing.bonds", line=109),
    # issue 14: sign and range where a value enters, with the arithmetic
    Case("negative_duration",
         broken(sub("      pert: {min: 12, mode: 18, max: 30}\n",
                    "      pert: {min: -3, mode: 18, max: 30}\n")),
         "min is -3 months, below the plausible range [0, 1200] for months",
         path="restructuring.closures_and_severance.months", line=82),
    Case("zero_duration",
         broken(sub("      pert: {min: 12, mode: 18, max: 30}\n", "      fixed: 0\n")),
         "a duration must be above 0 months; got 0",
         path="restructuring.closures_and_severance.months", line=82),
    Case("zero_maturity", broken(sub("      fixed: 60\n", "      fixed: 0\n")),
         "a duration must be above 0 months; got 0", path="financing.bonds.maturity",
         line=128),
    Case("negative_ramp",
         broken(sub("    ramp_months:\n      pert: {min: 6, mode: 12, max: 24}\n",
                    "    ramp_months:\n      pert: {min: -6, mode: 12, max: 24}\n")),
         "min is -6 months, below the plausible range", path="savings.cost_programme.ramp_months",
         line=66),
    Case("normal_for_months",
         broken(sub("    ramp_months:\n      pert: {min: 6, mode: 12, max: 24}\n",
                    "    ramp_months:\n      normal: {mean: 12, sd: 3}\n")),
         "normal is unbounded below, so it can draw negative values, but months cannot be "
         "negative", path="savings.cost_programme.ramp_months", line=66),
    Case("negative_coupon",
         broken(sub("      pert: {min: 0.055, mode: 0.068, max: 0.085}\n",
                    "      pert: {min: -0.01, mode: 0.068, max: 0.085}\n")),
         "an annual rate must be at least 0; this pert can give -0.01",
         path="financing.bonds.coupon", line=124),
    # rates are at least 0, as the README says (-0.5 and -0.99 were accepted)
    Case("negative_cash_rate", bundled(sub(CASH_RATE, CASH_RATE.replace("0.01", "-0.5"))),
         "an annual rate must be at least 0; got -0.5", path="balance.cash_rate",
         line=line_of(STANDALONE, CASH_RATE) - 1),
    Case("negative_discount_rate",
         bundled(sub(DISCOUNT, "    fixed: -0.99\n")),
         "an annual rate must be at least 0; got -0.99", path="value.discount_rate",
         line=line_of(STANDALONE, DISCOUNT) - 1),
    Case("normal_sd_1e308", broken(sub(BURN, "    normal: {mean: 0.0, sd: 1.0e+308}\n")),
         "P0.1 is 0 - 3.09 × 1e+308 = -3.09e+308 USD bn/yr, below the plausible range ±1e6 "
         "for USD bn/yr", path="operations.burn", line=36),
    Case("lognormal_sigma_1000", broken(sub(BURN, "    lognormal: {mu: 0.0, sigma: 1000.0}\n")),
         "P99.9 is exp(0 + 3.09 × 1000) = 1.18e+1342 USD bn/yr, beyond the plausible range "
         "±1e6 for USD bn/yr", path="operations.burn", line=36),
    Case("money_beyond_range", broken(sub(CASH, "    fixed: 1.0e+9\n")),
         "the value is 1e+09 USD bn, beyond the plausible range ±1e6 for USD bn",
         path="balance.opening_cash", line=19),
    Case("date_beyond_2100", broken(sub("      fixed: 2025-04\n", "      fixed: 2150-04\n")),
         "the value is 2150-04, beyond the plausible range [1990-01, 2100-12]",
         path="savings.cost_programme.start", line=62),
    # the dates that are not quantities keep to the same range (1800-01 was accepted)
    Case("timeline_start_1800", broken(sub("  start: 2025-04 ", "  start: 1800-01 ")),
         "1800-01 is below the plausible range [1990-01, 2100-12] for dates",
         path="timeline.start", line=10),
    Case("horizon_beyond_2100", broken(sub("  start: 2025-04 ", "  start: 2098-01 ")),
         "the horizon's last month is 2102-12, beyond the plausible range for dates, which "
         "ends 2100-12", path="timeline.months", line=11),
    Case("target_1800", broken(sub("    target: 2025-12\n", "    target: 1800-12\n")),
         "1800-12 is below the plausible range [1990-01, 2100-12] for dates",
         path="programmes.sentra.target", line=138),
    Case("window_to_2300",
         broken(sub("    plant: aguascalientes\n    target: 2025-12\n",
                    "    plant: aguascalientes\n    target:\n      window: [2025-04, 2300-12]\n"
                    "      to_market: {fixed: 2, unit: months, assumption: test input}\n"
                    "      fact: sentra_redesign_na_launch\n")),
         "2300-12 is beyond the plausible range [1990-01, 2100-12] for dates",
         path="programmes.sentra.target.window[1]", line=139),
    Case("as_of_1800", broken(lambda t: "as_of: 1800-03-31\n" + t),
         "1800-03-31 is below the plausible range [1990-01, 2100-12] for dates",
         path="as_of", line=1),
    Case("as_of_a_number",   # was read as seconds since 1970
         broken(lambda t: "as_of: 0\n" + t),
         "expected an ISO date like '2025-03-31', got 0", path="as_of", line=1),
    Case("financing_before_start",
         broken(sub("triangular: {min: 2025-09, mode: 2026-01, max: 2026-12}",
                    "triangular: {min: 2024-09, mode: 2026-01, max: 2026-12}")),
         "can fall on 2024-09, before the timeline's start 2025-04",
         path="financing.asset_sales.at", line=101),
    Case("deal_close_before_start",   # was accepted, and clipped to the start
         foxconn(sub(FOXCONN_CLOSE, FOXCONN_CLOSE.replace("min: 2025-07", "min: 2024-07"))),
         "can fall on 2024-07, before the timeline's start 2025-04; the talks' end (close or "
         "collapse) before the start would be moved to the start", path="deal.close",
         line=line_of(FOXCONN, FOXCONN_CLOSE) - 1, name="foxconn_bad.yaml"),
    Case("launch_before_start",
         broken(sub("min: 2025-10, mode: 2025-12, max: 2026-04",
                    "min: 2024-10, mode: 2025-12, max: 2026-04")),
         "can fall on 2024-10, before the timeline's start 2025-04; a launch before the "
         "start would fall outside", path="programmes.sentra.launch", line=139),
    Case("scheduled_dev_start_before_start",   # its launch could land before the start
         broken(sub("    launch:\n      triangular: {min: 2025-10, mode: 2025-12, max: "
                    "2026-04}\n      unit: date\n      fact: sentra_redesign_na_launch\n",
                    "    schedule:\n      cycle: {fixed: 30, unit: months, assumption: "
                    "test input}\n")),
         "is 2022-09, before the timeline's start 2025-04, so its phases (and launch) would "
         "run before the start; for a programme already in development drop 'dev_start' and "
         "give 'schedule.stands'", path="programmes.sentra.dev_start", line=141),
    Case("programme_without_launch_or_schedule",
         broken(sub("    launch:\n      triangular: {min: 2025-10, mode: 2025-12, max: "
                    "2026-04}\n      unit: date\n      fact: sentra_redesign_na_launch\n", "")),
         "needs 'launch' (a date input) or 'schedule' (the schedule engine sets the launch); "
         "neither is given", path="programmes.sentra", line=134),
    Case("programme_with_launch_and_schedule",
         broken(sub("    launch:\n      triangular: {min: 2025-10, mode: 2025-12, max: 2026-04}\n",
                    "    schedule: {cycle: {fixed: 30, unit: months, assumption: test input}}\n"
                    "    launch:\n      triangular: {min: 2025-10, mode: 2025-12, max: "
                    "2026-04}\n")),
         "give either 'launch' (a date input) or 'schedule' (the schedule engine sets the "
         "launch), not both", path="programmes.sentra", line=134),
    Case("window_reversed_no_union_tag",   # the path was ...target.sourced-window
         broken(sub("    plant: aguascalientes\n    target: 2025-12\n",
                    "    plant: aguascalientes\n    target:\n      window: [2025-12, 2025-04]\n"
                    "      to_market: {fixed: 2, unit: months, assumption: test input}\n"
                    "      fact: sentra_redesign_na_launch\n")),
         "2025-12 is after 2025-04; give [first month, last month]",
         path="programmes.sentra.target.window", line=139, match=r"^(?!.*sourced-window)"),
    # weights whose sum overflows zeroed the item with a numpy warning
    Case("weights_sum_overflows", bundled(sub(NMAC_DURATION, NMAC_DURATION
                                              + "    weights: [1.0e+308, 1.0e+308]\n")),
         "weights: their sum overflows to infinity; it must be above 0 and finite",
         path="items.nmac_dividends.weights", line=line_of(STANDALONE, NMAC_DURATION) + 1),
    Case("weight_negative", bundled(sub(NMAC_DURATION, NMAC_DURATION
                                        + "    weights: [1, -1, 2]\n")),
         "each weight must be a finite number at least 0; got -1 (weights[1])",
         path="items.nmac_dividends.weights", line=line_of(STANDALONE, NMAC_DURATION) + 1),
    Case("weight_boolean", bundled(sub(NMAC_DURATION, NMAC_DURATION
                                       + "    weights: [true, 1]\n")),
         "expected a number, got true", path="items.nmac_dividends.weights[0]",
         line=line_of(STANDALONE, NMAC_DURATION) + 1),
    Case("duplicate_correlation_pair", broken(appended(
        "correlations:\n"
        "  - {inputs: [operations.burn, operations.steady], rho: 0.5, assumption: one}\n"
        "  - {inputs: [operations.steady, operations.burn], rho: -0.3, assumption: two}\n")),
         "the pair operations.steady ~ operations.burn is given twice (first in "
         "correlations[0])", path="correlations[1].inputs", line=END + 3),
    Case("correlated_input_fixed", bundled(sub(RECOVERY, "    fixed: 2026-01\n")),
         "'operations.recovery_start' is fixed (operations.recovery_start.fixed), so it "
         "cannot be correlated", path="correlations[0].inputs[1]",
         line=line_of(STANDALONE, CORRELATED)),
    Case("correlated_input_fixed_by_the_option", option_correlating_its_fixed_input,
         "'operations.burn' is fixed (operations.burn.fixed), so it cannot be correlated",
         path="correlations[0].inputs[1]", line=7, name="option.yaml"),
    Case("phase_shares_sum_zero", broken(appended(phases(
        design=0, engineering=0, validation=0, industrialisation=0))),
         "the phase shares can sum to 0", path="development.phases", line=END + 3),
    Case("phase_share_above_one", broken(appended(phases(
        design=1.5, engineering=0.3, validation=0.2, industrialisation=0.2))),
         "a share must be at most 1; got 1.5", path="development.phases.design",
         line=END + 4),
    Case("maturity_before_issue", broken(appended(
        "debt:\n  notes:\n"
        + "".join(f"    {k}: {{fixed: {v}, {SOURCE.format(unit=u)}\n" for k, v, u in (
            ("principal", 1.0, "USD bn"), ("coupon", 0.05, "fraction"),
            ("issue", "2026-04", "date"), ("maturity", "2026-01", "date"))))),
         "the earliest maturity (2026-01) is not after the latest issue (2026-04)",
         path="debt.notes.maturity", line=END + 6),
    Case("cross_reference_at_its_line", broken(appended(
        "checks:\n  far:\n    title: a year past the horizon\n    measure: fcf.FY2040\n"
        "    at_most: 0\n    assumption: test input\n")),
         "FY2040 is not in the horizon", path="checks.far.measure", line=END + 4),
    Case("yaml11_octal", broken(sub("  months: 60 ", "  months: 060 ")),
         "'060' is read by YAML 1.1 as the octal number 48; write 60", path="timeline.months",
         line=11),
    Case("yaml11_sexagesimal", broken(sub("  fixed: 5.0\n", "  fixed: 1:30\n")),
         "'1:30' is read by YAML 1.1 as the base-60 number 90", path="floor.fixed", line=14),
    Case("yaml11_bool", broken(sub("title: Standalone restructuring (no partner)", "title: no")),
         "'no' is read by YAML 1.1 as false", path="title", line=5),
    Case("tag_on_mapping", broken(sub("  opening_cash:\n", "  opening_cash: !cash\n")),
         "the tag !cash is not supported", path="balance.opening_cash", line=19),
    Case("standard_tag_on_mapping",   # !!map was accepted, though tags on mappings are not
         broken(sub("  opening_cash:\n", "  opening_cash: !!map\n")),
         "the tag !!map is not supported on a mapping; remove it", path="balance.opening_cash",
         line=19),
    Case("standard_tag_on_list",
         broken(sub(CASH, "    discrete: {values: !!seq [11, 15], probs: [0.5, 0.5]}\n")),
         "the tag !!seq is not supported on a list; remove it",
         path="balance.opening_cash.discrete.values", line=20),
    Case("merge_key_then_a_key_twice",   # overriding a merged key is fine, writing it twice not
         broken(appended("anchors:\n  base: &b {x: 1, y: 2}\n  over: {<<: *b, y: 3, y: 4}\n")),
         "duplicate key 'y' (first at line " + str(END + 3) + ")", path="anchors.over",
         line=END + 3),
    Case("merge_key_of_a_number", broken(appended("anchors:\n  over: {<<: 5}\n")),
         "bad merge key (<<): expected a mapping or list of mappings", path="anchors.over",
         line=END + 2),
    Case("nesting_20000_deep", raw(BAD, "name: " + "[" * 20000 + "]" * 20000 + "\n"),
         "nesting deeper than 50 levels", line=1),
    Case("nesting_20000_unclosed", raw(BAD, "name: " + "[" * 20000 + "\n"),
         "nesting deeper than 50 levels", line=1),
    Case("fifo", fifo, "not a regular file", name="fifo.yaml"),
    Case("symlink_loop", symlink_loop, "a symbolic link loop", name="loop_a.yaml"),
    # extends naming what is not a file: at the extends line, never an internal error
    Case("extends_nul_byte", option('"stand\\0alone.yaml"'),
         "base scenario 'stand\\x00alone.yaml' has a control character in its name",
         path="extends", line=1, name="option.yaml"),
    Case("extends_folder", option_beside(lambda t: (t / "bases").mkdir(), "bases"),
         "base scenario 'bases' is a folder", path="extends", line=1, name="option.yaml"),
    Case("extends_fifo", option_beside(fifo, "fifo.yaml"),
         "base scenario 'fifo.yaml' is not a regular file (a FIFO, socket or device",
         path="extends", line=1, name="option.yaml"),
    Case("extends_symlink_loop", option_beside(symlink_loop, "loop_a.yaml"),
         "a symbolic link loop", path="extends", line=1, name="option.yaml"),
    Case("extends_name_too_long", option("a" * 5000 + ".yaml"),
         "has a name of 5005 characters", path="extends", line=1, name="option.yaml"),
    Case("extends_outside_project", option("/etc/passwd"),
         "base scenario '/etc/passwd' is outside the scenario's project", path="extends",
         line=1, name="option.yaml"),
]


def test_an_unquoted_exponent_is_a_number(tmp_path: Path):
    """YAML 1.1 reads 6e2 (no dot, no exponent sign) as text; it is the number 600, while
    the quoted "600" is refused above."""
    from simcore.scenario.loader import load_scenario

    text = (ROOT / "scenarios" / "standalone.yaml").read_text(encoding="utf-8")
    file = tmp_path / "standalone.yaml"
    file.write_text(text.replace("  fixed: 600\n", "  fixed: 6e2\n", 1), encoding="utf-8")
    assert "fixed: 6e2" in file.read_text(encoding="utf-8")
    assert load_scenario(file).scenario.floor.fixed == 600.0


def test_every_number_and_flag_of_the_format_is_strict():
    """Every int, float and bool field of the scenario models, nested or optional, goes
    through a strict type of simcore.scenario.numbers (Real, Whole, NumOrText, Flag), so
    none reads true as 1, "60" as 60 or 1 as true; a new bare field fails here."""
    import typing

    from pydantic import BaseModel

    from simcore.scenario import numbers
    from simcore.scenario.model import Scenario

    strict = {numbers._number, numbers._whole, numbers._number_or_text, numbers._flag}
    seen: set[type] = set()
    bare: list[str] = []

    def guarded(meta: typing.Iterable[object]) -> bool:
        return any(getattr(m, "func", None) in strict for m in meta)

    def walk(tp: object, ok: bool, where: str) -> None:
        if typing.get_origin(tp) is typing.Annotated:
            base, *meta = typing.get_args(tp)
            return walk(base, ok or guarded(meta), where)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return model(tp)
        if tp in (int, float, bool):
            if not ok:
                bare.append(where)
            return None
        union = typing.get_origin(tp) in (typing.Union, types.UnionType)
        for arg in typing.get_args(tp):   # a union keeps the guard, a container does not
            walk(arg, ok and union, where)
        return None

    def model(cls: type[BaseModel]) -> None:
        if cls not in seen:
            seen.add(cls)
            for name, f in cls.model_fields.items():
                walk(f.annotation, guarded(f.metadata), f"{cls.__name__}.{name}")

    model(Scenario)
    assert len(seen) > 30
    assert not bare, bare


def test_a_key_beside_a_merge_key_overrides_the_merged_one(tmp_path: Path):
    """``{<<: *usd_roll, tenor: ...}`` was refused as a duplicate 'tenor'; as in YAML, the
    key written in the mapping wins, and its line is the one recorded."""
    from simcore.scenario.loader import load_scenario

    tenor = "tenor: {fixed: 36, unit: months, basis: judgement, assumption: three-year notes}"
    roll = "    refinance: *usd_roll\n"
    file = tmp_path / "standalone.yaml"
    file.write_text(sub(roll, "    refinance: {<<: *usd_roll, " + tenor + "}\n")(STANDALONE),
                    encoding="utf-8")
    loaded = load_scenario(file)
    debt = loaded.scenario.debt
    assert debt["usd_2027"].refinance.tenor.fixed == 36
    assert debt["usd_2025"].refinance.tenor.fixed == 60   # the anchor itself is unchanged
    assert debt["usd_2027"].refinance.coupon == debt["usd_2025"].refinance.coupon
    line = line_of(STANDALONE, roll)
    assert loaded.document.line_of(("debt", "usd_2027", "refinance", "tenor", "fixed")) == line


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def run_validate(case: Case, tmp_path: Path):
    file = case.make(tmp_path)
    result = runner.invoke(app, ["validate", str(file)])
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    return result, lines


def params() -> list:
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.poor)]
                         if c.poor else []) for c in CASES]


def test_enough_cases():
    assert len(CASES) >= 24
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_refused_with_exit_2_and_no_traceback(case: Case, tmp_path: Path):
    """Every case, also those with a poor message: exit 2, error lines naming the file."""
    result, lines = run_validate(case, tmp_path)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert not result.stdout.strip(), result.stdout
    assert lines, "no message on stderr"
    for ln in lines:
        assert ln.startswith("error: "), ln
        assert case.name in ln, ln


@pytest.mark.parametrize("case", params())
def test_message_is_one_clear_line(case: Case, tmp_path: Path):
    """One line naming the file, the line, the field path and what is wrong."""
    result, lines = run_validate(case, tmp_path)
    assert result.exit_code == 2, result.output
    text = squash(result.stderr)
    assert len(lines) == 1, text
    (line,) = lines
    assert case.name in line, line
    assert case.phrase.lower() in line.lower(), line
    if case.line is not None:
        assert f"{case.name}:{case.line}: " in line, line
    if case.path is not None:
        assert f" {case.path}: " in line, line
    if case.match is not None:
        assert re.search(case.match, line), line


def test_all_bundled_scenarios_are_valid(monkeypatch):
    monkeypatch.chdir(ROOT)
    files = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("scenarios/*.yaml"))
    assert "scenarios/standalone.yaml" in files
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output
    for f in files:
        assert f"ok  {f}" in result.output
