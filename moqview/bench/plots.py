"""PNG plots of the benchmark figures, drawn with matplotlib (Agg, no display)."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend comes first)

log = logging.getLogger(__name__)


def latency(figures: dict, stages, path) -> None:
    """Per video format: p50 bars with p95/p99 whiskers, per target and stage."""
    formats = sorted({label for label, _ in figures}, key=lambda s: int(s[:-3] or 0))
    fig, axes = plt.subplots(
        1, len(formats), figsize=(6 * len(formats), 4.5), squeeze=False
    )
    for axis, label in zip(axes[0], formats, strict=True):
        targets = [t for f, t in figures if f == label]
        width = 0.8 / len(stages)
        for s, stage in enumerate(stages):
            p50, p95, p99 = [], [], []
            for target in targets:
                values = sorted(figures[(label, target)][stage]) or [0.0]
                n = len(values)
                p50.append(values[n // 2])
                p95.append(values[min(n - 1, n * 95 // 100)])
                p99.append(values[min(n - 1, n * 99 // 100)])
            xs = [i + (s - (len(stages) - 1) / 2) * width for i in range(len(targets))]
            axis.bar(xs, p50, width, label=f"publish→{stage} p50")
            axis.scatter(xs, p95, marker="_", color="black", s=60, zorder=3)
            axis.scatter(xs, p99, marker="x", color="black", s=20, zorder=3)
        axis.set_xticks(range(len(targets)), targets)
        axis.set_xlabel("latency target")
        axis.set_ylabel("delay (ms); — p95, x p99")
        axis.set_yscale("log")
        axis.set_title(f"{label} H.264 over the loopback relay")
        axis.grid(axis="y", alpha=0.3)
        axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    log.info("wrote %s", path)
