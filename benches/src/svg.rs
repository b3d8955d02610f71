//! A small SVG writer for the charts of `benches/README.md`: horizontal bar charts (one
//! per Savina benchmark) and log-log line charts (cost against the number of actors).
//! Written here rather than taken from a plotting crate: two chart shapes need about
//! as much code as one crate's configuration, and they stay dependency-free.

use std::fmt::Write;

/// The colours of the series and groups, in order.
const PALETTE: [&str; 8] = [
    "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf",
];

const WIDTH: f64 = 760.0;
const LABEL_W: f64 = 170.0;
const PLOT_W: f64 = 470.0;
const ROW_H: f64 = 22.0;
const TOP: f64 = 48.0;

/// One bar: its label, its value and its group (bars of a group share a colour).
#[derive(Debug, Clone)]
pub struct Bar {
    /// The row label, such as `pykka/smol` or `actix`.
    pub label: String,
    /// The value (must be positive to be drawn on a log scale).
    pub value: f64,
    /// The index of its group in the legend.
    pub group: usize,
}

/// A horizontal bar chart of `bars` in the given order, with a legend of `groups`.
/// The scale is logarithmic when the largest value is more than 10 times the smallest.
pub fn bar_chart(title: &str, unit: &str, groups: &[&str], bars: &[Bar]) -> String {
    let values: Vec<f64> = bars.iter().map(|b| b.value).filter(|v| *v > 0.0).collect();
    let (lo, hi) = min_max(&values);
    let scale = if hi / lo > 10.0 {
        Scale::log(lo, hi)
    } else {
        Scale::linear(hi)
    };
    let height = TOP + ROW_H * bars.len() as f64 + 56.0;
    let mut s = header(WIDTH, height, title);
    let axis_y = TOP + ROW_H * bars.len() as f64 + 4.0;
    for (x, tick) in scale.ticks() {
        let px = LABEL_W + x * PLOT_W;
        let _ = write!(
            s,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{axis_y}" stroke="#ddd"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" class="small">{}</text>"##,
            axis_y + 14.0,
            esc(&tick)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="small">{}{}</text>"#,
        LABEL_W + PLOT_W / 2.0,
        axis_y + 30.0,
        esc(unit),
        if scale.log { " (log scale)" } else { "" }
    );
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let w = if b.value > 0.0 {
            scale.at(b.value) * PLOT_W
        } else {
            0.0
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{LABEL_W}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" class="small">{}</text>"#,
            LABEL_W - 6.0,
            y + 15.0,
            esc(&b.label),
            y + 3.0,
            ROW_H - 6.0,
            PALETTE[b.group % PALETTE.len()],
            LABEL_W + w + 4.0,
            y + 15.0,
            number(b.value)
        );
    }
    legend(&mut s, groups, 24.0);
    s.push_str("</svg>\n");
    s
}

/// One line of a line chart: its label and its points `(x, y)`.
#[derive(Debug, Clone)]
pub struct Line {
    /// The legend entry.
    pub label: String,
    /// The points, in order of `x`; both coordinates must be positive.
    pub points: Vec<(f64, f64)>,
}

/// A line chart with logarithmic axes.
pub fn line_chart(title: &str, x_unit: &str, y_unit: &str, lines: &[Line]) -> String {
    let xs: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .collect();
    let ys: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .collect();
    let (sx, sy) = (Scale::log_of(&xs), Scale::log_of(&ys));
    let (left, plot_w, plot_h) = (80.0, 560.0, 300.0);
    let bottom = TOP + plot_h;
    let mut s = header(WIDTH, bottom + 60.0, title);
    for (x, tick) in sx.ticks() {
        let px = left + x * plot_w;
        let _ = write!(
            s,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{bottom}" stroke="#ddd"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" class="small">{}</text>"##,
            bottom + 14.0,
            esc(&tick)
        );
    }
    for (y, tick) in sy.ticks() {
        let py = bottom - y * plot_h;
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="small">{}</text>"##,
            left + plot_w,
            left - 4.0,
            py + 4.0,
            esc(&tick)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="small">{} (log scale)</text><text x="14" y="{:.1}" class="small" transform="rotate(-90 14 {:.1})" text-anchor="middle">{} (log scale)</text>"#,
        left + plot_w / 2.0,
        bottom + 32.0,
        esc(x_unit),
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        esc(y_unit)
    );
    for (i, l) in lines.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let points: Vec<String> = l
            .points
            .iter()
            .map(|&(x, y)| {
                format!(
                    "{:.1},{:.1}",
                    left + sx.at(x) * plot_w,
                    bottom - sy.at(y) * plot_h
                )
            })
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            points.join(" ")
        );
        for p in &points {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(s, r#"<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>"#);
        }
    }
    let labels: Vec<&str> = lines.iter().map(|l| l.label.as_str()).collect();
    legend(&mut s, &labels, 24.0);
    s.push_str("</svg>\n");
    s
}

/// A linear or logarithmic map from values to `0.0..=1.0`.
#[derive(Debug, Clone, Copy)]
struct Scale {
    lo: f64,
    hi: f64,
    log: bool,
}

