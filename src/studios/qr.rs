//! QR codes for the printed studio poster: citizens scan them to reach the studio's public page.
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `url` as a standalone SVG (black modules on white, quiet zone included), sized
/// `px` × `px` so it prints sharply on an A4 poster. A URL too long for any QR code gives an SVG
/// of the same size saying so, so that a poster still renders.
pub fn svg(url: &str, px: u32) -> String {
    // Level M survives a poster being a little scuffed or creased without making the code dense.
    match QrCode::with_error_correction_level(url, EcLevel::M) {
        Ok(code) => code_svg(&code, px),
        Err(_) => too_long_svg(px),
    }
}

/// Renders one SVG unit per module and then declares the whole image `px` wide: the viewBox
/// scales the modules exactly to `px`, where whole-pixel module sizes could only approximate it.
fn code_svg(code: &QrCode, px: u32) -> String {
    let image = code
        .render::<svg::Color>()
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .build();
    let modules = image_side(code);
    let natural = format!(r#"width="{modules}" height="{modules}" viewBox"#);
    let sized = format!(r#"width="{px}px" height="{px}px" viewBox"#);
    image.replacen(&natural, &sized, 1)
}

/// The side of the rendered image in modules: the code plus a quiet zone on both sides (four
/// modules for a normal QR code, the width the standard requires for reliable scanning).
fn image_side(code: &QrCode) -> usize {
    let quiet_zone = if code.version().is_micro() { 2 } else { 4 };
    code.width() + 2 * quiet_zone
}

/// A placeholder the size of the code, telling whoever prints the poster why there is no code.
fn too_long_svg(px: u32) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{px}px" height="{px}px" viewBox="0 0 200 200">"#,
            r##"<rect x="1" y="1" width="198" height="198" fill="#ffffff" stroke="#000000" stroke-width="2"/>"##,
            r##"<text x="100" y="92" text-anchor="middle" font-size="16" fill="#000000">网址过长</text>"##,
            r##"<text x="100" y="120" text-anchor="middle" font-size="16" fill="#000000">无法生成二维码</text>"##,
            r#"</svg>"#,
        ),
        px = px
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://zx.example.gov.cn/s/12";

    #[test]
    fn is_a_standalone_svg_of_the_requested_size() {
        let image = svg(URL, 600);
        assert!(image.starts_with("<?xml"), "{}", &image[..80]);
        assert!(image.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(image.contains(r#"width="600px" height="600px""#), "{}", &image[..200]);
        assert!(image.contains("viewBox=\"0 0 "));
        assert!(image.contains("#000000") && image.contains("#ffffff"));
        assert!(image.ends_with("</svg>"));
    }

    #[test]
    fn includes_the_quiet_zone() {
        let code = QrCode::with_error_correction_level(URL, EcLevel::M).unwrap();
        let side = image_side(&code);
        assert_eq!(side, code.width() + 8);
        assert!(svg(URL, 600).contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    }

    #[test]
    fn depends_only_on_the_url() {
        assert_eq!(svg(URL, 600), svg(URL, 600));
        assert_ne!(svg(URL, 600), svg("https://zx.example.gov.cn/s/13", 600));
    }

    #[test]
    fn too_long_a_url_gives_a_notice_of_the_same_size() {
        let url = format!("https://zx.example.gov.cn/{}", "a".repeat(5000));
        let image = svg(&url, 600);
        assert!(image.starts_with("<?xml"));
        assert!(image.contains(r#"width="600px" height="600px""#));
        assert!(image.contains("无法生成二维码"));
    }
}
