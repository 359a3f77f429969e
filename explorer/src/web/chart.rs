//! Charts as SVG, drawn here so a page needs nothing beyond the binary:
//! a worker's reputation and stake over blocks, tasks per hour.

use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 24.0;
const COLOURS: [&str; 6] = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030"];

/// One named series of `(x, y)` points, `x` ascending.
pub struct Series {
    /// Legend.
    pub name: String,
    /// Points.
    pub points: Vec<(f64, f64)>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A step chart of `series` over blocks (`x`), `y` between `y_min` and
/// `y_max` (taken from the data when `None`).
pub fn steps(title: &str, series: &[Series], y_range: Option<(f64, f64)>, y_fmt: fn(f64) -> String) -> String {
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let (y0, y1) = y_range.unwrap_or_else(|| {
        let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
        let (a, b) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        (a.min(0.0), if b > a { b } else { a + 1.0 })
    });
    let (x0, x1) = if x0 > x1 {
        (0.0, 1.0)
    } else if x0 == x1 {
        (x0 - 1.0, x1 + 1.0)
    } else {
        (x0, x1)
    };
    let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * (W - LEFT - 16.0);
    let sy = |y: f64| TOP + (1.0 - (y - y0) / (y1 - y0)) * (H - TOP - BOTTOM);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}"><rect width="100%" height="100%" fill="white"/><text x="{LEFT}" y="16" font-size="13" font-family="sans-serif">{t}</text>"#,
        t = escape(title)
    );
    for i in 0..=4 {
        let y = y0 + (y1 - y0) * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{py:.1}" y2="{py:.1}" stroke="#e2e8f0"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" font-family="sans-serif">{}</text>"##,
            W - 16.0,
            LEFT - 4.0,
            sy(y) + 3.0,
            escape(&y_fmt(y)),
            py = sy(y)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{LEFT}" y="{}" font-size="10" font-family="sans-serif">#{x0:.0}</text><text x="{}" y="{}" font-size="10" text-anchor="end" font-family="sans-serif">#{x1:.0}</text>"#,
        H - 8.0,
        W - 16.0,
        H - 8.0
    );
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let mut path = String::new();
        let mut last_y = None;
        for (x, y) in &s.points {
            match last_y {
                None => {
                    let _ = write!(path, "M{:.1},{:.1}", sx(*x), sy(*y));
                },
                Some(_) => {
                    let _ = write!(path, " H{:.1} V{:.1}", sx(*x), sy(*y));
                },
            }
            last_y = Some(*y);
        }
        if last_y.is_some() {
            let _ = write!(path, " H{:.1}", sx(x1));
        }
        let _ = write!(
            svg,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/><text x="{}" y="{}" font-size="11" fill="{colour}" font-family="sans-serif">{}</text>"#,
            W - 160.0,
            TOP + 12.0 + 14.0 * i as f64,
            escape(&s.name)
        );
        for (x, y) in &s.points {
            let _ = write!(svg, r#"<circle cx="{:.1}" cy="{:.1}" r="2" fill="{colour}"/>"#, sx(*x), sy(*y));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A bar chart of counts, one bar per labelled bucket.
pub fn bars(title: &str, buckets: &[(String, u64)]) -> String {
    let max = buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let n = buckets.len().max(1) as f64;
    let width = (W - LEFT - 16.0) / n;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}"><rect width="100%" height="100%" fill="white"/><text x="{LEFT}" y="16" font-size="13" font-family="sans-serif">{t}</text>"#,
        t = escape(title)
    );
    for (i, (label, count)) in buckets.iter().enumerate() {
        let h = *count as f64 / max * (H - TOP - BOTTOM);
        let x = LEFT + width * i as f64;
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="#2b6cb0"><title>{}: {count}</title></rect><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" font-family="sans-serif">{count}</text><text x="{:.1}" y="{}" font-size="9" text-anchor="middle" font-family="sans-serif">{}</text>"##,
            x + 2.0,
            H - BOTTOM - h,
            (width - 4.0).max(1.0),
            escape(label),
            x + width / 2.0,
            H - BOTTOM - h - 3.0,
            x + width / 2.0,
            H - 10.0,
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_chart_draws_each_series_within_its_box() {
        let svg = steps(
            "reputation",
            &[Series { name: "model 0".into(), points: vec![(10.0, 0.5), (20.0, 0.75), (30.0, 0.6)] }],
            Some((0.0, 1.0)),
            |y| format!("{y:.2}"),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("model 0") && svg.contains("#10") && svg.contains("#30"));
        // Every drawn coordinate lies inside the picture.
        for c in svg.split("cx=\"").skip(1) {
            let x: f64 = c.split('"').next().unwrap().parse().unwrap();
            assert!((LEFT..=W).contains(&x), "{x}");
        }
    }

    #[test]
    fn bars_scale_to_the_largest_count_and_escape_labels() {
        let svg = bars("tasks <per hour>", &[("a".into(), 1), ("b".into(), 4)]);
        assert!(svg.contains("tasks &lt;per hour&gt;"));
        assert!(svg.contains(&format!("height=\"{:.1}\"", H - TOP - BOTTOM)));
    }
}