impl Scale {
    fn linear(hi: f64) -> Scale {
        let step = nice_step(hi / 5.0);
        Scale {
            lo: 0.0,
            hi: (hi / step).ceil().max(1.0) * step,
            log: false,
        }
    }

    fn log(lo: f64, hi: f64) -> Scale {
        Scale {
            lo: 10f64.powf(lo.log10().floor()),
            hi: 10f64.powf(hi.log10().ceil().max(lo.log10().floor() + 1.0)),
            log: true,
        }
    }

    fn log_of(values: &[f64]) -> Scale {
        let positive: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
        let (lo, hi) = min_max(&positive);
        Scale::log(lo, hi)
    }

    fn at(&self, v: f64) -> f64 {
        let t = if self.log {
            (v.max(self.lo).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        t.clamp(0.0, 1.0)
    }

    /// Tick positions and labels: decades on a log scale, about five steps otherwise.
    fn ticks(&self) -> Vec<(f64, String)> {
        let mut ticks = Vec::new();
        if self.log {
            let mut v = self.lo;
            while v <= self.hi * 1.0001 {
                ticks.push((self.at(v), number(v)));
                v *= 10.0;
            }
        } else {
            let step = nice_step(self.hi / 5.0);
            let mut v = 0.0;
            while v <= self.hi * 1.0001 {
                ticks.push((self.at(v), number(v)));
                v += step;
            }
        }
        ticks
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p)
}

fn min_max(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    if lo.is_finite() && hi > 0.0 {
        (lo, hi)
    } else {
        (1.0, 10.0)
    }
}

/// A value with three significant digits and an SI suffix for large numbers.
pub fn number(v: f64) -> String {
    let (v, suffix) = match v.abs() {
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e4 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let digits = match v.abs() {
        a if a >= 100.0 || a == 0.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    };
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{suffix}")
}

fn header(width: f64, height: f64, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12"><style>.small{{font-size:10px;fill:#444}}</style><rect width="100%" height="100%" fill="white"/><text x="{:.1}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{}</text>"#,
        width / 2.0,
        esc(title)
    )
}

fn legend(s: &mut String, labels: &[&str], y: f64) {
    let mut x = LABEL_W;
    for (i, l) in labels.iter().enumerate() {
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" class="small">{}</text>"#,
            y + 2.0,
            PALETTE[i % PALETTE.len()],
            x + 14.0,
            y + 11.0,
            esc(l)
        );
        x += 24.0 + 6.5 * l.len() as f64;
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            group: 0,
        }
    }

    fn widths(svg: &str) -> Vec<f64> {
        svg.split("<rect x=\"170\"")
            .skip(1)
            .filter_map(|r| r.split("width=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn bars_grow_with_their_values_and_the_largest_fills_most_of_the_plot() {
        let svg = bar_chart(
            "t",
            "ms",
            &["pykka"],
            &[bar("a", 1.0), bar("b", 3.0), bar("c", 2.0)],
        );
        let w = widths(&svg);
        assert_eq!(w.len(), 3);
        assert!(w[0] < w[2] && w[2] < w[1], "{w:?}");
        assert!(w[1] > PLOT_W / 2.0 && w[1] <= PLOT_W);
        assert!(!svg.contains("log scale"));
    }

    #[test]
    fn a_wide_spread_switches_to_a_log_scale_with_decade_ticks() {
        let svg = bar_chart("t", "ms", &[], &[bar("a", 2.0), bar("b", 500.0)]);
        assert!(svg.contains("ms (log scale)"));
        for tick in [">1<", ">10<", ">100<", ">1000<"] {
            assert!(svg.contains(tick), "no tick {tick}");
        }
        let w = widths(&svg);
        // log10(2) of three decades, and log10(500) of three.
        assert!((w[0] - PLOT_W * 2f64.log10() / 3.0).abs() < 0.2, "{w:?}");
        assert!((w[1] - PLOT_W * 500f64.log10() / 3.0).abs() < 0.2, "{w:?}");
    }

    #[test]
    fn text_is_escaped_and_the_document_is_closed() {
        let svg = bar_chart("a < b & c", "ms", &["x\"y"], &[bar("<tag>", 1.0)]);
        assert!(svg.contains("a &lt; b &amp; c") && svg.contains("&lt;tag&gt;"));
        assert!(svg.contains("x&quot;y"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }

    #[test]
    fn lines_have_one_point_per_value_on_log_axes() {
        let lines = [Line {
            label: "smol".into(),
            points: vec![(10.0, 1.0), (1000.0, 100.0)],
        }];
        let svg = line_chart("t", "actors", "ns", &lines);
        assert_eq!(svg.matches("<circle").count(), 2);
        // The first point is at the bottom left corner, the last at the top right.
        assert!(svg.contains(r#"points="80.0,348.0 640.0,48.0""#), "{svg}");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(0.1234), "0.123");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(1500.0), "1500");
        assert_eq!(number(25_000.0), "25k");
        assert_eq!(number(3_000_000.0), "3M");
        assert_eq!(number(0.0), "0");
    }
}
