"""Per-layer diagnostics: from the epoch's layer stats through the record to the gradient panel."""

from __future__ import annotations

import io
import math

from rich.color import Color
from rich.console import Console
from rich.style import Style

from nntui.training.events import Explosion, LayerStats, RunFailed
from nntui.training.record import RunRecord
from nntui.tui.summaries import fraction_health, gradient_summaries, ratio_health
from nntui.tui.widgets.gradients import (
    Columns,
    GradientRows,
    RowStyles,
    exploded_note,
    format_fraction,
    format_ratio,
    format_weight_norm,
    header_text,
)


def diagnosed(started, make_epoch) -> RunRecord:
    """A record of one epoch whose first two layers have these diagnostics."""
    stats = (
        LayerStats("dense_1", 0.1, -3.04, 4.5213, 0.125, None),
        LayerStats("dense_2", 0.2, -5.2, 1234.5, None, 0.8),
        LayerStats("dense_3", 0.3, None, 2.0, None, None),
    )
    record = RunRecord().apply(started)
    return record.apply(make_epoch(1, layers=stats, learning_rate=0.005))


def rendered(rows, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    plain, white = Style(), Color.parse("white")
    styles = RowStyles(
        text={"ok": plain, "vanishing": plain, "exploding": plain},
        spark_min=white,
        spark_max={"ok": white, "vanishing": white, "exploding": white},
        header=plain,
        flagged=Style(bold=True),
    )
    with console.capture() as capture:
        console.print(GradientRows(rows, styles))
    return capture.get().splitlines()


def test_health_thresholds_flag_ratios_far_from_minus_three_and_mostly_dead_layers() -> None:
    assert [ratio_health(v) for v in (-3.0, -4.4, -4.6, -1.6, -1.4, None)] == [
        "ok",
        "ok",
        "low",
        "ok",
        "high",
        "ok",
    ]
    assert [fraction_health(v) for v in (0.1, 0.5, 0.51, None)] == ["ok", "ok", "high", "ok"]


def test_the_record_gives_each_layer_its_diagnostics_and_the_epochs_rate(
    started, make_epoch
) -> None:
    assert RunRecord().apply(started).learning_rate == 0.01  # configured, before any epoch
    record = diagnosed(started, make_epoch)

    first, second, _ = gradient_summaries(record)
    assert (first.update_ratio, first.weight_norm) == (-3.04, 4.5213)
    assert (first.dead_fraction, first.saturated_fraction) == (0.125, None)
    assert (second.ratio_health, second.saturated_health) == ("low", "high")
    assert record.learning_rate == 0.005


def test_columns_drop_the_sparkline_then_the_weight_norm_as_the_panel_narrows() -> None:
    wide, medium, narrow = Columns.fit(56), Columns.fit(45), Columns.fit(38)
    assert wide.spark > 0 and wide.weight
    assert medium == Columns(0, True)
    assert narrow == Columns(0, False)
    assert len(header_text(narrow)) <= 38
    assert len(header_text(wide)) <= 56


def test_values_are_formatted_short_with_a_dash_where_not_applicable() -> None:
    assert format_ratio(-3.04) == "-3.0" and format_ratio(None) == "–"
    assert format_weight_norm(4.5213) == "4.52"
    assert format_weight_norm(1234.5) == "1.2e+03"
    assert format_fraction(0.125) == "12%" and format_fraction(None) == "–"


def test_the_panel_rows_show_every_diagnostic_beside_the_gradient_norm(started, make_epoch) -> None:
    rows = gradient_summaries(diagnosed(started, make_epoch))

    lines = rendered(rows, width=56)

    header = lines[0].split()
    assert header[0] == "layer" and header[-5:] == ["‖∇‖", "Δ/W", "‖W‖", "dead", "sat"]
    assert "log" in header  # the trend column names its one shared log scale
    first = lines[1].split()
    assert first[0] == "dense_1"
    assert first[-4:] == ["-3.0", "4.52", "12%", "–"]
    assert lines[2].split()[-4:] == ["-5.2", "1.2e+03", "–", "80%"]
    narrow = rendered(rows, width=38)
    assert narrow[1].split() == ["dense_1", "1.00e-01", "-3.0", "12%", "–"]


def test_a_diverged_runs_exploding_epoch_gets_a_column_kept_before_the_weight_norm() -> None:
    # Without an explosion nothing changes; with one, ‖W‖ goes before the sparkline.
    assert Columns.fit(54) == Columns(9, True)
    assert Columns.fit(54, exploded=6) == Columns(7, False, 6)
    assert Columns.fit(46, exploded=6) == Columns(0, False, 6)
    assert len(header_text(Columns.fit(54, exploded=6))) <= 54
    assert exploded_note(6, 54) == "‖∇‖ ep 6: the epoch that exploded · rest: epoch 5"
    assert exploded_note(12, 31) == "ep 12 exploded · rest: epoch 11"
    assert exploded_note(1, 25) == "ep 1 exploded · no finite epoch"[:25]


def test_the_panel_rows_show_the_exploding_epochs_norm_beside_the_last_finite_one(
    started, make_epoch
) -> None:
    record = diagnosed(started, make_epoch)
    record.apply(
        RunFailed(
            status="diverged",
            reason="diverged at epoch 2: loss is nan — try a lower training.learning_rate",
            results=None,
            explosion=Explosion(
                epoch=2,
                quantity="loss",
                value=math.nan,
                loss=math.nan,
                grad_norms=(math.inf, 3.2e5, 0.25),
                metrics={"loss": math.nan},
            ),
        )
    )
    rows = gradient_summaries(record)
    assert [row.exploded_health for row in rows] == ["exploding", "exploding", "ok"]

    lines = rendered(rows, width=56)

    header = lines[0].split()
    assert header[-7:] == ["‖∇‖", "‖∇‖", "ep", "2", "Δ/W", "dead", "sat"]  # ‖W‖ made room
    # The last finite epoch's norm, then the exploding epoch's (format_metric: inf, 3.200e+05).
    assert lines[1].split()[-5:] == ["1.00e-01", "inf", "-3.0", "12%", "–"]
    assert lines[2].split()[-5:] == ["2.00e-01", "3.200e+05", "-5.2", "–", "80%"]
    assert lines[3].split()[-5:] == ["3.00e-01", "0.2500", "–", "–", "–"]
    assert lines[-1] == "‖∇‖ ep 2: the epoch that exploded · rest: epoch 1"
