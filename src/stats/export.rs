//! The dashboard as Excel: one sheet of the figures, one per table (groups, studios, places),
//! numbers as numbers.
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A workbook with the figures (section, figure, value) and the tables.
pub fn dashboard_xlsx(title: &str, figures: &[(String, String, String)], tables: &[crate::stats::pages::Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("统计")?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in ["类别", "指标", "数值"].iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &bold)?;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 22)?;
    sheet.set_column_width(2, 14)?;
    for (r, (section, label, value)) in figures.iter().enumerate() {
        let row = r as u32 + 2;
        sheet.write_string(row, 0, section)?;
        sheet.write_string(row, 1, label)?;
        cell(sheet, row, 2, value)?;
    }
    for t in tables.iter().filter(|t| !t.rows.is_empty()) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(t.title)?;
        sheet.set_column_width(0, 22)?;
        for (c, h) in t.heads.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16 + 1, *h, &bold)?;
            sheet.set_column_width(c as u16 + 1, 12)?;
        }
        sheet.set_freeze_panes(1, 1)?;
        for (r, row) in t.rows.iter().enumerate() {
            sheet.write_string(r as u32 + 1, 0, &row.name)?;
            for (c, v) in row.cells.iter().enumerate() {
                cell(sheet, r as u32 + 1, c as u16 + 1, v)?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// A number where the value is one (so sums work in Excel), the text otherwise (87.2%, —).
fn cell(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    match value.parse::<f64>() {
        Ok(n) => sheet.write_number(row, col, n).map(|_| ()),
        Err(_) => sheet.write_string(row, col, value).map(|_| ()),
    }
}
