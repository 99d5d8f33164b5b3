//! Charts drawn on the server as SVG: readable without JavaScript, printable, and scaled by
//! their viewBox to any screen. Pure: labels and values in, markup out.
use std::fmt::Write;

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A vertical bar chart of `values` under `labels`, with each value written on its bar and a
/// `<title>` per bar (the exact figure on hover and for screen readers).
pub fn bars(caption: &str, labels: &[String], values: &[f64], unit: &str) -> String {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 36.0;
    let n = values.len().max(1) as f64;
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { (H - TOP - BOTTOM) / max } else { 0.0 };
    let slot = W / n;
    let bar = (slot * 0.6).min(48.0);
    let mut svg = String::new();
    let _ = write!(svg, r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#, esc(caption));
    let _ = write!(svg, r##"<line x1="0" y1="{y}" x2="{W}" y2="{y}" stroke="#bbb" stroke-width="1"/>"##, y = H - BOTTOM);
    for (i, (label, v)) in labels.iter().zip(values).enumerate() {
        let h = v * scale;
        let x = slot * i as f64 + (slot - bar) / 2.0;
        let y = H - BOTTOM - h;
        let shown = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") };
        let _ = write!(
            svg,
            r##"<g><title>{label} {shown}{unit}</title><rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="#b7282e"/><text x="{cx:.1}" y="{ty:.1}" font-size="12" text-anchor="middle" fill="#333">{shown}</text><text x="{cx:.1}" y="{ly:.1}" font-size="12" text-anchor="middle" fill="#555">{label}</text></g>"##,
            label = esc(label),
            unit = esc(unit),
            cx = x + bar / 2.0,
            ty = (y - 5.0).max(12.0),
            ly = H - BOTTOM + 18.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_tall_as_their_values_and_labelled() {
        let svg = bars("走访人次", &["1月".into(), "2月".into()], &[80.0, 40.0], "人次");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"aria-label="走访人次""#));
        let heights: Vec<f64> = svg.match_indices(r#"height=""#).map(|(i, m)| svg[i + m.len()..].split('"').next().unwrap().parse().unwrap()).collect();
        assert_eq!(heights.len(), 2);
        assert!((heights[0] - 2.0 * heights[1]).abs() < 0.2, "{heights:?}");
        assert!(svg.contains("<title>1月 80人次</title>") && svg.contains(">2月</text>"));
    }

    #[test]
    fn empty_and_zero_series_draw_without_dividing_by_zero() {
        assert!(!bars("x", &[], &[], "").contains("NaN"));
        let zero = bars("x", &["1月".into()], &[0.0], "");
        assert!(!zero.contains("NaN") && zero.contains(r#"height="0.0""#));
        assert!(bars("<&>", &["a\"b".into()], &[1.0], "").contains("&lt;&amp;&gt;"), "text is escaped");
    }
}
